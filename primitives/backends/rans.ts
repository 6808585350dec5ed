/**
 * rans (id 7): interleaved rANS over many lanes, order-0 or conditioned on an earlier symbol of
 * the same column (the row above, or a per-row reference row chosen by the encoder).
 *
 * Symbols: u8 = one per byte; u16 = one per little-endian byte pair (an odd last byte is carried
 * raw). Symbols are remapped to dense indices 0..A-1 (A = distinct values, sorted ascending).
 *
 * Schedule. Context modes see the n symbols as rows of C = period columns (the last row may be
 * partial). Rows are cut into blocks of B = blockRows rows (the last may be short). Each row of a
 * block is coded by W lanes: with K = min(lanes, C), s = ceil(C / K) sub-steps per row and
 * W = ceil(C / s), lane (block b, g) codes column j*W + g of row b*B + t at step t*s + j
 * (j = 0..s-1; positions past the row end or past n are skipped). Lane index = b*W + g, and every
 * step visits lanes in increasing index. A row's context row (d rows up) is used only when it is
 * decoded at an earlier step, i.e. its index within its block is smaller; otherwise the fixed
 * context A is used. Order-0 mode is the same schedule with C = W = lanes and one block.
 *   none:   every symbol has context 0.
 *   above:  row r uses d = 1 when r mod B > 0, else the fixed context.
 *   rowref: row r uses d = refs[r] (0 = fixed context); 0 < d <= min(window, r) and
 *           (r - d) mod B < r mod B. The context is the dense symbol d*C positions earlier.
 *
 * Coder: 32-bit states, 16-bit renormalisation words, total frequency M = 2^P (P = precision).
 * The encoder starts every lane at state 1 and runs the schedule backwards; before coding a
 * symbol of frequency f it emits the low 16 bits (and shifts) when x >= f * 2^(32-P), then
 * x = (x div f) * M + cum + x mod f. Symbols coded while x < 2^16 (a lane's last ones, "warm-up")
 * never emit. The decoder: slot = x mod M, symbol s with cum <= slot < cum + f,
 * x = f * (x >> P) + slot - cum, then, unless the symbol is one of the lane's last k (warm-up),
 * if x < 2^16 it reads x = x * 2^16 + next word. Every lane must end at state 1 and every word
 * must be used.
 *
 * Payload (varints are LEB128):
 *   empty stream (no symbol): only the odd tail byte, if any.
 *   check: u32 LE Adler-32 of the decoded bytes (the lanes' end states alone catch little damage
 *          in the warm-up, and 4 bytes for the stream are cheaper than 16 check bits per lane)
 *   side:  plain(bytes of the varints of the model, see below)
 *   refs:  plain(bit length of each row's ref) | for lengths b = 2..16 in turn, the low b - 1
 *          bits of the refs of that length, in row order, packed b - 1 bits each MSB-first and
 *          zero-padded to a byte                                  (rowref only)
 *   core:  the main stream's lane section
 *   tail:  the odd last input byte (u16 only)
 * plain(values) = varint m | if m > 0: varint a | a distinct values ascending as v0, then
 *   (v_i - v_(i-1) - 1) | varint P | (q_i - 1) for i < a-1 (q_(a-1) = 2^P - sum) | varint lanes |
 *   core of an order-0 stream of m symbols with that one table (frequency q_i of value i).
 * core = byte kw | k_l (warm-up symbol counts) packed kw bits each, MSB-first, ceil(lanes*kw/8)
 *   bytes | lanes u32 LE decoder start states | varint words | words u16 LE.
 * Model varints: A | alphabet as v0, gaps-1 | (context modes: U | used context ids as c0,
 *   gaps-1 (ids 0..A, A = fixed)) | per used context (k_c - 1) | per context (P - P_c) |
 *   per context its k_c symbol indices as s0, gaps-1 | per context (q - 1) of its first k_c - 1
 *   symbols (the last gets 2^P_c minus the others, >= 1). Frequencies are f = q << (P - P_c):
 *   each context has its own scale P_c <= P, chosen by the encoder for size.
 *
 * Encoder choices (not part of the format): auto lanes keep the flush near 0.5% of the output
 * and steps <= 4096; auto blockRows gives each lane a whole column when the budget allows;
 * rowref refs maximise matches on 32 sampled columns, and fall back to the "above" pattern when
 * they cost more than they save; per-context scales minimise coded size plus table size.
 */
import fc from "fast-check";
import { definePrimitive, int, oneOf } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { packBits, packedLength, unpackBits } from "../kernels.js";
import { PERIOD_MAX, periodArbitrary, periodParam, requireResolved, resolvePeriod } from "../matrix.js";

const STATE_LOW = 1 << 16;
const STATE_START = 1;
const MAX_PRECISION = 16;
const AUTO_PRECISION = 13;
/** Columns sampled per row when scoring candidate reference rows. */
const SAMPLE_COLUMNS = 32;
/** Auto lane count: flush cost (~20 bits a lane) kept near 0.5% of the estimated output. */
const FLUSH_SHARE = 0.005;
const LANE_BITS = 20;
/** Symbols per lane of the nested (side information) streams. */
const PLAIN_STEPS = 256;
const PLAIN_LANE_BITS = 2000;
/** Auto lanes never leave more steps than this (a Python decoder pays per step). */
const MAX_AUTO_STEPS = 4096;
const LANES_MAX = 65535;
const BLOCK_ROWS_MAX = 2 ** 30;

const corrupt = (message: string): never => fail("corrupt-payload", `rans: ${message}`);

/** Adler-32 (RFC 1950), as Python's zlib.adler32. */
const adler32 = (b: Uint8Array): number => {
  let a = 1;
  let c = 0;
  for (let i = 0; i < b.length; ) {
    const end = Math.min(b.length, i + 5552);
    for (; i < end; i++) {
      a += b[i];
      c += a;
    }
    a %= 65521;
    c %= 65521;
  }
  return (c * 65536 + a) >>> 0;
};
const bitLength = (v: number): number => 32 - Math.clz32(v);
const ceilLog2 = (v: number): number => (v <= 1 ? 0 : bitLength(v - 1));

// ---------------------------------------------------------------- schedule

interface Schedule {
  readonly n: number;
  readonly cols: number;
  readonly rows: number;
  readonly blockRows: number;
  readonly blocks: number;
  /** sub-steps per row */
  readonly sub: number;
  /** lanes per block row */
  readonly width: number;
  readonly lanes: number;
}

const schedule = (n: number, cols: number, blockRows: number, lanesPerRow: number): Schedule => {
  const rows = Math.max(1, Math.ceil(n / cols));
  const b = Math.min(blockRows, rows);
  const sub = Math.ceil(cols / Math.min(lanesPerRow, cols));
  const width = Math.ceil(cols / sub);
  const blocks = Math.ceil(rows / b);
  return { n, cols, rows, blockRows: b, blocks, sub, width, lanes: blocks * width };
};

/** Number of symbols each lane codes. */
const laneCounts = (s: Schedule): Int32Array => {
  const out = new Int32Array(s.lanes);
  const lastRowLength = s.n - (s.rows - 1) * s.cols;
  for (let b = 0; b < s.blocks; b++) {
    const rowsInBlock = Math.min(s.blockRows, s.rows - b * s.blockRows);
    for (let g = 0; g < s.width; g++) {
      const perRow = Math.ceil((s.cols - g) / s.width);
      let count = rowsInBlock * perRow;
      if (b === s.blocks - 1) count -= perRow - Math.ceil(Math.max(0, lastRowLength - g) / s.width);
      out[b * s.width + g] = count;
    }
  }
  return out;
};

// ---------------------------------------------------------------- model (encoder side)

/** Quantises counts[from..to) (sum `total`) to q >= 1 summing to exactly `scale`. */
const normalise = (counts: Int32Array, from: number, to: number, total: number, scale: number, q: Int32Array): void => {
  let sum = 0;
  let top = from;
  for (let i = from; i < to; i++) {
    const v = Math.max(1, Math.round((counts[i] * scale) / total));
    q[i] = v;
    sum += v;
    if (counts[i] > counts[top]) top = i;
  }
  let excess = sum - scale;
  if (excess <= 0) {
    q[top] -= excess;
    return;
  }
  while (excess > 0) {
    let big = from;
    for (let i = from; i < to; i++) if (q[i] > q[big]) big = i;
    const take = Math.min(q[big] - 1, excess);
    q[big] -= take;
    excess -= take;
  }
};

/**
 * Picks the scale bits of one context: the smallest estimated coded size plus table size
 * (about log2(q) + 1 bits a frequency), then normalises to it. Returns the scale bits.
 */
const chooseScale = (counts: Int32Array, from: number, to: number, total: number, maxBits: number, q: Int32Array): number => {
  const k = to - from;
  let bestBits = Math.max(ceilLog2(k), Math.min(maxBits, 1));
  if (k > 1) {
    let bestCost = Infinity;
    for (let bits = bestBits; bits <= maxBits; bits++) {
      // cost of the rounded frequencies before the sum is fixed (their own total stands for 2^bits)
      const scale = 2 ** bits;
      let sum = 0;
      let cost = 0;
      for (let i = from; i < to; i++) {
        const v = Math.max(1, Math.round((counts[i] * scale) / total));
        sum += v;
        cost += Math.log2(v) + 1 - counts[i] * Math.log2(v);
      }
      cost += total * Math.log2(sum);
      if (cost < bestCost) {
        bestCost = cost;
        bestBits = bits;
      }
    }
  }
  normalise(counts, from, to, total, 2 ** bestBits, q);
  return bestBits;
};

