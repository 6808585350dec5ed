/**
 * column-reorder (id 39): permute the channels (columns) of a row-major [rows, cols] bf16 matrix so
 * that similar ones sit together: columns sorted by (majority sign, modal exponent, index), the
 * statistics taken over all floor(n/2) elements (element i in column i mod cols; ties of the sign
 * majority count as +, of the exponent mode go to the smallest).
 * Input n bytes: count = floor(n/2) u16 LE elements, rows = floor(count/cols), odd tail byte.
 * Output: flag byte: 0 = identity (no table), 1 = a table of cols entries of k = bitsFor(cols-1)
 * bits, MSB-first, zero-padded: entry j = the input column placed at position j | zero padding to
 * an even prefix | the rows*cols leading elements, each row permuted: y[r][j] = x[r][perm[j]] |
 * the remaining elements and the tail byte unchanged.
 * The decoder checks the flag, that the table is a permutation of 0..cols-1, and the padding.
 * cols = 0 (auto) is resolved with detectPeriod and the detected value recorded in the frame.
 */
import fc from "fast-check";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive } from "../../src/codec/primitive.js";
import { packBits, packedLength, u16View, unpackBits } from "../kernels.js";
import { bf16ColumnModes, bitsFor, bodyAfterPrefix, expectZero, padTo, periodArbitrary, periodParam, prefixedBody, requireResolved, resolvePeriod } from "../matrix.js";

/** Column order by (majority sign, modal exponent, index), or null when that is the identity. */
const channelOrder = (x: Uint16Array, cols: number): Uint32Array | null => {
  const { sign, exponent } = bf16ColumnModes(x, cols);
  // (sign, exponent) < 2^9 and index < 2^16: one exact integer key per column
  const keys = new Float64Array(cols);
  for (let c = 0; c < cols; c++) keys[c] = ((sign[c] << 8) | exponent[c]) * 65536 + c;
  keys.sort();
  const perm = new Uint32Array(cols);
  let identity = true;
  for (let j = 0; j < cols; j++) {
    perm[j] = keys[j] % 65536;
    if (perm[j] !== j) identity = false;
  }
  return identity ? null : perm;
};

/** Copies the rows*cols leading elements with each row permuted (forward or inverse), the rest as is. */
const permuteRows = (src: Uint16Array, dst: Uint16Array, rows: number, perm: Uint32Array, inverse: boolean): void => {
  const cols = perm.length;
  for (let r = 0, base = 0; r < rows; r++, base += cols)
    if (inverse) for (let j = 0; j < cols; j++) dst[base + perm[j]] = src[base + j];
    else for (let j = 0; j < cols; j++) dst[base + j] = src[base + perm[j]];
  dst.set(src.subarray(rows * cols), rows * cols);
};

