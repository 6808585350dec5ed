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
import { fail } from "../../src/codec/errors.js";
import { joinLow7, orBitPlane, packBitPlane, packedLength, splitLow7, u16View } from "../kernels.js";

export default definePrimitive({
  id: 17,
  name: "bf16-fields",
  kind: "split",
  summary: "bfloat16 -> packed sign bits | exponent plane | packed 7-bit mantissas",
  layout: "0: sign bits (8/byte) | 1: exponent bytes | 2: mantissas 7 bits each (+odd tail byte)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign", "exponent", "mantissa"],
  encode: (input) => {
    const v = u16View(input);
    const count = v.length;
    const exponent = new Uint8Array(count);
    const manLen = packedLength(count, 7);
    const tail = input.length & 1;
    const man = new Uint8Array(manLen + tail);
    splitLow7(v, exponent, man);
    if (tail) man[manLen] = input[input.length - 1];
    return { streams: [packBitPlane(v, 15), exponent, man], params: {} };
  },
  decode: ([sign, exponent, man]) => {
    const count = exponent.length;
    const manLen = packedLength(count, 7);
    if (sign.length !== packedLength(count, 1))
      fail("length-mismatch", `bf16-fields: ${sign.length} sign bytes for ${count} elements`);
    const tail = man.length - manLen;
    if (tail !== 0 && tail !== 1) fail("length-mismatch", `bf16-fields: ${man.length} mantissa bytes for ${count} elements`);
    const out = new Uint8Array(count * 2 + tail);
    const v = new Uint16Array(out.buffer, 0, count);
    joinLow7(exponent, man, v);
    orBitPlane(sign, v, 15);
    if (tail) out[count * 2] = man[manLen];
    return out;
  },
  python: `
def enc_bf16_fields(data, p):
    count = data.size // 2
    v = data[:count * 2].view("<u2")
    sign = np.packbits((v >> 15).astype(np.uint8))
    exponent = ((v >> 7) & 0xFF).astype(np.uint8)
    man = pack_bits((v & 0x7F).astype(np.uint32), 7)
    if data.size & 1:
        man = np.concatenate([man, data[-1:]])
    return [sign, exponent, man], p

def dec_bf16_fields(streams, p, info):
    sign, exponent, man = streams
    count = exponent.size
    man_len = (count * 7 + 7) // 8
    if sign.size != (count + 7) // 8:
        raise CodecError("length-mismatch", "bf16-fields: %d sign bytes for %d elements" % (sign.size, count))
    tail = man.size - man_len
    if tail not in (0, 1):
        raise CodecError("length-mismatch", "bf16-fields: %d mantissa bytes for %d elements" % (man.size, count))
    s = np.unpackbits(sign, count=count).astype(np.uint16)
    m = unpack_bits(man[:man_len], count, 7).astype(np.uint16)
    v = (s << 15) | (exponent.astype(np.uint16) << 7) | m
    out = v.astype("<u2").view(np.uint8)
    if tail:
        out = np.concatenate([out, man[man_len:]])
    return out
`,
});