interface Model {
  readonly precision: number;
  /** used context ids, ascending */
  readonly contexts: Int32Array;
  /** per used context: first pair index (length U + 1) */
  readonly start: Int32Array;
  readonly scale: Int32Array;
  /** per pair (by context then symbol): dense symbol and quantised frequency */
  readonly symbol: Int32Array;
  readonly q: Int32Array;
  /** per pair: coder frequency and cumulative frequency; per position: its pair */
  readonly freq: Int32Array;
  readonly cum: Int32Array;
  readonly pairOf: Int32Array;
  /** empirical entropy of the symbols given their contexts, in bits */
  readonly entropyBits: number;
}

const COUNT_TABLE_MAX = 1 << 22;

// small monomorphic loops (V8 optimises them once for every caller)
const countInto = (key: Int32Array, table: Int32Array): void => {
  for (let p = 0; p < key.length; p++) table[key[p]]++;
};
const gather = (from: Int32Array, index: Int32Array, out: Int32Array): void => {
  for (let p = 0; p < index.length; p++) out[p] = from[index[p]];
};

/** Counts (context, symbol) pairs, picks scales and frequencies; ctx = null means one context. */
const buildModel = (dense: Int32Array, ctx: Int32Array | null, alphabet: number, maxPrecision: number): Model => {
  const n = dense.length;
  const contextCount = ctx ? alphabet + 1 : 1;
  // pairOf[p]: pair index of each position; pairs sorted by key = context * alphabet + symbol
  const pairOf = new Int32Array(n);
  let keys: Float64Array;
  let counts: Int32Array;
  if (contextCount * alphabet <= COUNT_TABLE_MAX) {
    const key = ctx ? new Int32Array(n) : dense;
    if (ctx) for (let p = 0; p < n; p++) key[p] = ctx[p] * alphabet + dense[p];
    const table = new Int32Array(contextCount * alphabet);
    countInto(key, table);
    let pairs = 0;
    for (let i = 0; i < table.length; i++) if (table[i] > 0) pairs++;
    keys = new Float64Array(pairs);
    counts = new Int32Array(pairs);
    for (let i = 0, j = 0; i < table.length; i++)
      if (table[i] > 0) {
        keys[j] = i;
        counts[j] = table[i];
        table[i] = j++;
      }
    gather(table, key, pairOf);
  } else {
    const key = new Float64Array(n);
    for (let p = 0; p < n; p++) key[p] = (ctx ? ctx[p] * alphabet : 0) + dense[p];
    const sorted = key.slice();
    sorted.sort();
    let pairs = 0;
    for (let p = 0; p < n; p++) if (p === 0 || sorted[p] !== sorted[p - 1]) pairs++;
    keys = new Float64Array(pairs);
    counts = new Int32Array(pairs);
    for (let p = 0, j = -1; p < n; p++) {
      if (p === 0 || sorted[p] !== sorted[p - 1]) keys[++j] = sorted[p];
      counts[j]++;
    }
    for (let p = 0; p < n; p++) {
      let lo = 0;
      let hi = keys.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] < key[p]) lo = mid + 1;
        else hi = mid;
      }
      pairOf[p] = lo;
    }
  }
  const pairs = keys.length;
  const symbol = new Int32Array(pairs);
  const contextOfPair = new Int32Array(pairs);
  const starts: number[] = [];
  const contexts: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const c = Math.floor(keys[i] / alphabet);
    symbol[i] = keys[i] - c * alphabet;
    if (i === 0 || c !== contexts[contexts.length - 1]) {
      contexts.push(c);
      starts.push(i);
    }
    contextOfPair[i] = contexts.length - 1;
  }
  starts.push(pairs);
  const used = contexts.length;
  let needed = 0;
  for (let u = 0; u < used; u++) needed = Math.max(needed, ceilLog2(starts[u + 1] - starts[u]));
  const cap = Math.max(needed, maxPrecision);
  const q = new Int32Array(pairs);
  const scale = new Int32Array(used);
  let entropyBits = 0;
  let precision = 1;
  for (let u = 0; u < used; u++) {
    let total = 0;
    for (let i = starts[u]; i < starts[u + 1]; i++) total += counts[i];
    for (let i = starts[u]; i < starts[u + 1]; i++) entropyBits += counts[i] * Math.log2(total / counts[i]);
    scale[u] = chooseScale(counts, starts[u], starts[u + 1], total, cap, q);
    precision = Math.max(precision, scale[u]);
  }
  const freq = new Int32Array(pairs);
  const cum = new Int32Array(pairs);
  for (let u = 0; u < used; u++) {
    let c = 0;
    for (let i = starts[u]; i < starts[u + 1]; i++) {
      freq[i] = q[i] * 2 ** (precision - scale[u]);
      cum[i] = c;
      c += freq[i];
    }
  }

  return {
    precision,
    contexts: Int32Array.from(contexts),
    start: Int32Array.from(starts),
    scale,
    symbol,
    q,
    freq,
    cum,
    pairOf,
    entropyBits,
  };
};

// ---------------------------------------------------------------- coder core

interface Lanes {
  readonly warm: Int32Array;
  readonly states: Float64Array;
  readonly words: Uint16Array;
}

/** Runs the schedule backwards: returns warm-up counts, final states and words in decode order. */
const encodeCore = (s: Schedule, model: Model): Lanes => {
  const { freq, cum, pairOf, precision } = model;
  const states = new Float64Array(s.lanes).fill(STATE_START);
  const warm = new Int32Array(s.lanes);
  const words = new Uint16Array(s.n);
  let w = s.n;
  const M = 2 ** precision;
  const limitUnit = 2 ** (32 - precision);
  const { cols, rows, blockRows, blocks, sub, width, n } = s;
  for (let t = blockRows - 1; t >= 0; t--)
    for (let j = sub - 1; j >= 0; j--)
      for (let b = blocks - 1; b >= 0; b--) {
        const r = b * blockRows + t;
        if (r >= rows) continue;
        const lane0 = b * width;
        const base = r * cols + j * width;
        for (let g = Math.min(width, cols - j * width, n - base) - 1; g >= 0; g--) {
          const pair = pairOf[base + g];
          const f = freq[pair];
          let x = states[lane0 + g];
          if (x < STATE_LOW) warm[lane0 + g]++;
          else if (x >= f * limitUnit) {
            words[--w] = x & 0xffff;
            x = x >>> 16;
          }
          const d = Math.floor(x / f);
          states[lane0 + g] = d * M + (x - d * f) + cum[pair];
        }
      }
  return { warm, states, words: words.subarray(w) };
};

const writeCore = (out: ByteWriter, lanes: Lanes): void => {
  let top = 0;
  for (const k of lanes.warm) top = Math.max(top, k);
  const kw = top === 0 ? 0 : bitLength(top);
  out.byte(kw);
  if (kw > 0) out.bytes(packBits(lanes.warm, kw));
  const states = new Uint8Array(4 * lanes.states.length);
  const view = new DataView(states.buffer);
  lanes.states.forEach((x, i) => view.setUint32(4 * i, x, true));
  out.bytes(states);
  out.varint(lanes.words.length);
  const words = new Uint8Array(2 * lanes.words.length);
  for (let i = 0; i < lanes.words.length; i++) {
    words[2 * i] = lanes.words[i] & 0xff;
    words[2 * i + 1] = lanes.words[i] >>> 8;
  }
  out.bytes(words);
};

interface LaneInput {
  readonly states: Float64Array;
  /** per lane, the step from which it reads no more words (its warm-up) */
  readonly warmStep: Int32Array;
  /** renormalisation words, little endian */
  readonly words: Uint16Array;
}

const readCore = (r: ByteReader, s: Schedule): LaneInput => {
  const kw = r.byte();
  if (kw > 32) corrupt(`warm-up width ${kw}`);
  const counts = laneCounts(s);
  // normal[l]: symbols lane l decodes before its warm-up
  const normal = new Int32Array(s.lanes);
  if (kw > 0) {
    const warm = new Uint32Array(s.lanes);
    const packed = r.take(packedLength(s.lanes, kw));
    unpackBits(packed, s.lanes, kw, warm);
    const spare = (8 - ((s.lanes * kw) % 8)) % 8;
    if ((packed[packed.length - 1] & ((1 << spare) - 1)) !== 0) corrupt("nonzero padding after the warm-up counts");
    for (let l = 0; l < s.lanes; l++) {
      if (warm[l] > counts[l]) corrupt(`lane ${l} warm-up ${warm[l]} over its ${counts[l]} symbols`);
      normal[l] = counts[l] - warm[l];
    }
  } else normal.set(counts);
  const raw = r.take(4 * s.lanes);
  const states = new Float64Array(s.lanes);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let l = 0; l < s.lanes; l++) states[l] = view.getUint32(4 * l, true);
  // a lane decodes perRow symbols per row of its block, one per step, at sub-steps 0..perRow-1
  const warmStep = new Int32Array(s.lanes);
  for (let l = 0; l < s.lanes; l++) {
    const perRow = Math.ceil((s.cols - (l % s.width)) / s.width);
    warmStep[l] = normal[l] < counts[l] ? Math.floor(normal[l] / perRow) * s.sub + (normal[l] % perRow) : s.blockRows * s.sub;
  }
  const count = r.varint();
  if (count > s.n) corrupt(`${count} words for ${s.n} symbols`);
  const raw16 = r.take(2 * count);
  const words = new Uint16Array(count);
  for (let i = 0; i < count; i++) words[i] = raw16[2 * i] | (raw16[2 * i + 1] << 8);
  return { states, warmStep, words };
};

