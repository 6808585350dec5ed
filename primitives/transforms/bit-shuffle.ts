/**
 * bit-shuffle (id 37): transpose the bit matrix of each block of elements (as Blosc's
 * bitshuffle does) so that the same bit of neighbouring elements becomes contiguous.
 * Input: count = floor(n/width) elements of `width` bytes, then t = n mod width trailing bytes.
 * Elements go in blocks of B = 2^log2Block; the last block has the remaining r < B elements, of
 * which the first 8*floor(r/8) form a shorter block and the last r mod 8 are copied as is.
 * A block of b elements (b a multiple of 8) becomes 8*width planes of b/8 bytes: plane 8*j + k
 * holds bit 7-k of byte j of every element of the block, MSB-first (element 0 in the top bit).
 * Output (same length): the blocks in order, the r mod 8 unshuffled elements, the t tail bytes.
 * Decoding applies the transpose to each block's planes; nothing to validate beyond the length.
 */
import fc from "fast-check";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { transposeBits } from "../kernels.js";

/** Runs the transpose on every block; `inverse` swaps the bit matrix's shape (planes -> elements). */
const shuffle = (input: Uint8Array, width: number, log2Block: number, inverse: boolean): Uint8Array => {
  const out = new Uint8Array(input.length);
  const count = Math.floor(input.length / width);
  const block = 2 ** log2Block;
  let e = 0;
  while (count - e >= 8) {
    const rows = Math.min(block, (count - e) & ~7);
    const off = e * width;
    if (inverse) transposeBits(input, off, 8 * width, rows >>> 3, out, off);
    else transposeBits(input, off, rows, width, out, off);
    e += rows;
  }
  out.set(input.subarray(e * width), e * width);
  return out;
};

export default definePrimitive({
  id: 37,
  name: "bit-shuffle",
  kind: "transform",
  summary: "per-block bit transpose of 1/2/4-byte elements (bitshuffle)",
  layout: "per block of 2^log2Block elements: 8*width bit planes MSB-first; leftover <8 elements and tail bytes as is",
  params: {
    width: int(1, 4, 2, "element width in bytes"),
    log2Block: int(3, 16, 16, "log2 of the block length in elements (larger blocks compress better with zstd on the corpus)"),
  },
  arbitrary: fc.record({ width: fc.constantFrom(1, 2, 4), log2Block: fc.integer({ min: 3, max: 16 }) }),
  encode: (input, p) => ({ streams: [shuffle(input, p.width, p.log2Block, false)], params: p }),
  decode: ([d], p) => shuffle(d, p.width, p.log2Block, true),
  python: `
def _bit_shuffle(data, w, log2_block, inverse):
    count = data.size // w
    block = 1 << log2_block

    def transpose(seg, blocks, rows, row_bytes):
        # as transposeBits: 8x8 bit transposes of 64-bit words, each the same byte of 8 consecutive
        # rows (first row in the top byte), then the words' bytes go to their output rows
        x = seg.reshape(blocks, rows // 8, 8, row_bytes).transpose(0, 1, 3, 2).copy().view(">u8").astype(np.uint64)
        for shift, mask in ((7, 0x00AA00AA00AA00AA), (14, 0x0000CCCC0000CCCC), (28, 0x00000000F0F0F0F0)):
            t = (x ^ (x >> np.uint64(shift))) & np.uint64(mask)
            x ^= t ^ (t << np.uint64(shift))
        out = x.astype(">u8").view(np.uint8).reshape(blocks, rows // 8, row_bytes, 8)
        return out.transpose(0, 2, 3, 1).reshape(-1)

    parts = []
    e = 0
    for rows, blocks in ((block, count // block), ((count % block) // 8 * 8, 1)):
        if rows == 0 or blocks == 0:
            continue
        seg = data[e * w:(e + rows * blocks) * w]
        parts.append(transpose(seg, blocks, 8 * w, rows // 8) if inverse else transpose(seg, blocks, rows, w))
        e += rows * blocks
    parts.append(data[e * w:])
    return np.concatenate(parts)

def enc_bit_shuffle(data, p):
    return [_bit_shuffle(data, p["width"], p["log2Block"], False)], p

def dec_bit_shuffle(streams, p, info):
    return _bit_shuffle(streams[0], p["width"], p["log2Block"], True)
`,
});
