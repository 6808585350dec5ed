/**
 * bf16-se-m (id 21): split a little-endian bfloat16 stream into sign+exponent and mantissa, for
 * entropy coders with 16-bit symbols (sign and exponent are strongly correlated in activations).
 * Input: n bytes = floor(n/2) elements (u16 LE: bit 15 sign, bits 14..7 exponent, 6..0 mantissa)
 * plus, when n is odd, one trailing byte.
 * Outputs:
 *   0 sign-exponent: 2*count bytes, u16 LE per element = (sign << 8) | exponent = element >> 7
 *                    (9 significant bits; the decoder refuses any value >= 512);
 *   1 mantissa:      ceil(7*count/8) bytes, 7 bits per element MSB-first (8 values in 7 bytes),
 *                    then the odd trailing input byte if there is one.
 * The decoder derives count from the sign-exponent stream (even length) and checks the mantissa
 * length against it.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { joinLow7, mantissaWithTail, outputWithTail, splitLow7, u16View } from "../kernels.js";

export default definePrimitive({
  id: 21,
  name: "bf16-se-m",
  kind: "split",
  summary: "bfloat16 -> u16 sign+exponent symbols | packed 7-bit mantissas",
  layout: "0: (sign << 8 | exponent) as u16 LE per element | 1: mantissas 7 bits each (+odd tail byte)",
  params: {},
  arity: () => 2,
  outputNames: () => ["sign-exponent", "mantissa"],
  encode: (input) => {
    const v = u16View(input);
    const se = new Uint16Array(v.length);
    const man = mantissaWithTail(input, v.length, 2, 7);
    splitLow7(v, se, man);
    return { streams: [new Uint8Array(se.buffer), man], params: {} };
  },
  decode: ([seBytes, man]) => {
    if (seBytes.length & 1) fail("length-mismatch", `bf16-se-m: odd sign-exponent stream of ${seBytes.length} bytes`);
    const se = u16View(seBytes);
    const out = outputWithTail("bf16-se-m", man, se.length, 2, 7);
    if (joinLow7(se, man, new Uint16Array(out.buffer, 0, se.length)) >= 512) fail("corrupt-payload", "bf16-se-m: sign-exponent symbol above 9 bits");
    return out;
  },
  python: `
def enc_bf16_se_m(data, p):
    count = data.size // 2
    se = (data[:count * 2].view("<u2") >> 7).astype("<u2", copy=False).view(np.uint8)
    man = pack_bits(data[0:count * 2:2], 7)  # the low byte's 7 low bits are the mantissa
    return [se, np.concatenate([man, data[count * 2:]])], p


def dec_bf16_se_m(streams, p, info):
    se_bytes, man = streams
    if se_bytes.size & 1:
        raise CodecError("length-mismatch", "bf16-se-m: odd sign-exponent stream of %d bytes" % se_bytes.size)
    se = np.ascontiguousarray(se_bytes).view("<u2")
    count = se.size
    man_len = mantissa_length("bf16-se-m", man, count, 2, 7)
    if count and int(se.max()) >= 512:
        raise CodecError("corrupt-payload", "bf16-se-m: sign-exponent symbol above 9 bits")
    out = np.empty(count * 2 + man.size - man_len, np.uint8)
    v = out[:count * 2].view("<u2")
    np.left_shift(se, 7, out=v)
    v |= _unpack7(man[:man_len], count)
    out[count * 2:] = man[man_len:]
    return out
`,
});
