/**
 * Whole-file compression: a raw file becomes one bare frame; an .npy or .safetensors file becomes a
 * container with its header verbatim and one frame per tensor, so decompression restores it byte
 * for byte. Synchronous and throwing (IoError / CodecError); src/io/index.ts wraps these in Effects.
 */
import { decodeFrame, encodeFrame, DEFAULT_CAP, type PipelineNode } from "../codec/index.js";
import { MAGIC } from "../codec/frame.js";
import { encodeTensor } from "./choose.js";
import { isContainer, parseContainer, writeContainer } from "./container.js";
import { ioFail } from "./errors.js";
import { parseLayout, type SourceFormat } from "./layout.js";
import type { TensorDtype } from "./tensor.js";

export interface PartReport {
  /** Tensor name ("array" for .npy, "raw" for raw input). */
  readonly name: string;
  readonly dtype: TensorDtype | null;
  readonly shape: readonly number[] | null;
  readonly inputBytes: number;
  readonly frameBytes: number;
  /** The pipeline as resolved by the encoders (what the frame records). */
  readonly pipeline: PipelineNode;
}

export interface Compressed {
  readonly format: SourceFormat;
  readonly output: Uint8Array;
  readonly parts: readonly PartReport[];
}

export const isFrame = (bytes: Uint8Array): boolean => MAGIC.every((b, i) => bytes[i] === b);

/** Compresses a whole file; `bf16` is the pipeline for raw input and for bf16 tensors. */
export const compressBytes = (format: SourceFormat, input: Uint8Array, bf16: PipelineNode): Compressed => {
  if (format === "raw") {
    const r = encodeFrame(bf16, input);
    return {
      format,
      output: r.frame,
      parts: [{ name: "raw", dtype: null, shape: null, inputBytes: input.length, frameBytes: r.frame.length, pipeline: r.resolved }],
    };
  }
  const layout = parseLayout(format, input, input.length);
  const data = input.subarray(layout.headerLength);
  const parts = layout.tensors.map((t) => {
    const r = encodeTensor(t.dtype, data.subarray(t.begin, t.end), bf16);
    return { report: { name: t.name, dtype: t.dtype, shape: t.shape, inputBytes: t.end - t.begin, frameBytes: r.frame.length, pipeline: r.resolved }, frame: r.frame };
  });
  const output = writeContainer(format, input.subarray(0, layout.headerLength), parts.map((p) => p.frame));
  return { format, output, parts: parts.map((p) => p.report) };
};

export interface Decompressed {
  readonly kind: "frame" | "container";
  readonly output: Uint8Array;
}

/** Restores the original file from a bare frame or a container. */
export const decompressBytes = (input: Uint8Array, cap = DEFAULT_CAP): Decompressed => {
  if (isFrame(input)) return { kind: "frame", output: decodeFrame(input, cap) };
  if (!isContainer(input)) ioFail(input.length < 3 ? "truncated" : "bad-magic", "not an evocodec frame or container");
  const { layout, header, frames } = parseContainer(input);
  // Decode (and check) every frame before allocating the output, so a header claiming huge
  // tensors cannot make us allocate more than the frames really hold.
  const decoded = layout.tensors.map((t, i) => {
    const d = decodeFrame(frames[i], cap);
    if (d.length !== t.end - t.begin) ioFail("size-mismatch", `container: tensor "${t.name}" decodes to ${d.length} bytes, its header says ${t.end - t.begin}`);
    return d;
  });
  const output = new Uint8Array(header.length + layout.dataBytes);
  output.set(header);
  layout.tensors.forEach((t, i) => output.set(decoded[i], header.length + t.begin));
  return { kind: "container", output };
};
