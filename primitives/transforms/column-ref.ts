/**
 * column-ref (id 41): subtract a per-column reference from every element of a row-major
 * [rows, cols] matrix (the last row may be partial; element i is in column i mod cols), so a
 * channel's typical value becomes 0.
 * width 1: reference = the column's most common byte (ties: smallest).
 *   Output: cols reference bytes | y[i] = (x[i] - ref[i mod cols]) mod 256.
 * width 2 (bf16 form, so exponents become small): references = the column's most common exponent
 *   and its majority sign (a tie is +).
 *   Output: cols exponent references | ceil(cols/8) bytes of sign references (1 bit each, MSB-first,
 *   zero-padded) | a zero byte if needed to make this prefix even | count = floor((n)/2) u16 LE
 *   elements y = sign(x) ^ signRef << 15 | zigzag((exp(x) - expRef) mod 256) << 7 | mantissa(x),
 *   zigzag(d) = (d << 1) ^ (d as int8 >> 7), so exponent offsets 0, -1, +1, -2 map to 0, 1, 2, 3
 *   | the odd tail byte unchanged.
 * cols = 0 (auto) is resolved with detectPeriod and the detected value recorded in the frame.
 */
import fc from "fast-check";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive } from "../../src/codec/primitive.js";
import { packBits, u16View, unpackBits } from "../kernels.js";
import { bf16ColumnModes, bodyAfterPrefix, columnModes, expectZero, padTo, periodArbitrary, periodParam, prefixedBody, requireResolved, resolvePeriod, widthArbitrary, widthParam } from "../matrix.js";

/** Prefix bytes for width 2: exponent references, packed sign references, padding to even. */
const bf16PrefixLength = (cols: number): number => {
  const raw = cols + ((cols + 7) >>> 3);
  return raw + padTo(raw, 2);
};

const encodeBytes = (input: Uint8Array, cols: number): Uint8Array => {
  const ref = columnModes(input, cols);
  const out = new Uint8Array(cols + input.length);
  out.set(ref);
  for (let i = 0, c = 0; i < input.length; i++) {
    out[cols + i] = input[i] - ref[c];
    if (++c === cols) c = 0;
  }
  return out;
};

const decodeBytes = (d: Uint8Array, cols: number): Uint8Array => {
  if (d.length < cols) fail("length-mismatch", `column-ref: ${d.length} bytes, ${cols} references expected`);
  const out = new Uint8Array(d.length - cols);
  for (let i = 0, c = 0; i < out.length; i++) {
    out[i] = d[cols + i] + d[c];
    if (++c === cols) c = 0;
  }
  return out;
};

const encodeBf16 = (input: Uint8Array, cols: number): Uint8Array => {
  const x = u16View(input);
  const { sign: signRef, exponent: expRef } = bf16ColumnModes(x, cols);
  const head = new Uint8Array(cols + ((cols + 7) >>> 3));
  head.set(expRef);
  head.set(packBits(signRef, 1), cols);
  const { out, y } = prefixedBody(head, input, x);
  for (let i = 0, c = 0; i < x.length; i++) {
    const v = x[i];
    const d = ((v >>> 7) - expRef[c]) & 0xff;
    const zz = ((d << 1) ^ -(d >>> 7)) & 0xff;
    y[i] = ((v ^ (signRef[c] << 15)) & 0x807f) | (zz << 7);
    if (++c === cols) c = 0;
  }
  return out;
};

const decodeBf16 = (d: Uint8Array, cols: number): Uint8Array => {
  const start = bf16PrefixLength(cols);
  if (d.length < start) fail("length-mismatch", `column-ref: ${d.length} bytes, a ${start}-byte reference prefix expected`);
  const signBytes = (cols + 7) >>> 3;
  if (cols & 7 && d[cols + signBytes - 1] & (0xff >>> (cols & 7))) fail("corrupt-payload", "column-ref: nonzero sign padding bits");
  expectZero("column-ref", d, cols + signBytes, start);
  const expRef = d.subarray(0, cols);
  const signRef = new Uint8Array(cols);
  unpackBits(d.subarray(cols, cols + signBytes), cols, 1, signRef);
  const { out, x, y } = bodyAfterPrefix(d, start);
  for (let i = 0, c = 0; i < y.length; i++) {
    const v = y[i];
    const zz = (v >>> 7) & 0xff;
    const e = (((zz >>> 1) ^ -(zz & 1)) + expRef[c]) & 0xff;
    x[i] = ((v ^ (signRef[c] << 15)) & 0x807f) | (e << 7);
    if (++c === cols) c = 0;
  }
  return out;
};

