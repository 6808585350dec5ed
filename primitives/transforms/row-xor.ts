/**
 * row-xor (id 40): XOR of each element with the element one row (period) earlier, on `width`-byte
 * little-endian elements: a channel that keeps its sign and exponent across rows leaves zero high bits.
 * Output (same length as the input): x[i] for i < period, x[i] ^ x[i - period] for i >= period, then
 * the n mod width tail bytes unchanged. Decoding is a running XOR down each column.
 * period = 0 (auto) is resolved with detectPeriod and the detected value recorded in the frame.
 */
import fc from "fast-check";
import { definePrimitive } from "../../src/codec/primitive.js";
import { mapElements } from "../kernels.js";
import { periodArbitrary, periodParam, requireResolved, resolvePeriod, widthArbitrary, widthParam } from "../matrix.js";

export default definePrimitive({
  id: 40,
  name: "row-xor",
  kind: "transform",
  summary: "x[i] ^ x[i - period] on 8/16-bit elements (XOR with the row above)",
  layout: "x[i] for i < period, x[i] ^ x[i-period] after, per LE element, + n mod width tail bytes as is",
  params: { width: widthParam(), period: periodParam("row length") },
  arbitrary: fc.record({ width: widthArbitrary, period: periodArbitrary }),
  encode: (input, p) => {
    const period = resolvePeriod(input, p.width, p.period);
    const out = mapElements(input, p.width as 1 | 2, (x, y) => {
      const head = Math.min(period, x.length);
      for (let i = 0; i < head; i++) y[i] = x[i];
      for (let i = period; i < x.length; i++) y[i] = x[i] ^ x[i - period];
    });
    return { streams: [out], params: { ...p, period } };
  },
  decode: ([d], p) => {
    const period = requireResolved("row-xor", "period", p.period);
    return mapElements(d, p.width as 1 | 2, (y, x) => {
      const head = Math.min(period, y.length);
      for (let i = 0; i < head; i++) x[i] = y[i];
      for (let i = period; i < y.length; i++) x[i] = y[i] ^ x[i - period];
    });
  },
  python: `

def _row_xor_split(data, width):
    count = data.size // width
    return data[:count * width].view(matrix_dtype(width)), data[count * width:]

def enc_row_xor(data, p):
    period = matrix_period(data, p["width"], p["period"])
    x, tail = _row_xor_split(data, p["width"])
    y = x.copy()
    y[period:] ^= x[:-period] if period < x.size else x[:0]
    return [np.concatenate([y.view(np.uint8), tail])], dict(p, period=period)

def dec_row_xor(streams, p, info):
    period = matrix_require_resolved("row-xor", "period", p["period"])
    y, tail = _row_xor_split(streams[0], p["width"])
    rows = -(-y.size // period)
    grid = np.zeros(rows * period, y.dtype)
    grid[:y.size] = y
    x = np.bitwise_xor.accumulate(grid.reshape(rows, period), axis=0).reshape(-1)[:y.size]
    return np.concatenate([np.ascontiguousarray(x).view(np.uint8), tail])
`,
});
