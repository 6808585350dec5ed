/**
 * fp16-fields (id 18): split a little-endian IEEE half-precision stream into its three fields.
 * Input: n bytes = floor(n/2) elements (u16 LE: bit 15 sign, bits 14..10 exponent, 9..0 mantissa)
 * plus, when n is odd, one trailing byte.
 * Outputs:
 *   0 sign:     ceil(count/8) bytes, one bit per element, MSB-first, zero-padded;
 *   1 exponent: count bytes, the 5-bit biased exponent of each element (the decoder refuses >= 32);
 *   2 mantissa: ceil(10*count/8) bytes, 10 bits per element MSB-first (4 values in 5 bytes),
 *               then the odd trailing input byte if there is one.
 * The decoder derives count from the exponent plane and checks both other lengths against it.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { joinFloatFields, splitFloatFields, type FloatLayout } from "../kernels.js";

const FP16: FloatLayout = { width: 2, expBits: 5, manBits: 10 };

export default definePrimitive({
  id: 18,
  name: "fp16-fields",
  kind: "split",
  summary: "IEEE half -> packed sign bits | 5-bit exponent plane | packed 10-bit mantissas",
  layout: "0: sign bits (8/byte) | 1: exponent bytes (0-31) | 2: mantissas 10 bits each (+odd tail byte)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign", "exponent", "mantissa"],
  encode: (input) => ({ streams: splitFloatFields(input, FP16), params: {} }),
  decode: (streams) => joinFloatFields("fp16-fields", streams, FP16),
  python: `
def enc_fp16_fields(data, p):
    return split_float_fields(data, 2, 5, 10), p

def dec_fp16_fields(streams, p, info):
    return join_float_fields("fp16-fields", streams, 2, 5, 10)
`,
});
