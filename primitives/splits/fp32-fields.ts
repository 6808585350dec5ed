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
import { fail } from "../../src/codec/errors.js";
import { orBitPlane, packBitPlane, packBits, packedLength, u32View, unpackBits } from "../kernels.js";

export default definePrimitive({
  id: 19,
  name: "fp32-fields",
  kind: "split",
  summary: "IEEE float32 -> packed sign bits | exponent plane | packed 23-bit mantissas",
  layout: "0: sign bits (8/byte) | 1: exponent bytes | 2: mantissas 23 bits each (+ n mod 4 tail bytes)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign", "exponent", "mantissa"],
  encode: (input) => {
    const v = u32View(input);
    const count = v.length;
    const exponent = new Uint8Array(count);
    const mantissa = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const x = v[i];
      exponent[i] = x >>> 23; // the byte store drops the sign
      mantissa[i] = x & 0x7fffff;
    }
    const manPacked = packBits(mantissa, 23);
    const tail = input.subarray(count * 4);
    const man = new Uint8Array(manPacked.length + tail.length);
    man.set(manPacked);
    man.set(tail, manPacked.length);
    return { streams: [packBitPlane(v, 31), exponent, man], params: {} };
  },
  decode: ([sign, exponent, man]) => {
    const count = exponent.length;
    const manLen = packedLength(count, 23);
    if (sign.length !== packedLength(count, 1))
      fail("length-mismatch", `fp32-fields: ${sign.length} sign bytes for ${count} elements`);
    const tail = man.length - manLen;
    if (tail < 0 || tail > 3) fail("length-mismatch", `fp32-fields: ${man.length} mantissa bytes for ${count} elements`);
    const out = new Uint8Array(count * 4 + tail);
    const v = new Uint32Array(out.buffer, 0, count);
    unpackBits(man, count, 23, v);
    for (let i = 0; i < count; i++) v[i] |= exponent[i] << 23;
    orBitPlane(sign, v, 31);
    out.set(man.subarray(manLen), count * 4);
    return out;
  },
  python: `
def enc_fp32_fields(data, p):
    count = data.size // 4
    v = data[:count * 4].view("<u4")
    sign = np.packbits((v >> 31).astype(np.uint8))
    exponent = ((v >> 23) & 0xFF).astype(np.uint8)
    man = np.concatenate([pack_bits(v & 0x7FFFFF, 23), data[count * 4:]])
    return [sign, exponent, man], p

def dec_fp32_fields(streams, p, info):
    sign, exponent, man = streams
    count = exponent.size
    man_len = (count * 23 + 7) // 8
    if sign.size != (count + 7) // 8:
        raise CodecError("length-mismatch", "fp32-fields: %d sign bytes for %d elements" % (sign.size, count))
    tail = man.size - man_len
    if tail < 0 or tail > 3:
        raise CodecError("length-mismatch", "fp32-fields: %d mantissa bytes for %d elements" % (man.size, count))
    s = np.unpackbits(sign, count=count).astype(np.uint32)
    m = unpack_bits(man[:man_len], count, 23).astype(np.uint32)
    v = (s << 31) | (exponent.astype(np.uint32) << 23) | m
    return np.concatenate([v.astype("<u4").view(np.uint8), man[man_len:]])
`,
});
