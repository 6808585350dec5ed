/**
 * transpose (id 34): a row-major [rows, cols] matrix of `width`-byte elements -> [cols, rows], so
 * each channel's values become contiguous.
 * Input n bytes: count = floor(n/width) elements, rows = floor(count/cols).
 * Output (n bytes): the first rows*cols elements transposed (column 0 of every row, then column 1,
 * ...), then the count - rows*cols remaining elements and the n - count*width tail bytes unchanged.
 * cols = 0 (auto) is resolved with detectPeriod and the detected value recorded in the frame.
 */
import fc from "fast-check";
import { definePrimitive } from "../../src/codec/primitive.js";
import { mapElements } from "../kernels.js";
import { periodArbitrary, periodParam, requireResolved, resolvePeriod, widthArbitrary, widthParam } from "../matrix.js";

const TILE = 32; // a 32 x 32 tile of reads and writes stays in cache

/** dst[c*rows + r] = src[r*cols + c] for the rows*cols leading elements; the rest copied as is. */
const transposeInto = (src: Uint8Array | Uint16Array, dst: Uint8Array | Uint16Array, rows: number, cols: number): void => {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      // contiguous writes down each output row; reads stride by cols
      for (let c = c0; c < c1; c++) for (let d = c * rows + r0, end = c * rows + r1, s = r0 * cols + c; d < end; d++, s += cols) dst[d] = src[s];
    }
  }
  for (let i = rows * cols; i < src.length; i++) dst[i] = src[i];
};

export default definePrimitive({
  id: 34,
  name: "transpose",
  kind: "transform",
  summary: "[rows, cols] -> [cols, rows] on 8/16-bit elements (channels contiguous)",
  layout: "the rows*cols leading elements column by column, then the remaining elements and tail bytes as is",
  params: { width: widthParam(), cols: periodParam("row length (channels)") },
  arbitrary: fc.record({ width: widthArbitrary, cols: periodArbitrary }),
  encode: (input, p) => {
    const cols = resolvePeriod(input, p.width, p.cols);
    const rows = Math.floor(Math.floor(input.length / p.width) / cols);
    const out = mapElements(input, p.width as 1 | 2, (src, dst) => transposeInto(src, dst, rows, cols));
    return { streams: [out], params: { ...p, cols } };
  },
  decode: ([d], p) => {
    const cols = requireResolved("transpose", "cols", p.cols);
    const rows = Math.floor(Math.floor(d.length / p.width) / cols);
    return mapElements(d, p.width as 1 | 2, (src, dst) => transposeInto(src, dst, cols, rows));
  },
  python: `

def _transpose(data, width, rows, cols):
    body = rows * cols * width
    moved = data[:body].reshape(rows, cols, width).transpose(1, 0, 2).reshape(-1)
    return np.concatenate([moved, data[body:]])

def enc_transpose(data, p):
    cols = matrix_period(data, p["width"], p["cols"])
    rows = data.size // p["width"] // cols
    return [_transpose(data, p["width"], rows, cols)], dict(p, cols=cols)

def dec_transpose(streams, p, info):
    cols = matrix_require_resolved("transpose", "cols", p["cols"])
    rows = streams[0].size // p["width"] // cols
    return _transpose(streams[0], p["width"], cols, rows)
`,
});
