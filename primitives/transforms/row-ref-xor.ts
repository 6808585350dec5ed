/**
 * row-ref-xor (id 42): XOR each row of a row-major [rows, period] bf16 matrix with the earlier row
 * (within `window` rows) that matches it best, so near-repeated rows leave mostly zero sign and
 * exponent bits.
 * Match score of rows r and r-d: how many of S = min(period, 64) sampled columns (column
 * floor(j*period/S) for j < S) have equal high bytes (sign and top 7 exponent bits). Each row
 * takes the smallest d in 1..min(window, r) with the highest score, if that score reaches
 * ceil(S/4); otherwise d = 0 (row kept as is).
 * Input n bytes: count = floor(n/2) u16 LE elements, rows = floor(count/period), odd tail byte.
 * Output: varint rows | rows back-distances of k = bitsFor(window) bits, MSB-first, zero-padded |
 * zero padding to an even prefix | per row r: x[r] ^ x[r - d[r]] (x[r] when d[r] = 0) as u16 LE |
 * the remaining count - rows*period elements and the tail byte unchanged.
 * The decoder checks rows against the element count, every d[r] <= min(window, r), and the padding.
 * period = 0 (auto) is resolved with detectPeriod and the detected value recorded in the frame.
 */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { packBits, packedLength, u16View, unpackBits } from "../kernels.js";
import { bitsFor, bodyAfterPrefix, expectZero, padTo, periodArbitrary, periodParam, prefixedBody, requireResolved, resolvePeriod } from "../matrix.js";

const SAMPLE = 64;
/**
 * Lowest score worth a reference: a quarter of the sampled high bytes equal (unrelated random rows
 * match 1/256 of them). On the corpus lower thresholds compress better; 1/4 costs < 0.2 %.
 */
const minScore = (samples: number): number => Math.ceil(samples / 4);

