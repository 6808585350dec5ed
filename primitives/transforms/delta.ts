/**
 * delta (id 32): difference of consecutive little-endian elements of `width` bytes (1 or 2).
 * Output (same length as the input): element 0 as is, element i > 0 = x[i] - x[i-1] mod 2^(8*width),
 * then the n mod width trailing bytes unchanged. Decoding is the running sum mod 2^(8*width).
 */
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { mapElements } from "../kernels.js";

export default definePrimitive({
  id: 32,
  name: "delta",
  kind: "transform",
  summary: "x[i] - x[i-1] on 8/16-bit elements (wrapping)",
  layout: "x[0], x[i] - x[i-1] mod 2^(8*width) per LE element, + n mod width tail bytes as is",
  params: { width: int(1, 2, 2, "element width in bytes") },
  encode: (input, p) => ({
    streams: [
      mapElements(input, p.width as 1 | 2, (x, out) => {
        let prev = 0;
        for (let i = 0; i < x.length; i++) {
          const v = x[i];
          out[i] = v - prev; // the typed store wraps mod 2^bits
          prev = v;
        }
      }),
    ],
    params: p,
  }),
  decode: ([d], p) =>
    mapElements(d, p.width as 1 | 2, (x, out) => {
      let acc = 0;
      for (let i = 0; i < x.length; i++) out[i] = acc = (acc + x[i]) & 0xffff;
    }),
  python: `
def enc_delta(data, p):
    x, tail = element_view(data, p["width"])
    out = x.copy()
    out[1:] = x[1:] - x[:-1]
    return [np.concatenate([out.view(np.uint8), tail])], p

def dec_delta(streams, p, info):
    d, tail = element_view(streams[0], p["width"])
    return np.concatenate([np.cumsum(d, dtype=d.dtype).view(np.uint8), tail])
`,
});
