/**
 * sign-fold (id 35): rotate each little-endian u16 element (bf16/fp16) left by one bit, moving the
 * sign from bit 15 to bit 0, so sign-magnitude values of equal magnitude sit next to each other
 * and the high byte holds the top of the exponent instead of the sign.
 * Output (same length): (x << 1 | x >> 15) & 0xffff per element, then the odd trailing byte as is.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { mapElements } from "../kernels.js";

export default definePrimitive({
  id: 35,
  name: "sign-fold",
  kind: "transform",
  summary: "u16 rotate left by 1: sign bit to the LSB",
  layout: "(x << 1 | x >> 15) per u16 LE element, + odd tail byte as is",
  params: {},
  encode: (input, p) => ({
    streams: [
      mapElements(input, 2, (x, out) => {
        for (let i = 0; i < x.length; i++) out[i] = (x[i] << 1) | (x[i] >>> 15);
      }),
    ],
    params: p,
  }),
  decode: ([d]) =>
    mapElements(d, 2, (x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = (x[i] >>> 1) | (x[i] << 15);
    }),
  python: `
def enc_sign_fold(data, p):
    x, tail = element_view(data, 2)
    out = (x << 1) | (x >> 15)
    return [np.concatenate([out.astype("<u2").view(np.uint8), tail])], p

def dec_sign_fold(streams, p, info):
    x, tail = element_view(streams[0], 2)
    out = (x >> 1) | (x << 15)
    return np.concatenate([out.astype("<u2").view(np.uint8), tail])
`,
});