/** Decoder tables: a direct slot table per used context when small enough, else binary search. */
interface DecodeTables {
  readonly precision: number;
  /** context id -> used-context ordinal, -1 if unused */
  readonly ordinal: Int32Array;
  readonly direct: boolean;
  // direct: indexed by (ordinal << precision) | slot
  readonly slotSymbol: Int32Array;
  readonly slotFreq: Int32Array;
  readonly slotBias: Int32Array;
  // search: per ordinal, pairs start[o]..start[o+1] with cumulative frequencies
  readonly start: Int32Array;
  readonly pairCum: Int32Array;
  readonly pairFreq: Int32Array;
  readonly pairSymbol: Int32Array;
}

const buildDecodeTables = (
  precision: number,
  contextIds: Int32Array,
  contextSpace: number,
  start: Int32Array,
  scale: Int32Array,
  symbol: Int32Array,
  q: Int32Array,
  directLimit: number,
): DecodeTables => {
  const used = contextIds.length;
  const ordinal = new Int32Array(contextSpace).fill(-1);
  contextIds.forEach((c, o) => (ordinal[c] = o));
  const pairs = symbol.length;
  const pairCum = new Int32Array(pairs);
  const pairFreq = new Int32Array(pairs);
  for (let o = 0; o < used; o++)
    for (let i = start[o], c = 0; i < start[o + 1]; i++) {
      pairFreq[i] = q[i] * 2 ** (precision - scale[o]);
      pairCum[i] = c;
      c += pairFreq[i];
    }
  const M = 2 ** precision;
  const direct = used * M <= directLimit;
  const size = direct ? used * M : 0;
  const slotSymbol = new Int32Array(size);
  const slotFreq = new Int32Array(size);
  const slotBias = new Int32Array(size);
  if (direct)
    for (let o = 0; o < used; o++)
      for (let i = start[o]; i < start[o + 1]; i++) {
        const e0 = o * M + pairCum[i];
        for (let k = 0; k < pairFreq[i]; k++) {
          slotSymbol[e0 + k] = symbol[i];
          slotFreq[e0 + k] = pairFreq[i];
          slotBias[e0 + k] = k;
        }
      }
  return { precision, ordinal, direct, slotSymbol, slotFreq, slotBias, start, pairCum, pairFreq, pairSymbol: symbol };
};

/**
 * Decodes the schedule into dense[] (context symbols come from dense itself). `refs` gives each
 * row's context distance (0 = fixed context `fixed`); null means order-0 (context 0).
 */
type Dense = Uint8Array | Uint16Array;

/** Decoded symbol indices: one or two bytes each, so never more bytes than the decoded stream. */
const denseArray = (alphabet: number, n: number): Dense => (alphabet <= 256 ? new Uint8Array(n) : new Uint16Array(n));

const decodeCore = (s: Schedule, tables: DecodeTables, refs: Int32Array | null, fixed: number, input: LaneInput, dense: Dense): void => {
  if (!refs && tables.direct) return decodeFlat(s, tables, input, dense);
  const { states, warmStep, words } = input;
  const wordCount = words.length;
  let wp = 0;
  const P = tables.precision;
  const mask = 2 ** P - 1;
  const { ordinal, direct, slotSymbol, slotFreq, slotBias, start, pairCum, pairFreq, pairSymbol } = tables;
  const { cols, rows, blockRows, blocks, sub, width, n } = s;
  for (let t = 0; t < blockRows; t++)
    for (let j = 0; j < sub; j++)
      for (let b = 0; b < blocks; b++) {
        const r = b * blockRows + t;
        if (r >= rows) continue;
        const step = t * sub + j;
        const back = refs ? refs[r] * cols : 0;
        const fixedOrdinal = refs && back === 0 ? ordinal[fixed] : refs ? -1 : 0;
        const lane0 = b * width;
        const base = r * cols + j * width;
        const end = Math.min(width, cols - j * width, n - base);
        for (let g = 0; g < end; g++) {
          const p = base + g;
          const o = back > 0 ? ordinal[dense[p - back]] : fixedOrdinal;
          if (o < 0) corrupt(`unused context at symbol ${p}`);
          const l = lane0 + g;
          let x = states[l];
          const slot = x & mask;
          if (direct) {
            const e = o * (mask + 1) + slot;
            dense[p] = slotSymbol[e];
            x = slotFreq[e] * (x >>> P) + slotBias[e];
          } else {
            let lo = start[o];
            let hi = start[o + 1] - 1;
            while (lo < hi) {
              const mid = (lo + hi + 1) >>> 1;
              if (pairCum[mid] <= slot) lo = mid;
              else hi = mid - 1;
            }
            dense[p] = pairSymbol[lo];
            x = pairFreq[lo] * (x >>> P) + slot - pairCum[lo];
          }
          if (x < STATE_LOW && step < warmStep[l]) {
            if (wp >= wordCount) corrupt("out of words");
            x = x * 65536 + words[wp++];
          }
          states[l] = x;
        }
      }
  checkEnd(states, wp, wordCount);
};

const checkEnd = (states: Float64Array, wp: number, wordCount: number): void => {
  for (let l = 0; l < states.length; l++) if (states[l] !== STATE_START) corrupt(`lane ${l} ends in state ${states[l]}`);
  if (wp !== wordCount) corrupt(`${wordCount - wp} words left over`);
};

/** decodeCore for order-0 with direct tables: lane g, step t codes symbol t * lanes + g. */
const decodeFlat = (s: Schedule, tables: DecodeTables, input: LaneInput, dense: Dense): void => {
  const { states, warmStep, words } = input;
  const { slotSymbol, slotFreq, slotBias } = tables;
  const P = tables.precision;
  const mask = 2 ** P - 1;
  const lanes = s.width;
  const n = s.n;
  const wordCount = words.length;
  let wp = 0;
  for (let t = 0, p = 0; p < n; t++) {
    const end = Math.min(lanes, n - p);
    for (let l = 0; l < end; l++, p++) {
      let x = states[l];
      const slot = x & mask;
      dense[p] = slotSymbol[slot];
      x = slotFreq[slot] * (x >>> P) + slotBias[slot];
      if (x < STATE_LOW && t < warmStep[l]) {
        if (wp >= wordCount) corrupt("out of words");
        x = x * 65536 + words[wp++];
      }
      states[l] = x;
    }
  }
  checkEnd(states, wp, wordCount);
};

// ---------------------------------------------------------------- plain (nested order-0) streams

/** Distinct values of `values` ascending, each value's dense index, and the order-0 entropy in bits. */
const remap = (values: Int32Array, space: number): { alphabet: Int32Array; dense: Int32Array; order0Bits: number } => {
  const counts = new Int32Array(space);
  countInto(values, counts);
  const index = new Int32Array(space);
  let a = 0;
  let order0Bits = 0;
  for (let v = 0; v < space; v++)
    if (counts[v] > 0) {
      index[v] = a++;
      order0Bits += counts[v] * Math.log2(values.length / counts[v]);
    }
  const alphabet = new Int32Array(a);
  for (let v = 0; v < space; v++) if (counts[v] > 0) alphabet[index[v]] = v;
  const dense = new Int32Array(values.length);
  gather(index, values, dense);
  return { alphabet, dense, order0Bits };
};

const writeAscending = (out: ByteWriter, values: ArrayLike<number>): void => {
  for (let i = 0; i < values.length; i++) out.varint(i === 0 ? values[0] : values[i] - values[i - 1] - 1);
};

/** Order-0 stream of small integers (< space) with its table written plainly. */
const writePlain = (out: ByteWriter, values: Int32Array, space: number): void => {
  out.varint(values.length);
  if (values.length === 0) return;
  const { alphabet, dense } = remap(values, space);
  const model = buildModel(dense, null, alphabet.length, AUTO_PRECISION);
  out.varint(alphabet.length);
  writeAscending(out, alphabet);
  out.varint(model.precision);
  for (let i = 0; i < alphabet.length - 1; i++) out.varint(model.q[i] - 1);
  // lanes for few steps, but at most one per PLAIN_LANE_BITS of output (each costs ~20 bits)
  const lanes = Math.max(1, Math.ceil(values.length / MAX_AUTO_STEPS), Math.min(Math.ceil(values.length / PLAIN_STEPS), 1 + Math.floor(model.entropyBits / PLAIN_LANE_BITS)));
  out.varint(lanes);
  const s = schedule(values.length, lanes, values.length, lanes);
  writeCore(out, encodeCore(s, model));
};

