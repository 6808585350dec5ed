/**
 * row-ref-xor (id 42): XOR each row of a row-major [rows, period] bf16 matrix with the earlier row
 * that matches it best (primitives/row-refs.ts: choice, header and checks), so near-repeated rows
 * leave mostly zero sign and exponent bits.
 * Output: varint rows | back-distances (bitsFor(window) bits each) | pad to even | per row
 * x[r] ^ x[r - d[r]] (x[r] when d[r] = 0) as u16 LE | remaining elements and the tail byte.
 */
import { definePrimitive } from "../../src/codec/primitive.js";
import { decodeRowRefs, encodeRowRefs, ROW_REF_LAYOUT, rowRefArbitrary, rowRefParams, type RowCombine } from "../row-refs.js";

const xorRows: RowCombine = {
  apply: (stored, value, at, ref, n) => {
    for (let c = 0; c < n; c++) stored[at + c] = value[at + c] ^ value[ref + c];
  },
  undo: (value, stored, at, ref, n) => {
    for (let c = 0; c < n; c++) value[at + c] = stored[at + c] ^ value[ref + c];
  },
};

export default definePrimitive({
  id: 42,
  name: "row-ref-xor",
  kind: "transform",
  summary: "XOR each bf16 row with its best-matching earlier row (back-distances in the header)",
  layout: `${ROW_REF_LAYOUT} | rows XOR reference (u16 LE) | rest + tail`,
  params: rowRefParams,
  arbitrary: rowRefArbitrary,
  encode: (input, p) => encodeRowRefs(input, p, xorRows),
  decode: ([d], p) => decodeRowRefs("row-ref-xor", d, p, xorRows),
  python: `

def enc_row_ref_xor(data, p):
    return rowref_encode(data, p, np.bitwise_xor)

def dec_row_ref_xor(streams, p, info):
    return rowref_decode(streams[0], p, "row-ref-xor", np.bitwise_xor)
`,
});