export default definePrimitive({
  id: 41,
  name: "column-ref",
  kind: "transform",
  summary: "subtract each column's typical value (byte mode; bf16: modal exponent, majority sign)",
  layout: "w1: cols refs | x - ref mod 256;  w2: cols exp refs | sign ref bits | pad | (sign^ref, zigzag(exp-ref), mantissa) u16 | tail",
  params: { width: widthParam(), cols: periodParam("row length (channels)") },
  arbitrary: fc.record({ width: widthArbitrary, cols: periodArbitrary }),
  encode: (input, p) => {
    const cols = resolvePeriod(input, p.width, p.cols);
    return { streams: [p.width === 1 ? encodeBytes(input, cols) : encodeBf16(input, cols)], params: { ...p, cols } };
  },
  decode: ([d], p) => {
    const cols = requireResolved("column-ref", "cols", p.cols);
    return p.width === 1 ? decodeBytes(d, cols) : decodeBf16(d, cols);
  },
  python: `

def _column_ref_grid(v, cols):
    """v zero-padded to whole rows of cols, as a [rows, cols] array, so per-column refs broadcast."""
    grid = np.zeros(-(-v.size // cols) * cols, v.dtype)
    grid[:v.size] = v
    return grid.reshape(-1, cols)

def _column_ref_flat(grid, n):
    return np.ascontiguousarray(grid.reshape(-1)[:n])

def enc_column_ref(data, p):
    width = p["width"]
    cols = matrix_period(data, width, p["cols"])
    if width == 1:
        ref = column_modes(data, cols)
        y = _column_ref_grid(data, cols) - ref
        return [np.concatenate([ref, _column_ref_flat(y, data.size)])], dict(p, cols=cols)
    count = data.size // 2
    x = data[:count * 2].view("<u2")
    grid = _column_ref_grid(x, cols)
    exponent = ((grid >> 7) & 0xFF).astype(np.uint8)
    sign_ref, exp_ref = bf16_column_modes(x, cols)
    prefix = np.concatenate([exp_ref, np.packbits(sign_ref)])
    prefix = np.concatenate([prefix, np.zeros(prefix.size % 2, np.uint8)])
    d = exponent - exp_ref  # uint8 arithmetic wraps mod 256
    zz = ((d << 1) ^ (0 - (d >> 7))).astype(np.uint16)
    y = ((grid ^ (sign_ref.astype(np.uint16) << 15)) & 0x807F) | (zz << 7)
    y = _column_ref_flat(y, count).astype("<u2")
    return [np.concatenate([prefix, y.view(np.uint8), data[count * 2:]])], dict(p, cols=cols)

def dec_column_ref(streams, p, info):
    d = streams[0]
    cols = matrix_require_resolved("column-ref", "cols", p["cols"])
    if p["width"] == 1:
        if d.size < cols:
            raise CodecError("length-mismatch", "column-ref: %d bytes, %d references expected" % (d.size, cols))
        body = d[cols:]
        return _column_ref_flat(_column_ref_grid(body, cols) + d[:cols], body.size)
    sign_bytes = (cols + 7) // 8
    start = cols + sign_bytes + (cols + sign_bytes) % 2
    if d.size < start:
        raise CodecError("length-mismatch", "column-ref: %d bytes, a %d-byte reference prefix expected" % (d.size, start))
    sign_bits = np.unpackbits(d[cols:cols + sign_bytes])
    if sign_bits[cols:].any():
        raise CodecError("corrupt-payload", "column-ref: nonzero sign padding bits")
    matrix_expect_zero("column-ref", d[cols + sign_bytes:start])
    body = d[start:]
    count = body.size // 2
    grid = _column_ref_grid(body[:count * 2].view("<u2"), cols)
    zz = ((grid >> 7) & 0xFF).astype(np.uint8)
    e = ((zz >> 1) ^ (0 - (zz & 1))) + d[:cols]  # uint8 arithmetic wraps mod 256
    x = ((grid ^ (sign_bits[:cols].astype(np.uint16) << 15)) & 0x807F) | (e.astype(np.uint16) << 7)
    x = _column_ref_flat(x, count).astype("<u2")
    return np.concatenate([x.view(np.uint8), body[count * 2:]])
`,
});