/** Number of zero bytes in a 32-bit word. */
const zeroBytes = (v: number): number => {
  const high = ~((((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v) | 0x7f7f7f7f); // bit 7 of each zero byte
  return Math.imul(high >>> 7, 0x01010101) >>> 24;
};

/** Back-distance of the chosen reference row for every row (0 = none). */
const chooseReferences = (x: Uint16Array, rows: number, period: number, window: number): Uint16Array => {
  const samples = Math.min(period, SAMPLE);
  const words = (samples + 3) >>> 2;
  const padding = words * 4 - samples; // zero in every row, so always counted as equal
  // high bytes of the sampled columns, four per word
  const high = new Uint32Array(rows * words);
  for (let j = 0; j < samples; j++) {
    const col = Math.floor((j * period) / samples);
    const shift = 8 * (j & 3);
    for (let r = 0, w = j >>> 2; r < rows; r++, w += words) high[w] |= (x[r * period + col] >>> 8) << shift;
  }
  const perfect = samples + padding;
  const dist = new Uint16Array(rows);
  for (let r = 1; r < rows; r++) {
    const row = r * words;
    let best = minScore(samples) + padding - 1;
    const reach = Math.min(window, r);
    for (let d = 1; d <= reach; d++) {
      const ref = row - d * words;
      // stop a candidate as soon as the words left cannot lift it above the best (same choice, less work)
      let score = 0;
      let w = 0;
      for (let left = perfect; w < words && score + left > best; w++, left -= 4) score += zeroBytes(high[row + w] ^ high[ref + w]);
      if (w === words && score > best) {
        best = score;
        dist[r] = d;
        if (score === perfect) break;
      }
    }
  }
  return dist;
};

export default definePrimitive({
  id: 42,
  name: "row-ref-xor",
  kind: "transform",
  summary: "XOR each bf16 row with its best-matching earlier row (back-distances in the header)",
  layout: "varint rows | back-distance per row (bitsFor(window) bits) | pad to even | rows XOR reference (u16 LE) | rest + tail",
  params: {
    period: periodParam("row length"),
    window: int(1, 1024, 64, "how many earlier rows a row may reference"),
  },
  arbitrary: fc.record({ period: periodArbitrary, window: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1024 })) }),
  encode: (input, p) => {
    const period = resolvePeriod(input, 2, p.period);
    const x = u16View(input);
    const rows = Math.floor(x.length / period);
    const dist = chooseReferences(x, rows, period, p.window);
    const head = new ByteWriter(8).varint(rows).bytes(packBits(dist, bitsFor(p.window))).finish();
    const { out, y } = prefixedBody(head, input, x);
    y.set(x);
    for (let r = 1; r < rows; r++) {
      if (dist[r] === 0) continue;
      const base = r * period;
      const ref = base - dist[r] * period;
      for (let c = 0; c < period; c++) y[base + c] ^= x[ref + c];
    }
    return { streams: [out], params: { ...p, period } };
  },
  decode: ([d], p) => {
    const period = requireResolved("row-ref-xor", "period", p.period);
    const r = new ByteReader(d, "row-ref-xor");
    const rows = r.varint();
    const k = bitsFor(p.window);
    const table = r.take(packedLength(rows, k));
    const start = r.pos + padTo(r.pos, 2);
    if (start > d.length) fail("truncated", "row-ref-xor: input ends in the prefix padding");
    expectZero("row-ref-xor", d, r.pos, start);
    if ((rows * k) & 7 && table[table.length - 1] & (0xff >>> ((rows * k) & 7)))
      fail("corrupt-payload", "row-ref-xor: nonzero distance padding bits");
    const { out, x, y } = bodyAfterPrefix(d, start);
    if (Math.floor(y.length / period) !== rows)
      fail("length-mismatch", `row-ref-xor: ${rows} rows stated, ${y.length} elements of period ${period} follow`);
    const dist = new Uint16Array(rows);
    unpackBits(table, rows, k, dist);
    x.set(y);
    for (let row = 0; row < rows; row++) {
      const back = dist[row];
      if (back === 0) continue;
      if (back > row || back > p.window) fail("corrupt-payload", `row-ref-xor: row ${row} refers ${back} rows back (window ${p.window})`);
      const base = row * period;
      const ref = base - back * period;
      for (let c = 0; c < period; c++) x[base + c] ^= x[ref + c];
    }
    return out;
  },
  python: `

def _row_ref_choose(grid, window):
    """Back-distance per row of the best-matching earlier row (0 = none); mirrors chooseReferences."""
    rows, period = grid.shape
    samples = min(period, 64)
    cols = (np.arange(samples, dtype=np.int64) * period) // samples
    high = (grid[:, cols] >> 8).astype(np.uint8)
    best = np.full(rows, -(-samples // 4) - 1, np.int64)
    dist = np.zeros(rows, np.int64)
    for d in range(1, min(window, rows - 1) + 1):
        score = (high[d:] == high[:-d]).sum(axis=1)
        better = np.nonzero(score > best[d:])[0] + d
        best[better] = score[better - d]
        dist[better] = d
    return dist

def enc_row_ref_xor(data, p):
    period = matrix_period(data, 2, p["period"])
    count = data.size // 2
    x = data[:count * 2].view("<u2")
    rows = count // period
    grid = x[:rows * period].reshape(rows, period)
    dist = _row_ref_choose(grid, p["window"])
    y = x.copy()
    refs = np.arange(rows) - dist
    y[:rows * period] = (grid ^ grid[refs] * (dist > 0)[:, None].astype(np.uint16)).reshape(-1)
    head = bytearray()
    write_varint(head, rows)
    head += pack_bits(dist, matrix_bits_for(p["window"])).tobytes()
    head += bytes(len(head) % 2)
    return [np.concatenate([np.frombuffer(bytes(head), np.uint8), y.view(np.uint8), data[count * 2:]])], dict(p, period=period)

def dec_row_ref_xor(streams, p, info):
    d = streams[0]
    period = matrix_require_resolved("row-ref-xor", "period", p["period"])
    window = p["window"]
    rd = matrix_varints(d, "row-ref-xor")
    rows = rd.varint()
    k = matrix_bits_for(window)
    table_end = rd.pos + (rows * k + 7) // 8
    start = table_end + table_end % 2
    if start > d.size:
        raise CodecError("truncated", "row-ref-xor: a %d-row distance table runs past the input" % rows)
    matrix_expect_zero("row-ref-xor", d[table_end:start])
    table = d[rd.pos:table_end]
    if np.unpackbits(table)[rows * k:].any():
        raise CodecError("corrupt-payload", "row-ref-xor: nonzero distance padding bits")
    body = d[start:]
    count = body.size // 2
    if count // period != rows:
        raise CodecError("length-mismatch", "row-ref-xor: %d rows stated, %d elements of period %d follow" % (rows, count, period))
    dist = unpack_bits(table, rows, k).astype(np.int64)
    index = np.arange(rows, dtype=np.int64)
    if ((dist > index) | (dist > window)).any():
        raise CodecError("corrupt-payload", "row-ref-xor: a row refers before the start or beyond the window")
    y = body[:count * 2].view("<u2")
    # every row is the XOR of its reference chain; pointer jumping resolves all chains in log2(rows) steps
    acc = np.zeros((rows + 1, period), np.uint16)
    acc[:rows] = y[:rows * period].reshape(rows, period)
    parent = np.where(dist > 0, index - dist, rows)
    parent = np.append(parent, rows)
    active = np.nonzero(parent[:rows] != rows)[0]
    while active.size:
        up = parent[active]
        acc[active] ^= acc[up]
        parent[active] = parent[up]
        active = active[parent[active] != rows]
    x = y.copy()
    x[:rows * period] = acc[:rows].reshape(-1)
    return np.concatenate([x.view(np.uint8), body[count * 2:]])
`,
});
