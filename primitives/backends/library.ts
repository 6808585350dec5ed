/**
 * What the backends that wrap a compression library share: a library's failure on a payload is a
 * corrupt payload (CodecError), never another exception, and node:zlib decoders are bounded by
 * the declared length and must consume the whole payload.
 */
import zlib from "node:zlib";
import { CodecError, fail } from "../../src/codec/errors.js";
import { expectLength } from "../kernels.js";

/** Runs a library call on payload data; anything it throws but a CodecError becomes corrupt-payload. */
export const guarded = <T>(who: string, call: () => T): T => {
  try {
    return call();
  } catch (e) {
    if (e instanceof CodecError) throw e;
    return fail("corrupt-payload", `${who}: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** Zero-copy Buffer view (some bindings accept only Buffer). */
export const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export const readU32LE = (b: Uint8Array, at: number): number =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 2 ** 24;

type ZlibSyncDecoder = (payload: Uint8Array, options: object) => unknown;

/**
 * Decodes one node:zlib stream (inflateRawSync, brotliDecompressSync) into exactly `n` bytes. The
 * library aborts as soon as the output would pass `n` (it refuses a 0 limit, hence at least 1),
 * and, since it ignores what follows the end of the stream, the bytes it consumed must be the
 * whole payload.
 */
export const zlibDecode = (who: string, decode: ZlibSyncDecoder, payload: Uint8Array, n: number, options: object = {}): Uint8Array => {
  const { buffer, engine } = guarded(
    who,
    () => decode(payload, { ...options, maxOutputLength: Math.max(1, n), info: true }) as { buffer: Buffer; engine: zlib.Inflate },
  );
  if (engine.bytesWritten !== payload.length)
    fail("corrupt-payload", `${who}: ${payload.length - engine.bytesWritten} bytes after the end of the stream`);
  return expectLength(who, buffer, n);
};
