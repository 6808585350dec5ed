/**
 * row-ref-xor (id 42): XOR each row of a row-major [rows, period] bf16 matrix with the earlier row
 * (within `window` rows) that matches it best, so near-repeated rows leave mostly zero sign and
 * exponent bits.
 * Match score of rows r and r-d: how many of S = min(period, 64) sampled columns (column
 * floor(j*period/S) for j < S) have equal high bytes (sign and top 7 exponent bits). Each row
 * takes, among its candidates (see chooseReferences) within min(window, r) rows, the one with the
 * highest score, the nearest on ties, if that score reaches ceil(S/4); otherwise d = 0 (row kept
 * as is). The choice is the encoder's alone: the decoder only follows the distances.
 * Input n bytes: count = floor(n/2) u16 LE elements, rows = floor(count/period), odd tail byte.
 * Output: varint rows | rows back-distances of k = bitsFor(window) bits, MSB-first, zero-padded |
 * zero padding to an even prefix | per row r: x[r] ^ x[r - d[r]] (x[r] when d[r] = 0) as u16 LE |
 * the remaining count - rows*period elements and the tail byte unchanged.
 * The decoder checks rows against the element count, every d[r] <= min(window, r), and the padding.
 * period = 0 (auto) is resolved with detectPeriod (withRowFallback where it finds none) and recorded in the frame.
 */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { packBits, packedLength, u16View, unpackBits } from "../kernels.js";
import { bitsFor, bodyAfterPrefix, expectZero, padTo, periodArbitrary, periodParam, prefixedBody, requireResolved, resolveRowPeriod } from "../matrix.js";

const SAMPLE = 64;
/**
 * Lowest score worth a reference: a quarter of the sampled high bytes equal (unrelated random rows
 * match 1/256 of them). On the corpus lower thresholds compress better; 1/4 costs < 0.2 %.
 */
const minScore = (samples: number): number => Math.ceil(samples / 4);

/** Lags always tried (d = 1..LAGS), then the rows sharing a pair of sampled high bytes. */
const LAGS = 8;
const KEY_PAIRS = 16;

/**
 * Back-distance of the chosen reference row for every row (0 = none). Candidates for row r: the
 * LAGS rows above it, and for each of the first min(KEY_PAIRS, S/2) pairs of sampled columns
 * (2k, 2k+1) the two nearest earlier rows with the same high bytes in both; all within `window`.
 * The best score wins, ties go to the nearest. Hashing on column pairs finds near-repeats
 * thousands of rows apart for the price of a few dozen candidates (an exhaustive scan of 64 lags
 * cost more and compressed the corpus 2 % less).
 */
const chooseReferences = (x: Uint16Array, rows: number, period: number, window: number): Uint16Array => {
  const samples = Math.min(period, SAMPLE);
  // the sampled high bytes, four to a word (zero padding counts as equal for every pair alike)
  const words = (samples + 3) >>> 2;
  const padding = 4 * words - samples;
  const high = new Uint8Array(rows * words * 4);
  for (let j = 0; j < samples; j++) {
    const col = Math.floor((j * period) / samples);
    for (let r = 0; r < rows; r++) high[r * words * 4 + j] = x[r * period + col] >>> 8;
  }
  const packed = new Uint32Array(high.buffer);
  const best = new Int32Array(rows).fill(minScore(samples) + padding - 1);
  const dist = new Uint16Array(rows);
  const consider = (r: number, c: number): void => {
    const d = r - c;
    if (c < 0 || d > window) return;
    let score = 0;
    for (let w = 0, a = r * words, b = c * words; w < words; w++) score += zeroBytes(packed[a + w] ^ packed[b + w]);
    if (score > best[r] || (score === best[r] && d < dist[r])) {
      best[r] = score;
      dist[r] = d;
    }
  };
  for (let r = 1; r < rows; r++) for (let d = 1; d <= Math.min(LAGS, r); d++) consider(r, r - d);
  const nearest = new Int32Array(1 << 16);
  const second = new Int32Array(1 << 16);
  for (let k = 0; k < Math.min(KEY_PAIRS, samples >>> 1); k++) {
    nearest.fill(-1);
    second.fill(-1);
    for (let r = 0, at = 2 * k; r < rows; r++, at += words * 4) {
      const key = (high[at] << 8) | high[at + 1];
      consider(r, nearest[key]);
      consider(r, second[key]);
      second[key] = nearest[key];
      nearest[key] = r;
    }
  }
  return dist;
};

