/**
 * row-ref-delta (id 43): each row of a row-major [rows, period] bf16 matrix against the earlier row
 * that matches it best (primitives/row-refs.ts: choice, header and checks), field by field: sign
 * XOR, exponent difference mod 256, mantissa difference mod 128. A near-repeat whose exponent is
 * one step off leaves 1 or 255 where an XOR leaves any of many values (127 ^ 128 = 255, 126 ^ 127
 * = 1, ...), and close mantissas leave small differences: about 1.5 % of the input smaller than
 * row-ref-xor in the rowref-tuples pipeline on the corpus.
 * Output: varint rows | back-distances (bitsFor(window) bits each) | pad to even | per row
 * (s ^ s') << 15 | ((e - e') & 0xff) << 7 | ((m - m') & 0x7f) of each element (s, e, m) and its
 * reference (s', e', m') (the element itself when d[r] = 0) as u16 LE | remaining elements and the
 * tail byte.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { decodeRowRefs, encodeRowRefs, ROW_REF_LAYOUT, rowRefArbitrary, rowRefParams, type RowCombine } from "../row-refs.js";

const SIGN = 0x8000;
const EXPONENT = 0x7f80;
const MANTISSA = 0x7f;

const fieldDeltas: RowCombine = {
  apply: (stored, value, at, ref, n) => {
    for (let c = 0; c < n; c++) {
      const v = value[at + c];
      const r = value[ref + c];
      stored[at + c] = ((v ^ r) & SIGN) | (((v & EXPONENT) - (r & EXPONENT)) & EXPONENT) | (((v & MANTISSA) - (r & MANTISSA)) & MANTISSA);
    }
  },
  undo: (value, stored, at, ref, n) => {
    for (let c = 0; c < n; c++) {
      const s = stored[at + c];
      const r = value[ref + c];
      value[at + c] = ((s ^ r) & SIGN) | (((s & EXPONENT) + (r & EXPONENT)) & EXPONENT) | (((s & MANTISSA) + (r & MANTISSA)) & MANTISSA);
    }
  },
};

export default definePrimitive({
  id: 43,
  name: "row-ref-delta",
  kind: "transform",
  summary: "bf16 rows against their best-matching earlier row: sign XOR, exponent and mantissa differences",
  layout: `${ROW_REF_LAYOUT} | rows as (sign ^, exponent -, mantissa -) against the reference (u16 LE) | rest + tail`,
  params: rowRefParams,
  arbitrary: rowRefArbitrary,
  encode: (input, p) => encodeRowRefs(input, p, fieldDeltas),
  decode: ([d], p) => decodeRowRefs("row-ref-delta", d, p, fieldDeltas),
  python: `

def _row_ref_fields(v, r, arith):
    """Sign XOR; exponent and mantissa by arith (np.subtract to encode, np.add to decode), each wrapped in its field."""
    return ((v ^ r) & 0x8000) | (arith(v & 0x7F80, r & 0x7F80) & 0x7F80) | (arith(v & 0x7F, r & 0x7F) & 0x7F)

def enc_row_ref_delta(data, p):
    return rowref_encode(data, p, lambda v, r: _row_ref_fields(v, r, np.subtract))

def dec_row_ref_delta(streams, p, info):
    return rowref_decode(streams[0], p, "row-ref-delta", lambda s, r: _row_ref_fields(s, r, np.add))
`,
});
