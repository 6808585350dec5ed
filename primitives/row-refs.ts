/**
 * Row references shared by row-ref-xor and row-ref-delta: each row of a row-major [rows, period]
 * bf16 matrix names an earlier row (its back-distance, 0 = none) and is stored combined with it.
 * Match score of rows r and r-d: how many of S = min(period, 64) sampled columns (column
 * floor(j*period/S) for j < S) have equal high bytes (sign and top 7 exponent bits). Each row
 * takes, among its candidates (see chooseReferences) within min(window, r) rows, the one with the
 * highest score, the nearest on ties, if that score reaches ceil(S/4); otherwise d = 0 (row kept
 * as is). The choice is the encoder's alone: the decoder only follows the distances.
 * Input n bytes: count = floor(n/2) u16 LE elements, rows = floor(count/period), odd tail byte.
 * Output: varint rows | rows back-distances of k = bitsFor(window) bits, MSB-first, zero-padded |
 * zero padding to an even prefix | per row r: combine(x[r], x[r - d[r]]) (x[r] when d[r] = 0) as
 * u16 LE | the remaining count - rows*period elements and the tail byte unchanged.
 * The decoder checks rows against the element count, every d[r] <= min(window, r), and the padding.
 * period = 0 (auto) is resolved with detectPeriod (withRowFallback where it finds none) and recorded.
 * The Python side is rowref_choose / rowref_encode / rowref_decode in src/python/core.py.
 */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../src/codec/bytes.js";
import { fail } from "../src/codec/errors.js";
import { int } from "../src/codec/primitive.js";
import { packBits, packedLength, u16View, unpackBits } from "./kernels.js";
import { bitsFor, bodyAfterPrefix, expectZero, padTo, periodArbitrary, periodParam, prefixedBody, requireResolved, resolveRowPeriod } from "./matrix.js";

export const rowRefParams = {
  period: periodParam("row length"),
  window: int(1, 1024, 1024, "how many earlier rows a row may reference"),
};
export const rowRefArbitrary = fc.record({ period: periodArbitrary, window: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1024 })) });
export const ROW_REF_LAYOUT = "varint rows | back-distance per row (bitsFor(window) bits) | pad to even";

interface RowRefParams {
  readonly period: number;
  readonly window: number;
}

/**
 * A row against its reference row, element by element: `apply` writes stored[at + c] from
 * value[at + c] and value[ref + c]; `undo` writes value[at + c] back from stored[at + c] and the
 * already decoded value[ref + c] (c < n).
 */
export interface RowCombine {
  readonly apply: (stored: Uint16Array, value: Uint16Array, at: number, ref: number, n: number) => void;
  readonly undo: (value: Uint16Array, stored: Uint16Array, at: number, ref: number, n: number) => void;
}

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

export const encodeRowRefs = <P extends RowRefParams>(input: Uint8Array, p: P, combine: RowCombine): { streams: Uint8Array[]; params: P } => {
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
    combine.apply(y, x, base, ref, period);
  }
  return { streams: [out], params: { ...p, period } };
};

export const decodeRowRefs = (who: string, d: Uint8Array, p: RowRefParams, combine: RowCombine): Uint8Array => {
  const period = requireResolved(who, "period", p.period);
  const r = new ByteReader(d, who);
  const rows = r.varint();
  const k = bitsFor(p.window);
  const table = r.take(packedLength(rows, k));
  const start = r.pos + padTo(r.pos, 2);
  if (start > d.length) fail("truncated", `${who}: input ends in the prefix padding`);
  expectZero(who, d, r.pos, start);
  if ((rows * k) & 7 && table[table.length - 1] & (0xff >>> ((rows * k) & 7))) fail("corrupt-payload", `${who}: nonzero distance padding bits`);
  const { out, x, y } = bodyAfterPrefix(d, start);
  if (Math.floor(y.length / period) !== rows) fail("length-mismatch", `${who}: ${rows} rows stated, ${y.length} elements of period ${period} follow`);
  const dist = new Uint16Array(rows);
  unpackBits(table, rows, k, dist);
  x.set(y);
  for (let row = 0; row < rows; row++) {
    const back = dist[row];
    if (back === 0) continue;
    if (back > row || back > p.window) fail("corrupt-payload", `${who}: row ${row} refers ${back} rows back (window ${p.window})`);
    const base = row * period;
    const ref = base - back * period;
    combine.undo(x, y, base, ref, period);
  }
  return out;
};