/** Inverse of writePlain: at most maxCount values, each below `space`. */
const readPlain = (r: ByteReader, maxCount: number, space: number, directLimit: number): Int32Array => {
  const m = r.varint();
  if (m > maxCount) corrupt(`nested stream of ${m} symbols (at most ${maxCount})`);
  if (m === 0) return new Int32Array(0);
  const a = r.varint();
  if (a < 1 || a > Math.min(m, space)) corrupt(`nested alphabet of ${a}`);
  const alphabet = readAscending(r, a, space, "nested alphabet");
  const precision = r.varint();
  if (precision > MAX_PRECISION || 2 ** precision < a) corrupt(`nested precision ${precision} for ${a} symbols`);
  const q = new Int32Array(a);
  let rest = 2 ** precision;
  for (let i = 0; i < a - 1; i++) {
    q[i] = r.varint() + 1;
    rest -= q[i];
    if (rest < 1) corrupt("nested frequencies over the total");
  }
  q[a - 1] = rest;
  const lanes = r.varint();
  if (lanes < 1 || lanes > m) corrupt(`nested stream with ${lanes} lanes`);
  const s = schedule(m, lanes, m, lanes);
  const tables = buildDecodeTables(
    precision,
    Int32Array.of(0),
    1,
    Int32Array.of(0, a),
    Int32Array.of(precision),
    Int32Array.from({ length: a }, (_, i) => i),
    q,
    directLimit,
  );
  const dense = denseArray(a, m);
  decodeCore(s, tables, null, 0, readCore(r, s), dense);
  return Int32Array.from(dense, (v) => alphabet[v]);
};

const readAscending = (r: ByteReader, count: number, space: number, what: string): Int32Array => {
  const out = new Int32Array(count);
  let v = -1;
  for (let i = 0; i < count; i++) {
    v += r.varint() + 1;
    if (v >= space) corrupt(`${what}: value ${v} out of range ${space}`);
    out[i] = v;
  }
  return out;
};

// ---------------------------------------------------------------- reference rows

/** Each symbol's context: the symbol refs[row] rows up, or `fixed` (A) where the ref is 0. */
const contextsOf = (dense: Int32Array, refs: Int32Array, period: number, fixed: number): Int32Array => {
  const ctx = new Int32Array(dense.length);
  for (let q = 0; q < dense.length; q++) {
    const back = refs[Math.floor(q / period)] * period;
    ctx[q] = back > 0 ? dense[q - back] : fixed;
  }
  return ctx;
};

/** Empirical entropy in bits of the symbols given the contexts `refs` defines (as a model's). */
const contextBits = (dense: Int32Array, refs: Int32Array, period: number, fixed: number): number => {
  const alphabet = fixed;
  if ((alphabet + 1) * alphabet > COUNT_TABLE_MAX) return buildModel(dense, contextsOf(dense, refs, period, fixed), alphabet, 1).entropyBits;
  const joint = new Int32Array((alphabet + 1) * alphabet);
  const margin = new Int32Array(alphabet + 1);
  const n = dense.length;
  for (let r = 0, p = 0; p < n; r++) {
    const back = refs[r] * period;
    const end = Math.min(n, p + period);
    for (; p < end; p++) {
      const c = back > 0 ? dense[p - back] : fixed;
      joint[c * alphabet + dense[p]]++;
      margin[c]++;
    }
  }
  let bits = 0;
  for (const m of margin) if (m > 0) bits += m * Math.log2(m);
  for (const j of joint) if (j > 0) bits -= j * Math.log2(j);
  return bits;
};

/** Estimated size of writeRefs in bits: entropy of the bit lengths plus the raw low bits. */
const refBits = (refs: Int32Array): number => {
  const counts = new Float64Array(18);
  for (const d of refs) counts[bitLength(d)]++;
  let bits = 0;
  counts.forEach((c, b) => {
    if (c > 0) bits += c * (Math.log2(refs.length / c) + Math.max(0, b - 1));
  });
  return bits;
};

/** Refs as bit lengths (entropy coded: a small table) plus their raw low bits. */
const writeRefs = (out: ByteWriter, refs: Int32Array): void => {
  writePlain(out, Int32Array.from(refs, bitLength), 17);
  for (let b = 2; b <= 16; b++) {
    const low = refs.filter((d) => bitLength(d) === b).map((d) => d - 2 ** (b - 1));
    if (low.length > 0) out.bytes(packBits(low, b - 1));
  }
};

const readRefs = (r: ByteReader, rows: number, window: number, directLimit: number): Int32Array => {
  const lengths = readPlain(r, rows, bitLength(window) + 1, directLimit);
  if (lengths.length !== rows) corrupt(`${lengths.length} references for ${rows} rows`);
  const refs = lengths.slice();
  for (let b = 2; b <= 16; b++) {
    let count = 0;
    for (const v of lengths) if (v === b) count++;
    if (count === 0) continue;
    const packed = r.take(packedLength(count, b - 1));
    const spare = (8 - ((count * (b - 1)) % 8)) % 8;
    if ((packed[packed.length - 1] & ((1 << spare) - 1)) !== 0) corrupt("nonzero padding after references");
    const low = new Uint32Array(count);
    unpackBits(packed, count, b - 1, low);
    for (let i = 0, k = 0; i < rows; i++) if (lengths[i] === b) refs[i] = 2 ** (b - 1) + low[k++];
  }
  return refs;
};

/**
 * For each row, the distance (1..window) of the earlier row, decodable before it under blocks of
 * blockRows rows, that agrees with it on the most sampled columns (nearest on ties); 0 if none.
 * Samples are compared as the low byte of their dense index, four at a time.
 */
