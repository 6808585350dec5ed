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
import { fail } from "../../src/codec/errors.js";
import { orBitPlane, packBitPlane, packBits, packedLength, u16View, unpackBits } from "../kernels.js";

export default definePrimitive({
  id: 18,
  name: "fp16-fields",
  kind: "split",
  summary: "IEEE half -> packed sign bits | 5-bit exponent plane | packed 10-bit mantissas",
  layout: "0: sign bits (8/byte) | 1: exponent bytes (0-31) | 2: mantissas 10 bits each (+odd tail byte)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign", "exponent", "mantissa"],
  encode: (input) => {
    const v = u16View(input);
    const count = v.length;
    const exponent = new Uint8Array(count);
    const mantissa = new Uint16Array(count);
    for (let i = 0; i < count; i++) {
      const x = v[i];
      exponent[i] = (x >>> 10) & 0x1f;
      mantissa[i] = x & 0x3ff;
    }
    const manPacked = packBits(mantissa, 10);
    const tail = input.length & 1;
    const man = new Uint8Array(manPacked.length + tail);
    man.set(manPacked);
    if (tail) man[manPacked.length] = input[input.length - 1];
    return { streams: [packBitPlane(v, 15), exponent, man], params: {} };
  },
  decode: ([sign, exponent, man]) => {
    const count = exponent.length;
    const manLen = packedLength(count, 10);
    if (sign.length !== packedLength(count, 1))
      fail("length-mismatch", `fp16-fields: ${sign.length} sign bytes for ${count} elements`);
    const tail = man.length - manLen;
    if (tail !== 0 && tail !== 1) fail("length-mismatch", `fp16-fields: ${man.length} mantissa bytes for ${count} elements`);
    const out = new Uint8Array(count * 2 + tail);
    const v = new Uint16Array(out.buffer, 0, count);
    unpackBits(man, count, 10, v);
    let high = 0;
    for (let i = 0; i < count; i++) {
      high |= exponent[i];
      v[i] |= exponent[i] << 10;
    }
    if (high >= 32) fail("corrupt-payload", "fp16-fields: exponent above 5 bits");
    orBitPlane(sign, v, 15);
    if (tail) out[count * 2] = man[manLen];
    return out;
  },
  python: `
def enc_fp16_fields(data, p):
    count = data.size // 2
    v = data[:count * 2].view("<u2")
    sign = np.packbits((v >> 15).astype(np.uint8))
    exponent = ((v >> 10) & 0x1F).astype(np.uint8)
    man = pack_bits(v & 0x3FF, 10)
    if data.size & 1:
        man = np.concatenate([man, data[-1:]])
    return [sign, exponent, man], p

def dec_fp16_fields(streams, p, info):
    sign, exponent, man = streams
    count = exponent.size
    man_len = (count * 10 + 7) // 8
    if sign.size != (count + 7) // 8:
        raise CodecError("length-mismatch", "fp16-fields: %d sign bytes for %d elements" % (sign.size, count))
    tail = man.size - man_len
    if tail not in (0, 1):
        raise CodecError("length-mismatch", "fp16-fields: %d mantissa bytes for %d elements" % (man.size, count))
    if count and int(exponent.max()) >= 32:
        raise CodecError("corrupt-payload", "fp16-fields: exponent above 5 bits")
    s = np.unpackbits(sign, count=count).astype(np.uint16)
    m = unpack_bits(man[:man_len], count, 10).astype(np.uint16)
    v = (s << 15) | (exponent.astype(np.uint16) << 10) | m
    out = v.astype("<u2").view(np.uint8)
    if tail:
        out = np.concatenate([out, man[man_len:]])
    return out
`,
});
