/**
 * zigzag (id 36): map two's complement little-endian elements of `width` bytes (1 or 2) to
 * unsigned so small magnitudes of either sign become small: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ...
 * Output (same length): (v << 1) ^ (v >> (bits - 1)) per element (arithmetic shift, mod 2^bits),
 * then the n mod width trailing bytes unchanged. Decoding: (u >> 1) ^ -(u & 1).
 */
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { mapElements } from "../kernels.js";

export default definePrimitive({
  id: 36,
  name: "zigzag",
  kind: "transform",
  summary: "two's complement -> zigzag unsigned on 8/16-bit elements",
  layout: "(v << 1) ^ (v >> (bits-1)) per LE element, + n mod width tail bytes as is",
  params: { width: int(1, 2, 2, "element width in bytes") },
  encode: (input, p) => {
    const top = 8 * p.width - 1;
    return {
      streams: [
        mapElements(input, p.width as 1 | 2, (x, out) => {
          for (let i = 0; i < x.length; i++) out[i] = (x[i] << 1) ^ -(x[i] >>> top); // typed store wraps
        }),
      ],
      params: p,
    };
  },
  decode: ([d], p) =>
    mapElements(d, p.width as 1 | 2, (x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = (x[i] >>> 1) ^ -(x[i] & 1);
    }),
  python: `
def enc_zigzag(data, p):
    x, tail = element_view(data, p["width"])
    ones = np.array(-1).astype(x.dtype)  # all bits set
    out = (x << 1) ^ ((x >> (8 * p["width"] - 1)) * ones)
    return [np.concatenate([out.astype(x.dtype).view(np.uint8), tail])], p

def dec_zigzag(streams, p, info):
    x, tail = element_view(streams[0], p["width"])
    ones = np.array(-1).astype(x.dtype)
    out = (x >> 1) ^ ((x & 1) * ones)
    return np.concatenate([out.astype(x.dtype).view(np.uint8), tail])
`,
});
