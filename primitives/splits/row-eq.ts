/**
 * row-eq (id 22): split `width`-byte little-endian elements into "same as one row (period) earlier"
 * flags and the elements that are not.
 * Input n bytes: count = floor(n/width) elements x, then n - count*width tail bytes.
 * Outputs:
 *   0 flags:    varint count | bitmap of max(0, count - period) bits, MSB-first, zero-padded:
 *               bit i - period is 1 when x[i] == x[i - period] (i >= period);
 *   1 literals: the first min(count, period) elements, then every x[i] (i >= period) whose bit is 0,
 *               in order, as LE elements, then the tail bytes.
 * The decoder checks the bitmap length and padding against count, count*width against the cap, and
 * derives the tail as what the literals leave over (must be < width).
 * period = 0 (auto) is resolved with detectPeriod and the detected value recorded in the frame.
 */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive } from "../../src/codec/primitive.js";
import { u16View } from "../kernels.js";
import { periodArbitrary, periodParam, requireResolved, resolvePeriod, widthArbitrary, widthParam } from "../matrix.js";

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => b.toString(2).replace(/0/g, "").length);

const elements = (input: Uint8Array, width: number, count: number): Uint8Array | Uint16Array =>
  width === 2 ? u16View(input) : input.subarray(0, count);

export default definePrimitive({
  id: 22,
  name: "row-eq",
  kind: "split",
  summary: "bitmap of x[i] == x[i - period] | the elements that differ (8/16-bit)",
  layout: "0: varint count | equality bits (MSB-first) for i >= period; 1: head row + differing elements (LE) + tail bytes",
  params: { width: widthParam(), period: periodParam("row length") },
  arbitrary: fc.record({ width: widthArbitrary, period: periodArbitrary }),
  arity: () => 2,
  outputNames: () => ["equal", "literals"],
  encode: (input, p) => {
    const width = p.width;
    const period = resolvePeriod(input, width, p.period);
    const count = Math.floor(input.length / width);
    const x = elements(input, width, count);
    const header = new ByteWriter(8).varint(count).finish();
    const nbits = Math.max(0, count - period);
    const flags = new Uint8Array(header.length + ((nbits + 7) >>> 3));
    flags.set(header);
    const literals = width === 2 ? new Uint16Array(count) : new Uint8Array(count);
    const head = Math.min(count, period);
    let n = 0;
    for (; n < head; n++) literals[n] = x[n];
    for (let i = period, bit = 0; i < count; i++, bit++) {
      if (x[i] === x[i - period]) flags[header.length + (bit >>> 3)] |= 0x80 >>> (bit & 7);
      else literals[n++] = x[i];
    }
    const tail = input.length - count * width;
    const out1 = new Uint8Array(n * width + tail);
    out1.set(new Uint8Array(literals.buffer, 0, n * width));
    out1.set(input.subarray(count * width), n * width);
    return { streams: [flags, out1], params: { ...p, period } };
  },
  decode: ([flags, lits], p, info) => {
    const width = p.width;
    const period = requireResolved("row-eq", "period", p.period);
    const r = new ByteReader(flags, "row-eq flags");
    const count = r.varint();
    const nbits = Math.max(0, count - period);
    const bitmapBytes = (nbits + 7) >>> 3;
    if (r.remaining !== bitmapBytes) fail("length-mismatch", `row-eq: ${r.remaining} bitmap bytes for ${count} elements (period ${period})`);
    const bitmap = r.take(bitmapBytes);
    if (nbits & 7 && bitmap[bitmapBytes - 1] & (0xff >>> (nbits & 7))) fail("corrupt-payload", "row-eq: nonzero bitmap padding");
    let equal = 0;
    for (let i = 0; i < bitmapBytes; i++) equal += POPCOUNT[bitmap[i]];
    const literalCount = count - equal;
    const tail = lits.length - literalCount * width;
    if (tail < 0 || tail >= width)
      fail("length-mismatch", `row-eq: ${lits.length} literal bytes for ${literalCount} literals of ${width} bytes`);
    if (count * width + tail > info.cap) fail("size-cap", `row-eq: ${count} elements over cap ${info.cap}`);
    const out = new Uint8Array(count * width + tail);
    const x = width === 2 ? new Uint16Array(out.buffer, 0, count) : out.subarray(0, count);
    const y = elements(lits, width, literalCount);
    const head = Math.min(count, period);
    let n = 0;
    for (; n < head; n++) x[n] = y[n];
    for (let i = period, bit = 0; i < count; i++, bit++)
      x[i] = (bitmap[bit >>> 3] << (bit & 7)) & 0x80 ? x[i - period] : y[n++];
    out.set(lits.subarray(literalCount * width), count * width);
    return out;
  },
  python: `

def arity_row_eq(p):
    return 2

def enc_row_eq(data, p):
    width = p["width"]
    period = matrix_period(data, width, p["period"])
    count = data.size // width
    x = data[:count * width].view(matrix_dtype(width))
    header = bytearray()
    write_varint(header, count)
    equal = x[period:] == x[:max(0, count - period)]
    flags = np.concatenate([np.frombuffer(bytes(header), np.uint8), np.packbits(equal)])
    literals = np.concatenate([x[:period], x[period:][~equal]])
    return [flags, np.concatenate([literals.view(np.uint8), data[count * width:]])], dict(p, period=period)

def dec_row_eq(streams, p, info):
    flags, lits = streams
    width = p["width"]
    period = matrix_require_resolved("row-eq", "period", p["period"])
    r = matrix_varints(flags, "row-eq flags")
    count = r.varint()
    nbits = max(0, count - period)
    bitmap = flags[r.pos:]
    if bitmap.size != (nbits + 7) // 8:
        raise CodecError("length-mismatch", "row-eq: %d bitmap bytes for %d elements (period %d)" % (bitmap.size, count, period))
    bits = np.unpackbits(bitmap)
    if bits[nbits:].any():
        raise CodecError("corrupt-payload", "row-eq: nonzero bitmap padding")
    equal = bits[:nbits].astype(bool)
    literal_count = count - int(equal.sum())
    tail = lits.size - literal_count * width
    if tail < 0 or tail >= width:
        raise CodecError("length-mismatch", "row-eq: %d literal bytes for %d literals of %d bytes" % (lits.size, literal_count, width))
    if count * width + tail > info.cap:
        raise CodecError("size-cap", "row-eq: %d elements over cap %d" % (count, info.cap))
    # scatter the literals, then fill each equal element from the last literal above it in its column
    rows = -(-count // period)
    is_literal = np.zeros(rows * period, bool)
    is_literal[:count] = True
    is_literal[period:count] = ~equal
    values = np.zeros(rows * period, matrix_dtype(width))
    values[is_literal] = lits[:literal_count * width].view(matrix_dtype(width))
    source_row = np.where(is_literal.reshape(rows, period), np.arange(rows)[:, None], 0)
    np.maximum.accumulate(source_row, axis=0, out=source_row)
    x = values.reshape(rows, period)[source_row, np.arange(period)[None, :]].reshape(-1)[:count]
    return np.concatenate([np.ascontiguousarray(x).view(np.uint8), lits[literal_count * width:]])
`,
});