export default definePrimitive({
  id: 39,
  name: "column-reorder",
  kind: "transform",
  summary: "bf16 channels sorted by (majority sign, modal exponent); permutation in the header",
  layout: "flag (0 identity | 1 table) | table: cols x ceil(log2 cols) bits | pad to even | rows permuted (u16 LE) | rest + tail",
  params: { cols: periodParam("row length (channels)") },
  arbitrary: fc.record({ cols: periodArbitrary }),
  encode: (input, p) => {
    const cols = resolvePeriod(input, 2, p.cols);
    const x = u16View(input);
    const rows = Math.floor(x.length / cols);
    const perm = rows > 0 ? channelOrder(x, cols) : null;
    const table = perm ? packBits(perm, bitsFor(cols - 1)) : new Uint8Array(0);
    const head = new Uint8Array(1 + table.length);
    head[0] = perm ? 1 : 0;
    head.set(table, 1);
    const { out, y } = prefixedBody(head, input, x);
    if (perm) permuteRows(x, y, rows, perm, false);
    else y.set(x);
    return { streams: [out], params: { ...p, cols } };
  },
  decode: ([d], p) => {
    const cols = requireResolved("column-reorder", "cols", p.cols);
    if (d.length === 0) fail("truncated", "column-reorder: empty input");
    const flag = d[0];
    if (flag > 1) fail("corrupt-payload", `column-reorder: flag ${flag}`);
    const k = bitsFor(cols - 1);
    const tableBytes = flag ? packedLength(cols, k) : 0;
    const start = 1 + tableBytes + padTo(1 + tableBytes, 2);
    if (d.length < start) fail("length-mismatch", `column-reorder: ${d.length} bytes, a ${start}-byte prefix expected`);
    expectZero("column-reorder", d, 1 + tableBytes, start);
    const { out, x, y } = bodyAfterPrefix(d, start);
    if (flag) {
      const perm = new Uint32Array(cols);
      const table = d.subarray(1, 1 + tableBytes);
      unpackBits(table, cols, k, perm);
      if ((cols * k) & 7 && table[tableBytes - 1] & (0xff >>> ((cols * k) & 7)))
        fail("corrupt-payload", "column-reorder: nonzero table padding bits");
      const seen = new Uint8Array(cols);
      for (let j = 0; j < cols; j++) {
        if (perm[j] >= cols || seen[perm[j]]++) fail("corrupt-payload", `column-reorder: table is not a permutation (entry ${j} = ${perm[j]})`);
      }
      permuteRows(y, x, Math.floor(y.length / cols), perm, true);
    } else x.set(y);
    return out;
  },
  python: `

def enc_column_reorder(data, p):
    cols = matrix_period(data, 2, p["cols"])
    count = data.size // 2
    x = data[:count * 2].view("<u2")
    rows = count // cols
    perm = None
    if rows:
        sign, exponent = bf16_column_modes(x, cols)
        order = np.argsort(sign.astype(np.int64) * 256 + exponent, kind="stable")
        if (order != np.arange(cols)).any():
            perm = order
    table = pack_bits(perm, matrix_bits_for(cols - 1)) if perm is not None else np.zeros(0, np.uint8)
    prefix = np.concatenate([np.array([0 if perm is None else 1], np.uint8), table])
    prefix = np.concatenate([prefix, np.zeros(prefix.size % 2, np.uint8)])
    y = x.copy()
    if perm is not None:
        y[:rows * cols] = x[:rows * cols].reshape(rows, cols)[:, perm].reshape(-1)
    return [np.concatenate([prefix, y.view(np.uint8), data[count * 2:]])], dict(p, cols=cols)

def dec_column_reorder(streams, p, info):
    d = streams[0]
    cols = matrix_require_resolved("column-reorder", "cols", p["cols"])
    if d.size == 0:
        raise CodecError("truncated", "column-reorder: empty input")
    flag = int(d[0])
    if flag > 1:
        raise CodecError("corrupt-payload", "column-reorder: flag %d" % flag)
    k = matrix_bits_for(cols - 1)
    table_bytes = (cols * k + 7) // 8 if flag else 0
    start = 1 + table_bytes + (1 + table_bytes) % 2
    if d.size < start:
        raise CodecError("length-mismatch", "column-reorder: %d bytes, a %d-byte prefix expected" % (d.size, start))
    matrix_expect_zero("column-reorder", d[1 + table_bytes:start])
    body = d[start:]
    count = body.size // 2
    y = body[:count * 2].view("<u2")
    x = y.copy()
    if flag:
        table = d[1:1 + table_bytes]
        if np.unpackbits(table)[cols * k:].any():
            raise CodecError("corrupt-payload", "column-reorder: nonzero table padding bits")
        perm = unpack_bits(table, cols, k).astype(np.int64)
        if perm.max() >= cols or np.unique(perm).size != cols:
            raise CodecError("corrupt-payload", "column-reorder: table is not a permutation")
        rows = count // cols
        unpermuted = np.empty((rows, cols), np.uint16)
        unpermuted[:, perm] = y[:rows * cols].reshape(rows, cols)
        x[:rows * cols] = unpermuted.reshape(-1)
    return np.concatenate([x.view(np.uint8), body[count * 2:]])
`,
});
