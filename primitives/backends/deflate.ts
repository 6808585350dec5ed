/**
 * deflate (id 5): terminal backend, raw DEFLATE (RFC 1951: no zlib/gzip header or checksum) as
 * zlib writes it with window bits 15 and memLevel 9. TS: node:zlib; Python: zlib (wbits -15).
 * Payload: one complete raw DEFLATE stream, nothing after it.
 */
import zlib from "node:zlib";
import { definePrimitive, int, oneOf } from "../../src/codec/primitive.js";
import { guarded, zlibDecode } from "./library.js";

const STRATEGIES = ["default", "filtered", "huffman-only", "rle", "fixed"] as const;
const ZLIB_STRATEGY: Record<(typeof STRATEGIES)[number], number> = {
  default: zlib.constants.Z_DEFAULT_STRATEGY,
  filtered: zlib.constants.Z_FILTERED,
  "huffman-only": zlib.constants.Z_HUFFMAN_ONLY,
  rle: zlib.constants.Z_RLE,
  fixed: zlib.constants.Z_FIXED,
};

export default definePrimitive({
  id: 5,
  name: "deflate",
  kind: "backend",
  summary: "raw DEFLATE (RFC 1951), zlib levels 0-9 and strategies",
  layout: "one raw DEFLATE stream (RFC 1951)",
  params: {
    level: int(0, 9, 6, "zlib compression level (0 = stored blocks)"),
    strategy: oneOf(STRATEGIES, "default", "zlib strategy: huffman-only codes bytes order-0 with no matching; rle matches distance 1 only"),
  },
  encode: (input, p) => ({
    streams: [
      guarded("deflate", () =>
        zlib.deflateRawSync(input, { level: p.level, strategy: ZLIB_STRATEGY[p.strategy], windowBits: 15, memLevel: 9 }),
      ),
    ],
    params: p,
  }),
  decode: ([payload], _p, info) => zlibDecode("deflate", zlib.inflateRawSync, payload, info.decodedLength, { windowBits: 15 }),
  python: `
import zlib

DEFLATE_STRATEGIES = {"default": zlib.Z_DEFAULT_STRATEGY, "filtered": zlib.Z_FILTERED,
                      "huffman-only": zlib.Z_HUFFMAN_ONLY, "rle": zlib.Z_RLE, "fixed": zlib.Z_FIXED}


def enc_deflate(data, p):
    c = zlib.compressobj(p["level"], zlib.DEFLATED, -15, 9, DEFLATE_STRATEGIES[p["strategy"]])
    return [np.frombuffer(c.compress(data.tobytes()) + c.flush(), np.uint8)], p

def dec_deflate(streams, p, info):
    d = zlib.decompressobj(-15)
    try:
        out = d.decompress(streams[0].tobytes(), info.n + 1)
    except zlib.error as e:
        raise CodecError("corrupt-payload", "deflate: %s" % e)
    out = expect_length("deflate", np.frombuffer(out, np.uint8), info.n)
    if not d.eof or d.unused_data or d.unconsumed_tail:
        raise CodecError("corrupt-payload", "deflate: stream does not end exactly at the end of the payload")
    return out
`,
});
