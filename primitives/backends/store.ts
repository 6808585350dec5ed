/**
 * store (id 1): terminal backend that keeps the stream as it is (for streams no coder shrinks,
 * where even a stored zstd block would add a frame header).
 * Payload: the stream's bytes verbatim; its length must equal the declared decoded length.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { expectLength } from "../kernels.js";

export default definePrimitive({
  id: 1,
  name: "store",
  kind: "backend",
  summary: "the bytes as they are",
  layout: "the stream's bytes verbatim",
  params: {},
  encode: (input, p) => ({ streams: [input], params: p }),
  // a copy, so the decoded bytes never alias the caller's frame buffer
  decode: ([payload], _p, info) => expectLength("store", payload, info.decodedLength).slice(),
  python: `
def enc_store(data, p):
    return [data], p

def dec_store(streams, p, info):
    return expect_length("store", streams[0], info.n)
`,
});
