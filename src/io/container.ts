/**
 * The `.evc` container for files with headers (docs/FORMAT.md, "Container"):
 *   "EVT" | version u8 (1) | format u8 (1 npy, 2 safetensors) | header length varint | header bytes
 *   | tensor count varint | per tensor (data order): frame length varint | frames
 * The header is the input file's own, verbatim; tensor i's frame decodes to its data bytes, so the
 * original file is header + decoded frames. Raw inputs are not wrapped: they compress to a bare frame.
 */
import { ByteReader, ByteWriter } from "../codec/bytes.js";
import { CodecError } from "../codec/errors.js";
import { IoError, ioFail, type IoErrorReason } from "./errors.js";
import { parseLayout, type TensorFormat, type TensorLayout } from "./layout.js";

export const CONTAINER_MAGIC = [0x45, 0x56, 0x54] as const; // "EVT"
export const CONTAINER_VERSION = 1;
const FORMAT_CODES: readonly TensorFormat[] = ["npy", "safetensors"]; // code = index + 1

export interface Container {
  readonly layout: TensorLayout;
  readonly header: Uint8Array;
  /** One frame per tensor, in data order. */
  readonly frames: readonly Uint8Array[];
}

export const isContainer = (bytes: Uint8Array): boolean => CONTAINER_MAGIC.every((b, i) => bytes[i] === b);

export const writeContainer = (format: TensorFormat, header: Uint8Array, frames: readonly Uint8Array[]): Uint8Array => {
  const w = new ByteWriter(64 + header.length);
  CONTAINER_MAGIC.forEach((b) => w.byte(b));
  w.byte(CONTAINER_VERSION).byte(FORMAT_CODES.indexOf(format) + 1);
  w.varint(header.length).bytes(header).varint(frames.length);
  for (const f of frames) w.varint(f.length);
  for (const f of frames) w.bytes(f);
  return w.finish();
};

/**
 * The byte reader reports CodecErrors; inside a container they are container (IO) errors. Every
 * length the container declares is bounded by the bytes left, so a length past them is truncation.
 */
const asIoError = <A>(f: () => A): A => {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    const reason: IoErrorReason = e.reason === "truncated" || e.reason === "length-mismatch" ? "truncated" : "bad-header";
    throw new IoError({ reason, message: e.message });
  }
};

/** Parses and validates a container's structure and its embedded header (frames are not decoded). */
export const parseContainer = (bytes: Uint8Array): Container =>
  asIoError(() => {
    if (bytes.length < 5) ioFail("truncated", `container: ${bytes.length} bytes, shorter than its preamble`);
    if (!isContainer(bytes)) ioFail("bad-magic", "not an evocodec container");
    const r = new ByteReader(bytes, "container");
    r.take(3);
    const version = r.byte();
    if (version !== CONTAINER_VERSION) ioFail("unsupported-version", `container version ${version} (this reader reads ${CONTAINER_VERSION})`);
    const code = r.byte();
    const format = FORMAT_CODES[code - 1] ?? ioFail("bad-header", `container: unknown source format ${code}`);
    const header = r.take(r.lengthWithin(r.remaining, "header length"));
    const layout = parseLayout(format, header);
    if (layout.headerLength !== header.length)
      ioFail("size-mismatch", `container: the ${format} header is ${layout.headerLength} bytes, the container holds ${header.length}`);
    const count = r.lengthWithin(r.remaining, "tensor count");
    if (count !== layout.tensors.length) ioFail("size-mismatch", `container: ${count} frames for ${layout.tensors.length} tensors`);
    const lengths = layout.tensors.map(() => r.lengthWithin(r.remaining, "frame length"));
    const frames = lengths.map((n) => r.take(n));
    if (r.remaining > 0) ioFail("trailing-bytes", `container: ${r.remaining} bytes after the last frame`);
    return { layout, header, frames };
  });
