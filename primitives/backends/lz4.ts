/**
 * lz4 (id 3): terminal backend, one LZ4 block: greedy LZ77 matching, no entropy coding, so it only
 * pays on streams with long exact repeats, and decodes at GB/s.
 * Payload: decoded length u32 LE | one LZ4 block (the LZ4 block format, no frame), i.e. what
 * lz4-napi's compressSync (lz4_flex) and python-lz4's lz4.block.compress(store_size=True) write.
 * The decoder checks the prefix against the declared length before the library allocates it.
 * No parameters: lz4_flex has a single (default, acceleration 1) mode, which Python matches.
 */
import * as lz4 from "lz4-napi";
import { definePrimitive } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { expectLength } from "../kernels.js";
import { asBuffer, guarded, readU32LE } from "./library.js";

export default definePrimitive({
  id: 3,
  name: "lz4",
  kind: "backend",
  summary: "LZ4 block (fast LZ77, no entropy coding)",
  layout: "decoded length u32 LE | one LZ4 block",
  params: {},
  encode: (input, p) => ({ streams: [lz4.compressSync(asBuffer(input))], params: p }),
  decode: ([payload], _p, info) => {
    if (payload.length < 4) fail("truncated", `lz4: ${payload.length} bytes, the size prefix needs 4`);
    const size = readU32LE(payload, 0);
    if (size !== info.decodedLength) fail("length-mismatch", `lz4: block holds ${size} bytes, frame declares ${info.decodedLength}`);
    return expectLength("lz4", guarded("lz4", () => lz4.uncompressSync(payload)), info.decodedLength);
  },
  python: `
import lz4.block


def enc_lz4(data, p):
    return [np.frombuffer(lz4.block.compress(data.tobytes(), mode="default", store_size=True), np.uint8)], p

def dec_lz4(streams, p, info):
    payload = streams[0].tobytes()
    if len(payload) < 4:
        raise CodecError("truncated", "lz4: %d bytes, the size prefix needs 4" % len(payload))
    size = int.from_bytes(payload[:4], "little")
    if size != info.n:
        raise CodecError("length-mismatch", "lz4: block holds %d bytes, frame declares %d" % (size, info.n))
    try:
        out = lz4.block.decompress(payload[4:], uncompressed_size=info.n)
    except Exception as e:
        raise CodecError("corrupt-payload", "lz4: %s" % e)
    return expect_length("lz4", np.frombuffer(out, np.uint8), info.n)
`,
});
