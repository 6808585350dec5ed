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
_SE_M_U64 = np.uint64


def enc_bf16_se_m(data, p):
    count = data.size // 2
    se = (data[:count * 2].view("<u2") >> 7).astype("<u2", copy=False).view(np.uint8)
    groups = -(-count // 8)
    m = np.zeros(groups * 8, np.uint8)
    np.bitwise_and(data[0:count * 2:2], 0x7F, out=m[:count])
    # 8 mantissas as one big-endian word (first on top), squeezed to 56 bits: pairs, quads, halves
    U = _SE_M_U64
    x = m.view(">u8").astype(np.uint64)
    x = (x & U(0x007F007F007F007F)) | ((x >> U(1)) & U(0x3F803F803F803F80))
    x = (x & U(0x00003FFF00003FFF)) | ((x >> U(2)) & U(0x0FFFC0000FFFC000))
    x = (x & U(0x000000000FFFFFFF)) | ((x >> U(4)) & U(0x00FFFFFFF0000000))
    man_len = (count * 7 + 7) // 8
    tail = data.size & 1
    man = np.empty(groups * 7 + tail, np.uint8)
    man[:groups * 7].reshape(groups, 7)[...] = x.astype(">u8").view(np.uint8).reshape(groups, 8)[:, 1:]
    if tail:
        man[man_len] = data[-1]
    return [se, man[:man_len + tail]], p


def dec_bf16_se_m(streams, p, info):
    se_bytes, man = streams
    if se_bytes.size & 1:
        raise CodecError("length-mismatch", "bf16-se-m: odd sign-exponent stream of %d bytes" % se_bytes.size)
    se = np.ascontiguousarray(se_bytes).view("<u2")
    count = se.size
    man_len = (count * 7 + 7) // 8
    tail = man.size - man_len
    if tail not in (0, 1):
        raise CodecError("length-mismatch", "bf16-se-m: %d mantissa bytes for %d elements" % (man.size, count))
    if count and int(se.max()) >= 512:
        raise CodecError("corrupt-payload", "bf16-se-m: sign-exponent symbol above 9 bits")
    # each 7 bytes -> the low 56 bits of a big-endian word, spread back to 8 bytes (inverse of enc)
    groups = -(-count // 8)
    words = np.zeros((groups, 8), np.uint8)
    full = man_len // 7
    words[:full, 1:] = man[:full * 7].reshape(full, 7)
    if full < groups:
        words[full, 1:1 + man_len - full * 7] = man[full * 7:man_len]
    U = _SE_M_U64
    x = words.reshape(-1).view(">u8").astype(np.uint64)
    x = (x & U(0x000000000FFFFFFF)) | ((x << U(4)) & U(0x0FFFFFFF00000000))
    x = (x & U(0x00003FFF00003FFF)) | ((x << U(2)) & U(0x3FFF00003FFF0000))
    x = (x & U(0x007F007F007F007F)) | ((x << U(1)) & U(0x7F007F007F007F00))
    out = np.empty(count * 2 + tail, np.uint8)
    v = out[:count * 2].view("<u2")
    np.left_shift(se, 7, out=v)
    v |= x.astype(">u8").view(np.uint8)[:count]
    if tail:
        out[count * 2] = man[man_len]
    return out
`,
});
