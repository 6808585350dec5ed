/**
 * fp32-fields (id 19): split a little-endian IEEE single-precision stream into its three fields.
 * Input: n bytes = floor(n/4) elements (u32 LE: bit 31 sign, bits 30..23 exponent, 22..0 mantissa)
 * plus the n mod 4 trailing bytes.
 * Outputs:
 *   0 sign:     ceil(count/8) bytes, one bit per element, MSB-first, zero-padded;
 *   1 exponent: count bytes, the 8-bit biased exponent of each element;
 *   2 mantissa: ceil(23*count/8) bytes, 23 bits per element MSB-first (8 values in 23 bytes),
 *               then the 0-3 trailing input bytes.
 * The decoder derives count from the exponent plane and checks both other lengths against it.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { joinFloatFields, splitFloatFields, type FloatLayout } from "../kernels.js";

const FP32: FloatLayout = { width: 4, expBits: 8, manBits: 23 };

export default definePrimitive({
  id: 19,
  name: "fp32-fields",
  kind: "split",
  summary: "IEEE float32 -> packed sign bits | exponent plane | packed 23-bit mantissas",
  layout: "0: sign bits (8/byte) | 1: exponent bytes | 2: mantissas 23 bits each (+ n mod 4 tail bytes)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign", "exponent", "mantissa"],
  encode: (input) => ({ streams: splitFloatFields(input, FP32), params: {} }),
  decode: (streams) => joinFloatFields("fp32-fields", streams, FP32),
  python: `
def enc_fp32_fields(data, p):
    return split_float_fields(data, 4, 8, 23), p

def dec_fp32_fields(streams, p, info):
    return join_float_fields("fp32-fields", streams, 4, 8, 23)
`,
});
