/**
 * rank-remap (id 38): replace each `width`-byte element by the rank of its value in a frequency
 * table, so the most common values become the smallest numbers (0, 1, 2, ...).
 * Input n bytes: count = floor(n/width) LE elements, then t = n - count*width tail bytes.
 * Output: varint D (distinct values) | varint t | the D values by descending frequency, ties by
 * ascending value, as `width`-byte LE | zero padding to a multiple of r | count ranks of r bytes
 * (r = 1 when D <= 256, else 2; LE) | the t tail bytes.
 * The decoder checks D <= 2^(8*width), t < width, no duplicate value, zero padding, that the ranks
 * fill whole r-byte units, every rank < D, and count*width + t against the cap.
 */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive } from "../../src/codec/primitive.js";
import { u16View } from "../kernels.js";
import { expectZero, padTo, widthArbitrary, widthParam } from "../matrix.js";

const rankBytes = (distinct: number): number => (distinct <= 256 ? 1 : 2);

export default definePrimitive({
  id: 38,
  name: "rank-remap",
  kind: "transform",
  summary: "8/16-bit values -> their frequency rank (most common = 0), table in the header",
  layout: "varint D | varint tail | D values by frequency (LE) | pad | ranks (u8 if D <= 256 else u16 LE) | tail bytes",
  params: { width: widthParam() },
  arbitrary: fc.record({ width: widthArbitrary }),
  encode: (input, p) => {
    const width = p.width;
    const count = Math.floor(input.length / width);
    const tail = input.length - count * width;
    const x = width === 2 ? u16View(input) : input.subarray(0, count);
    const freq = new Float64Array(1 << (8 * width));
    for (let i = 0; i < count; i++) freq[x[i]]++;
    // one sortable number per present value: fewer occurrences sort later, then by value
    const keys: number[] = [];
    for (let v = 0; v < freq.length; v++) if (freq[v] > 0) keys.push((count - freq[v]) * 65536 + v);
    const order = Float64Array.from(keys).sort();
    const distinct = order.length;
    const r = rankBytes(distinct);
    const header = new ByteWriter(16 + distinct * width).varint(distinct).varint(tail);
    const rank = new Uint16Array(freq.length);
    for (let j = 0; j < distinct; j++) {
      const v = order[j] % 65536;
      rank[v] = j;
      header.byte(v & 0xff);
      if (width === 2) header.byte(v >>> 8);
    }
    const head = header.finish();
    const start = head.length + padTo(head.length, r);
    const out = new Uint8Array(start + count * r + tail);
    out.set(head);
    if (r === 1) for (let i = 0; i < count; i++) out[start + i] = rank[x[i]];
    else {
      const ranks = new Uint16Array(out.buffer, start, count); // start is even: aligned
      for (let i = 0; i < count; i++) ranks[i] = rank[x[i]];
    }
    out.set(input.subarray(count * width), start + count * r);
    return { streams: [out], params: p };
  },
  decode: ([d], p, info) => {
    const width = p.width;
    const rd = new ByteReader(d, "rank-remap");
    const distinct = rd.varint();
    const tail = rd.varint();
    if (distinct > 1 << (8 * width)) fail("corrupt-payload", `rank-remap: ${distinct} distinct ${8 * width}-bit values`);
    if (tail >= width) fail("corrupt-payload", `rank-remap: ${tail} tail bytes for width ${width}`);
    const table = rd.take(distinct * width);
    const symbols = new Uint16Array(distinct);
    const seen = new Uint8Array(1 << (8 * width));
    for (let j = 0; j < distinct; j++) {
      const v = width === 2 ? table[2 * j] | (table[2 * j + 1] << 8) : table[j];
      if (seen[v]++) fail("corrupt-payload", `rank-remap: value ${v} twice in the table`);
      symbols[j] = v;
    }
    const r = rankBytes(distinct);
    const start = rd.pos + padTo(rd.pos, r);
    if (start > d.length) fail("truncated", "rank-remap: input ends in the table padding");
    expectZero("rank-remap", d, rd.pos, start);
    const rankBytesTotal = d.length - start - tail;
    if (rankBytesTotal < 0 || rankBytesTotal % r !== 0)
      fail("length-mismatch", `rank-remap: ${d.length - start} bytes after the table for ${r}-byte ranks and ${tail} tail bytes`);
    const count = rankBytesTotal / r;
    if (count * width + tail > info.cap) fail("size-cap", `rank-remap: ${count} elements over cap ${info.cap}`);
    const out = new Uint8Array(count * width + tail);
    const x = width === 2 ? new Uint16Array(out.buffer, 0, count) : out.subarray(0, count);
    const ranks = r === 1 ? d.subarray(start, start + count) : u16View(d.subarray(start, start + 2 * count));
    for (let i = 0; i < count; i++) {
      const k = ranks[i];
      if (k >= distinct) fail("corrupt-payload", `rank-remap: rank ${k} of ${distinct} values at element ${i}`);
      x[i] = symbols[k];
    }
    out.set(d.subarray(start + count * r), count * width);
    return out;
  },
  python: `

def enc_rank_remap(data, p):
    width = p["width"]
    count = data.size // width
    x = data[:count * width].view(matrix_dtype(width))
    counts = np.bincount(x, minlength=1 << (8 * width))
    values = np.nonzero(counts)[0]
    table = values[np.lexsort((values, -counts[values]))]
    distinct = table.size
    r = 1 if distinct <= 256 else 2
    rank = np.zeros(1 << (8 * width), np.uint16)
    rank[table] = np.arange(distinct, dtype=np.uint16)
    head = bytearray()
    write_varint(head, distinct)
    write_varint(head, data.size - count * width)
    head += table.astype(matrix_dtype(width)).tobytes()
    head += bytes(-len(head) % r)
    ranks = rank[x].astype(np.uint8 if r == 1 else "<u2")
    return [np.concatenate([np.frombuffer(bytes(head), np.uint8), ranks.view(np.uint8), data[count * width:]])], p

def dec_rank_remap(streams, p, info):
    d = streams[0]
    width = p["width"]
    rd = matrix_varints(d, "rank-remap")
    distinct = rd.varint()
    tail = rd.varint()
    if distinct > 1 << (8 * width):
        raise CodecError("corrupt-payload", "rank-remap: %d distinct %d-bit values" % (distinct, 8 * width))
    if tail >= width:
        raise CodecError("corrupt-payload", "rank-remap: %d tail bytes for width %d" % (tail, width))
    pos = rd.pos + distinct * width
    if pos > d.size:
        raise CodecError("truncated", "rank-remap: table of %d values runs past the input" % distinct)
    table = d[rd.pos:pos].view(matrix_dtype(width))
    if np.unique(table).size != distinct:
        raise CodecError("corrupt-payload", "rank-remap: a value appears twice in the table")
    r = 1 if distinct <= 256 else 2
    start = pos + (-pos % r)
    if start > d.size:
        raise CodecError("truncated", "rank-remap: input ends in the table padding")
    matrix_expect_zero("rank-remap", d[pos:start])
    total = d.size - start - tail
    if total < 0 or total % r:
        raise CodecError("length-mismatch", "rank-remap: %d bytes after the table for %d-byte ranks and %d tail bytes" % (d.size - start, r, tail))
    count = total // r
    if count * width + tail > info.cap:
        raise CodecError("size-cap", "rank-remap: %d elements over cap %d" % (count, info.cap))
    ranks = d[start:start + total].view(np.uint8 if r == 1 else "<u2")
    if count and int(ranks.max()) >= distinct:
        raise CodecError("corrupt-payload", "rank-remap: a rank is not below %d" % distinct)
    x = table[ranks].astype(matrix_dtype(width))
    return np.concatenate([x.view(np.uint8), d[start + total:]])
`,
});
