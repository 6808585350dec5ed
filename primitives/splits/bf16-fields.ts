/**
 * bf16-fields (id 17): split a little-endian bfloat16 stream into its three fields.
 * Input: n bytes = floor(n/2) elements (u16 LE: bit 15 sign, bits 14..7 exponent, 6..0 mantissa)
 * plus, when n is odd, one trailing byte.
 * Outputs:
 *   0 sign:     ceil(count/8) bytes, one bit per element, MSB-first, zero-padded;
 *   1 exponent: count bytes, the 8-bit biased exponent of each element;
 *   2 mantissa: ceil(7*count/8) bytes, 7 bits per element MSB-first (8 values in 7 bytes),
 *               then the odd trailing input byte if there is one.
 * The decoder derives count from the exponent plane and checks both other lengths against it.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { joinFloatFields, splitFloatFields, type FloatLayout } from "../kernels.js";

const BF16: FloatLayout = { width: 2, expBits: 8, manBits: 7 };

export default definePrimitive({
  id: 17,
  name: "bf16-fields",
  kind: "split",
  summary: "bfloat16 -> packed sign bits | exponent plane | packed 7-bit mantissas",
  layout: "0: sign bits (8/byte) | 1: exponent bytes | 2: mantissas 7 bits each (+odd tail byte)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign", "exponent", "mantissa"],
  encode: (input) => ({ streams: splitFloatFields(input, BF16), params: {} }),
  decode: (streams) => joinFloatFields("bf16-fields", streams, BF16),
  python: `
def enc_bf16_fields(data, p):
    return split_float_fields(data, 2, 8, 7), p

def dec_bf16_fields(streams, p, info):
    return join_float_fields("bf16-fields", streams, 2, 8, 7)
`,
});