/** Number of zero bytes in a 32-bit word. */
const zeroBytes = (v: number): number => {
  const high = ~((((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v) | 0x7f7f7f7f); // bit 7 of each zero byte
  return Math.imul(high >>> 7, 0x01010101) >>> 24;
};

export default definePrimitive({
  id: 42,
  name: "row-ref-xor",
  kind: "transform",
  summary: "XOR each bf16 row with its best-matching earlier row (back-distances in the header)",
  layout: "varint rows | back-distance per row (bitsFor(window) bits) | pad to even | rows XOR reference (u16 LE) | rest + tail",
  params: {
    period: periodParam("row length"),
    window: int(1, 1024, 1024, "how many earlier rows a row may reference"),
  },
  arbitrary: fc.record({ period: periodArbitrary, window: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1024 })) }),
  encode: (input, p) => {
    const period = resolveRowPeriod(input, 2, p.period);
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
    """Back-distance per row of the best-matching candidate row (0 = none); mirrors chooseReferences."""
    rows, period = grid.shape
    samples = min(period, 64)
    cols = (np.arange(samples, dtype=np.int64) * period) // samples
    high = np.ascontiguousarray(grid[:, cols] >> 8).astype(np.uint8)
    index = np.arange(rows, dtype=np.int64)
    best = np.full(rows, -(-samples // 4) - 1, np.int64)
    dist = np.zeros(rows, np.int64)

    def consider(cand):
        d = index - cand
        ok = (cand >= 0) & (d <= window)
        same = high == high[np.where(ok, cand, index)]
        if samples % 8:
            score = np.count_nonzero(same, axis=1)
        else:
            # 8 flags a word summed bytewise, then the word's bytes summed by one multiply
            words = same.view(np.uint64).sum(axis=1, dtype=np.uint64)
            score = ((words * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)
        better = ok & ((score > best) | ((score == best) & (d < dist)))
        best[better] = score[better]
        dist[better] = d[better]
    for d in range(1, min(8, rows - 1) + 1):
        consider(index - d)
    for k in range(min(16, samples // 2)):
        key = (high[:, 2 * k].astype(np.uint16) << 8) | high[:, 2 * k + 1]
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        for back in (1, 2):
            # in a stable sort, the entry back places earlier with the same key is the back-th nearest earlier row
            same = np.flatnonzero(sorted_keys[back:] == sorted_keys[:-back])
            cand = np.full(rows, -1, np.int64)
            cand[order[same + back]] = order[same]
            consider(cand)
    return dist

def enc_row_ref_xor(data, p):
    period = matrix_row_period(data, 2, p["period"])
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
    # a row's depth is the length of its reference chain (pointer doubling on the rows); rows of one
    # depth depend only on shallower ones, so each depth is one gather and XOR over its rows
    parent = np.where(dist > 0, index - dist, rows)
    depth = np.append((dist > 0).astype(np.int64), 0)
    up = np.append(parent, rows)
    while True:
        live = np.flatnonzero(up[:rows] != rows)
        if not live.size:
            break
        depth[live] += depth[up[live]]
        up[live] = up[up[live]]
    depth = depth[:rows]
    order = np.argsort(depth, kind="stable")
    ends = np.cumsum(np.bincount(depth))
    acc = y[:rows * period].reshape(rows, period).copy()
    for level in range(1, ends.size):
        at = order[ends[level - 1]:ends[level]]
        acc[at] ^= acc[parent[at]]
    x = y.copy()
    x[:rows * period] = acc.reshape(-1)
    return np.concatenate([x.view(np.uint8), body[count * 2:]])
`,
});
