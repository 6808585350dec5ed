/**
 * brotli (id 4): terminal backend, a Brotli stream (RFC 7932): LZ77 plus context-modelled Huffman
 * coding. TS: node:zlib; Python: the brotli module.
 * Payload: one complete Brotli stream, nothing after it (Brotli records no total length; the
 * decoder stops at the declared length and requires the stream to end exactly there).
 */
import zlib from "node:zlib";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { guarded, zlibDecode } from "./library.js";

const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_LGWIN, BROTLI_PARAM_SIZE_HINT } = zlib.constants;

export default definePrimitive({
  id: 4,
  name: "brotli",
  kind: "backend",
  summary: "Brotli (RFC 7932), quality 0-11",
  layout: "one Brotli stream (RFC 7932)",
  params: {
    quality: int(0, 11, 11, "compression quality (10-11 use the slow optimal parser)"),
    lgwin: int(10, 24, 22, "log2 of the sliding window size"),
  },
  encode: (input, p) => ({
    streams: [
      guarded("brotli", () =>
        zlib.brotliCompressSync(input, {
          params: { [BROTLI_PARAM_QUALITY]: p.quality, [BROTLI_PARAM_LGWIN]: p.lgwin, [BROTLI_PARAM_SIZE_HINT]: input.length },
        }),
      ),
    ],
    params: p,
  }),
  decode: ([payload], _p, info) => zlibDecode("brotli", zlib.brotliDecompressSync, payload, info.decodedLength),
  python: `
import brotli


def enc_brotli(data, p):
    return [np.frombuffer(brotli.compress(data.tobytes(), quality=p["quality"], lgwin=p["lgwin"]), np.uint8)], p

def dec_brotli(streams, p, info):
    # The brotli module has no output limit: feed the payload in small pieces and stop once the
    # output passes the declared length (one 64-byte piece holds at most a few 16 MiB meta-blocks).
    payload = streams[0].tobytes()
    d = brotli.Decompressor()
    parts = []
    total = 0
    try:
        for at in range(0, len(payload), 64):
            part = d.process(payload[at:at + 64])
            total += len(part)
            if total > info.n:
                raise CodecError("length-mismatch", "brotli: stream decodes past the declared %d bytes" % info.n)
            parts.append(part)
        finished = d.is_finished()
    except brotli.error as e:
        raise CodecError("corrupt-payload", "brotli: %s" % e)
    if not finished:
        raise CodecError("truncated", "brotli: stream ends early")
    return expect_length("brotli", np.frombuffer(b"".join(parts), np.uint8), info.n)
`,
});
