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
 * Requires bits < 8 * width. The decoder derives count from the high stream and refuses a low
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
  if (bits >= 8 * width) fail("bad-params", `low-bits: ${bits} low bits of ${width}-byte elements (at most ${8 * width - 1})`);
  const mask = 2 ** bits - 1;
  return Uint8Array.from({ length: width }, (_, j) => Math.floor(mask / 2 ** (8 * j)) & 0xff);
};

export default definePrimitive({
  id: 23,
  name: "low-bits",
  kind: "split",
  summary: "width-byte elements -> elements with the low bits cleared | the low bits packed",
  layout: "0: elements with bits 0..bits-1 cleared (+ trailing bytes) | 1: those bits, `bits` each MSB-first",
  params: {
    width: int(1, 4, 2, "element width in bytes (little-endian elements)"),
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
    const low = new Uint32Array(count);
    for (let i = 0, o = 0; i < count; i++) {
      let v = 0;
      for (let j = 0, scale = 1; j < w; j++, o++, scale *= 256) {
        v += (input[o] & masks[j]) * scale;
        high[o] = input[o] & ~masks[j];
      }
      low[i] = v;
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
    const low = new Uint32Array(count);
    unpackBits(packed, count, p.bits, low);
    const out = new Uint8Array(high);
    for (let i = 0, o = 0; i < count; i++)
      for (let j = 0, v = low[i]; j < w; j++, o++, v = Math.floor(v / 256)) {
        if (high[o] & masks[j]) fail("corrupt-payload", `low-bits: element ${i} has low bits set in the high stream`);
        out[o] |= v & masks[j];
      }
    return out;
  },
  python: `
def _low_bits_masks(p):
    w, k = p["width"], p["bits"]
    if k >= 8 * w:
        raise CodecError("bad-params", "low-bits: %d low bits of %d-byte elements (at most %d)" % (k, w, 8 * w - 1))
    return np.array([(((1 << k) - 1) >> (8 * j)) & 0xFF for j in range(w)], np.uint8)


def enc_low_bits(data, p):
    masks = _low_bits_masks(p)
    w = masks.size
    count = data.size // w
    elements = data[:count * w].reshape(count, w)
    low = np.zeros(count, np.uint32)
    for j in range(w):
        low |= (elements[:, j] & masks[j]).astype(np.uint32) << np.uint32(8 * j)
    high = data.copy()
    high[:count * w].reshape(count, w)[...] &= ~masks
    return [high, pack_bits(low, p["bits"])], p


def dec_low_bits(streams, p, info):
    high, packed = streams
    masks = _low_bits_masks(p)
    w, k = masks.size, p["bits"]
    count = high.size // w
    need = (count * k + 7) // 8
    if packed.size != need:
        raise CodecError("length-mismatch", "low-bits: low stream of %d bytes, %d for %d elements" % (packed.size, need, count))
    if need and int(packed[-1]) & ((1 << (need * 8 - count * k)) - 1):
        raise CodecError("corrupt-payload", "low-bits: nonzero padding after the low bits")
    elements = high[:count * w].reshape(count, w)
    if (elements & masks).any():
        raise CodecError("corrupt-payload", "low-bits: low bits set in the high stream")
    low = unpack_bits(packed, count, k)
    out = high.copy()
    out_elements = out[:count * w].reshape(count, w)
    for j in range(w):
        out_elements[:, j] |= ((low >> np.uint32(8 * j)) & np.uint32(masks[j])).astype(np.uint8)
    return out
`,
});