const findRefs = (dense: Int32Array, s: Schedule, window: number): Int32Array => {
  const { cols, rows, blockRows, n } = s;
  const samples = Math.min(cols, SAMPLE_COLUMNS);
  const words = Math.ceil(samples / 4);
  const sigBytes = new Uint8Array(rows * words * 4);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < samples; i++) {
      const p = r * cols + Math.floor((i * cols) / samples);
      sigBytes[r * words * 4 + i] = p < n ? dense[p] : 0xff;
    }
  const sig = new Uint32Array(sigBytes.buffer);
  const refs = new Int32Array(rows);
  const oneBlock = blockRows >= rows;
  const perfect = words * 4;
  for (let r = 1; r < rows; r++) {
    const t = r % blockRows;
    if (t === 0) continue;
    const me = r * words;
    let best = -1;
    let bestDistance = 0;
    const far = Math.min(window, r);
    for (let d = 1; d <= far; d++) {
      if (!oneBlock && (r - d) % blockRows >= t) continue;
      const other = (r - d) * words;
      let score = 0;
      for (let i = 0; i < words; i++) {
        const v = sig[me + i] ^ sig[other + i];
        // high bit of each zero byte of v, then their count in the top byte
        const zero = ~(((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v | 0x7f7f7f7f);
        score += Math.imul((zero >>> 7) & 0x01010101, 0x01010101) >>> 24;
      }
      if (score > best) {
        best = score;
        bestDistance = d;
        if (score === perfect) break;
      }
    }
    refs[r] = bestDistance;
  }
  return refs;
};

// ---------------------------------------------------------------- the primitive

const params = {
  symbol: oneOf(["u8", "u16"], "u8", "symbol size: bytes, or little-endian byte pairs (odd tail byte kept raw)"),
  context: oneOf(["none", "above", "rowref"], "rowref", "order-0, the symbol one row up, or the same column of a per-row reference row"),
  period: periodParam("row length (symbols)"),
  window: int(1, 65535, 256, "rowref: how many rows back a reference may go"),
  blockRows: int(0, BLOCK_ROWS_MAX, 0, "rows per block (blocks are decoded in parallel); 0 = auto"),
  lanes: int(0, LANES_MAX, 0, "rANS states (context modes: per row of a block); 0 = auto"),
  precision: int(0, MAX_PRECISION, 0, "largest frequency scale in bits (raised if a context needs more); 0 = auto"),
};

export type RansParams = { symbol: "u8" | "u16"; context: "none" | "above" | "rowref"; period: number; window: number; blockRows: number; lanes: number; precision: number };

const symbolsOf = (input: Uint8Array, wide: boolean): Int32Array => {
  if (!wide) return new Int32Array(input);
  const out = new Int32Array(input.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = input[2 * i] | (input[2 * i + 1] << 8);
  return out;
};

const encode = (input: Uint8Array, p: RansParams): { streams: Uint8Array[]; params: RansParams; stats?: RansStats } => {
  const wide = p.symbol === "u16";
  const values = symbolsOf(input, wide);
  const n = values.length;
  const tail = input.length - n * (wide ? 2 : 1);
  const contextual = p.context !== "none";
  const period = contextual ? resolvePeriod(input, wide ? 2 : 1, p.period) : p.period;
  const out = new ByteWriter(64 + (n >> 2));
  if (n === 0) {
    if (tail) out.byte(input[input.length - 1]);
    return { streams: [out.finish()], params: { ...p, period: Math.max(period, contextual ? 1 : 0), blockRows: Math.max(1, p.blockRows), lanes: Math.max(1, p.lanes), precision: Math.max(1, p.precision) } };
  }
  const { alphabet, dense, order0Bits } = remap(values, wide ? 65536 : 256);
  const A = alphabet.length;
  const check = new Uint8Array(4);
  new DataView(check.buffer).setUint32(0, adler32(input), true);
  out.bytes(check);
  // lane budget: flush cost ~FLUSH_SHARE of the output (a context roughly halves order-0 entropy)
  const flushBudget = Math.floor((order0Bits * (contextual ? 0.6 : 1) * FLUSH_SHARE) / LANE_BITS);
  const budget = Math.min(n, Math.max(1, Math.ceil(n / MAX_AUTO_STEPS), flushBudget));
  let s: Schedule;
  let blockRows: number;
  let lanes: number;
  if (!contextual) {
    lanes = p.lanes || Math.min(LANES_MAX, budget);
    blockRows = p.blockRows;
    s = schedule(n, lanes, n, lanes);
  } else {
    const rows = Math.ceil(n / period);
    lanes = p.lanes || Math.min(period, LANES_MAX, budget);
    const perRow = Math.min(lanes, period);
    blockRows = p.blockRows || (perRow === period ? Math.ceil(rows / Math.max(1, Math.floor(budget / period))) : rows);
    blockRows = Math.min(blockRows, BLOCK_ROWS_MAX);
    s = schedule(n, period, blockRows, lanes);
  }
  const precision = p.precision || AUTO_PRECISION;
  let refs: Int32Array | null = null;
  let model: Model;
  if (!contextual) model = buildModel(dense, null, A, precision);
  else {
    refs = Int32Array.from({ length: s.rows }, (_, r) => (r % s.blockRows === 0 ? 0 : 1));
    if (p.context === "rowref") {
      // per-row references pay for themselves only if they save more than they cost (short
      // rows, e.g. a wrong period, make them dearer than the symbols): otherwise keep "above"
      const found = findRefs(dense, s, p.window);
      if (contextBits(dense, found, period, A) + refBits(found) < contextBits(dense, refs, period, A)) refs = found;
    }
    model = buildModel(dense, contextsOf(dense, refs, period, A), A, precision);
  }
  // model varints
  const side = new ByteWriter(256);
  side.varint(A);
  writeAscending(side, alphabet);
  const used = model.contexts.length;
  if (contextual) {
    side.varint(used);
    writeAscending(side, model.contexts);
  }
  for (let u = 0; u < used; u++) side.varint(model.start[u + 1] - model.start[u] - 1);
  for (let u = 0; u < used; u++) side.varint(model.precision - model.scale[u]);
  for (let u = 0; u < used; u++) writeAscending(side, model.symbol.subarray(model.start[u], model.start[u + 1]));
  for (let u = 0; u < used; u++) for (let i = model.start[u]; i < model.start[u + 1] - 1; i++) side.varint(model.q[i] - 1);
  writePlain(out, new Int32Array(side.finish()), 256);
  const sideBytes = out.length;
  if (p.context === "rowref") writeRefs(out, refs!);
  const refBytes = out.length - sideBytes;
  writeCore(out, encodeCore(s, model));
  if (tail) out.byte(input[input.length - 1]);
  const stats = { entropyBits: model.entropyBits, sideBytes, refBytes, lanes: s.lanes, steps: s.blockRows * s.sub };
  return { streams: [out.finish()], params: { ...p, period, blockRows: Math.max(1, blockRows), lanes, precision: model.precision }, stats };
};

/** What an encode spent where: model entropy (the bound), side info, refs, lanes and steps. */
export interface RansStats {
  readonly entropyBits: number;
  readonly sideBytes: number;
  readonly refBytes: number;
  readonly lanes: number;
  readonly steps: number;
}

/** Encodes like the primitive and also reports the empirical conditional entropy and section sizes. */
export const ransEncodeWithStats = (input: Uint8Array, p: RansParams): { payload: Uint8Array; params: RansParams; stats: RansStats } => {
  const r = encode(input, p);
  return { payload: r.streams[0], params: r.params, stats: r.stats ?? { entropyBits: 0, sideBytes: 0, refBytes: 0, lanes: 0, steps: 0 } };
};

/** Upper bound on the model's varint bytes for n symbols (each count is at most n + 1). */
const sideBytesMax = (n: number): number => 64 + 10 * 5 * (n + 1);

const decode = ([payload]: readonly Uint8Array[], p: RansParams, info: { cap: number; decodedLength: number }): Uint8Array => {
  const wide = p.symbol === "u16";
  const total = info.decodedLength;
  const n = wide ? total >>> 1 : total;
  const tail = total - n * (wide ? 2 : 1);
  const out = new Uint8Array(total);
  if (n === 0) {
    if (payload.length !== tail) corrupt(`${payload.length} bytes for an empty stream`);
    out.set(payload);
    return out;
  }
  const contextual = p.context !== "none";
  const period = contextual ? requireResolved("rans", "period", p.period) : 0;
  requireResolved("rans", "lanes", p.lanes);
  requireResolved("rans", "precision", p.precision);
  if (contextual) requireResolved("rans", "blockRows", p.blockRows);
  const r = new ByteReader(payload, "rans");
  const c4 = r.take(4);
  const check = (c4[0] | (c4[1] << 8) | (c4[2] << 16) | (c4[3] << 24)) >>> 0;
  // direct slot tables take 4 bytes an entry in each of three arrays
  const directLimit = Math.min(1 << 22, 2 * n + 4096, Math.floor(info.cap / 4));
  const sideBytes = readPlain(r, Math.min(info.cap, sideBytesMax(n)), 256, directLimit);
  const side = new ByteReader(Uint8Array.from(sideBytes), "rans model");
  const space = wide ? 65536 : 256;
  const A = side.varint();
  if (A < 1 || A > Math.min(n, space)) corrupt(`alphabet of ${A}`);
  const alphabet = readAscending(side, A, space, "alphabet");
  const contextSpace = contextual ? A + 1 : 1;
  let contextIds: Int32Array = Int32Array.of(0);
  if (contextual) {
    const used = side.varint();
    if (used < 1 || used > Math.min(contextSpace, n)) corrupt(`${used} contexts`);
    contextIds = readAscending(side, used, contextSpace, "contexts");
  }
  const used = contextIds.length;
  const P = p.precision;
  const start = new Int32Array(used + 1);
  for (let u = 0; u < used; u++) {
    const k = side.varint() + 1;
    if (k > A) corrupt(`context with ${k} symbols of ${A}`);
    start[u + 1] = start[u] + k;
    if (start[u + 1] > n) corrupt("more table entries than symbols");
  }
  const scale = new Int32Array(used);
  for (let u = 0; u < used; u++) {
    const drop = side.varint();
    if (drop > P || 2 ** (P - drop) < start[u + 1] - start[u]) corrupt(`context scale ${P - drop}`);
    scale[u] = P - drop;
  }
  const symbol = new Int32Array(start[used]);
  for (let u = 0; u < used; u++) symbol.set(readAscending(side, start[u + 1] - start[u], A, "context symbols"), start[u]);
  const q = new Int32Array(start[used]);
  for (let u = 0; u < used; u++) {
    let rest = 2 ** scale[u];
    const last = start[u + 1] - 1;
    for (let i = start[u]; i < last; i++) {
      q[i] = side.varint() + 1;
      rest -= q[i];
      if (rest < 1) corrupt("frequencies over the total");
    }
    q[last] = rest;
  }
  if (side.remaining !== 0) corrupt(`${side.remaining} model bytes left over`);
  let s: Schedule;
  let refs: Int32Array | null = null;
  if (!contextual) s = schedule(n, p.lanes, n, p.lanes);
  else {
    s = schedule(n, period, p.blockRows, p.lanes);
    if (p.context === "rowref") {
      refs = readRefs(r, s.rows, p.window, directLimit);
      for (let row = 0; row < s.rows; row++) {
        const d = refs[row];
        if (d > 0 && (d > row || d > p.window || (row - d) % s.blockRows >= row % s.blockRows)) corrupt(`row ${row} refers ${d} rows back`);
      }
    } else {
      refs = new Int32Array(s.rows);
      for (let row = 0; row < s.rows; row++) refs[row] = row % s.blockRows === 0 ? 0 : 1;
    }
  }
  const tables = buildDecodeTables(P, contextIds, contextSpace, start, scale, symbol, q, directLimit);
  const dense = denseArray(A, n);
  decodeCore(s, tables, refs, A, readCore(r, s), dense);
  if (tail) out[total - 1] = r.byte();
  if (r.remaining !== 0) corrupt(`${r.remaining} trailing bytes`);
  if (wide)
    for (let i = 0; i < n; i++) {
      const v = alphabet[dense[i]];
      out[2 * i] = v & 0xff;
      out[2 * i + 1] = v >>> 8;
    }
  else for (let i = 0; i < n; i++) out[i] = alphabet[dense[i]];
  if (adler32(out) !== check) corrupt("checksum mismatch");
  return out;
};

/** The same kernels in numpy, vectorised across lanes (one loop iteration per step). */
const PYTHON = `
import zlib

_RANS_LOW = 1 << 16
_RANS_AUTO_PRECISION = 13
_RANS_SAMPLE_COLUMNS = 32
_RANS_FLUSH_SHARE = 0.005
_RANS_LANE_BITS = 20
_RANS_PLAIN_STEPS = 256
_RANS_PLAIN_LANE_BITS = 2000
_RANS_MAX_AUTO_STEPS = 4096
_RANS_LANES_MAX = 65535
_RANS_BLOCK_ROWS_MAX = 1 << 30
_RANS_COUNT_TABLE_MAX = 1 << 22


def _rans_corrupt(message):
    raise CodecError("corrupt-payload", "rans: " + message)


def _rans_ceil_log2(v):
    return 0 if v <= 1 else int(v - 1).bit_length()


class _RansSchedule(object):
    """Lane (b, g) codes column j*width + g of row b*B + t at step t*sub + j (see rans.ts)."""

    def __init__(self, n, cols, block_rows, lanes_per_row):
        self.n = n
        self.cols = cols
        self.rows = max(1, -(-n // cols))
        self.B = min(block_rows, self.rows)
        self.sub = -(-cols // min(lanes_per_row, cols))
        self.width = -(-cols // self.sub)
        self.blocks = -(-self.rows // self.B)
        self.lanes = self.blocks * self.width
        self.last_len = n - (self.rows - 1) * cols

    def lane_counts(self):
        g = np.arange(self.width, dtype=np.int64)
        per_row = -(-(self.cols - g) // self.width)
        rows_in = np.minimum(self.B, self.rows - np.arange(self.blocks, dtype=np.int64) * self.B)
        counts = rows_in[:, None] * per_row[None, :]
        counts[-1] -= per_row - (-(-np.maximum(0, self.last_len - g) // self.width))
        return counts

    def batches(self, t, j):
        """(block from, block to, first column, columns) runs of step (t, j), in lane order."""
        c0 = j * self.width
        w = min(self.width, self.cols - c0)
        nb = -(-(self.rows - t) // self.B)
        if w <= 0 or nb <= 0:
            return []
        if (nb - 1) * self.B + t == self.rows - 1 and self.last_len < c0 + w:
            out = [(0, nb - 1, c0, w)] if nb > 1 else []
            if self.last_len > c0:
                out.append((nb - 1, nb, c0, self.last_len - c0))
            return out
        return [(0, nb, c0, w)]


def _rans_varint_bytes(values):
    v = np.asarray(values, dtype=np.int64).reshape(-1)
    if v.size == 0:
        return np.zeros(0, np.uint8)
    shifts = np.arange(0, 63, 7, dtype=np.int64)
    parts = (v[:, None] >> shifts[None, :]) & 0x7F
    more = (v[:, None] >> (shifts[None, :] + 7)) > 0
    keep = np.concatenate([np.ones((v.size, 1), bool), more[:, :-1]], axis=1)
    return (parts | (more * 0x80)).astype(np.uint8)[keep]


def _rans_read_varints(b):
    b = np.asarray(b, dtype=np.int64)
    if b.size == 0:
        return np.zeros(0, np.int64)
    if b[-1] >= 0x80:
        _rans_corrupt("unterminated varint in the model")
    ends = np.flatnonzero(b < 0x80)
    starts = np.concatenate([[0], ends[:-1] + 1])
    lens = ends - starts + 1
    if lens.max() > 5:
        _rans_corrupt("varint longer than 5 bytes in the model")
    shift = 7 * (np.arange(b.size, dtype=np.int64) - np.repeat(starts, lens))
    return np.add.reduceat((b & 0x7F) << shift, starts)


def _rans_ascending(gaps):
    return np.cumsum(np.asarray(gaps, np.int64) + 1) - 1


def _rans_gaps(values):
    v = np.asarray(values, np.int64)
    return np.concatenate([v[:1], np.diff(v) - 1])


def _rans_choose_scales(counts, starts, k, total, cap):
    """Per context: scale bits (smallest estimated coded + table size) and q summing to 2^bits."""
    seg = np.repeat(np.arange(k.size), k)
    tot = total[seg].astype(np.float64)
    lo = np.maximum(np.ceil(np.log2(k.astype(np.float64))).astype(np.int64), min(cap, 1))
    best_cost = np.full(k.size, np.inf)
    best_bits = lo.copy()
    c = counts.astype(np.float64)
    for bits in range(int(lo.min()), cap + 1):
        v = np.maximum(1.0, np.floor(c * (2.0 ** bits) / tot + 0.5))
        lv = np.log2(v)
        cost = np.add.reduceat(lv + 1 - c * lv, starts) + total * np.log2(np.add.reduceat(v, starts))
        better = (cost < best_cost) & (bits >= lo) & (k > 1)
        best_cost[better] = cost[better]
        best_bits[better] = bits
    scale = (np.int64(1) << best_bits)
    q = np.maximum(1, np.floor(c * scale[seg] / tot + 0.5)).astype(np.int64)
    excess = np.add.reduceat(q, starts) - scale
    top = np.maximum.reduceat(counts, starts)
    first_top = np.flatnonzero(counts == top[seg])
    _, pick = np.unique(seg[first_top], return_index=True)
    top_index = first_top[pick]
    fix = excess <= 0
    q[top_index[fix]] -= excess[fix]
    for u in np.flatnonzero(~fix):
        seg_q = q[starts[u]:starts[u] + k[u]]
        over = int(excess[u])
        while over > 0:
            big = int(np.argmax(seg_q))
            take = min(int(seg_q[big]) - 1, over)
            seg_q[big] -= take
            over -= take
    return best_bits, q


class _RansModel(object):
    pass


def _rans_build_model(dense, ctx, alphabet, max_precision):
    space = alphabet + 1 if ctx is not None else 1
    keys = dense.astype(np.int64) if ctx is None else ctx.astype(np.int64) * alphabet + dense
    if space * alphabet <= _RANS_COUNT_TABLE_MAX:
        table = np.bincount(keys, minlength=space * alphabet)
        pair_keys = np.flatnonzero(table)
        counts = table[pair_keys]
        index = np.zeros(table.size, np.int64)
        index[pair_keys] = np.arange(pair_keys.size)
        pair_of = index[keys]
    else:
        pair_keys, pair_of, counts = np.unique(keys, return_inverse=True, return_counts=True)
        pair_of = pair_of.reshape(-1)
    m = _RansModel()
    pair_ctx = pair_keys // alphabet
    m.symbol = pair_keys - pair_ctx * alphabet
    change = np.concatenate([[True], pair_ctx[1:] != pair_ctx[:-1]])
    starts = np.flatnonzero(change)
    m.contexts = pair_ctx[starts]
    m.k = np.diff(np.concatenate([starts, [pair_keys.size]]))
    m.starts = starts
    total = np.add.reduceat(counts, starts)
    seg = np.repeat(np.arange(starts.size), m.k)
    m.entropy_bits = float((counts * np.log2(total[seg] / counts)).sum())
    cap = max(_rans_ceil_log2(int(m.k.max())), max_precision)
    m.scale, m.q = _rans_choose_scales(counts, starts, m.k, total, cap)
    m.precision = max(1, int(m.scale.max()))
    freq = m.q << (m.precision - m.scale)[seg]
    cum = np.cumsum(freq) - freq
    cum -= (cum[starts])[seg]
    m.freq_at = freq[pair_of]
    m.cum_at = cum[pair_of]
    return m


def _rans_encode_core(s, freq_at, cum_at, precision):
    size = s.blocks * s.B * s.cols
    M = 1 << precision
    f_grid = np.ones(size, np.int64)
    c_grid = np.zeros(size, np.int64)
    f_grid[:s.n] = freq_at
    c_grid[:s.n] = cum_at
    limit_grid = (f_grid << (32 - precision)).reshape(s.blocks, s.B, s.cols)
    gain_grid = (M - f_grid).reshape(s.blocks, s.B, s.cols)
    f_grid = f_grid.reshape(s.blocks, s.B, s.cols)
    c_grid = c_grid.reshape(s.blocks, s.B, s.cols)
    x = np.ones((s.blocks, s.width), np.int64)
    warm = np.zeros((s.blocks, s.width), np.int64)
    chunks = []
    for t in range(s.B - 1, -1, -1):
        for j in range(s.sub - 1, -1, -1):
            for b0, b1, c0, w in reversed(s.batches(t, j)):
                xs = x[b0:b1, :w]
                f = f_grid[b0:b1, t, c0:c0 + w]
                warm[b0:b1, :w] += xs < _RANS_LOW
                emit = xs >= limit_grid[b0:b1, t, c0:c0 + w]
                if emit.any():
                    chunks.append(xs[emit] & 0xFFFF)
                    xs[emit] >>= 16
                # (x div f) * M + x mod f + cum = x + (x div f) * (M - f) + cum
                x[b0:b1, :w] = xs + (xs // f) * gain_grid[b0:b1, t, c0:c0 + w] + c_grid[b0:b1, t, c0:c0 + w]
    words = np.concatenate(chunks[::-1]) if chunks else np.zeros(0, np.int64)
    return warm.reshape(-1), x.reshape(-1), words


def _rans_write_core(out, warm, states, words):
    top = int(warm.max()) if warm.size else 0
    kw = top.bit_length()
    out.append(bytes([kw]))
    if kw:
        out.append(pack_bits(warm, kw).tobytes())
    out.append(states.astype("<u4").tobytes())
    head = bytearray()
    write_varint(head, int(words.size))
    out.append(bytes(head))
    out.append(words.astype("<u2").tobytes())


def _rans_read_core(r, s):
    kw = r.byte()
    if kw > 32:
        _rans_corrupt("warm-up width %d" % kw)
    counts = s.lane_counts()
    normal = counts.copy()
    if kw:
        packed = np.frombuffer(r.take((s.lanes * kw + 7) // 8), np.uint8)
        spare = (8 - (s.lanes * kw) % 8) % 8
        if int(packed[-1]) & ((1 << spare) - 1):
            _rans_corrupt("nonzero padding after the warm-up counts")
        warm = unpack_bits(packed, s.lanes, kw).astype(np.int64)
        warm = warm.reshape(s.blocks, s.width)
        if (warm > counts).any():
            _rans_corrupt("warm-up count over a lane's symbols")
        normal -= warm
    states = np.frombuffer(r.take(4 * s.lanes), "<u4").astype(np.int64).reshape(s.blocks, s.width)
    count = r.varint()
    if count > s.n:
        _rans_corrupt("%d words for %d symbols" % (count, s.n))
    words = np.frombuffer(r.take(2 * count), "<u2").astype(np.int64)
    return states, normal, words


class _RansTables(object):
    """Slot -> (symbol, frequency, bias) per used context: direct tables when small, else search."""

    def __init__(self, precision, contexts, space, k, scale, symbol, q, direct_limit):
        self.precision = precision
        self.ordinal = np.full(space, -1, np.int64)
        self.ordinal[contexts] = np.arange(contexts.size)
        seg = np.repeat(np.arange(k.size), k)
        freq = q << (precision - scale)[seg]
        cum = np.cumsum(freq) - freq
        starts = np.concatenate([[0], np.cumsum(k)[:-1]])
        cum -= cum[starts][seg]
        M = 1 << precision
        self.direct = contexts.size * M <= direct_limit
        if self.direct:
            self.sym = np.repeat(symbol.astype(np.int32), freq)
            self.freq = np.repeat(freq.astype(np.int32), freq)
            self.bias = (np.arange(self.sym.size, dtype=np.int32) & np.int32(M - 1)) - np.repeat(cum.astype(np.int32), freq)
        else:
            self.keys = (seg << precision) | cum
            self.psym, self.pfreq, self.pcum = symbol, freq, cum

    def lookup(self, e, slot):
        if self.direct:
            return self.sym[e], self.freq[e], self.bias[e]
        pair = np.searchsorted(self.keys, e, "right") - 1
        return self.psym[pair], self.pfreq[pair], slot - self.pcum[pair]


def _rans_decode_core(s, tables, src_rows, fixed, lane_input):
    """Decodes the schedule; src_rows[r] = context row of row r (-1 = fixed), None = order-0."""
    states, normal, words = lane_input
    x = states.copy()
    # step from which a lane reads no more words (its warm-up); rows of a lane hold per_row symbols
    g = np.arange(s.width, dtype=np.int64)
    per_row = -(-(s.cols - g) // s.width)
    counts = s.lane_counts()
    warm_step = np.where(normal < counts, (normal // per_row) * s.sub + normal % per_row, s.B * s.sub)
    first_warm = int(warm_step.min())
    grid = np.full((s.blocks * s.B + 1, s.cols), fixed, np.uint16 if fixed < 65535 else np.int32)
    cube = grid[:-1].reshape(s.blocks, s.B, s.cols)
    P = tables.precision
    mask = (1 << P) - 1
    wp = 0
    block_rows = np.arange(s.blocks, dtype=np.int64) * s.B
    for t in range(s.B):
        src = None if src_rows is None else src_rows[np.minimum(block_rows + t, s.rows - 1)]
        for j in range(s.sub):
            step = t * s.sub + j
            for b0, b1, c0, w in s.batches(t, j):
                xs = x[b0:b1, :w]
                slot = xs & mask
                if src is None:
                    e = slot
                else:
                    e = (tables.ordinal[grid[src[b0:b1], c0:c0 + w]] << P) | slot
                sym, f, bias = tables.lookup(e, slot)
                xs = f * (xs >> P) + bias
                cube[b0:b1, t, c0:c0 + w] = sym
                need = xs < _RANS_LOW
                if step >= first_warm:
                    need &= warm_step[b0:b1, :w] > step
                cnt = int(np.count_nonzero(need))
                if cnt:
                    if wp + cnt > words.size:
                        _rans_corrupt("out of words")
                    xs[need] = (xs[need] << 16) | words[wp:wp + cnt]
                    wp += cnt
                x[b0:b1, :w] = xs
    if (x != 1).any():
        _rans_corrupt("a lane does not end in its start state")
    if wp != words.size:
        _rans_corrupt("%d words left over" % (words.size - wp))
    return grid[:-1].reshape(-1)[:s.n]


def _rans_encode_plain(out, values):
    values = np.asarray(values, np.int64)
    head = bytearray()
    write_varint(head, int(values.size))
    out.append(bytes(head))
    if values.size == 0:
        return
    alphabet, dense = _rans_remap(values)
    m = _rans_build_model(dense, None, alphabet.size, _RANS_AUTO_PRECISION)
    lanes = max(1, -(-values.size // _RANS_MAX_AUTO_STEPS),
                min(-(-values.size // _RANS_PLAIN_STEPS), 1 + int(m.entropy_bits // _RANS_PLAIN_LANE_BITS)))
    head = bytearray()
    write_varint(head, int(alphabet.size))
    out.append(bytes(head))
    out.append(_rans_varint_bytes(_rans_gaps(alphabet)).tobytes())
    out.append(_rans_varint_bytes(np.concatenate([[m.precision], m.q[:-1] - 1, [lanes]])).tobytes())
    s = _RansSchedule(values.size, lanes, values.size, lanes)
    _rans_write_core(out, *_rans_encode_core(s, m.freq_at, m.cum_at, m.precision))


def _rans_read_ascending(r, count, space, what):
    v = np.zeros(count, np.int64)
    prev = -1
    for i in range(count):
        prev += r.varint() + 1
        v[i] = prev
    if count and prev >= space:
        _rans_corrupt("%s: value %d out of range %d" % (what, prev, space))
    return v


def _rans_read_plain(r, max_count, space, direct_limit):
    m = r.varint()
    if m > max_count:
        _rans_corrupt("nested stream of %d symbols (at most %d)" % (m, max_count))
    if m == 0:
        return np.zeros(0, np.int64)
    a = r.varint()
    if a < 1 or a > min(m, space):
        _rans_corrupt("nested alphabet of %d" % a)
    alphabet = _rans_read_ascending(r, a, space, "nested alphabet")
    precision = r.varint()
    if precision > 16 or (1 << precision) < a:
        _rans_corrupt("nested precision %d for %d symbols" % (precision, a))
    q = np.zeros(a, np.int64)
    rest = 1 << precision
    for i in range(a - 1):
        q[i] = r.varint() + 1
        rest -= int(q[i])
        if rest < 1:
            _rans_corrupt("nested frequencies over the total")
    q[a - 1] = rest
    lanes = r.varint()
    if lanes < 1 or lanes > m:
        _rans_corrupt("nested stream with %d lanes" % lanes)
    s = _RansSchedule(m, lanes, m, lanes)
    tables = _RansTables(precision, np.zeros(1, np.int64), 1, np.array([a]), np.array([precision]),
                         np.arange(a, dtype=np.int64), q, direct_limit)
    dense = _rans_decode_core(s, tables, None, 0, _rans_read_core(r, s))
    return alphabet[dense]


def _rans_bit_length(v):
    v = np.asarray(v, np.int64)
    out = np.zeros(v.shape, np.int64)
    for b in range(1, 18):
        out[v >= (1 << (b - 1))] = b
    return out


def _rans_context_bits(dense, ctx, alphabet):
    """Empirical entropy in bits of dense symbols given contexts (as a model's entropy_bits)."""
    keys = ctx.astype(np.int64) * alphabet + dense
    if (alphabet + 1) * alphabet > _RANS_COUNT_TABLE_MAX:
        joint = np.unique(keys, return_counts=True)[1]
    else:
        joint = np.bincount(keys)
    margin = np.bincount(ctx)
    margin = margin[margin > 0].astype(np.float64)
    joint = joint[joint > 0].astype(np.float64)
    return float((margin * np.log2(margin)).sum() - (joint * np.log2(joint)).sum())


def _rans_ref_bits(refs):
    counts = np.bincount(_rans_bit_length(refs), minlength=18).astype(np.float64)
    b = np.arange(18)
    c = counts[counts > 0]
    return float((c * np.log2(refs.size / c)).sum() + (counts * np.maximum(0, b - 1)).sum())


def _rans_encode_refs(out, refs):
    lengths = _rans_bit_length(refs)
    _rans_encode_plain(out, lengths)
    for b in range(2, 17):
        low = refs[lengths == b] - (1 << (b - 1))
        if low.size:
            out.append(pack_bits(low, b - 1).tobytes())


def _rans_read_refs(r, rows, window, direct_limit):
    lengths = _rans_read_plain(r, rows, int(window).bit_length() + 1, direct_limit)
    if lengths.size != rows:
        _rans_corrupt("%d references for %d rows" % (lengths.size, rows))
    refs = lengths.copy()
    for b in range(2, 17):
        sel = lengths == b
        count = int(np.count_nonzero(sel))
        if not count:
            continue
        packed = np.frombuffer(r.take((count * (b - 1) + 7) // 8), np.uint8)
        spare = (8 - (count * (b - 1)) % 8) % 8
        if int(packed[-1]) & ((1 << spare) - 1):
            _rans_corrupt("nonzero padding after references")
        refs[sel] = (1 << (b - 1)) + unpack_bits(packed, count, b - 1).astype(np.int64)
    return refs


def _rans_find_refs(grid, s, window):
    samples = min(s.cols, _RANS_SAMPLE_COLUMNS)
    cols = (np.arange(samples, dtype=np.int64) * s.cols) // samples
    sig = grid[:s.rows][:, cols]
    rows = np.arange(s.rows, dtype=np.int64)
    t = rows % s.B
    best = np.full(s.rows, -1, np.int64)
    refs = np.zeros(s.rows, np.int64)
    for d in range(1, min(window, s.rows - 1) + 1):
        score = (sig[d:] == sig[:-d]).sum(axis=1)
        ok = ((rows[d:] - d) % s.B) < t[d:]
        better = ok & (score > best[d:])
        best[d:][better] = score[better]
        refs[d:][better] = d
    return refs


def _rans_remap(values):
    """Distinct values ascending and each value's dense index (values are small non-negative ints)."""
    present = np.bincount(values) > 0
    alphabet = np.flatnonzero(present)
    index = np.cumsum(present) - 1
    return alphabet, index[values]


def _rans_values(data, wide):
    n = data.size // 2 if wide else data.size
    return (data[:2 * n].view("<u2") if wide else data).astype(np.int64), data[2 * n:] if wide else data[:0]


def enc_rans(data, p):
    wide = p["symbol"] == "u16"
    values, tail = _rans_values(data, wide)
    n = values.size
    contextual = p["context"] != "none"
    period = (p["period"] or detect_period(data, 2 if wide else 1)) if contextual else p["period"]
    if n == 0:
        return [tail.copy()], dict(p, period=max(period, 1 if contextual else 0), blockRows=max(1, p["blockRows"]),
                                   lanes=max(1, p["lanes"]), precision=max(1, p["precision"]))
    alphabet, dense = _rans_remap(values)
    A = alphabet.size
    out = [np.array([zlib.adler32(data.tobytes()) & 0xFFFFFFFF], "<u4").tobytes()]
    counts = np.bincount(dense).astype(np.float64)
    counts = counts[counts > 0]
    order0 = float((counts * np.log2(n / counts)).sum())
    flush_budget = int(order0 * (0.6 if contextual else 1) * _RANS_FLUSH_SHARE / _RANS_LANE_BITS)
    budget = min(n, max(1, -(-n // _RANS_MAX_AUTO_STEPS), flush_budget))
    precision = p["precision"] or _RANS_AUTO_PRECISION
    if not contextual:
        lanes = p["lanes"] or min(_RANS_LANES_MAX, budget)
        block_rows = p["blockRows"]
        s = _RansSchedule(n, lanes, n, lanes)
        m = _rans_build_model(dense, None, A, precision)
    else:
        rows = -(-n // period)
        lanes = p["lanes"] or min(period, _RANS_LANES_MAX, budget)
        per_row = min(lanes, period)
        block_rows = p["blockRows"] or (-(-rows // max(1, budget // period)) if per_row == period else rows)
        block_rows = min(block_rows, _RANS_BLOCK_ROWS_MAX)
        s = _RansSchedule(n, period, block_rows, lanes)
        grid = np.full((s.rows + 1, period), A, np.int64)
        grid.reshape(-1)[:n] = dense
        r = np.arange(s.rows, dtype=np.int64)
        refs = np.where(r % s.B == 0, 0, 1)

        def contexts(refs):
            return grid[np.where(refs > 0, r - refs, s.rows)].reshape(-1)[:n]

        if p["context"] == "rowref":
            # references must save more than they cost (see rans.ts), else keep "above"
            found = _rans_find_refs(grid, s, p["window"])
            with_refs = _rans_context_bits(dense, contexts(found), A) + _rans_ref_bits(found)
            if with_refs < _rans_context_bits(dense, contexts(refs), A):
                refs = found
        m = _rans_build_model(dense, contexts(refs), A, precision)
    last = np.cumsum(m.k) - 1
    not_last = np.ones(m.q.size, bool)
    not_last[last] = False
    sym_gaps = m.symbol - np.concatenate([[-1], m.symbol[:-1]]) - 1
    sym_gaps[m.starts] = m.symbol[m.starts]
    side = [[A], _rans_gaps(alphabet)]
    if contextual:
        side += [[m.contexts.size], _rans_gaps(m.contexts)]
    side += [m.k - 1, m.precision - m.scale, sym_gaps, (m.q - 1)[not_last]]
    _rans_encode_plain(out, _rans_varint_bytes(np.concatenate([np.asarray(x, np.int64) for x in side])))
    if p["context"] == "rowref":
        _rans_encode_refs(out, refs)
    _rans_write_core(out, *_rans_encode_core(s, m.freq_at, m.cum_at, m.precision))
    out.append(tail.tobytes())
    payload = np.frombuffer(b"".join(out), np.uint8)
    return [payload], dict(p, period=period, blockRows=max(1, block_rows), lanes=lanes, precision=m.precision)


def dec_rans(streams, p, info):
    wide = p["symbol"] == "u16"
    total = info.n
    n = total // 2 if wide else total
    tail = total - (2 * n if wide else n)
    payload = streams[0]
    if n == 0:
        if payload.size != tail:
            _rans_corrupt("%d bytes for an empty stream" % payload.size)
        return payload.copy()
    contextual = p["context"] != "none"
    for key in (("period", "lanes", "precision", "blockRows") if contextual else ("lanes", "precision")):
        if p[key] < 1:
            raise CodecError("bad-params", "rans: %s = 0 (auto) in a frame; encoders record the resolved value" % key)
    r = Reader(payload.tobytes(), "rans")
    check = int(np.frombuffer(r.take(4), "<u4")[0])
    direct_limit = min(1 << 22, 2 * n + 4096, info.cap // 8)
    side_max = min(info.cap, 64 + 50 * (n + 1))
    ints = _rans_read_varints(_rans_read_plain(r, side_max, 256, direct_limit))
    pos = [0]

    def take(count, what):
        if count < 0 or pos[0] + count > ints.size:
            _rans_corrupt("model ends inside %s" % what)
        out = ints[pos[0]:pos[0] + count]
        pos[0] += count
        return out

    space = 65536 if wide else 256
    A = int(take(1, "alphabet size")[0])
    if A < 1 or A > min(n, space):
        _rans_corrupt("alphabet of %d" % A)
    alphabet = _rans_ascending(take(A, "alphabet"))
    if alphabet[-1] >= space:
        _rans_corrupt("alphabet value out of range")
    context_space = A + 1 if contextual else 1
    contexts = np.zeros(1, np.int64)
    if contextual:
        used = int(take(1, "context count")[0])
        if used < 1 or used > min(context_space, n):
            _rans_corrupt("%d contexts" % used)
        contexts = _rans_ascending(take(used, "contexts"))
        if contexts[-1] >= context_space:
            _rans_corrupt("context id out of range")
    used = contexts.size
    P = p["precision"]
    k = take(used, "symbol counts") + 1
    if (k > A).any() or int(k.sum()) > n:
        _rans_corrupt("bad symbol counts")
    drop = take(used, "scales")
    if (drop > P).any():
        _rans_corrupt("context scale over the precision")
    scale = P - drop
    if ((np.int64(1) << scale) < k).any():
        _rans_corrupt("context scale too small for its symbols")
    K = int(k.sum())
    starts = np.concatenate([[0], np.cumsum(k)[:-1]])
    seg = np.repeat(np.arange(used), k)
    gaps = take(K, "context symbols") + 1
    csum = np.cumsum(gaps)
    symbol = csum - (csum[starts] - gaps[starts])[seg] - 1
    if (symbol >= A).any():
        _rans_corrupt("context symbol out of range")
    last = starts + k - 1
    not_last = np.ones(K, bool)
    not_last[last] = False
    q = np.zeros(K, np.int64)
    q[not_last] = take(K - used, "frequencies") + 1
    rest = (np.int64(1) << scale) - np.add.reduceat(q, starts)
    if (rest < 1).any():
        _rans_corrupt("frequencies over the total")
    q[last] = rest
    if pos[0] != ints.size:
        _rans_corrupt("%d model values left over" % (ints.size - pos[0]))
    if not contextual:
        s = _RansSchedule(n, p["lanes"], n, p["lanes"])
        src_rows = None
    else:
        s = _RansSchedule(n, p["period"], p["blockRows"], p["lanes"])
        rows = np.arange(s.rows, dtype=np.int64)
        if p["context"] == "rowref":
            refs = _rans_read_refs(r, s.rows, p["window"], direct_limit)
            bad = (refs > 0) & ((refs > rows) | (refs > p["window"]) | (((rows - refs) % s.B) >= (rows % s.B)))
            if bad.any():
                _rans_corrupt("a row refers to a row not decoded before it")
        else:
            refs = np.where(rows % s.B == 0, 0, 1)
        src_rows = np.where(refs > 0, rows - refs, -1)
    tables = _RansTables(P, contexts, context_space, k, scale, symbol, q, direct_limit)
    dense = _rans_decode_core(s, tables, src_rows, A, _rans_read_core(r, s))
    if contextual:
        grid = np.full((s.rows + 1, s.cols), A, np.int64)
        grid.reshape(-1)[:n] = dense
        ctx = grid[src_rows].reshape(-1)[:n]
        if (tables.ordinal[ctx] < 0).any():
            _rans_corrupt("a symbol uses an unused context")
    out = alphabet[dense]
    out = out.astype("<u2").view(np.uint8) if wide else out.astype(np.uint8)
    if tail:
        out = np.concatenate([out, np.frombuffer(r.take(1), np.uint8)])
    if r.remaining():
        _rans_corrupt("%d trailing bytes" % r.remaining())
    if zlib.adler32(out.tobytes()) & 0xFFFFFFFF != check:
        _rans_corrupt("checksum mismatch")
    return out
`;

export default definePrimitive({
  id: 7,
  name: "rans",
  kind: "backend",
  summary: "interleaved rANS, order-0 or conditioned on the row above / a reference row (u8 or u16 symbols)",
  layout: "plain(model varints) | rowref: plain(row refs) | lanes: warm-up counts, u32 states, u16 words | odd tail byte",
  params,
  encode,
  decode,
  arbitrary: fc.record({
    symbol: fc.constantFrom("u8" as const, "u16" as const),
    context: fc.constantFrom("none" as const, "above" as const, "rowref" as const),
    period: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }), periodArbitrary.filter((v) => v <= PERIOD_MAX)),
    window: fc.integer({ min: 1, max: 12 }),
    blockRows: fc.integer({ min: 0, max: 6 }),
    lanes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })),
    precision: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MAX_PRECISION })),
  }),
  python: PYTHON,
});
