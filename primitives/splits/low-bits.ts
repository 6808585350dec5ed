/**
 * low-bits (id 23): split every `width`-byte little-endian element x into x with its low `bits`
 * bits cleared and those low bits. For bf16 (width 2, bits <= 7) the low mantissa bits are close
 * to uniform noise: stored apart, the coder of the rest models a few high mantissa bits instead of
 * 128 mantissa values (smaller tables, same information).
 * Input: n bytes = count = floor(n / width) elements, then t = n mod width trailing bytes.
 * Outputs:
 *   0 high: n bytes: element i as x_i with bits 0..bits-1 cleared (little-endian, `width` bytes),
 *           then the t trailing bytes verbatim;
 *   1 low:  ceil(count * bits / 8) bytes: x_i mod 2^bits of every element, `bits` bits each,
 *           MSB-first, zero-padded to a byte (as packBits).
 * Requires width 1, 2 or 4 and bits < 8 * width. The decoder derives count from the high stream and refuses a low
 * stream of any other length, nonzero padding, and set bits where the high stream must be clear.
 */
import fc from "fast-check";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { packBits, packedLength, unpackBits } from "../kernels.js";

interface LowBitsParams {
  readonly width: number;
  readonly bits: number;
}

/** The cleared bits of each byte position of an element: byte j of 2^bits - 1. */
const byteMasks = ({ width, bits }: LowBitsParams): Uint8Array => {
  if (width === 3) fail("bad-params", "low-bits: width 3 (elements are 1, 2 or 4 bytes)");
  if (bits >= 8 * width) fail("bad-params", `low-bits: ${bits} low bits of ${width}-byte elements (at most ${8 * width - 1})`);
  const mask = 2 ** bits - 1;
  return Uint8Array.from({ length: width }, (_, j) => Math.floor(mask / 2 ** (8 * j)) & 0xff);
};

/** The low bits of `count` elements, in the narrowest array that holds them. */
const lowValues = (bits: number, count: number): Uint8Array | Uint16Array | Uint32Array =>
  bits <= 8 ? new Uint8Array(count) : bits <= 16 ? new Uint16Array(count) : new Uint32Array(count);

export default definePrimitive({
  id: 23,
  name: "low-bits",
  kind: "split",
  summary: "width-byte elements -> elements with the low bits cleared | the low bits packed",
  layout: "0: elements with bits 0..bits-1 cleared (+ trailing bytes) | 1: those bits, `bits` each MSB-first",
  params: {
    width: int(1, 4, 2, "element width in bytes: 1, 2 or 4 (little-endian elements)"),
    bits: int(1, 31, 4, "low bits split off each element (less than 8 * width)"),
  },
  arity: () => 2,
  outputNames: () => ["high", "low"],
  arbitrary: fc.record({ width: fc.constant(2), bits: fc.integer({ min: 1, max: 8 }) }),
  encode: (input, p) => {
    const masks = byteMasks(p);
    const w = p.width;
    const count = Math.floor(input.length / w);
    const high = new Uint8Array(input); // a copy (Buffer#slice would be a view of the caller's bytes)
    const low = lowValues(p.bits, count);
    // only the byte positions that hold low bits (the first ones) are touched
    for (let j = 0; j < Math.ceil(p.bits / 8); j++) {
      const m = masks[j];
      for (let i = 0, o = j; i < count; i++, o += w) {
        low[i] |= (input[o] & m) << (8 * j);
        high[o] = input[o] & ~m;
      }
    }
    return { streams: [high, packBits(low, p.bits)], params: p };
  },
  decode: ([high, packed], p) => {
    const masks = byteMasks(p);
    const w = p.width;
    const count = Math.floor(high.length / w);
    const need = packedLength(count, p.bits);
    if (packed.length !== need) fail("length-mismatch", `low-bits: low stream of ${packed.length} bytes, ${need} for ${count} elements`);
    const spare = need * 8 - count * p.bits;
    if (need > 0 && (packed[need - 1] & ((1 << spare) - 1)) !== 0) fail("corrupt-payload", "low-bits: nonzero padding after the low bits");
    const low = lowValues(p.bits, count);
    unpackBits(packed, count, p.bits, low);
    const out = new Uint8Array(high);
    let stray = 0;
    for (let j = 0; j < Math.ceil(p.bits / 8); j++) {
      const m = masks[j];
      for (let i = 0, o = j; i < count; i++, o += w) {
        stray |= high[o] & m;
        out[o] |= (low[i] >>> (8 * j)) & m;
      }
    }
    if (stray) fail("corrupt-payload", "low-bits: low bits set in the high stream");
    return out;
  },
  python: `
def _low_bits_mask(p):
    w, k = p["width"], p["bits"]
    if w == 3:
        raise CodecError("bad-params", "low-bits: width 3 (elements are 1, 2 or 4 bytes)")
    if k >= 8 * w:
        raise CodecError("bad-params", "low-bits: %d low bits of %d-byte elements (at most %d)" % (k, w, 8 * w - 1))
    return (1 << k) - 1


def enc_low_bits(data, p):
    mask = _low_bits_mask(p)
    x, tail = element_view(data, p["width"])
    high = np.empty_like(data)
    np.bitwise_and(x, np.invert(x.dtype.type(mask)), out=high[:data.size - tail.size].view(x.dtype))
    high[data.size - tail.size:] = tail
    return [high, pack_bits(x & x.dtype.type(mask), p["bits"])], p


def dec_low_bits(streams, p, info):
    high, packed = streams
    mask = _low_bits_mask(p)
    k = p["bits"]
    x, tail = element_view(np.ascontiguousarray(high), p["width"])
    count = x.size
    need = (count * k + 7) // 8
    if packed.size != need:
        raise CodecError("length-mismatch", "low-bits: low stream of %d bytes, %d for %d elements" % (packed.size, need, count))
    if need and int(packed[-1]) & ((1 << (need * 8 - count * k)) - 1):
        raise CodecError("corrupt-payload", "low-bits: nonzero padding after the low bits")
    if (x & x.dtype.type(mask)).any():
        raise CodecError("corrupt-payload", "low-bits: low bits set in the high stream")
    out = np.empty_like(high)
    # (the low bits unpacked in the elements' type: an or without casting)
    np.bitwise_or(x, unpack_bits(packed, count, k, x.dtype), out=out[:high.size - tail.size].view(x.dtype))
    out[high.size - tail.size:] = tail
    return out
`,
});
