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
import zstandard


def enc_zstd(data, p):
    # zstandard rather than the zstd module: the latter returns a non-frame for empty input
    return [np.frombuffer(zstandard.ZstdCompressor(level=p["level"]).compress(data.tobytes()), np.uint8)], p

def dec_zstd(streams, p, info):
    try:
        payload = streams[0].tobytes()
        if zstandard.frame_content_size(payload) not in (-1, info.n):
            raise CodecError("length-mismatch", "zstd: frame content size differs from the declared %d" % info.n)
        out = zstandard.ZstdDecompressor().decompress(payload, max_output_size=info.n)
    except CodecError:
        raise
    except Exception as e:
        raise CodecError("corrupt-payload", "zstd: %s" % e)
    return expect_length("zstd", np.frombuffer(out, np.uint8), info.n)
`,
});
