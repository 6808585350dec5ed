/**
 * zstd (id 2): terminal backend, native libzstd through zstd-napi.
 * Payload: one standard zstd frame (RFC 8878) holding the whole stream; the frame header carries
 * the content size, which the decoder cross-checks against the length the evocodec frame declares.
 */
import * as zstd from "zstd-napi";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { expectLength } from "../kernels.js";

export default definePrimitive({
  id: 2,
  name: "zstd",
  kind: "backend",
  summary: "Zstandard, levels 1-22 (native libzstd)",
  layout: "one zstd frame (RFC 8878) with content size",
  params: { level: int(1, 22, 3, "compression level (>= 20 uses ultra mode)") },
  encode: (input, p) => ({ streams: [zstd.compress(input, { compressionLevel: p.level })], params: p }),
  decode: ([payload], _p, info) => {
    let out: Uint8Array;
    try {
      out = zstd.decompress(payload, { windowLogMax: 31 });
    } catch (e) {
      return fail("corrupt-payload", `zstd: ${(e as Error).message}`);
    }
    return expectLength("zstd", out, info.decodedLength);
  },
  python: `
import zstd
import zstandard


def enc_zstd(data, p):
    return [np.frombuffer(zstd.compress(data.tobytes(), p["level"]), np.uint8)], p

def dec_zstd(streams, p, info):
    try:
        out = zstandard.ZstdDecompressor().decompress(streams[0].tobytes(), max_output_size=info.n)
    except Exception as e:
        raise CodecError("corrupt-payload", "zstd: %s" % e)
    return expect_length("zstd", np.frombuffer(out, np.uint8), info.n)
`,
});
