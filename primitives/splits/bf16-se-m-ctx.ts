/**
 * bf16-se-m-ctx (id 24): split a little-endian bfloat16 stream into sign+exponent symbols and two
 * mantissa streams, one for the elements whose sign+exponent is 0 and one for the rest. After an
 * XOR with a reference row (row-ref-xor) a zero sign+exponent means "same sign and exponent as the
 * reference", and those mantissas are far from uniform (the rest are near-random): one byte-level
 * coder per stream sees each distribution apart (about 0.7 % of the input smaller on the corpus than
 * one mixed stream).
 * Input: n bytes = count = floor(n/2) elements (u16 LE: bit 15 sign, 14..7 exponent, 6..0 mantissa)
 * plus, when n is odd, one trailing byte.
 * Outputs:
 *   0 sign-exponent: count u16 LE = element >> 7 (the decoder refuses any value >= 512);
 *   1 same:          one byte (element & 0x7f) per element whose sign+exponent is 0, in order;
 *   2 other:         one byte per other element, in order, then the odd trailing byte.
 * The decoder checks the sign-exponent stream's length is even, stream 1 against the zero
 * symbols, stream 2 against the others (plus at most one tail byte), and every mantissa < 128.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { u16View } from "../kernels.js";

export default definePrimitive({
  id: 24,
  name: "bf16-se-m-ctx",
  kind: "split",
  summary: "bfloat16 -> u16 sign+exponent | mantissas where sign+exponent is 0 | the other mantissas",
  layout: "0: element >> 7 as u16 LE | 1: mantissa bytes of elements with sign+exponent 0 | 2: the other mantissa bytes (+odd tail byte)",
  params: {},
  arity: () => 3,
  outputNames: () => ["sign-exponent", "same", "other"],
  encode: (input) => {
    const v = u16View(input);
    const count = v.length;
    const se = new Uint16Array(count);
    let zeros = 0;
    for (let i = 0; i < count; i++) if ((se[i] = v[i] >>> 7) === 0) zeros++;
    const tail = input.length - 2 * count;
    const same = new Uint8Array(zeros);
    const other = new Uint8Array(count - zeros + tail);
    for (let i = 0, a = 0, b = 0; i < count; i++) {
      if (se[i] === 0) same[a++] = v[i] & 0x7f;
      else other[b++] = v[i] & 0x7f;
    }
    if (tail) other[other.length - 1] = input[input.length - 1];
    return { streams: [new Uint8Array(se.buffer), same, other], params: {} };
  },
  decode: ([seBytes, same, other], _p, info) => {
    if (seBytes.length & 1) fail("length-mismatch", `bf16-se-m-ctx: odd sign-exponent stream of ${seBytes.length} bytes`);
    const se = u16View(seBytes);
    const count = se.length;
    let zeros = 0;
    for (let i = 0; i < count; i++) if (se[i] === 0) zeros++;
    if (same.length !== zeros) fail("length-mismatch", `bf16-se-m-ctx: ${same.length} mantissas for ${zeros} zero sign+exponents`);
    const tail = other.length - (count - zeros);
    if (tail < 0 || tail > 1) fail("length-mismatch", `bf16-se-m-ctx: ${other.length} mantissas for ${count - zeros} other elements`);
    if (2 * count + tail > info.cap) fail("size-cap", `bf16-se-m-ctx: ${count} elements over cap ${info.cap}`);
    const out = new Uint8Array(2 * count + tail);
    const x = new Uint16Array(out.buffer, 0, count);
    let bad = 0;
    for (let i = 0, a = 0, b = 0; i < count; i++) {
      const s = se[i];
      const m = s === 0 ? same[a++] : other[b++];
      bad |= (s >>> 9) | (m >>> 7);
      x[i] = (s << 7) | m;
    }
    if (bad) fail("corrupt-payload", "bf16-se-m-ctx: a sign+exponent above 9 bits or a mantissa above 7");
    if (tail) out[2 * count] = other[other.length - 1];
    return out;
  },
  python: `

def arity_bf16_se_m_ctx(p):
    return 3

def enc_bf16_se_m_ctx(data, p):
    count = data.size // 2
    x = data[:count * 2].view("<u2")
    se = x >> 7
    man = data[0:count * 2:2] & 0x7F  # the low byte's 7 low bits are the mantissa
    zero = se == 0
    same = man.take(np.flatnonzero(zero))
    other = man.take(np.flatnonzero(~zero))
    return [se.astype("<u2", copy=False).view(np.uint8), same, np.concatenate([other, data[count * 2:]])], p

def dec_bf16_se_m_ctx(streams, p, info):
    se_bytes, same, other = streams
    if se_bytes.size & 1:
        raise CodecError("length-mismatch", "bf16-se-m-ctx: odd sign-exponent stream of %d bytes" % se_bytes.size)
    se = np.ascontiguousarray(se_bytes).view("<u2")
    count = se.size
    zero = se == 0
    at_same = np.flatnonzero(zero)
    if same.size != at_same.size:
        raise CodecError("length-mismatch", "bf16-se-m-ctx: %d mantissas for %d zero sign+exponents" % (same.size, at_same.size))
    tail = other.size - (count - at_same.size)
    if tail < 0 or tail > 1:
        raise CodecError("length-mismatch", "bf16-se-m-ctx: %d mantissas for %d other elements" % (other.size, count - at_same.size))
    if 2 * count + tail > info.cap:
        raise CodecError("size-cap", "bf16-se-m-ctx: %d elements over cap %d" % (count, info.cap))
    if count and (int(se.max()) >= 512 or int(same.max(initial=0)) >= 128 or int(other[:other.size - tail].max(initial=0)) >= 128):
        raise CodecError("corrupt-payload", "bf16-se-m-ctx: a sign+exponent above 9 bits or a mantissa above 7")
    man = np.empty(count, np.uint8)
    man.put(at_same, same)
    man.put(np.flatnonzero(~zero), other[:other.size - tail])
    out = np.empty(2 * count + tail, np.uint8)
    x = out[:count * 2].view("<u2")
    np.left_shift(se, 7, out=x)
    x |= man
    out[count * 2:] = other[other.size - tail:]
    return out
`,
});
