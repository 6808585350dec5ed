/**
 * xor-prev (id 33): XOR of consecutive little-endian elements of `width` bytes (1 or 2).
 * Output (same length as the input): element 0 as is, element i > 0 = x[i] ^ x[i-1], then the
 * n mod width trailing bytes unchanged. Decoding is the running XOR.
 */
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { mapElements } from "../kernels.js";

export default definePrimitive({
  id: 33,
  name: "xor-prev",
  kind: "transform",
  summary: "x[i] ^ x[i-1] on 8/16-bit elements",
  layout: "x[0], x[i] ^ x[i-1] per LE element, + n mod width tail bytes as is",
  params: { width: int(1, 2, 2, "element width in bytes") },
  encode: (input, p) => ({
    streams: [
      mapElements(input, p.width as 1 | 2, (x, out) => {
        let prev = 0;
        for (let i = 0; i < x.length; i++) {
          const v = x[i];
          out[i] = v ^ prev;
          prev = v;
        }
      }),
    ],
    params: p,
  }),
  decode: ([d], p) =>
    mapElements(d, p.width as 1 | 2, (x, out) => {
      let acc = 0;
      for (let i = 0; i < x.length; i++) out[i] = acc ^= x[i];
    }),
  python: `
def enc_xor_prev(data, p):
    x, tail = element_view(data, p["width"])
    out = x.copy()
    out[1:] = x[1:] ^ x[:-1]
    return [np.concatenate([out.view(np.uint8), tail])], p

def dec_xor_prev(streams, p, info):
    d, tail = element_view(streams[0], p["width"])
    return np.concatenate([np.bitwise_xor.accumulate(d).view(np.uint8), tail])
`,
});
