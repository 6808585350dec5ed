/**
 * rans (id 8): interleaved rANS over many lanes, order-0 or conditioned on an earlier symbol of
 * the same column (the row above, or a per-row reference row chosen by the encoder).
 *
 * Symbols: u8 = one per byte; u16 = one per little-endian byte pair (an odd last byte is carried
 * raw); bf16 = one per bfloat16 element x (u16 LE): the symbol is its sign+exponent x >> 7, and
 * its mantissa x & 0x7f is coded in a second section (below); bf16se = bf16 with the mantissa
 * contexts split by the element's own sign+exponent too. Symbols are remapped to dense indices
 * 0..A-1 (A = distinct values, sorted ascending).
 *
 * Schedule. Context modes see the n symbols as rows of C = period columns (the last row may be
 * partial); order-0 mode sees rows of C = lanes columns. With B = min(blockRows, rows), rows form
 * a grid of V levels by Q slots, row(t, k) being the row at level t and slot k:
 *   above:         blocks of B rows, Q = ceil(rows / B), V = B, row(t, k) = k*B + t;
 *   rowref, none:  groups of B rows, V = ceil(rows / B), Q = B, row(t, k) = t*B + k
 *                  (order-0 uses B = 1).
 * With K = min(lanes, C), a row is coded in s = ceil(C / K) sub-steps of W = ceil(C / s) columns:
 * lane k*W + g (Q*W lanes) codes column j*W + g of row(t, k) at step t*s + j (S = V*s steps; t < V,
 * j < s, g < W); a lane is idle where that row, column or position does not exist (>= rows, >= C,
 * >= n). Every step visits lanes in increasing index. A row's context row (d rows up) is thus
 * decoded at an earlier step:
 *   none:   every symbol has context 0.
 *   above:  d = 1 when r mod B > 0, else the fixed context A.
 *   rowref: d = refs[r] (0 = fixed context A), 0 < d <= min(window, r) and d > r mod B (the
 *           context row lies in an earlier group); "nearest" refs are d = 1 + (r mod B) for r >= B.
 * The context is the dense symbol d*C positions earlier.
 *
 * Coder: 32-bit states, 16-bit renormalisation words, total frequency M = 2^P (P = precision).
 * The encoder starts every lane at state 1 and runs the schedule backwards; before coding a
 * symbol of frequency f it emits the low 16 bits (and shifts) when x >= f * 2^(32-P), then
 * x = (x div f) * M + cum + x mod f. A lane's read limit R is the step of its earliest symbol (in
 * decode order) that the encoder codes while x < 2^16 (its "warm-up"; R = 0 for a lane with no
 * symbol). The decoder: slot = x mod M, symbol s with cum <= slot < cum + f,
 * x = f * (x >> P) + slot - cum, then, if the step is before R and x < 2^16, it reads
 * x = x * 2^16 + next word. Every lane must end at state 1, every word must be used, and (R
 * being exactly that step) a lane with a symbol has R < S and x < 2^16 after its symbol at step
 * R, a lane without symbols has R = 0.
 *
 * Payload (varints are LEB128):
 *   empty stream (no symbol): only the odd tail byte, if any.
 *   check: u32 LE Adler-32 of the decoded bytes (the lanes' end states alone catch little damage
 *          in the warm-up, and 4 bytes for the stream are cheaper than 16 check bits per lane)
 *   side:  plain(bytes of the varints of the model, see below)
 *   refs:  varint 0 (the nearest refs) | varint 1, plain(bit length of each row's ref), then for
 *          lengths b = 2..16 in turn the low b - 1 bits of the refs of that length, in row order,
 *          packed b - 1 bits each MSB-first and zero-padded to a byte           (rowref only)
 *   core:  the main stream's lane section
 *   mantissas (bf16, bf16se): varint P_m | plain(model varints of the mantissas, context ids
 *          0..8, bf16se 0..9A-1) | core of the mantissas on the same schedule, refs and lanes.
 *          A mantissa's class is 0 where its row has no context row (ref 0, order-0) or the
 *          context row's sign+exponent differs from its own, else 1 + (context row's mantissa
 *          >> 4): near-repeated rows repeat the top mantissa bits too. Its context id is the
 *          class (bf16), or 9 * s + class with s the dense index of its own sign+exponent in the
 *          main alphabet (bf16se: within a binade the density of the mantissas follows the
 *          exponent, e.g. falls across it for Gaussian-like values). The decoder decodes all
 *          the sign+exponent symbols first, then the mantissas.
 *   tail:  the odd last input byte (u16, bf16 and bf16se only)
 * plain(values) = varint m | if m > 0: varint a | a distinct values ascending as v0, then
 *   (v_i - v_(i-1) - 1) | varint P | (q_i - 1) for i < a-1 (q_(a-1) = 2^P - sum) | varint lanes |
 *   core of an order-0 stream of m symbols with that one table (frequency q_i of value i).
 * core = byte kw | (S - R) of each lane packed kw bits each | byte ks | (bit length - 1) of each
 *   lane's decoder start state packed ks bits each | the bits of each start state below its
 *   leading one, concatenated | varint words | words u16 LE. Bit fields are MSB-first, each group
 *   zero-padded to a byte.
 * Model varints: A | alphabet as v0, gaps-1 | (context modes: U | used context ids as c0,
 *   gaps-1 (ids 0..A, A = fixed)) | per used context (k_c - 1) | per context (P - P_c) |
 *   per context its k_c symbol indices as s0, gaps-1 | per context (q - 1) of its first k_c - 1
 *   symbols (the last gets 2^P_c minus the others, >= 1). Frequencies are f = q << (P - P_c):
 *   each context has its own scale P_c <= P, chosen by the encoder for size; a context of one
 *   symbol has P_c = 1, and a plain stream of one value P = 1 (its coding is the same at any
 *   scale: one scale keeps a damaged precision from decoding unnoticed).
 *
 * Encoder choices (not part of the format; TS and Python make the same ones, in integer
 * arithmetic, so their outputs are byte-identical): an auto period is the detected one
 * (detectPeriod), or where none is found the largest divisor of the symbol count from 16 to 256;
 * auto schedules take about TARGET_STEPS steps
 * (blocks / groups of rows when there are more rows than that, else sub-steps); nested streams
 * take PLAIN_STEPS steps; auto precision is 11 bits (small numpy slot tables), up to 13 for
 * alphabets over 64 symbols; the mantissa precision P_m is auto for bf16 and
 * min(auto, max(8, ceil(log2 Am) + 4)) for bf16se (Am = distinct mantissas: the decoder's direct
 * tables have 9A regions of 2^P_m slots, kept small); rowref candidates are, for each row, the
 * nearest row of the previous group and the last two rows before its group that agree with it on
 * each pair of 48 sampled columns; the candidate agreeing with it on most of 128 sampled columns
 * wins (nearest on ties), and the refs are kept only when they save more than they cost over
 * the nearest refs on the 48 columns (rows of 16 columns or more); per-context scales minimise
 * coded size plus table size (fixed-point log2).
 */
import fc from "fast-check";
import { definePrimitive, int, oneOf } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { PERIOD_SAMPLE, detectPeriod, packBits, packedLength, unpackBits } from "../kernels.js";
import { PERIOD_MAX, periodArbitrary, periodParam, requireResolved, withRowFallback } from "../matrix.js";
import { rowAgreements } from "../simd.js";
import { countKeyRows, loadCoder, loadRows } from "./rans-rows.js";

const STATE_LOW = 1 << 16;
const MAX_PRECISION = 16;
/** Auto schedules aim at this many steps: a numpy decoder pays per step, every lane pays a flush (~11 bits). */
const TARGET_STEPS = 256;
/** Steps of the nested (side information) streams. */
const PLAIN_STEPS = 16;
/** Reference rows: columns sampled per row whose pairs are keys, and columns sampled to score candidates. */
const KEY_COLUMNS = 48;
const CANDIDATES_PER_KEY = 2;
const SCORE_COLUMNS = 128;
/** Shorter rows never look for reference rows (a ref costs more than such a row can save). */
const MIN_REF_COLUMNS = 16;
const LANES_MAX = 65535;
const BLOCK_ROWS_MAX = 2 ** 30;
const COUNT_TABLE_MAX = 1 << 22;
/** Key spaces up to this size are coded with the coder's tables by key (4 bytes a key), larger ones by pair (see PairIndex). */
const KEY_CODER_MAX = 1 << 17;

const corrupt = (message: string): never => fail("corrupt-payload", `rans: ${message}`);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Largest temporary whose memory is kept between calls (see Scratch). */
const SCRATCH_MAX = 1 << 24;

/**
 * Memory of one input-sized temporary, kept from call to call: fresh memory costs a page fault
 * for every 4 KiB first touched (microseconds each, more than the coder's work on it). Contents
 * are stale (users write before they read), and each Scratch serves one temporary at a time.
 */
class Scratch {
  private buffer = new ArrayBuffer(0);
  private take(bytes: number): ArrayBuffer {
    if (bytes > SCRATCH_MAX) return new ArrayBuffer(bytes);
    if (this.buffer.byteLength < bytes) this.buffer = new ArrayBuffer(bytes);
    return this.buffer;
  }
  u8(length: number): Uint8Array {
    return new Uint8Array(this.take(length), 0, length);
  }
  u16(length: number): Uint16Array {
    return new Uint16Array(this.take(2 * length), 0, length);
  }
  i32(length: number): Int32Array {
    return new Int32Array(this.take(4 * length), 0, length);
  }
  f64(length: number): Float64Array {
    return new Float64Array(this.take(8 * length), 0, length);
  }
  /** Dense symbols of an alphabet (as denseArray). */
  dense(alphabet: number, length: number): Dense {
    return alphabet <= 256 ? this.u8(length) : this.u16(length);
  }
}

/** The encoder's temporaries: dense main symbols, row signatures and the table of recent rows (findRefs), the coder's keys (bf16: of both streams) and table. */
const encodeDense = new Scratch();
const keySignatures = new Scratch();
const scoreSignatures = new Scratch();
const recentRows = new Scratch();
/** The coder's keys of the main streams (nested streams, coded while those wait, take fresh memory). */
const coderKeys = new Scratch();
const coderCode = new Scratch();
/** The decoder's: dense main symbols, and the direct tables and words of the main and mantissa lanes (all read before either is decoded). */
const decodeDense = new Scratch();
const mainWords = new Scratch();
const mantissaWords = new Scratch();
const mainTables = { slots: new Scratch(), codes: new Scratch() };
const mantissaTables = { slots: new Scratch(), codes: new Scratch() };

/** Bytes summed before Adler-32's sums are reduced (zlib's NMAX: the second sum stays below 2^32). */
const ADLER_CHUNK = 5552;
const ADLER_BASE = 65521;

/** Adler-32 (RFC 1950), as Python's zlib.adler32: the aligned body four bytes a load (little-endian hosts), the edges a byte at a time. */
const adler32 = (b: Uint8Array): number => {
  const head = LITTLE_ENDIAN ? Math.min(b.length, -b.byteOffset & 3) : b.length;
  const words = head < b.length ? new Uint32Array(b.buffer, b.byteOffset + head, (b.length - head) >>> 2) : new Uint32Array(0);
  return adlerBytes(b.subarray(head + 4 * words.length), adlerWords(words, adlerBytes(b.subarray(0, head), 1)));
};

/** Adler-32 continued from `adler` over bytes. */
const adlerBytes = (b: Uint8Array, adler: number): number => {
  let a = adler & 0xffff;
  let c = adler >>> 16;
  for (let i = 0; i < b.length; ) {
    const end = Math.min(b.length, i + ADLER_CHUNK);
    for (; i < end; i++) {
      a += b[i];
      c += a;
    }
    a %= ADLER_BASE;
    c %= ADLER_BASE;
  }
  return (c * 65536 + a) >>> 0;
};

/** Words adlerWords sums in 16-bit lanes at a time (a lane of sums before each word then holds at most 255 * (1 + ... + 15)). */
const ADLER_BLOCK = 16;

/**
 * Adler-32 continued from `adler` over little-endian u32 words: a word adds 4a and its bytes
 * weighted 4, 3, 2, 1 to c. A block of k words sums its even bytes (0 and 2 of each word) and odd
 * bytes in two 16-bit lanes each, and those sums before each word: c gains 4 (k a + the sums before
 * each word) + the weighted byte sums.
 */
const adlerWords = (words: Uint32Array, adler: number): number => {
  let a = adler & 0xffff;
  let c = adler >>> 16;
  for (let w = 0; w < words.length; ) {
    const chunkEnd = Math.min(words.length, w + ADLER_CHUNK / 4);
    while (w < chunkEnd) {
      const end = Math.min(chunkEnd, w + ADLER_BLOCK);
      const k = end - w;
      let even = 0;
      let odd = 0;
      let evenBefore = 0;
      let oddBefore = 0;
      for (; w < end; w++) {
        const v = words[w];
        evenBefore = (evenBefore + even) | 0;
        oddBefore = (oddBefore + odd) | 0;
        even += v & 0x00ff00ff;
        odd += (v >>> 8) & 0x00ff00ff;
      }
      const b0 = even & 0xffff;
      const b1 = odd & 0xffff;
      const b2 = even >>> 16;
      const b3 = odd >>> 16;
      const before = (evenBefore & 0xffff) + (evenBefore >>> 16) + (oddBefore & 0xffff) + (oddBefore >>> 16);
      c = (c + 4 * (k * a + before) + 4 * b0 + 3 * b1 + 2 * b2 + b3) | 0; // below 2^32: uint32 bits
      a += b0 + b1 + b2 + b3;
    }
    a %= ADLER_BASE;
    c = (c >>> 0) % ADLER_BASE;
  }
  return (c * 65536 + a) >>> 0;
};

const bitLength = (v: number): number => 32 - Math.clz32(v);
const ceilLog2 = (v: number): number => (v <= 1 ? 0 : bitLength(v - 1));
/** Auto precision: 11 bits, up to 13 for alphabets over 64 symbols (see the encoder choices). */
const autoPrecision = (alphabet: number): number => Math.min(13, Math.max(11, ceilLog2(alphabet) + 5));

// ---------------------------------------------------------------- fixed-point log2

/** log2 in units of 2^-LOG_FRAC bits, from integers only (so TS and numpy agree to the bit). */
const LOG_FRAC = 12;
const LOG_ONE = 1 << LOG_FRAC;
/** LOG_TABLE[i] = log2(1 + i / 1024) by repeated squaring of a 20-bit fixed-point mantissa. */
const LOG_TABLE = (() => {
  const table = new Int32Array(1024);
  for (let i = 0; i < 1024; i++) {
    let y = (1024 + i) * 1024;
    let r = 0;
    for (let b = LOG_FRAC - 1; b >= 0; b--) {
      y = Math.floor((y * y) / 2 ** 20);
      if (y >= 2 ** 21) {
        y = Math.floor(y / 2);
        r |= 1 << b;
      }
    }
    table[i] = r;
  }
  return table;
})();
/** Fixed-point log2 of an integer 1 <= v < 2^32. */
const log2fx = (v: number): number => {
  const e = 31 - Math.clz32(v);
  const m = e >= 10 ? v >>> (e - 10) : v << (10 - e);
  return e * LOG_ONE + LOG_TABLE[m - 1024];
};
/** sum of c * log2(c) over counts (fixed point), the building block of empirical entropies. */
const sumCLogC = (counts: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > 1) s += counts[i] * log2fx(counts[i]);
  return s;
};

// ---------------------------------------------------------------- schedule

interface Schedule {
  readonly n: number;
  readonly cols: number;
  readonly rows: number;
  /** B: rows per block (above) or per group (rowref, none) */
  readonly blockRows: number;
  /** true: blocks of B rows decoded side by side (above); false: groups of B rows in turn */
  readonly blocked: boolean;
  readonly levels: number;
  readonly slots: number;
  /** sub-steps per row */
  readonly sub: number;
  /** lanes per slot */
  readonly width: number;
  readonly lanes: number;
  readonly steps: number;
}

const schedule = (n: number, cols: number, blockRows: number, lanesPerRow: number, blocked: boolean): Schedule => {
  const rows = Math.max(1, Math.ceil(n / cols));
  const b = Math.min(blockRows, rows);
  const sub = Math.ceil(cols / Math.min(lanesPerRow, cols));
  const width = Math.ceil(cols / sub);
  const levels = blocked ? b : Math.ceil(rows / b);
  const slots = blocked ? Math.ceil(rows / b) : b;
  return { n, cols, rows, blockRows: b, blocked, levels, slots, sub, width, lanes: slots * width, steps: levels * sub };
};

/** Whether each lane codes any symbol (a lane that codes none at step 0 codes none at all). */
const codingLanes = (s: Schedule): Uint8Array => {
  const out = new Uint8Array(s.lanes);
  for (let k = 0; k < s.slots; k++) {
    const row = s.blocked ? k * s.blockRows : k;
    const count = row < s.rows ? Math.max(0, Math.min(s.width, s.cols, s.n - row * s.cols)) : 0;
    out.fill(1, k * s.width, k * s.width + count);
  }
  return out;
};

/** Order-0 streams: rows of `lanes` symbols, one row a step. */
const flatSchedule = (n: number, lanes: number): Schedule => schedule(n, lanes, 1, lanes, false);

/** blockRows and lanes per row of an auto schedule: about TARGET_STEPS steps. */
const autoSchedule = (n: number, cols: number, blocked: boolean): { blockRows: number; lanes: number } => {
  const rows = Math.ceil(n / cols);
  if (rows >= TARGET_STEPS) {
    const perLevel = Math.ceil(rows / TARGET_STEPS);
    return { blockRows: blocked ? Math.ceil(rows / perLevel) : perLevel, lanes: Math.min(cols, LANES_MAX) };
  }
  const sub = Math.min(cols, Math.max(1, Math.floor(TARGET_STEPS / rows)));
  return { blockRows: blocked ? rows : 1, lanes: Math.min(LANES_MAX, Math.ceil(cols / sub)) };
};

/** Each row's context distance in "above" mode and the "nearest" refs of rowref mode. */
const aboveRefs = (rows: number, b: number): Int32Array => {
  const refs = new Int32Array(rows);
  for (let r = 0; r < rows; r++) refs[r] = r % b === 0 ? 0 : 1;
  return refs;
};
const nearestRefs = (rows: number, b: number): Int32Array => {
  const refs = new Int32Array(rows);
  for (let r = b; r < rows; r++) refs[r] = 1 + (r % b);
  return refs;
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
 * (about log2(q) + 1 bits a frequency), in fixed point, then normalises to it. Returns the bits.
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
        cost += (1 - counts[i]) * log2fx(v) + LOG_ONE;
      }
      cost += total * log2fx(sum);
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
  /** per pair (by context then symbol): dense symbol, quantised frequency, coder frequency, cumulative frequency */
  readonly symbol: Int32Array;
  readonly q: Int32Array;
  readonly freq: Int32Array;
  readonly cum: Int32Array;
  /** empirical entropy of the symbols given their contexts, in bits */
  readonly entropyBits: number;
}

/** Dense symbol indices: one or two bytes each (alphabets have at most 2^16 symbols). */
type Dense = Uint8Array | Uint16Array;

/**
 * A stream of symbols and their contexts: position p of row r has key ctx * alphabet + dense[p]
 * with ctx the symbol refs[r] rows up (refs[r] = 0: the fixed context A); no refs: key = dense[p]
 * (order-0). (The bf16 streams are keyed by countFieldKeys.)
 */
interface SymbolSource {
  readonly dense: Dense;
  readonly refs: Int32Array | null;
  readonly cols: number;
  readonly alphabet: number;
}

const keySpace = (src: SymbolSource): number => (src.refs ? src.alphabet + 1 : 1) * src.alphabet;

/*
 * The keys the coder looks up, branch-free within a row: the context row is `back` positions
 * earlier, masked by `pick` (all ones; 0 where a row has none and takes `fixed`, see rowFixed), as
 * in the decoder. Mantissas are looked up by ctx << 7 | mantissa (their own values, not dense).
 */
const symbolKey = (dense: Dense, p: number, back: number, pick: number, fixed: number, alphabet: number): number => (((dense[p - back] & pick) | fixed) * alphabet + dense[p]);

/** The key of the mantissa of element v whose context row's element is `above` (see mantissaClass; bf16se adds 9 * its dense sign+exponent). */
const mantissaKey = (v: number, above: number, pick: number): number => {
  // all ones where the sign+exponent fields agree
  const agree = (((v ^ above) >>> 7) - 1) >> 31;
  return ((mantissaClass(above & 0x7f) & agree & pick) << 7) | (v & 0x7f);
};

/**
 * Row r's distance to its context row in positions (0: none, then pick = 0) and the context of a
 * row without one (`fixed`: A, or 0 in order-0).
 */
const rowBack = (refs: Int32Array | null, cols: number, r: number): number => (refs ? refs[r] * cols : 0);
const rowFixed = (refs: Int32Array | null, back: number, alphabet: number): number => (back > 0 || !refs ? 0 : alphabet);

/** Key counts (a table over the key space) and each position's key for the coder, computed once and read again by encodeCore. */
interface Counted {
  readonly table: Int32Array;
  readonly keys: Uint16Array | Int32Array;
}

/** The keys of a stream in `keys` (as many as its symbols), and their counts. */
const countKeys = (src: SymbolSource, keys: Uint16Array | Int32Array): Counted => {
  const { dense, refs, cols, alphabet } = src;
  const n = dense.length;
  const table = new Int32Array(keySpace(src));
  for (let r = 0, p = 0; p < n; r++) {
    const back = rowBack(refs, cols, r);
    const pick = back > 0 ? -1 : 0;
    const fixed = rowFixed(refs, back, alphabet);
    for (const end = Math.min(n, refs ? p + cols : n); p < end; p++) {
      const k = symbolKey(dense, p, back, pick, fixed, alphabet);
      keys[p] = k;
      table[k]++;
    }
  }
  return { table, keys };
};

/** Memory for n keys below `space`: 16 bits when they fit (the coder then sees one array type); `scratch`, else fresh. */
const keyArray = (space: number, n: number, scratch: Scratch | null): Uint16Array | Int32Array =>
  space <= 1 << 16 ? (scratch ? scratch.u16(n) : new Uint16Array(n)) : scratch ? scratch.i32(n) : new Int32Array(n);

/**
 * bf16: the keys of both streams in one pass over the elements x, into keys[0, n) and keys[n, 2n).
 * The symbols are the dense sign+exponent fields se (index[x >> 7], A of them) keyed as a
 * SymbolSource; the mantissas are keyed as mantissaKey (bf16se: plus 9 * 128 * se), their table by
 * context id * Am + the dense mantissa (of the mantissas' alphabet, returned too).
 */
const countFieldKeys = (
  x: Uint16Array,
  index: Int32Array,
  A: number,
  refs: Int32Array | null,
  cols: number,
  bySe: boolean,
  keys: Uint16Array | Int32Array,
): { se: Counted; man: Counted; mantissas: { alphabet: Int32Array; index: Int32Array } } => {
  const n = x.length;
  const seSpace = (refs ? A + 1 : 1) * A;
  const contexts = MANTISSA_CONTEXTS * (bySe ? A : 1);
  // the symbols' key counts, then the mantissas' by context id << 7 | mantissa value
  const counts = new Int32Array(seSpace + (contexts << 7));
  // (rans-rows.ts, in its heap)
  const context = (r: number) => {
    const back = rowBack(refs, cols, r);
    return { back, pick: back > 0 ? -1 : 0, fixed: rowFixed(refs, back, A) };
  };
  countKeyRows(x, index, A, refs ? cols : Math.max(1, n), context, bySe ? MANTISSA_CONTEXTS << 7 : 0, keys, counts, seSpace);
  const byValue = counts.subarray(seSpace);
  const manCounts = new Int32Array(1 << 7);
  for (let k = 0; k < byValue.length; k++) manCounts[k & 0x7f] += byValue[k];
  const mantissas = alphabetOf(manCounts);
  const Am = mantissas.alphabet.length;
  const manTable = new Int32Array(contexts * Am);
  for (let k = 0; k < byValue.length; k++) if (byValue[k] > 0) manTable[(k >>> 7) * Am + mantissas.index[k & 0x7f]] = byValue[k];
  return { se: { table: counts.subarray(0, seSpace), keys: keys.subarray(0, n) }, man: { table: manTable, keys: keys.subarray(n, 2 * n) }, mantissas };
};


/**
 * How the coder finds each position's pair: entries[position] is its key (order-0: its symbol;
 * mantissas: as mantissaKey) with keyPair giving the pair of each key that occurs (-1 for the
 * others: never looked up) when the key space is small (the coder's tables go by key, see
 * KEY_CODER_MAX); else its pair (keyPair null).
 */
interface PairIndex {
  readonly entries: Uint16Array | Int32Array;
  readonly keyPair: Int32Array | null;
}

/**
 * The model of a symbol stream and its pair index; `counts`: the symbol counts of an order-0
 * stream already; `scratch`: where the keys go (main streams), else fresh memory.
 */
const modelStream = (src: SymbolSource, maxPrecision: number, scratch: Scratch | null, counts?: Int32Array): { model: Model; index: PairIndex } => {
  if (keySpace(src) > COUNT_TABLE_MAX) return sortedModel(src, maxPrecision);
  const keys = keyArray(keySpace(src), src.dense.length, scratch);
  if (!counts) return tableModel(countKeys(src, keys), src.alphabet, maxPrecision, null);
  // order-0: the keys are the symbols (widened)
  keys.set(src.dense);
  return tableModel({ table: counts, keys }, src.alphabet, maxPrecision, null);
};

/**
 * The model of a stream from its key counts, and its pair index. `manIndex` (mantissas: the dense
 * index of each mantissa value): the coder's keys are context id << 7 | mantissa.
 */
const tableModel = ({ table, keys }: Counted, alphabet: number, maxPrecision: number, manIndex: Int32Array | null): { model: Model; index: PairIndex } => {
  let pairs = 0;
  for (let i = 0; i < table.length; i++) if (table[i] > 0) pairs++;
  const sorted = new Float64Array(pairs);
  const counts = new Int32Array(pairs);
  let keyPair = new Int32Array(table.length).fill(-1);
  for (let i = 0, j = 0; i < table.length; i++)
    if (table[i] > 0) {
      sorted[j] = i;
      counts[j] = table[i];
      keyPair[i] = j++;
    }
  const model = pairModel(sorted, counts, alphabet, maxPrecision);
  if (manIndex) {
    // by raw key (context id << 7 | mantissa): bf16se's 9A contexts may make that too many
    const byKey = keyPair;
    keyPair = new Int32Array((table.length / alphabet) << 7).fill(-1);
    for (let k = 0; k < keyPair.length; k++) keyPair[k] = byKey[(k >>> 7) * alphabet + manIndex[k & 0x7f]];
  }
  if (keyPair.length > KEY_CODER_MAX) {
    // keys over 16 bits (an Int32Array), turned into pairs in place
    for (let p = 0; p < keys.length; p++) keys[p] = keyPair[keys[p]];
    return { model, index: { entries: keys, keyPair: null } };
  }
  return { model, index: { entries: keys, keyPair } };
};

/** The model of a stream whose key space is too big for a table (u16 symbols of a large alphabet): sorts the keys. */
const sortedModel = (src: SymbolSource, maxPrecision: number): { model: Model; index: PairIndex } => {
  const { dense, refs, cols, alphabet } = src;
  const n = dense.length;
  const key = new Float64Array(n);
  for (let r = 0, p = 0; p < n; r++) {
    const back = rowBack(refs, cols, r);
    for (const end = Math.min(n, p + cols); p < end; p++) key[p] = symbolKey(dense, p, back, back > 0 ? -1 : 0, rowFixed(refs, back, alphabet), alphabet);
  }
  const sorted = key.slice().sort();
  let pairs = 0;
  for (let p = 0; p < n; p++) if (p === 0 || sorted[p] !== sorted[p - 1]) pairs++;
  const keys = new Float64Array(pairs);
  const counts = new Int32Array(pairs);
  for (let p = 0, j = -1; p < n; p++) {
    if (p === 0 || sorted[p] !== sorted[p - 1]) keys[++j] = sorted[p];
    counts[j]++;
  }
  const pairOf = new Int32Array(n);
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
  return { model: pairModel(keys, counts, alphabet, maxPrecision), index: { entries: pairOf, keyPair: null } };
};

/** Picks scales and frequencies for the (context, symbol) pairs of the distinct keys (ascending) and their counts. */
const pairModel = (keys: Float64Array, counts: Int32Array, alphabet: number, maxPrecision: number): Model => {
  const pairs = keys.length;
  const symbol = new Int32Array(pairs);
  const starts: number[] = [];
  const contexts: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const c = Math.floor(keys[i] / alphabet);
    symbol[i] = keys[i] - c * alphabet;
    if (i === 0 || c !== contexts[contexts.length - 1]) {
      contexts.push(c);
      starts.push(i);
    }
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
  for (let u = 0; u < used; u++)
    for (let i = starts[u], c = 0; i < starts[u + 1]; i++) {
      freq[i] = q[i] * 2 ** (precision - scale[u]);
      cum[i] = c;
      c += freq[i];
    }
  return { precision, contexts: Int32Array.from(contexts), start: Int32Array.from(starts), scale, symbol, q, freq, cum, entropyBits };
};

// ---------------------------------------------------------------- coder core

interface Lanes {
  /** per lane: S - R (steps from its warm-up on) */
  readonly warm: Int32Array;
  /** per lane, the final state (uint32 bits) */
  readonly states: Int32Array;
  readonly words: Uint16Array;
}

/** Runs the schedule backwards: returns warm-up step counts, final states and words in decode order. */
const encodeCore = (s: Schedule, model: Model, index: PairIndex): Lanes => {
  const { freq, cum, precision: P } = model;
  const { cols, rows, blockRows, blocked, levels, slots, sub, width, n, lanes, steps } = s;
  const { keyPair, entries } = index;
  // by key (entries of unused keys are never read) or by pair
  const code = coderCode.i32(keyPair ? keyPair.length : freq.length);
  for (let i = 0; i < code.length; i++) {
    const pair = keyPair ? keyPair[i] : i;
    if (pair >= 0) code[i] = ((freq[pair] - 1) << 16) | cum[pair];
  }
  // the row coder of rans-rows.ts, on copies in its heap; one spare word below: it stores a word
  // before knowing whether it keeps it
  const { states, coderRow, words } = loadCoder(code, entries, new Int32Array(lanes).fill(1));
  const readLimit = new Int32Array(lanes);
  // slots with a lane still below 2^16 (warming up: states only grow until they reach it)
  const warming = new Uint8Array(slots).fill(1);
  let w = n + 1;
  for (let t = levels - 1; t >= 0; t--)
    for (let j = sub - 1; j >= 0; j--) {
      const step = t * sub + j;
      for (let slot = slots - 1; slot >= 0; slot--) {
        const r = blocked ? slot * blockRows + t : t * blockRows + slot;
        if (r >= rows) continue;
        const base = r * cols + j * width;
        const lane0 = slot * width;
        const end = Math.min(width, cols - j * width, n - base);
        if (warming[slot]) {
          // a lane's read limit is the step of its last symbol coded below 2^16 (in this order)
          let below = 0;
          for (let g = 0; g < width; g++)
            if (states[lane0 + g] >>> 0 < STATE_LOW) {
              below++;
              if (g < end) readLimit[lane0 + g] = step;
            }
          warming[slot] = below > 0 ? 1 : 0;
        }
        w = coderRow(P, base, lane0, end, w);
      }
    }
  const warm = readLimit.map((limit) => steps - limit);
  return { warm, states: states.slice(), words: words(w) };
};

/** The low lengths[i] bits of each value (< 2^32), concatenated MSB-first and zero-padded to a byte. */
const packVarBits = (values: Int32Array, lengths: Int32Array): Uint8Array => {
  let total = 0;
  for (let i = 0; i < lengths.length; i++) total += lengths[i];
  const out = new Uint8Array(Math.ceil(total / 8));
  let acc = 0; // the pending bits of the next byte
  let bits = 0;
  let o = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] >>> 0;
    for (let left = lengths[i]; left > 0; ) {
      const take = Math.min(left, 8 - bits);
      acc = (acc << take) | ((v >>> (left - take)) & ((1 << take) - 1));
      bits += take;
      left -= take;
      if (bits === 8) {
        out[o++] = acc;
        acc = 0;
        bits = 0;
      }
    }
  }
  if (bits > 0) out[o] = acc << (8 - bits);
  return out;
};

const writeCore = (out: ByteWriter, lanes: Lanes): void => {
  const { warm, states, words } = lanes;
  let top = 0;
  for (let l = 0; l < warm.length; l++) top = Math.max(top, warm[l]);
  const kw = bitLength(top);
  out.byte(kw);
  if (kw > 0) out.bytes(packBits(warm, kw));
  // states as their bit length - 1 and the bits below the leading one
  const lengths = new Int32Array(states.length);
  let longest = 0;
  for (let l = 0; l < states.length; l++) {
    lengths[l] = bitLength(states[l]) - 1;
    longest = Math.max(longest, lengths[l]);
  }
  const ks = bitLength(longest);
  out.byte(ks);
  if (ks > 0) out.bytes(packBits(lengths, ks));
  out.bytes(packVarBits(states, lengths));
  out.varint(words.length);
  if (LITTLE_ENDIAN) out.bytes(new Uint8Array(words.buffer, words.byteOffset, 2 * words.length));
  else {
    const bytes = new Uint8Array(2 * words.length);
    for (let i = 0; i < words.length; i++) {
      bytes[2 * i] = words[i] & 0xff;
      bytes[2 * i + 1] = words[i] >>> 8;
    }
    out.bytes(bytes);
  }
};

interface LaneInput {
  /** per lane, the decoder's start state (uint32 bits: the coder runs in int32 arithmetic) */
  readonly states: Int32Array;
  /** per lane, the step from which it reads no more words (its warm-up) */
  readonly readLimit: Int32Array;
  /** lanes that code a symbol, each of which must be below 2^16 after its symbol at its read limit */
  readonly codingCount: number;
  /**
   * renormalisation words (little endian), then `width` zeros: a row reads at most a word a lane,
   * so the decoder reads on without a bounds check and catches running out after the row
   */
  readonly words: Uint16Array;
  readonly wordCount: number;
}

/** `scratch`: where the words go (main streams), else fresh memory. */
const readCore = (r: ByteReader, s: Schedule, scratch?: Scratch): LaneInput => {
  const kw = r.byte();
  if (kw > 32) corrupt(`warm-up width ${kw}`);
  const readLimit = new Int32Array(s.lanes).fill(s.steps);
  if (kw > 0) {
    const warm = new Uint32Array(s.lanes);
    const packed = r.take(packedLength(s.lanes, kw));
    unpackBits(packed, s.lanes, kw, warm);
    const spare = (8 - ((s.lanes * kw) % 8)) % 8;
    if ((packed[packed.length - 1] & ((1 << spare) - 1)) !== 0) corrupt("nonzero padding after the warm-up counts");
    for (let l = 0; l < s.lanes; l++) {
      if (warm[l] > s.steps) corrupt(`lane ${l} warm-up of ${warm[l]} steps, the schedule has ${s.steps}`);
      readLimit[l] = s.steps - warm[l];
    }
  }
  // the encoder's limits exactly: every lane warms up for a step at least, one without symbols throughout
  const coding = codingLanes(s);
  let codingCount = 0;
  for (let l = 0; l < s.lanes; l++) {
    if (readLimit[l] === s.steps || (!coding[l] && readLimit[l] !== 0)) corrupt(`lane ${l} warm-up of ${s.steps - readLimit[l]} steps`);
    codingCount += coding[l];
  }
  const ks = r.byte();
  if (ks > 5) corrupt(`state length width ${ks}`);
  const lengths = new Uint32Array(s.lanes);
  if (ks > 0) {
    const packed = r.take(packedLength(s.lanes, ks));
    unpackBits(packed, s.lanes, ks, lengths);
    const spare = (8 - ((s.lanes * ks) % 8)) % 8;
    if ((packed[packed.length - 1] & ((1 << spare) - 1)) !== 0) corrupt("nonzero padding after the state lengths");
  }
  let total = 0;
  for (let l = 0; l < s.lanes; l++) total += lengths[l];
  const low = r.take(Math.ceil(total / 8));
  const states = new Int32Array(s.lanes);
  // each state's bits below its leading one, MSB-first, taken a byte (or what is left of one) at a time
  for (let l = 0, next = 0, have = 0, byte = 0; l < s.lanes; l++) {
    let x = 1;
    for (let need = lengths[l]; need > 0; ) {
      if (have === 0) {
        byte = low[next++];
        have = 8;
      }
      const take = Math.min(need, have);
      x = x * (1 << take) + ((byte >>> (have - take)) & ((1 << take) - 1));
      have -= take;
      need -= take;
    }
    states[l] = x;
  }
  if (total % 8 !== 0 && (low[low.length - 1] & ((1 << (8 - (total % 8))) - 1)) !== 0) corrupt("nonzero padding after the states");
  const count = r.varint();
  if (count > s.n) corrupt(`${count} words for ${s.n} symbols`);
  const raw16 = r.take(2 * count);
  const words = scratch ? scratch.u16(count + s.width) : new Uint16Array(count + s.width);
  if (LITTLE_ENDIAN) new Uint8Array(words.buffer, 0, 2 * count).set(raw16);
  else for (let i = 0; i < count; i++) words[i] = raw16[2 * i] | (raw16[2 * i + 1] << 8);
  words.fill(0, count);
  return { states, readLimit, words, wordCount: count, codingCount };
};

/**
 * Decoder tables. Direct (when small enough), per slot of each context id c at c << P | slot: its
 * output symbol, and (f - 1) << 16 | (slot - cum) of that symbol (two loads side by side, not one
 * waiting on the other). Otherwise per used context (ordinal) a binary search over its cumulative
 * frequencies.
 */
interface DecodeTables {
  readonly precision: number;
  readonly direct: { readonly slotSymbol: Uint8Array | Uint16Array; readonly slotCode: Int32Array } | null;
  /** context id -> used-context ordinal, -1 if unused */
  readonly ordinal: Int32Array;
  readonly start: Int32Array;
  readonly pairCum: Int32Array;
  readonly pairFreq: Int32Array;
  /** the output symbol of each pair */
  readonly pairSymbol: Int32Array;
}

/**
 * The slot code of an unused context (its slots all give symbol 0): f - 1 = 0 with slot - cum =
 * 0xffff, which no table has (slot - cum <= f - 1), so (code >>> 16) - (code & 0xffff) is negative
 * for it only.
 */
const UNUSED_CODE = 0xffff;

/**
 * `output` maps symbol indices to what the decoder writes (default: the indices themselves);
 * `scratch`: where the direct tables go (main streams), else fresh memory.
 */
const buildDecodeTables = (
  precision: number,
  contextIds: Int32Array,
  contextSpace: number,
  start: Int32Array,
  scale: Int32Array,
  symbol: Int32Array,
  q: Int32Array,
  directLimit: number,
  output?: Int32Array,
  scratch?: { readonly slots: Scratch; readonly codes: Scratch },
): DecodeTables => {
  const used = contextIds.length;
  const ordinal = new Int32Array(contextSpace).fill(-1);
  contextIds.forEach((c, o) => (ordinal[c] = o));
  const pairs = symbol.length;
  const pairCum = new Int32Array(pairs);
  const pairFreq = new Int32Array(pairs);
  const pairSymbol = output ? new Int32Array(pairs) : symbol;
  let largest = 0;
  for (let o = 0; o < used; o++)
    for (let i = start[o], c = 0; i < start[o + 1]; i++) {
      if (output) pairSymbol[i] = output[symbol[i]];
      pairFreq[i] = q[i] << (precision - scale[o]);
      pairCum[i] = c;
      c += pairFreq[i];
      largest = Math.max(largest, pairSymbol[i]);
    }
  let direct: DecodeTables["direct"] = null;
  if (contextSpace * 2 ** precision <= directLimit) {
    const slots = contextSpace << precision;
    const slotSymbol = !scratch ? (largest < 256 ? new Uint8Array(slots) : new Uint16Array(slots)) : largest < 256 ? scratch.slots.u8(slots) : scratch.slots.u16(slots);
    const slotCode = scratch ? scratch.codes.i32(slots) : new Int32Array(slots);
    // a used context's frequencies fill its 2^P slots exactly; the slots of the others are marked
    for (let c = 0, o = 0; c < contextSpace; c++) {
      const at = c << precision;
      if (o < used && contextIds[o] === c) {
        for (let i = start[o]; i < start[o + 1]; i++) {
          const from = at + pairCum[i];
          const sym = pairSymbol[i];
          const code = (pairFreq[i] - 1) << 16;
          for (let k = 0; k < pairFreq[i]; k++) {
            slotSymbol[from + k] = sym;
            slotCode[from + k] = code | k;
          }
        }
        o++;
      } else {
        slotSymbol.fill(0, at, at + (1 << precision));
        slotCode.fill(UNUSED_CODE, at, at + (1 << precision));
      }
    }
    direct = { slotSymbol, slotCode };
  }
  return { precision, direct, ordinal, start, pairCum, pairFreq, pairSymbol };
};

/** Decoded symbol indices: one or two bytes each, so never more bytes than the decoded stream. */
const denseArray = (alphabet: number, n: number): Dense => (alphabet <= 256 ? new Uint8Array(n) : new Uint16Array(n));

const checkEnd = (input: LaneInput, wp: number, limits: number): void => {
  const { states, wordCount, codingCount } = input;
  for (let l = 0; l < states.length; l++) if (states[l] !== 1) corrupt(`lane ${l} ends in state ${states[l] >>> 0}`);
  if (wp !== wordCount) corrupt(`${wordCount - wp} words left over`);
  if (limits !== codingCount) corrupt(`${codingCount - limits} lanes not warming up at their read limit`);
};

/**
 * Where each position's context comes from: the symbol `refs[row]` rows up in the decoded output
 * itself, or `fixed` where a row has no context row (refs[row] = 0, or no refs: order-0). With
 * `bf16`, the output is the bf16 elements and the symbols are their mantissas: each element is
 * high[se[p]] (its decoded sign+exponent, shifted) | its mantissa, and the context is the class
 * of the context row's mantissa where the sign+exponent fields agree, else 0, plus stride * se[p]
 * (stride 0 for bf16, 9 for bf16se).
 */
interface RowContexts {
  readonly refs: Int32Array | null;
  readonly fixed: number;
  readonly bf16?: { readonly se: Dense; readonly high: Int32Array; readonly stride: number };
}

/** Without direct tables (too big): each symbol by binary search over its context's cumulative frequencies. */
const searchRow = (tables: DecodeTables, rc: RowContexts, states: Int32Array, out: Dense, base: number, back: number, lane0: number, end: number, words: Uint16Array, wp: number, allow: number): number => {
  const { precision: P, ordinal, start, pairCum, pairFreq, pairSymbol } = tables;
  const { fixed, bf16 } = rc;
  const mask = (1 << P) - 1;
  for (let g = 0; g < end; g++) {
    const p = base + g;
    const l = lane0 + g;
    const y = states[l];
    const slot = y & mask;
    const h = bf16 ? bf16.high[bf16.se[p]] : 0;
    let c = back === 0 ? fixed : out[p - back];
    if (bf16) c = (back > 0 && (c ^ h) >>> 7 === 0 ? mantissaClass(c & 0x7f) : 0) + bf16.stride * bf16.se[p];
    const o = ordinal[c];
    if (o < 0) corrupt(`unused context at symbol ${p}`);
    let lo = start[o];
    let hi = start[o + 1] - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (pairCum[mid] <= slot) lo = mid;
      else hi = mid - 1;
    }
    out[p] = h | pairSymbol[lo];
    let x = (Math.imul(pairFreq[lo], y >>> P) + slot - pairCum[lo]) | 0;
    if (allow && x >>> 16 === 0) x = (x << 16) | words[wp++];
    states[l] = x;
  }
  return wp;
};

/**
 * Decodes the schedule into out (see RowContexts). Steps before the first read limit of a slot's
 * lanes renormalise in the row loops; later steps (the last few) check each lane against its read
 * limit.
 */
const decodeCore = (s: Schedule, tables: DecodeTables, rc: RowContexts, input: LaneInput, out: Dense): void => {
  const { readLimit, wordCount } = input;
  const { direct, precision: P } = tables;
  const { cols, rows, blockRows, blocked, levels, slots, sub, width, n } = s;
  const { refs, fixed, bf16 } = rc;
  // direct tables: the row loops of rans-rows.ts, on copies in their heap (states and words too)
  const loaded = direct && loadRows({ ...direct, states: input.states, words: input.words, n: out.length, ...(bf16 ? { bf16 } : {}) });
  const { states, words } = loaded || input;
  // per slot, the first read limit of its lanes (one early lane, e.g. a column of near-certain symbols, slows only its slot)
  const free = new Int32Array(slots).fill(s.steps);
  for (let l = 0; l < readLimit.length; l++) free[(l / width) | 0] = Math.min(free[(l / width) | 0], readLimit[l]);
  let wp = 0;
  let limits = 0;
  for (let t = 0; t < levels; t++)
    for (let j = 0; j < sub; j++) {
      const step = t * sub + j;
      for (let k = 0; k < slots; k++) {
        const r = blocked ? k * blockRows + t : t * blockRows + k;
        if (r >= rows) continue;
        const back = refs ? refs[r] * cols : 0;
        const pick = back > 0 ? -1 : 0;
        const lane0 = k * width;
        const base = r * cols + j * width;
        const end = Math.min(width, cols - j * width, n - base);
        const allow = step < free[k] ? 1 : 0;
        if (!loaded) wp = searchRow(tables, rc, states, out, base, back, lane0, end, words, wp, allow);
        else {
          const next = bf16
            ? loaded.mantissaRow(P, bf16.stride, base, back, pick, lane0, end, wp, allow)
            : loaded.symbolRow(P, base, back, pick, back > 0 ? 0 : fixed, lane0, end, wp, allow);
          if (next < 0) corrupt(`unused context in row ${r}`);
          wp = next;
        }
        if (!allow)
          for (let l = lane0; l < lane0 + end; l++) {
            const x = states[l];
            if (x >>> 16 === 0) {
              if (step < readLimit[l]) states[l] = (x << 16) | words[wp++];
              else if (step === readLimit[l]) limits++;
            } else if (step === readLimit[l]) corrupt(`lane ${l} not warming up at its read limit`);
          }
        if (wp > wordCount) corrupt("out of words");
      }
    }
  if (loaded) loaded.store(out, input.states);
  checkEnd(input, wp, limits);
};

// ---------------------------------------------------------------- plain (nested order-0) streams

/** The values present (all[v] > 0) ascending, their counts and each value's dense index. */
const alphabetOf = (all: Int32Array): { alphabet: Int32Array; counts: Int32Array; index: Int32Array } => {
  const index = new Int32Array(all.length);
  let a = 0;
  for (let v = 0; v < all.length; v++) if (all[v] > 0) index[v] = a++;
  const alphabet = new Int32Array(a);
  const counts = new Int32Array(a);
  for (let v = 0; v < all.length; v++)
    if (all[v] > 0) {
      alphabet[index[v]] = v;
      counts[index[v]] = all[v];
    }
  return { alphabet, counts, index };
};

/** Distinct values of `values` (each below `space`) ascending, each value's dense index, and the count of each. */
/** `scratch`: where the dense symbols go (main streams), else fresh memory. */
const remap = (values: Dense, space: number, scratch?: Scratch): { alphabet: Int32Array; dense: Dense; counts: Int32Array } => {
  const all = new Int32Array(space);
  for (let i = 0; i < values.length; i++) all[values[i]]++;
  const { alphabet, counts, index } = alphabetOf(all);
  const dense = lookUp(values, index, scratch ? scratch.dense(alphabet.length, values.length) : denseArray(alphabet.length, values.length));
  return { alphabet, dense, counts };
};

/** out[i] = table[values[i]]; returns out. */
const lookUp = (values: Dense, table: Int32Array, out: Dense): Dense => {
  for (let i = 0; i < values.length; i++) out[i] = table[values[i]];
  return out;
};

const writeAscending = (out: ByteWriter, values: ArrayLike<number>): void => {
  for (let i = 0; i < values.length; i++) out.varint(i === 0 ? values[0] : values[i] - values[i - 1] - 1);
};

/** Order-0 stream of bytes below `space` with its table written plainly. */
const writePlain = (out: ByteWriter, values: Uint8Array, space: number): void => {
  out.varint(values.length);
  if (values.length === 0) return;
  const { alphabet, dense, counts } = remap(values, space);
  const src: SymbolSource = { dense, refs: null, cols: 1, alphabet: alphabet.length };
  const { model, index } = modelStream(src, autoPrecision(alphabet.length), null, counts);
  out.varint(alphabet.length);
  writeAscending(out, alphabet);
  out.varint(model.precision);
  for (let i = 0; i < alphabet.length - 1; i++) out.varint(model.q[i] - 1);
  const lanes = Math.min(LANES_MAX, Math.ceil(values.length / PLAIN_STEPS));
  out.varint(lanes);
  writeCore(out, encodeCore(flatSchedule(values.length, lanes), model, index));
};

/** Inverse of writePlain: at most maxCount values, each below `space` (<= 256: they are bytes). */
const readPlain = (r: ByteReader, maxCount: number, space: number, directLimit: number): Uint8Array => {
  const m = r.varint();
  if (m > maxCount) corrupt(`nested stream of ${m} symbols (at most ${maxCount})`);
  if (m === 0) return new Uint8Array(0);
  const a = r.varint();
  if (a < 1 || a > Math.min(m, space)) corrupt(`nested alphabet of ${a}`);
  const alphabet = readAscending(r, a, space, "nested alphabet");
  const precision = r.varint();
  if (precision > MAX_PRECISION || 2 ** precision < a || (a === 1 && precision !== 1)) corrupt(`nested precision ${precision} for ${a} symbols`);
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
  const s = flatSchedule(m, lanes);
  const symbols = Int32Array.from({ length: a }, (_, i) => i);
  const tables = buildDecodeTables(precision, Int32Array.of(0), 1, Int32Array.of(0, a), Int32Array.of(precision), symbols, q, directLimit, alphabet);
  const out = new Uint8Array(m);
  decodeCore(s, tables, { refs: null, fixed: 0 }, readCore(r, s), out);
  return out;
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

/**
 * Empirical entropy (fixed point) of the sampled symbols given the contexts `refs` defines (A =
 * fixed): the signature of the context row at the same sample, positions past the end left out.
 */
const sampledBits = (sig: Signatures, refs: Int32Array, alphabet: number): number => {
  const margin = new Int32Array(alphabet + 1);
  const map = new Map<number, number>();
  const { values, samples } = sig;
  for (let r = 0; r < refs.length; r++) {
    const me = r * samples;
    const other = (r - refs[r]) * samples;
    for (let i = 0; i < samples; i++) {
      if (values[me + i] === alphabet) continue;
      const ctx = refs[r] > 0 ? values[other + i] : alphabet;
      const key = ctx * alphabet + values[me + i];
      margin[ctx]++;
      map.set(key, (map.get(key) ?? 0) + 1);
    }
  }
  return sumCLogC(margin) - sumCLogC(Array.from(map.values()));
};

/** sampledBits of `from` less that of `to`, counted in one pass when the keys fit a table. */
const sampledBitsSaved = (sig: Signatures, from: Int32Array, to: Int32Array, alphabet: number): number => {
  const space = (alphabet + 1) * alphabet;
  if (space > COUNT_TABLE_MAX) return sampledBits(sig, from, alphabet) - sampledBits(sig, to, alphabet);
  // per refs: the keys' counts, then the contexts' (one array: V8 checks each array a loop iteration touches)
  const size = space + alphabet + 1;
  const counts = new Int32Array(2 * size);
  countSampled(sig.values, sig.samples, from, to, alphabet, counts);
  const bits = (at: number): number => sumCLogC(counts.subarray(at + space, at + size)) - sumCLogC(counts.subarray(at, at + space));
  return bits(0) - bits(size);
};

/** sampledBitsSaved's counts: of the keys (context * A + symbol) under `from` from 0 and their contexts from (A + 1) * A, then the same under `to`. */
const countSampled = (values: Signatures["values"], samples: number, from: Int32Array, to: Int32Array, alphabet: number, counts: Int32Array): void => {
  const margin = (alphabet + 1) * alphabet;
  const size = margin + alphabet + 1;
  for (let r = 0; r < from.length; r++) {
    const me = r * samples;
    const one = (r - from[r]) * samples;
    const two = (r - to[r]) * samples;
    const pickOne = from[r] > 0 ? -1 : 0;
    const pickTwo = to[r] > 0 ? -1 : 0;
    for (let i = 0; i < samples; i++) {
      const v = values[me + i];
      if (v === alphabet) continue;
      const c1 = (values[one + i] & pickOne) | (~pickOne & alphabet);
      counts[c1 * alphabet + v]++;
      counts[margin + c1]++;
      const c2 = (values[two + i] & pickTwo) | (~pickTwo & alphabet);
      counts[size + c2 * alphabet + v]++;
      counts[size + margin + c2]++;
    }
  }
};

/** Estimated size of the refs in fixed-point bits: entropy of the bit lengths plus the raw low bits. */
const refBits = (refs: Int32Array): number => {
  const counts = new Float64Array(18);
  for (const d of refs) counts[bitLength(d)]++;
  let bits = refs.length * log2fx(refs.length) - sumCLogC(counts);
  counts.forEach((c, b) => (bits += c * Math.max(0, b - 1) * LOG_ONE));
  return bits;
};

/** Refs as bit lengths (entropy coded: a small table) plus their raw low bits. */
const writeRefs = (out: ByteWriter, refs: Int32Array): void => {
  const lengths = new Uint8Array(refs.length);
  for (let r = 0; r < refs.length; r++) lengths[r] = bitLength(refs[r]);
  writePlain(out, lengths, 17);
  // the low bits of the refs of each length b = 2..16, grouped by length in row order
  const start = new Int32Array(18);
  for (let r = 0; r < refs.length; r++) start[lengths[r] + 1]++;
  for (let b = 1; b < 18; b++) start[b] += start[b - 1];
  const low = new Int32Array(refs.length);
  for (let r = 0; r < refs.length; r++) low[start[lengths[r]]++] = refs[r] - 2 ** (lengths[r] - 1);
  for (let b = 2; b <= 16; b++) if (start[b] > start[b - 1]) out.bytes(packBits(low.subarray(start[b - 1], start[b]), b - 1));
};

const readRefs = (r: ByteReader, rows: number, window: number, directLimit: number): Int32Array => {
  const lengths = readPlain(r, rows, bitLength(window) + 1, directLimit);
  if (lengths.length !== rows) corrupt(`${lengths.length} references for ${rows} rows`);
  const refs = Int32Array.from(lengths);
  // the low bits come grouped by length b = 2..16, each group in row order
  const count = new Int32Array(17);
  for (let i = 0; i < rows; i++) count[lengths[i]]++;
  const low: Uint32Array[] = [];
  for (let b = 2; b <= 16; b++) {
    low[b] = new Uint32Array(count[b]);
    if (count[b] === 0) continue;
    const packed = r.take(packedLength(count[b], b - 1));
    const spare = (8 - ((count[b] * (b - 1)) % 8)) % 8;
    if ((packed[packed.length - 1] & ((1 << spare) - 1)) !== 0) corrupt("nonzero padding after references");
    unpackBits(packed, count[b], b - 1, low[b]);
  }
  const next = new Int32Array(17);
  for (let i = 0; i < rows; i++) {
    const b = lengths[i];
    if (b >= 2) refs[i] = 2 ** (b - 1) + low[b][next[b]++];
  }
  return refs;
};

/**
 * Reference rows for the groups of B rows of `s` (see the encoder choices above): consecutive
 * pairs of a row's signature values are its keys.
 */
interface Signatures {
  /** per row, the dense symbols at `samples` evenly spread columns (A past the end) */
  readonly values: Uint8Array | Uint16Array | Int32Array;
  readonly samples: number;
}

/** `index`: the symbols are bf16 elements x, their dense symbols index[x >> 7]. */
const signatures = (symbols: Dense, index: Int32Array | null, s: Schedule, alphabet: number, columns: number, scratch: Scratch): Signatures => {
  const { cols, rows, n } = s;
  const samples = Math.min(cols, columns);
  const at = Int32Array.from({ length: samples }, (_, i) => Math.floor((i * cols) / samples));
  const values = alphabet < 255 ? scratch.u8(rows * samples) : alphabet < 65535 ? scratch.u16(rows * samples) : scratch.i32(rows * samples);
  const whole = Math.floor(n / cols);
  gatherSamples(symbols, index, at, cols, whole, values);
  // a partial last row
  for (let r = whole; r < rows; r++)
    for (let i = 0; i < samples; i++) {
      const p = r * cols + at[i];
      values[r * samples + i] = p >= n ? alphabet : index ? index[symbols[p] >>> 7] : symbols[p];
    }
  return { values, samples };
};

/** signatures' values of the first `rows` rows (whole ones). */
const gatherSamples = (symbols: Dense, index: Int32Array | null, at: Int32Array, cols: number, rows: number, values: Signatures["values"]): void => {
  for (let r = 0, o = 0; r < rows; r++) {
    const base = r * cols;
    if (index) for (let i = 0; i < at.length; i++, o++) values[o] = index[symbols[base + at[i]] >>> 7];
    else for (let i = 0; i < at.length; i++, o++) values[o] = symbols[base + at[i]];
  }
};

const findRefs = (keySig: Signatures, scoreSig: Signatures, s: Schedule, window: number, alphabet: number): Int32Array => {
  const { rows, blockRows: B } = s;
  const { values: sig, samples } = keySig;
  const G = Math.ceil(samples / 2);
  const radix = alphabet + 1;
  // per (key column, key): the last CANDIDATES_PER_KEY rows seen, most recent first, from slot
  // (m * radix^2 + key) * K on; slots[r * G + m] is row r's slot in key column m
  const K = CANDIDATES_PER_KEY;
  const slots = new Int32Array(rows * G);
  for (let r = 0; r < rows; r++)
    for (let m = 0; m < G; m++) slots[r * G + m] = (m * radix * radix + sig[r * samples + 2 * m] * radix + (2 * m + 1 < samples ? sig[r * samples + 2 * m + 1] : 0)) * K;
  const small = G * radix * radix * K <= COUNT_TABLE_MAX;
  const table = small ? recentRows.i32(G * radix * radix * K).fill(-1) : null;
  const map = new Map<number, Int32Array>();
  const agreement = scoreSig.values instanceof Uint8Array ? rowAgreements(scoreSig.values, rows, scoreSig.samples) : null;
  const refs = new Int32Array(rows);
  const scoredFor = new Int32Array(rows).fill(-1);
  // a row's candidates in order, each once and within the window: the nearest row of the
  // previous group, then each key column's recent rows
  const candidates = new Int32Array(1 + G * K);
  for (let g0 = 0; g0 < rows; g0 += B) {
    const g1 = Math.min(rows, g0 + B);
    for (let r = g0; r < g1; r++) {
      let count = 0;
      if (g0 > 0 && r - g0 < window) {
        scoredFor[g0 - 1] = r;
        candidates[count++] = g0 - 1;
      }
      for (let m = 0; m < G; m++) {
        const slot = slots[r * G + m];
        const seen = table ?? map.get(slot);
        if (seen)
          for (let k = 0, at = table ? slot : 0; k < K; k++) {
            const c = seen[at + k];
            if (c < 0 || r - c > window || scoredFor[c] === r) continue;
            scoredFor[c] = r;
            candidates[count++] = c;
          }
      }
      refs[r] = agreement ? agreement(r, candidates, count) : bestPlainRef(scoreSig.values, scoreSig.samples, r, candidates, count);
    }
    for (let r = g0; r < g1; r++)
      for (let m = 0; m < G; m++) {
        const slot = slots[r * G + m];
        let seen: Int32Array;
        let at = 0;
        if (table) {
          seen = table;
          at = slot;
        } else {
          seen = map.get(slot) ?? new Int32Array(K).fill(-1);
          map.set(slot, seen);
        }
        for (let k = K - 1; k > 0; k--) seen[at + k] = seen[at + k - 1];
        seen[at] = r;
      }
  }
  return refs;
};

/*
 * The distance to row r of candidates[0, count) that agrees with it on the most sampled columns
 * (the nearest of those), for signatures wider than bytes (byte signatures: rowAgreements, in
 * SIMD). A candidate is dropped once even agreeing on all the columns left would not reach the
 * best so far.
 */
const bestPlainRef = (values: Signatures["values"], samples: number, r: number, candidates: Int32Array, count: number): number => {
  let best = -1;
  let bestDistance = 0;
  next: for (let j = 0; j < count; j++) {
    const c = candidates[j];
    let v = 0;
    for (let i = 0, a = r * samples, b = c * samples; i < samples; i++) {
      if (values[a + i] === values[b + i]) v++;
      if ((i & 31) === 31 && v + samples - 1 - i < best) continue next;
    }
    if (v > best || (v === best && r - c < bestDistance)) {
      best = v;
      bestDistance = r - c;
    }
  }
  return bestDistance;
};

// ---------------------------------------------------------------- the primitive

const params = {
  symbol: oneOf(
    ["u8", "u16", "bf16", "bf16se"],
    "u8",
    "symbol size: bytes, little-endian byte pairs, or bfloat16 elements (sign+exponent as the symbols, then the mantissas under the context row's; bf16se: and under their own sign+exponent); an odd tail byte is kept raw",
  ),
  context: oneOf(["none", "above", "rowref"], "rowref", "order-0, the symbol one row up, or the same column of a per-row reference row"),
  period: periodParam("row length (symbols)"),
  window: int(1, 65535, 65535, "rowref: how many rows back a reference may go"),
  blockRows: int(0, BLOCK_ROWS_MAX, 0, "above: rows per block (blocks are decoded side by side); rowref: rows per group (decoded together, groups in turn); 0 = auto"),
  lanes: int(0, LANES_MAX, 0, "rANS states (context modes: per row of a step); 0 = auto"),
  precision: int(0, MAX_PRECISION, 0, "largest frequency scale in bits (raised if a context needs more); 0 = auto"),
};

export type RansParams = { symbol: "u8" | "u16" | "bf16" | "bf16se"; context: "none" | "above" | "rowref"; period: number; window: number; blockRows: number; lanes: number; precision: number };

/** The model as varints, in a nested order-0 stream (see the layout: model varints). */
const writeModel = (out: ByteWriter, alphabet: Int32Array, model: Model, contextual: boolean): void => {
  const side = new ByteWriter(256);
  side.varint(alphabet.length);
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
  writePlain(out, side.finish(), 256);
};

interface ReadModel {
  readonly alphabet: Int32Array;
  /** context ids are below this */
  readonly contextSpace: number;
  readonly contextIds: Int32Array;
  readonly start: Int32Array;
  readonly scale: Int32Array;
  readonly symbol: Int32Array;
  readonly q: Int32Array;
}

/**
 * Inverse of writeModel for n symbols below `space` at precision P. Contexts: "none" (order-0, one
 * context, no list), "symbols" (ids 0..A, A = the fixed context) or how many ids there are.
 */
const readModel = (r: ByteReader, n: number, space: number, contexts: "none" | "symbols" | number, P: number, cap: number, directLimit: number): ReadModel => {
  const side = new ByteReader(readPlain(r, Math.min(cap, sideBytesMax(n)), 256, directLimit), "rans model");
  const A = side.varint();
  if (A < 1 || A > Math.min(n, space)) corrupt(`alphabet of ${A}`);
  const alphabet = readAscending(side, A, space, "alphabet");
  const contextSpace = contexts === "none" ? 1 : contexts === "symbols" ? A + 1 : contexts;
  let contextIds: Int32Array = Int32Array.of(0);
  if (contexts !== "none") {
    const used = side.varint();
    if (used < 1 || used > Math.min(contextSpace, n)) corrupt(`${used} contexts`);
    contextIds = readAscending(side, used, contextSpace, "contexts");
  }
  const used = contextIds.length;
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
    const k = start[u + 1] - start[u];
    if (drop > P || 2 ** (P - drop) < k || (k === 1 && P - drop !== 1)) corrupt(`context scale ${P - drop} for ${k} symbols`);
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
  return { alphabet, contextSpace, contextIds, start, scale, symbol, q };
};

/** An auto period: the detected one, or a row of a divisor of n where none is seen (withRowFallback). */
const autoPeriod = (rowSource: Uint8Array, width: 1 | 2, n: number): number => withRowFallback(detectPeriod(rowSource, width, n), n);

const symbolsOf = (input: Uint8Array, wide: boolean): Dense => {
  if (!wide) return input;
  if (LITTLE_ENDIAN && input.byteOffset % 2 === 0) return new Uint16Array(input.buffer, input.byteOffset, input.length >>> 1);
  const out = new Uint16Array(input.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = input[2 * i] | (input[2 * i + 1] << 8);
  return out;
};

/**
 * bf16 mode: mantissa classes (context ids) are 0 (no context row, or another sign+exponent there)
 * and 1 + the top 3 bits of its mantissa there; bf16se: context ids 9 * (own dense sign+exponent) + class.
 */
const MANTISSA_CONTEXTS = 9;
const mantissaClass = (m: number): number => 1 + (m >> 4);
/** The mantissa precision: auto (bf16, so its frames stay as they were), at most max(8, ceil(log2 Am) + 4) bits for bf16se (9A regions of 2^P_m slots in its direct tables). */
const mantissaPrecision = (alphabet: number, se: boolean): number => (se ? Math.min(autoPrecision(alphabet), Math.max(8, ceilLog2(alphabet) + 4)) : autoPrecision(alphabet));

/*
 * Hot loops called once an encode (countFields, gatherSamples, countSampled) live in
 * functions that return nothing or a number: V8 compiles such a loop on stack replacement before
 * the code after it has run, and an object built there sends later calls back to the interpreter
 * (a deoptimisation each time, then the loop interpreted until it is replaced again).
 */

/**
 * bf16: counts the elements' sign+exponent fields (x >> 7) into four tables of 512 in turn
 * (`quarters`): neighbours, often of one value, then count without waiting on each other.
 */
const countFields = (x: Uint16Array, quarters: Int32Array): void => {
  let i = 0;
  for (; i + 3 < x.length; i += 4) {
    quarters[x[i] >>> 7]++;
    quarters[512 + (x[i + 1] >>> 7)]++;
    quarters[1024 + (x[i + 2] >>> 7)]++;
    quarters[1536 + (x[i + 3] >>> 7)]++;
  }
  for (; i < x.length; i++) quarters[x[i] >>> 7]++;
};

/** bf16: the sign+exponent fields of the elements detectPeriod samples, as u16 bytes (their low byte is the whole exponent). */
const fieldSample = (x: Uint16Array): Uint8Array => {
  const se = new Uint16Array(Math.min(x.length, PERIOD_SAMPLE));
  for (let i = 0; i < se.length; i++) se[i] = x[i] >>> 7;
  return new Uint8Array(se.buffer);
};

const encode = (input: Uint8Array, p: RansParams): { streams: Uint8Array[]; params: RansParams; stats?: RansStats } => {
  const wide = p.symbol !== "u8";
  const bf16 = p.symbol === "bf16" || p.symbol === "bf16se";
  const raw = symbolsOf(input, wide);
  const n = raw.length;
  const tail = input.length - n * (wide ? 2 : 1);
  const contextual = p.context !== "none";
  // bf16: rows are found on the sign+exponent symbols
  const period = contextual ? p.period || autoPeriod(bf16 ? fieldSample(raw as Uint16Array) : input, wide ? 2 : 1, n) : p.period;
  // room for the whole input: coded streams are rarely larger, and growing copies what was written
  const out = new ByteWriter(64 + input.length);
  if (n === 0) {
    if (tail) out.byte(input[input.length - 1]);
    return { streams: [out.finish()], params: { ...p, period: Math.max(period, contextual ? 1 : 0), blockRows: Math.max(1, p.blockRows), lanes: Math.max(1, p.lanes), precision: Math.max(1, p.precision) } };
  }
  let alphabet: Int32Array;
  let counts: Int32Array;
  // the main symbols: dense, or bf16 the sign+exponent fields (x >> 7) by seIndex (never
  // materialised: countFieldKeys keys them with the mantissas, which follow in their own section)
  let dense: Dense | null = null;
  let seIndex: Int32Array | null = null;
  if (bf16) {
    const quarters = new Int32Array(4 << 9);
    countFields(raw as Uint16Array, quarters);
    const seCounts = quarters.subarray(0, 1 << 9);
    for (let v = 0; v < seCounts.length; v++) seCounts[v] += quarters[512 + v] + quarters[1024 + v] + quarters[1536 + v];
    ({ alphabet, counts, index: seIndex } = alphabetOf(seCounts));
  } else ({ alphabet, dense, counts } = remap(raw, wide ? 65536 : 256, encodeDense));
  const A = alphabet.length;
  const check = new Uint8Array(4);
  new DataView(check.buffer).setUint32(0, adler32(input), true);
  out.bytes(check);
  let s: Schedule;
  let blockRows: number;
  let lanes: number;
  let refs: Int32Array | null = null;
  let explicitRefs = false;
  if (!contextual) {
    lanes = p.lanes || Math.min(LANES_MAX, Math.ceil(n / TARGET_STEPS));
    blockRows = Math.max(1, p.blockRows);
    s = flatSchedule(n, lanes);
  } else {
    const blocked = p.context === "above";
    const auto = autoSchedule(n, period, blocked);
    lanes = p.lanes || auto.lanes;
    blockRows = Math.min(p.blockRows || auto.blockRows, BLOCK_ROWS_MAX);
    s = schedule(n, period, blockRows, lanes, blocked);
    if (blocked) refs = aboveRefs(s.rows, s.blockRows);
    else {
      refs = nearestRefs(s.rows, s.blockRows);
      // per-row references pay for themselves only if they save more than they cost (short
      // rows, e.g. a wrong period, make them dearer than the symbols), judged on the sampled
      // columns: otherwise the nearest refs
      if (period >= MIN_REF_COLUMNS) {
        const keySig = signatures(dense ?? raw, seIndex, s, A, KEY_COLUMNS, keySignatures);
        const found = findRefs(keySig, signatures(dense ?? raw, seIndex, s, A, SCORE_COLUMNS, scoreSignatures), s, p.window, A);
        if (sampledBitsSaved(keySig, refs, found, A) * period > refBits(found) * keySig.samples) {
          refs = found;
          explicitRefs = true;
        }
      }
    }
  }
  const bySe = p.symbol === "bf16se";
  const fields = seIndex
    ? countFieldKeys(raw as Uint16Array, seIndex, A, refs, period, bySe, keyArray(Math.max((refs ? A + 1 : 1) * A, (MANTISSA_CONTEXTS * (bySe ? A : 1)) << 7), 2 * n, coderKeys))
    : null;
  const maxPrecision = p.precision || autoPrecision(A);
  const { model, index } = fields ? tableModel(fields.se, A, maxPrecision, null) : modelStream({ dense: dense!, refs, cols: period, alphabet: A }, maxPrecision, coderKeys, refs ? undefined : counts);
  writeModel(out, alphabet, model, contextual);
  const sideBytes = out.length;
  if (p.context === "rowref") {
    out.varint(explicitRefs ? 1 : 0);
    if (explicitRefs) writeRefs(out, refs!);
  }
  const refBytes = out.length - sideBytes;
  writeCore(out, encodeCore(s, model, index));
  let entropyBits = model.entropyBits;
  if (fields) {
    const { man, mantissas } = fields;
    const Am = mantissas.alphabet.length;
    const m = tableModel(man, Am, mantissaPrecision(Am, bySe), mantissas.index);
    out.varint(m.model.precision);
    writeModel(out, mantissas.alphabet, m.model, true);
    writeCore(out, encodeCore(s, m.model, m.index));
    entropyBits += m.model.entropyBits;
  }
  if (tail) out.byte(input[input.length - 1]);
  const stats = { entropyBits, sideBytes, refBytes, lanes: s.lanes, steps: s.steps };
  return { streams: [out.view()], params: { ...p, period, blockRows: Math.max(1, blockRows), lanes, precision: model.precision }, stats };
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
  const wide = p.symbol !== "u8";
  const bf16 = p.symbol === "bf16" || p.symbol === "bf16se";
  const stride = p.symbol === "bf16se" ? MANTISSA_CONTEXTS : 0;
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
  // direct tables take at most 6 bytes a slot (up to 2 for its symbol, 4 for its code)
  const directLimit = Math.min(1 << 22, 2 * n + 4096, Math.floor(info.cap / 8));
  const P = p.precision;
  const { alphabet, contextSpace, contextIds, start, scale, symbol, q } = readModel(r, n, wide ? 65536 : 256, contextual ? "symbols" : "none", P, info.cap, directLimit);
  const A = alphabet.length;
  if (bf16 && alphabet[A - 1] >= 512) corrupt(`sign+exponent symbol ${alphabet[A - 1]} above 9 bits`);
  let s: Schedule;
  let refs: Int32Array | null = null;
  if (!contextual) s = flatSchedule(n, p.lanes);
  else {
    s = schedule(n, period, p.blockRows, p.lanes, p.context === "above");
    if (p.context === "above") refs = aboveRefs(s.rows, s.blockRows);
    else {
      const kind = r.varint();
      if (kind > 1) corrupt(`reference kind ${kind}`);
      if (kind === 0) refs = nearestRefs(s.rows, s.blockRows);
      else {
        refs = readRefs(r, s.rows, p.window, directLimit);
        for (let row = 0; row < s.rows; row++) {
          const d = refs[row];
          if (d > 0 && (d > row || d > p.window || d <= row % s.blockRows)) corrupt(`row ${row} refers ${d} rows back`);
        }
      }
    }
  }
  // order-0 u8 and u16 streams decode straight to their values; context modes to dense indices (the contexts)
  const toValues = !contextual && !bf16;
  const tables = buildDecodeTables(P, contextIds, contextSpace, start, scale, symbol, q, directLimit, toValues ? alphabet : undefined, mainTables);
  const lanes = readCore(r, s, mainWords);
  const mantissas = bf16 ? readMantissaSection(r, s, n, info.cap, directLimit, MANTISSA_CONTEXTS * (stride ? A : 1)) : null;
  if (tail) out[total - 1] = r.byte();
  if (r.remaining !== 0) corrupt(`${r.remaining} trailing bytes`);
  const elements = !wide ? out : LITTLE_ENDIAN ? new Uint16Array(out.buffer, out.byteOffset, n) : new Uint16Array(n);
  if (toValues) decodeCore(s, tables, { refs: null, fixed: 0 }, lanes, elements);
  else {
    const dense = decodeDense.dense(A, n);
    decodeCore(s, tables, { refs, fixed: refs ? A : 0 }, lanes, dense);
    if (mantissas) decodeMantissas(s, mantissas, refs, dense, alphabet, stride, elements as Uint16Array);
    else lookUp(dense, alphabet, elements);
  }
  if (wide && !LITTLE_ENDIAN)
    for (let i = 0; i < n; i++) {
      out[2 * i] = elements[i] & 0xff;
      out[2 * i + 1] = elements[i] >>> 8;
    }
  if (adler32(out) !== check) corrupt("checksum mismatch");
  return out;
};

/** The bf16 mantissa section as read: precision, model, decoder tables, lane input. */
interface MantissaSection {
  readonly model: ReadModel;
  readonly tables: DecodeTables;
  readonly lanes: LaneInput;
}

/** `contexts`: how many context ids there are (9, bf16se 9A). */
const readMantissaSection = (r: ByteReader, s: Schedule, n: number, cap: number, directLimit: number, contexts: number): MantissaSection => {
  const precision = r.varint();
  if (precision < 1 || precision > MAX_PRECISION) corrupt(`mantissa precision ${precision}`);
  const model = readModel(r, n, 128, contexts, precision, cap, directLimit);
  // decoded as the mantissa values: their class (the next rows' context) follows from them
  const tables = buildDecodeTables(precision, model.contextIds, model.contextSpace, model.start, model.scale, model.symbol, model.q, directLimit, model.alphabet, mantissaTables);
  return { model, tables, lanes: readCore(r, s, mantissaWords) };
};

/** Decodes the mantissas into the bf16 elements, their sign+exponent fields from the decoded symbols (dense); stride: see RowContexts. */
const decodeMantissas = (s: Schedule, m: MantissaSection, refs: Int32Array | null, dense: Dense, alphabet: Int32Array, stride: number, elements: Uint16Array): void => {
  const high = Int32Array.from(alphabet, (v) => v << 7);
  decodeCore(s, m.tables, { refs, fixed: 0, bf16: { se: dense, high, stride } }, m.lanes, elements);
};

/** The same kernels in numpy, vectorised across lanes (one loop iteration per step). */
const PYTHON = `
import zlib

_RANS_LOW = 1 << 16
_RANS_CHUNK = 1 << 15
# elements per chunk of a bulk count or gather: their intp temporaries stay below the mmap threshold
_RANS_BULK = 1 << 20
_RANS_TARGET_STEPS = 256
_RANS_PLAIN_STEPS = 16
_RANS_KEY_COLUMNS = 48
_RANS_CANDIDATES_PER_KEY = 2
_RANS_SCORE_COLUMNS = 128
_RANS_MIN_REF_COLUMNS = 16
_RANS_LANES_MAX = 65535
_RANS_BLOCK_ROWS_MAX = 1 << 30
_RANS_COUNT_TABLE_MAX = 1 << 22
_RANS_LOG_FRAC = 12
_RANS_MANTISSA_CONTEXTS = 9


def _rans_corrupt(message):
    raise CodecError("corrupt-payload", "rans: " + message)


def _rans_count(keys, space):
    """np.bincount with at least space counts, in chunks (bincount copies keys to intp: temporaries
    past the heap's mmap threshold would page-fault afresh)."""
    if keys.size <= _RANS_BULK or keys.dtype == np.intp:
        return np.bincount(keys, minlength=space)
    parts = [np.bincount(keys[a:a + _RANS_BULK]) for a in range(0, keys.size, _RANS_BULK)]
    counts = np.zeros(max([space] + [part.size for part in parts]), np.int64)
    for part in parts:
        counts[:part.size] += part
    return counts


def _rans_gather(table, index, dtype):
    """table[index] as dtype, in chunks (take copies the index to intp)."""
    out = np.empty(index.shape, dtype)
    flat_in, flat_out = index.reshape(-1), out.reshape(-1)
    table = table.astype(dtype)
    for a in range(0, flat_in.size, _RANS_BULK):
        table.take(flat_in[a:a + _RANS_BULK], out=flat_out[a:a + _RANS_BULK], mode="clip")
    return out


def _rans_ceil_log2(v):
    return 0 if v <= 1 else int(v - 1).bit_length()


def _rans_auto_precision(alphabet):
    return min(13, max(11, _rans_ceil_log2(alphabet) + 5))


def _rans_log_table():
    """log2(1 + i / 1024) in 2^-12 bits by repeated squaring (integers only, as LOG_TABLE in rans.ts)."""
    y = (1024 + np.arange(1024, dtype=np.int64)) * 1024
    r = np.zeros(1024, np.int64)
    for b in range(_RANS_LOG_FRAC - 1, -1, -1):
        y = (y * y) >> 20
        hi = y >= (1 << 21)
        y = np.where(hi, y >> 1, y)
        r |= hi.astype(np.int64) << b
    return r


_RANS_LOG_TABLE = _rans_log_table()


def _rans_log2fx(v):
    """Fixed-point log2 of integers 1 <= v < 2^32: v = f * 2^e (0.5 <= f < 1, exact in float64), the
    top 11 bits f * 2^11 index the table."""
    f, e = np.frexp(np.asarray(v, np.float64))
    f *= 2048
    return (e.astype(np.int64) - 1) * (1 << _RANS_LOG_FRAC) + _RANS_LOG_TABLE[f.astype(np.int64) - 1024]


def _rans_sum_clogc(counts):
    c = np.asarray(counts, np.int64)
    c = c[c > 1]
    return int((c * _rans_log2fx(c)).sum())


class _RansSchedule(object):
    """Levels x slots of rows, s sub-steps of width lanes per row (see rans.ts)."""

    def __init__(self, n, cols, block_rows, lanes_per_row, blocked):
        self.n = n
        self.cols = cols
        self.blocked = blocked
        self.rows = max(1, -(-n // cols))
        self.B = min(block_rows, self.rows)
        self.sub = -(-cols // min(lanes_per_row, cols))
        self.width = -(-cols // self.sub)
        self.levels = self.B if blocked else -(-self.rows // self.B)
        self.slots = -(-self.rows // self.B) if blocked else self.B
        self.lanes = self.slots * self.width
        self.steps = self.levels * self.sub

    def first_step_symbols(self, lanes=False):
        """How many lanes code a symbol at step 0 (a lane with none there has none at all); with
        lanes=True, that count per lane (0 or 1)."""
        k = np.arange(self.slots, dtype=np.int64)
        row = k * self.B if self.blocked else k
        # (np.clip costs more than the arithmetic on a few slots)
        per_slot = np.where(row < self.rows, np.maximum(np.minimum(self.n - row * self.cols, min(self.width, self.cols)), 0), 0)
        if not lanes:
            return int(per_slot.sum())
        return (np.arange(self.width)[None, :] < per_slot[:, None]).reshape(-1).astype(np.int64)

    def tail(self):
        """(level, slot, length) of a partial last row, else None."""
        last_len = self.n - (self.rows - 1) * self.cols
        if last_len >= self.cols:
            return None
        r = self.rows - 1
        return (r % self.B, r // self.B, last_len) if self.blocked else (r // self.B, r % self.B, last_len)

    def to_cube(self, grid):
        """A [rows, cols] padded grid (levels * slots rows, sub * width cols) as [levels, sub, slots, width]."""
        if self.blocked:
            g = grid.reshape(self.slots, self.levels, self.sub, self.width).transpose(1, 2, 0, 3)
        else:
            g = grid.reshape(self.levels, self.slots, self.sub, self.width).transpose(0, 2, 1, 3)
        return g

    def row_ids(self):
        """Data row of each (level, slot) of the cube (rows past the end included)."""
        t = np.arange(self.levels, dtype=np.int64)[:, None]
        k = np.arange(self.slots, dtype=np.int64)[None, :]
        return k * self.B + t if self.blocked else t * self.B + k


def _rans_auto_period(rows_from, width, n):
    """The detected period, or without one the largest divisor of n from 16 to 256 (as autoPeriod)."""
    return matrix_row_fallback(detect_period(rows_from, width), n)


def _rans_flat(n, lanes):
    return _RansSchedule(n, lanes, 1, lanes, False)


def _rans_auto_schedule(n, cols, blocked):
    rows = -(-n // cols)
    if rows >= _RANS_TARGET_STEPS:
        per_level = -(-rows // _RANS_TARGET_STEPS)
        return (-(-rows // per_level) if blocked else per_level), min(cols, _RANS_LANES_MAX)
    sub = min(cols, max(1, _RANS_TARGET_STEPS // rows))
    return (rows if blocked else 1), min(_RANS_LANES_MAX, -(-cols // sub))


def _rans_above_refs(rows, b):
    return np.where(np.arange(rows, dtype=np.int64) % b == 0, 0, 1)


def _rans_nearest_refs(rows, b):
    r = np.arange(rows, dtype=np.int64)
    return np.where(r >= b, 1 + r % b, 0)


def _rans_varint_bytes(values):
    v = np.asarray(values, dtype=np.int64).reshape(-1)
    if v.size == 0:
        return np.zeros(0, np.uint8)
    # as many 7-bit groups as the largest value has
    shifts = np.arange(0, max(1, int(v.max()).bit_length()), 7, dtype=np.int64)
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
    """Per context: scale bits (smallest fixed-point coded + table size) and q summing to 2^bits."""
    seg = np.repeat(np.arange(k.size), k)
    tot = total[seg].astype(np.float64)
    # at least ceil(log2 k) bits (a slot for every symbol), and 1
    lo = np.maximum(np.frexp((k - 1).astype(np.float64))[1].astype(np.int64), min(cap, 1))
    c = counts.astype(np.float64)
    best_bits = lo
    multi = k > 1
    if multi.any():
        # every candidate scale at once: rows are bits from the least a context of 2+ symbols takes to cap
        bits = np.arange(int(lo[multi].min()), cap + 1, dtype=np.int64)[:, None]
        v = np.maximum(1.0, np.floor(c[None, :] * np.exp2(bits.astype(np.float64)) / tot[None, :] + 0.5)).astype(np.int64)
        cost = np.add.reduceat((1 - counts)[None, :] * _rans_log2fx(v) + (1 << _RANS_LOG_FRAC), starts, axis=1)
        cost += total[None, :] * _rans_log2fx(np.add.reduceat(v, starts, axis=1))
        cost[(bits < lo[None, :]) | ~multi[None, :]] = np.iinfo(np.int64).max
        best_bits = np.where(multi, bits[np.argmin(cost, axis=0), 0], lo)
    scale = (np.int64(1) << best_bits)
    q = np.maximum(1, np.floor(c * scale[seg] / tot + 0.5)).astype(np.int64)
    excess = np.add.reduceat(q, starts) - scale

    def first_top(v):
        # the first largest of v in each context
        at = np.flatnonzero(v == np.maximum.reduceat(v, starts)[seg])
        return at[np.concatenate([[True], seg[at[1:]] != seg[at[:-1]]])]

    # the first most frequent symbol of a context takes up its shortfall; an excess comes off the
    # largest frequency, then the next largest, ... (all contexts a round at a time)
    fix = excess <= 0
    q[first_top(counts)[fix]] -= excess[fix]
    over = np.where(fix, 0, excess)
    while over.any():
        big = first_top(q)
        take = np.minimum(q[big] - 1, over)
        q[big] -= take
        over -= take
    return best_bits, q


class _RansModel(object):
    pass


def _rans_grid(v, rows, cols):
    """v as [rows, cols], zero-padded past its end."""
    if v.size == rows * cols:
        return v.reshape(rows, cols)
    g = np.zeros((rows, cols), v.dtype)
    g.reshape(-1)[:v.size] = v
    return g


def _rans_keys(dense, refs, cols, alphabet, man=None, se=False):
    """Context key of every position: ctx * alphabet + symbol (ctx = the symbol refs[row] rows up,
    or alphabet where refs is 0). With man (bf16 mantissas), also each mantissa's key
    128 * context id + mantissa (the id as mantissaKey in rans.ts: its class, 1 + the top 3 mantissa
    bits of the context row's element where its sign+exponent equals this one's, else 0; se
    (bf16se): plus 9 * its own dense sign+exponent)."""
    n = dense.size
    rows = refs.size
    grid = _rans_grid(dense, rows, cols)
    src = np.arange(rows, dtype=np.int64) - refs
    fixed = refs == 0
    # context symbols (a row without context takes itself; replaced below)
    keys = grid.take(src, axis=0)
    man_keys = None
    if man is not None:
        man_g = _rans_grid(man, rows, cols)
        same = keys == grid
        same[fixed] = False
        ids = man_g.take(src, axis=0)
        ids >>= 4
        ids += 1
        ids *= same
        if se:
            man_keys = grid.astype(np.uint32)
            man_keys *= _RANS_MANTISSA_CONTEXTS
            man_keys += ids
        else:
            man_keys = ids.astype(np.uint16)
        man_keys <<= 7
        man_keys |= man_g
        man_keys = man_keys.reshape(-1)[:n]
    keys *= alphabet
    keys += grid
    keys[fixed] = grid[fixed] + alphabet * alphabet
    return keys.reshape(-1)[:n], man_keys


def _rans_sampled_bits(sig, refs, alphabet):
    """Fixed-point empirical entropy of the sampled symbols before the end (sig < alphabet) given
    the contexts refs define (as sampledBits in rans.ts)."""
    keys = sig.take(np.maximum(np.arange(refs.size) - refs, 0), axis=0).astype(np.int64)
    keys[refs == 0] = alphabet
    keys *= alphabet
    keys += sig
    keys = keys.reshape(-1)
    if sig[-1].max() >= alphabet:
        # only a partial last row reaches past the end (context rows are earlier, whole rows)
        keys = keys[sig.reshape(-1) < alphabet]
    if (alphabet + 1) * alphabet <= _RANS_COUNT_TABLE_MAX:
        joint = np.bincount(keys, minlength=(alphabet + 1) * alphabet)
        by_ctx = joint.reshape(alphabet + 1, alphabet).sum(axis=1)
    else:
        pairs, joint = np.unique(keys, return_counts=True)
        ctx = pairs // alphabet
        by_ctx = np.add.reduceat(joint, np.flatnonzero(np.concatenate([[True], ctx[1:] != ctx[:-1]])))
    return _rans_sum_clogc(by_ctx) - _rans_sum_clogc(joint)


def _rans_pair_counts(keys, space):
    """Distinct keys below space, ascending, and their counts (a count table when it fits)."""
    if space <= _RANS_COUNT_TABLE_MAX:
        table = _rans_count(keys, space)
        pair_keys = np.flatnonzero(table)
        return pair_keys, table[pair_keys]
    return np.unique(keys, return_counts=True)


def _rans_build_model(pair_keys, counts, alphabet, max_precision):
    """Scales and frequencies of the (context, symbol) pairs pair_keys = context * alphabet + symbol
    (ascending) seen counts times."""
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
    cap = max(_rans_ceil_log2(int(m.k.max())), max_precision)
    m.scale, m.q = _rans_choose_scales(counts, starts, m.k, total, cap)
    m.precision = max(1, int(m.scale.max()))
    m.freq = m.q << (m.precision - m.scale)[seg]
    cum = np.cumsum(m.freq) - m.freq
    m.cum = cum - cum[starts][seg]
    m.pair_keys = pair_keys
    return m


def _rans_stream(m, keys, space, table_keys=None):
    """A stream for the encoder: frequency and cumulative frequency (float64) by key (the last entry:
    idle lanes), the keys as indices into them, the precision. table_keys: the key of each model pair
    (default: its pair key)."""
    M = 1 << m.precision
    if space <= _RANS_COUNT_TABLE_MAX:
        f_key = np.full(space + 1, M, np.float64)
        c_key = np.zeros(space + 1, np.float64)
        at = m.pair_keys if table_keys is None else table_keys
        f_key[at] = m.freq
        c_key[at] = m.cum
        return f_key, c_key, keys, m.precision
    f_key = np.append(m.freq.astype(np.float64), M)
    c_key = np.append(m.cum.astype(np.float64), 0)
    return f_key, c_key, np.searchsorted(m.pair_keys, keys), m.precision


def _rans_step_keys(s, keys, idle, out):
    """Writes keys (data order) to out [steps, lanes] in step order, idle where a lane has no symbol."""
    if not s.blocked and s.sub * s.width == s.cols and (s.sub == 1 or s.slots == 1):
        # whole rows one step each (or one row in sub-steps): data order is step order
        full = keys.size // s.lanes
        out[:full] = keys[:full * s.lanes].reshape(full, s.lanes)
        if full < s.steps:
            out[full:] = idle
            out[full, :keys.size - full * s.lanes] = keys[full * s.lanes:]
        return
    grid = np.full((s.levels * s.slots, s.sub * s.width), idle, out.dtype)
    full = keys.size // s.cols
    grid[:full, :s.cols] = keys[:full * s.cols].reshape(full, s.cols)
    if keys.size > full * s.cols:
        grid[full, :keys.size - full * s.cols] = keys[full * s.cols:]
    out[...] = s.to_cube(grid).reshape(s.steps, s.lanes)


def _rans_encode_lanes(streams):
    """Runs the schedules of streams (schedule, frequencies, cumulative frequencies, keys,
    precision) backwards, their lanes side by side (one numpy call a step serves all); a stream
    of fewer steps than the longest takes the last ones (all start the backward pass together).
    Per stream: warm-up steps, final states, words (in decode order)."""
    K = len(streams)
    S = max(s.steps for s, f, c, keys, P in streams)
    widths = [s.lanes for s, f, c, keys, P in streams]
    first = np.cumsum([0] + widths).tolist()
    W = first[-1]
    # one frequency table and one cumulative table for all streams (their keys offset)
    base = np.cumsum([0] + [f.size for s, f, c, keys, P in streams]).tolist()
    f_key = np.concatenate([f for s, f, c, keys, P in streams])
    c_key = np.concatenate([c for s, f, c, keys, P in streams])
    index = np.empty((S, W), np.int16 if base[-1] <= (1 << 15) else np.int32 if base[-1] <= (1 << 31) else np.int64)
    for k, (s, f, c, keys, P) in enumerate(streams):
        part = index[:, first[k]:first[k + 1]]
        part[:S - s.steps] = f.size - 1
        _rans_step_keys(s, keys, f.size - 1, part[S - s.steps:])
        if base[k]:
            part += base[k]
    # per lane: its stream's 2^(32-P) (emit limit f * 2^(32-P)) and M = 2^P
    unit = np.repeat([float(1 << (32 - P)) for s, f, c, keys, P in streams], widths)
    M = np.repeat([float(1 << P) for s, f, c, keys, P in streams], widths)
    # per run of steps: frequencies and cumulative frequencies (fewer, larger gathers out of the
    # step loop; the emit limits and M - f per step, on arrays in the first-level cache)
    run = max(1, min(S, _RANS_CHUNK // W))
    f_run = np.empty((run, W))
    c_run = np.empty((run, W))
    t = np.empty(W)
    x = np.ones(W)
    q = np.empty(W)
    e = np.empty(W, bool)
    warm = np.zeros(W, np.int64)
    # lanes without symbols stay at state 1 (warm-up) throughout: count the others while they warm up
    idle = sum(s.lanes - s.first_step_symbols() for s, f, c, keys, P in streams)
    warming = True
    # per stream: the words its lanes emit, by step (lanes in order within a step)
    chunks = [[] for _ in streams]
    appends = [chunk.append for chunk in chunks]
    append0, append1 = appends[0], appends[-1]
    cuts = np.array(first[1:], np.intp)
    cut = first[1]
    # the step loop pays per Python operation: bound methods, positional outputs, arrays for
    # constants (a Python scalar operand costs more than the arithmetic on a few thousand lanes)
    ge, less, add, mul, floor, div, sub = np.greater_equal, np.less, np.add, np.multiply, np.floor, np.divide, np.subtract
    low = np.full(W, float(_RANS_LOW))
    inv = np.full(W, 1.0 / 65536)
    # views of the run rows, made once
    rows = list(zip(f_run, c_run))
    for st1 in range(S, 0, -run):
        st0 = max(0, st1 - run)
        size = st1 - st0
        # take is fastest with intp indices in "wrap" mode (all are in range)
        k = index[st0:st1].astype(np.intp)
        f_key.take(k, out=f_run[:size], mode="wrap")
        c_key.take(k, out=c_run[:size], mode="wrap")
        for f, c in rows[size - 1::-1]:
            if warming:
                less(x, low, e)
                warm += e
                warming = np.count_nonzero(e) > idle
            mul(f, unit, t)
            ge(x, t, e)
            # emitting lanes (a few) give their state (stream by stream) and shift it by 16 bits
            lanes = e.nonzero()[0]
            y = x.take(lanes)
            if K == 1:
                append0(y)
            elif K == 2:
                a = lanes.searchsorted(cut)
                append0(y[:a])
                append1(y[a:])
            else:
                a = 0
                for b, append in zip(lanes.searchsorted(cuts).tolist(), appends):
                    append(y[a:b])
                    a = b
            y = mul(y, inv[:lanes.size])
            floor(y, y)
            x[lanes] = y
            # (x div f) * M + x mod f + cum = x + (x div f) * (M - f) + cum
            div(x, f, q)
            floor(q, q)
            sub(M, f, t)
            mul(q, t, q)
            add(x, q, x)
            add(x, c, x)
    # float states below 2^32 cast to uint32 exactly; to uint16, their low 16 bits
    states = x.astype(np.uint32)
    cores = []
    for k, (s, f, c, keys, P) in enumerate(streams):
        # a lane still warming up after its last step (others go on) warmed up throughout; once
        # none of the others is warm, the lanes still at state 1 are those without symbols
        w = np.minimum(warm[first[k]:first[k + 1]], s.steps)
        w[s.first_step_symbols(lanes=True) == 0] = s.steps
        words = np.concatenate(chunks[k][::-1]) if chunks[k] else np.zeros(0)
        cores.append((w, states[first[k]:first[k + 1]], words.astype(np.uint32).astype("<u2")))
    return cores


def _rans_mantissa_model(keys, contexts, se):
    """The bf16 mantissa model from the mantissa keys (128 * context id + mantissa): the alphabet,
    the model (context ids 0..contexts-1, dense symbols) and the encoder stream (over those keys).
    se (bf16se): its precision is at most max(8, ceil(log2 A) + 4) (small decoder tables)."""
    space = contexts * 128
    table = _rans_count(keys, space)
    present = table.reshape(contexts, 128).any(axis=0)
    alphabet = np.flatnonzero(present)
    A = alphabet.size
    raw = np.flatnonzero(table)
    precision = _rans_auto_precision(A)
    if se:
        precision = min(precision, max(8, _rans_ceil_log2(A) + 4))
    m = _rans_build_model((raw >> 7) * A + (np.cumsum(present) - 1)[raw & 127], table[raw], A, precision)
    return alphabet, m, _rans_stream(m, keys, space, raw)


def _rans_write_core(out, warm, states, words):
    top = int(warm.max()) if warm.size else 0
    kw = top.bit_length()
    out.append(bytes([kw]))
    if kw:
        out.append(pack_bits(warm, kw).tobytes())
    # states as their bit length - 1 and the bits below the leading one
    lengths = np.frexp(states.astype(np.float64))[1].astype(np.int64) - 1
    ks = int(lengths.max()).bit_length()
    out.append(bytes([ks]))
    if ks:
        out.append(pack_bits(lengths, ks).tobytes())
    bits = np.unpackbits(states.astype(">u4").view(np.uint8)).reshape(-1, 32)
    out.append(np.packbits(bits[np.arange(32)[None, :] >= 32 - lengths[:, None]]).tobytes())
    head = bytearray()
    write_varint(head, int(words.size))
    out.append(bytes(head))
    out.append(words.tobytes())


def _rans_read_core(r, s):
    kw = r.byte()
    if kw > 32:
        _rans_corrupt("warm-up width %d" % kw)
    read_limit = np.full(s.lanes, s.steps, np.int64)
    if kw:
        packed = np.frombuffer(r.take((s.lanes * kw + 7) // 8), np.uint8)
        spare = (8 - (s.lanes * kw) % 8) % 8
        if int(packed[-1]) & ((1 << spare) - 1):
            _rans_corrupt("nonzero padding after the warm-up counts")
        warm = unpack_bits(packed, s.lanes, kw).astype(np.int64)
        if (warm > s.steps).any():
            _rans_corrupt("warm-up longer than the schedule")
        read_limit -= warm
    # the encoder's limits exactly: every lane warms up for a step at least, one without symbols throughout
    if ((read_limit == s.steps) | ((s.first_step_symbols(lanes=True) == 0) & (read_limit != 0))).any():
        _rans_corrupt("a lane's warm-up is not the encoder's")
    ks = r.byte()
    if ks > 5:
        _rans_corrupt("state length width %d" % ks)
    lengths = np.zeros(s.lanes, np.int64)
    if ks:
        packed = np.frombuffer(r.take((s.lanes * ks + 7) // 8), np.uint8)
        spare = (8 - (s.lanes * ks) % 8) % 8
        if int(packed[-1]) & ((1 << spare) - 1):
            _rans_corrupt("nonzero padding after the state lengths")
        lengths = unpack_bits(packed, s.lanes, ks).astype(np.int64)
    total = int(lengths.sum())
    packed = np.frombuffer(r.take((total + 7) // 8), np.uint8)
    if total % 8 and int(packed[-1]) & ((1 << (8 - total % 8)) - 1):
        _rans_corrupt("nonzero padding after the states")
    # a state's bits (at most 31, from bit offset at) lie in the big-endian 40 bits of the 5 bytes
    # from byte at >> 3: a few gathers and shifts per lane instead of a bit matrix
    at = np.cumsum(lengths) - lengths
    padded = np.zeros(packed.size + 5, np.int64)
    padded[:packed.size] = packed
    first = at >> 3
    window = padded[first] << 32 | padded[first + 1] << 24 | padded[first + 2] << 16 | padded[first + 3] << 8 | padded[first + 4]
    top = np.int64(1) << lengths
    states = (window >> (40 - (at & 7) - lengths)) & (top - 1) | top
    count = r.varint()
    if count > s.n:
        _rans_corrupt("%d words for %d symbols" % (count, s.n))
    words = np.frombuffer(r.take(2 * count), "<u2")
    return states, read_limit, words


class _RansTables(object):
    """Decoding tables of one or more streams side by side (stream k's slots from base[k], a multiple
    of its 2^P): slot -> (frequency, slot - cum, next context offset) by region: the stream's
    contexts, then its idle region (identity). A context offset is base + region << P; a decoded
    symbol's offset is its region (as a context), and unused contexts are identity regions whose
    symbols get the idle offset, which the decoder refuses at the end. Direct tables when small, else
    a search over the pairs. With classes (the bf16 mantissas, at base 0), a decoded symbol's offset
    is (symbol << 4 | classes[symbol]) << P: its class is the context it gives (offset &
    context_mask), the rest the symbol. With se as well (bf16se: space = 9A, ids 9 * s + class),
    the regions 9A..9A+8 are all idle (the decoder adds 9A << P to an idle lane's class), an
    unused context's symbols have class 0, and idle history rows (hold) hold 0."""

    def __init__(self, specs, direct_limit):
        """specs: (precision, contexts, space, k, scale, symbol, q, classes or None[, se]) of each
        stream; direct_limit: the largest direct table of one stream."""
        self.precision, self.idle, self.hold, self.shift, self.base, self.context_mask = [], [], [], [], [], []
        self.space = []
        parts = []
        top = 0
        for spec in specs:
            precision, contexts, space, k, scale, symbol, q, classes = spec[:8]
            se = len(spec) > 8 and spec[8]
            M = 1 << precision
            base = -(-top // M) * M
            regions = space + (_RANS_MANTISSA_CONTEXTS if se else 1)
            idle = base + space * M
            shift = precision + (4 if classes is not None else 0)
            # a symbol of an unused context: the idle region as its context, no symbol as its output
            unused = idle if classes is None else (classes.size << shift) if se else idle | (classes.size << shift)
            # pairs by region: a used context's symbols, one identity pair for any other region
            seg = np.repeat(np.arange(k.size), k)
            starts = np.concatenate([[0], np.cumsum(k)[:-1]])
            per_region = np.ones(regions, np.int64)
            per_region[contexts] = k
            region_first = np.concatenate([[0], np.cumsum(per_region)[:-1]])
            pos = region_first[contexts][seg] + (np.arange(seg.size) - starts[seg])
            pf = np.full(int(per_region.sum()), M, np.int64)
            pco = np.full(pf.size, unused, np.int64)
            pf[pos] = q << (precision - scale)[seg]
            pco[pos] = base + (symbol << precision) if classes is None else (symbol << shift) | (classes[symbol] << precision)
            parts.append((base - top, pf, pco))
            self.precision.append(precision)
            self.idle.append(idle)
            self.hold.append(0 if se else idle)
            self.shift.append(shift)
            self.base.append(base)
            self.context_mask.append(15 << precision)
            self.space.append(space)
            top = base + regions * M
        self.dtype = np.int32 if max([top] + [int(p[2].max()) for p in parts]) < (1 << 31) else np.int64
        self.direct = top <= direct_limit * len(specs)
        # by pair (a gap before a stream's base, slots no offset reaches, as a pair of its own): its
        # width (frequency), first slot, frequency and offset; uint32 (the decoder's states are uint32:
        # below 2^32 throughout, as f * (x >> P) + slot - cum < f * 2^(32-P)), slot - cum = the slot
        # index - the pair's first
        width = np.concatenate([np.concatenate([[gap], pf]) for gap, pf, pco in parts])
        first = np.cumsum(width) - width
        freq = np.concatenate([np.concatenate([[1], pf]) for gap, pf, pco in parts]).astype(np.uint32)
        offset = np.concatenate([np.concatenate([[0], pco]) for gap, pf, pco in parts]).astype(self.dtype)
        if self.direct:
            # each slot's pair: how many pairs start up to it (np.repeat is slower)
            pair = np.cumsum(np.bincount(first[1:], minlength=top))
            self.f = freq.take(pair, mode="wrap")
            self.bias = np.arange(top, dtype=np.uint32)
            self.bias -= first.astype(np.uint32).take(pair, mode="wrap")
            self.co = offset.take(pair, mode="wrap")
        else:
            self.first, self.freq, self.offset = first, freq, offset

    def lookup(self, e, f, b, co):
        """The search path (direct tables are read in place by the decoder)."""
        pair = np.searchsorted(self.first, e, "right") - 1
        np.take(self.freq, pair, out=f)
        np.subtract(e, self.first[pair], out=b, casting="unsafe")
        np.take(self.offset, pair, out=co)


def _rans_decode_lanes(s, tables, streams, gate=None):
    """Decodes one or two streams that share the schedule s, their lanes side by side (one numpy
    call a step serves both): streams[k] = (lane input, lag, src, fixed offset) with the tables'
    stream k. Stream k decodes step st at iteration st + lag (a stream whose contexts depend on what
    another decodes lags it by a step); src[t]: the cube row of each slot's context row at level t
    (R: fixed, R + 1: idle; None: order-0, all fixed). With gate = (k, g, classes, A), stream k
    (the bf16 mantissas: tables with classes) takes, if classes, its context row's class only where
    stream g (the sign+exponents, lag 0) decoded the symbol of its own context (the context row's),
    else the fixed context 0; with A > 0 (bf16se) it adds 9 * s << P to that (s: the symbol stream g
    decoded at the same step, the iteration before; 9A for an idle lane, whose region 9A + class
    is idle). Returns each stream's history: the offsets it decoded by step ([steps, slots,
    width])."""
    K, L = len(streams), s.lanes
    W = K * L
    R = s.levels * s.slots
    N = s.steps + max(lag for lanes, lag, src, fixed in streams)
    # history rows of width offsets: iteration i, stream k, slot q at (i * K + k) * slots + q; then
    # per stream a fixed row, one for last sub-steps (idle past the row end) and an idle row
    extra = N * K * s.slots
    H = np.empty((extra + 3 * K, s.width), tables.dtype)
    # per iteration: the history rows of each stream's context rows (idle before and after its steps)
    rows = np.empty((N, K, s.slots), np.int64)
    st = np.arange(N)
    for k, (lanes, lag, src, fixed) in enumerate(streams):
        H[extra + 3 * k:extra + 3 * k + 2] = fixed
        H[extra + 3 * k + 1, s.cols - (s.sub - 1) * s.width:] = tables.hold[k]
        H[extra + 3 * k + 2] = tables.hold[k]
        step = np.minimum(np.maximum(st - lag, 0), s.steps - 1)
        t, j = step // s.sub, step % s.sub
        c = src[t] if src is not None else np.full((N, s.slots), R)
        last = (j == s.sub - 1).astype(np.int64)[:, None]
        r = np.where(c < R, (((c // s.slots) * s.sub + j[:, None] + lag) * K + k) * s.slots + c % s.slots,
                     np.where(c == R, extra + 3 * k + last, extra + 3 * k + 2))
        r[(st < lag) | (st >= s.steps + lag)] = extra + 3 * k + 2
        rows[:, k] = r
    rows = rows.reshape(N, K * s.slots)
    # a partial last row: idle past its end (per iteration: ctx row, first column, offset)
    fixes = {}
    tail = s.tail()
    if tail is not None:
        for k, (lanes, lag, src, fixed) in enumerate(streams):
            for j in range(s.sub):
                fixes.setdefault(tail[0] * s.sub + j + lag, []).append((k * s.slots + tail[1], max(0, tail[2] - j * s.width), tables.idle[k]))
    x = np.concatenate([lanes[0] for lanes, lag, src, fixed in streams]).astype(np.uint32)
    # the words of all streams in one array: stream k's next at its pointer
    words = np.concatenate([lanes[2] for lanes, lag, src, fixed in streams]).astype(np.uint32)
    ends = np.cumsum([lanes[2].size for lanes, lag, src, fixed in streams]).tolist()
    w0, e0 = 0, ends[0]
    w1, e1 = ends[0], ends[-1]
    # lanes read words from their stream's first step to their read limit
    thr = np.zeros(W, np.uint32)
    starts = {}
    for k, (lanes, lag, src, fixed) in enumerate(streams):
        starts.setdefault(lag, []).append(k)
    limit = np.concatenate([lanes[1] + lag for lanes, lag, src, fixed in streams])
    order = np.argsort(limit, kind="stable")
    # per iteration, the lanes at their read limit there (None: no lane)
    reached = [0] + np.searchsorted(limit[order], np.arange(N), "right").tolist()
    limits = [order[a:z] if z > a else None for a, z in zip(reached[:-1], reached[1:])]
    slot = np.empty(W, np.uint32)
    e = np.empty(W, np.int64)
    f = np.empty(W, np.uint32)
    b = np.empty(W, np.uint32)
    need = np.empty(W, bool)
    ctx = np.empty((K * s.slots, s.width), tables.dtype)
    ctx_flat = ctx.reshape(-1)
    # (offsets are non-negative: int32 ones add to the uint32 slots as uint32, faster than mixed)
    ctx_add = ctx_flat.view(np.uint32) if ctx.dtype == np.int32 else ctx_flat
    # the step loop pays per Python operation: bound methods, positional outputs, arrays for
    # constants (a Python scalar operand costs more than the arithmetic on a few thousand lanes)
    mask = np.repeat([(1 << P) - 1 for P in tables.precision], L).astype(np.uint32)
    # x >> P by stream with a scalar P (numpy shifts by an array lane by lane: slower, unless the
    # lanes are too few to pay for a call per stream)
    if len(set(tables.precision)) == 1:
        shifts = [(x, np.uint32(tables.precision[0]))]
    elif W >= 2048:
        shifts = [(x[k * L:(k + 1) * L], np.uint32(P)) for k, P in enumerate(tables.precision)]
    else:
        shifts = [(x, np.repeat(tables.precision, L).astype(np.uint32))]
    # (x << 16 as a multiply: numpy shifts by an array lane by lane, multiplies in SIMD; x < 2^16 here)
    sixteen = np.full(W, 1 << 16, np.uint32)
    band, add, rshift, mul, less, bor, equal = np.bitwise_and, np.add, np.right_shift, np.multiply, np.less, np.bitwise_or, np.equal
    if tables.direct:
        f_take, b_take, co_take = tables.f.take, tables.bias.take, tables.co.take
    # views made once: each iteration's context rows and history rows (flat)
    ctx_rows = list(rows)
    iteration = H[:extra].reshape(N, K * s.slots * s.width)
    dests = list(iteration)
    gm = sadd = None
    if gate is not None:
        gk, gg, classes, se_size = gate
        gated = ctx_flat[gk * L:(gk + 1) * L]
        g_ctx = ctx_flat[gg * L:(gg + 1) * L]
        g_dests = list(iteration[:, gg * L:(gg + 1) * L])
        if classes:
            same = np.empty(L, bool)
            cmask = np.full(L, tables.context_mask[gk], tables.dtype)
            # before the first decoded step the gate is the class mask (keeps the idle context)
            gm = cmask.copy()
        if se_size:
            # 9 * s << P by decoded offset >> P_g (s < A: region s; anything else: idle, 9A)
            P, Pg = tables.precision[gk], tables.precision[gg]
            first = tables.base[gg] >> Pg
            sadd_of = np.full(first + se_size + 2, (_RANS_MANTISSA_CONTEXTS * se_size) << P, tables.dtype)
            sadd_of[first:first + se_size] = (np.arange(se_size) * _RANS_MANTISSA_CONTEXTS) << P
            g_shift = np.full(L, Pg, tables.dtype)
            region = np.empty(L, np.intp)
            sadd_slots = tables.direct
            if sadd_slots:
                # direct tables: by the slot stream g decodes from (its last), one take a step; its
                # idle region (order-0: at symbol 1's offset) idle
                at = tables.base[gg]
                idle_at = at + (tables.space[gg] << Pg)
                by_slot = np.empty(tables.co.size, tables.dtype)
                by_slot[at:idle_at] = sadd_of.take(tables.co[at:idle_at] >> Pg, mode="wrap")
                by_slot[idle_at:] = sadd_of[-1]
                sadd_take = by_slot.take
                g_e = e[gg * L:(gg + 1) * L]
            else:
                sadd_take = sadd_of.take
            # before the first decoded step every lane is idle
            sadd = np.full(L, sadd_of[-1], tables.dtype)
    direct = tables.direct
    for i, ctx_rows_i, dest, limited in zip(range(N), ctx_rows, dests, limits):
        for k in starts.get(i, ()):
            thr[k * L:(k + 1) * L] = _RANS_LOW
        if limited is not None:
            thr[limited] = 0
        H.take(ctx_rows_i, axis=0, out=ctx)
        if gm is not None:
            band(gated, gm, gated)
        if sadd is not None:
            add(gated, sadd, gated)
        for row, col, idle in fixes.get(i, ()):
            ctx[row, col:] = idle
        band(x, mask, slot)
        add(slot, ctx_add, e)
        if direct:
            f_take(e, None, f, "wrap")
            b_take(e, None, b, "wrap")
            co_take(e, None, dest, "wrap")
        else:
            tables.lookup(e, f, b, dest)
        if gm is not None:
            # the gate of the next iteration: did stream g decode its context's symbol?
            equal(g_ctx, g_dests[i], same)
            mul(same, cmask, gm)
        if sadd is not None:
            if sadd_slots:
                sadd_take(g_e, None, sadd, "wrap")
            else:
                rshift(g_dests[i], g_shift, region)
                sadd_take(region, None, sadd, "wrap")
        for xk, Pk in shifts:
            rshift(xk, Pk, xk)
        mul(x, f, x)
        add(x, b, x)
        if limited is not None and (x[limited] >= _RANS_LOW).any():
            _rans_corrupt("a lane is not warming up at its read limit")
        # the lanes below 2^16 (before their limit) read the next words of their stream, in lane order
        less(x, thr, need)
        lanes = need.nonzero()[0]
        n = lanes.size
        if n:
            xs = x.take(lanes)
            mul(xs, sixteen[:n], xs)
            if K == 1:
                if w0 + n > e0:
                    _rans_corrupt("out of words")
                bor(xs, words[w0:w0 + n], xs)
                w0 += n
            else:
                a = lanes.searchsorted(L)
                if w0 + a > e0 or w1 + n - a > e1:
                    _rans_corrupt("out of words")
                if a:
                    head = xs[:a]
                    bor(head, words[w0:w0 + a], head)
                if a < n:
                    rest = xs[a:]
                    bor(rest, words[w1:w1 + n - a], rest)
                w0 += a
                w1 += n - a
            x[lanes] = xs
    if (x != 1).any():
        _rans_corrupt("a lane does not end in its start state")
    if w0 != e0 or w1 != e1:
        _rans_corrupt("%d words left over" % (e0 - w0 + e1 - w1))
    hist = H[:extra].reshape(N, K, s.slots, s.width)
    return [hist[lag:lag + s.steps, k] for k, (lanes, lag, src, fixed) in enumerate(streams)]


def _rans_output(s, hist, tables, k, values, n):
    """values[symbol] of every position in data order from stream k's decoder history (offsets by
    step, [steps, slots, width]); None when a position holds the offset of no symbol (an unused
    context was used)."""
    h = hist.reshape(s.levels, s.sub, s.slots, s.width)
    # data order: rows by level then slot (by slot then level when blocked), a row's sub-steps in turn
    h = h.transpose(2, 0, 1, 3) if s.blocked else h.transpose(0, 2, 1, 3)
    # (contiguous first: arithmetic on a strided view is slower than the copy)
    index = np.ascontiguousarray(h).reshape(-1, s.sub * s.width)[:, :s.cols].reshape(-1)[:n] >> tables.shift[k]
    # offsets from the stream's base: past values, as many places as the base has regions
    values = np.concatenate([np.zeros(tables.base[k] >> tables.shift[k], values.dtype), values])
    if index.size and int(index.max()) >= values.size:
        return None
    return values.take(index, mode="wrap")


def _rans_encode_plain(out, values, nested):
    """A nested order-0 stream of values: its header now, and a slot in out for its lanes, which
    all nested streams of the payload fill together (nested collects slot, schedule, stream)."""
    values = np.asarray(values, np.int64)
    head = bytearray()
    write_varint(head, int(values.size))
    out.append(bytes(head))
    if values.size == 0:
        return
    alphabet, dense = _rans_remap(values)
    A = alphabet.size
    m = _rans_build_model(*_rans_pair_counts(dense, A), A, _rans_auto_precision(A))
    lanes = min(_RANS_LANES_MAX, -(-values.size // _RANS_PLAIN_STEPS))
    head = bytearray()
    write_varint(head, int(A))
    out.append(bytes(head))
    out.append(_rans_varint_bytes(_rans_gaps(alphabet)).tobytes())
    out.append(_rans_varint_bytes(np.concatenate([[m.precision], m.q[:-1] - 1, [lanes]])).tobytes())
    nested.append((len(out), _rans_flat(values.size, lanes), _rans_stream(m, dense, A)))
    out.append(None)


def _rans_write_nested(out, nested):
    """Encodes the nested streams side by side and writes their lanes to their slots in out."""
    if nested:
        cores = _rans_encode_lanes([(s,) + stream for at, s, stream in nested])
        for (at, s, stream), core in zip(nested, cores):
            part = []
            _rans_write_core(part, *core)
            out[at] = b"".join(part)


def _rans_peek_varints(r, count):
    """The next count varints of r at once (consumed), or None (nothing consumed) where reading them
    one by one would fail: the caller then does, for its exact error."""
    if count <= 0:
        return np.zeros(0, np.int64)
    b = np.frombuffer(r.buf, np.uint8, min(r.remaining(), 7 * count), r.pos)
    ends = np.flatnonzero(b < 0x80)[:count]
    if ends.size < count:
        return None
    starts = np.empty(count, np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lens = ends - starts + 1
    if int(lens.max()) > 7:
        return None
    b = b[:int(ends[-1]) + 1].astype(np.int64)
    shift = 7 * (np.arange(b.size, dtype=np.int64) - np.repeat(starts, lens))
    r.pos += b.size
    return np.add.reduceat((b & 0x7F) << shift, starts)


def _rans_read_ascending(r, count, space, what):
    gaps = _rans_peek_varints(r, count)
    if gaps is not None:
        v = np.cumsum(gaps + 1) - 1
        prev = int(v[-1]) if count else -1
    else:
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
    if precision > 16 or (1 << precision) < a or (a == 1 and precision != 1):
        _rans_corrupt("nested precision %d for %d symbols" % (precision, a))
    q = np.zeros(a, np.int64)
    rest = 1 << precision
    given = _rans_peek_varints(r, a - 1)
    if given is not None:
        q[:a - 1] = given + 1
        if a > 1 and rest - int(q[:a - 1].sum()) < 1:
            _rans_corrupt("nested frequencies over the total")
        rest -= int(q[:a - 1].sum())
    else:
        for i in range(a - 1):
            q[i] = r.varint() + 1
            rest -= int(q[i])
            if rest < 1:
                _rans_corrupt("nested frequencies over the total")
    q[a - 1] = rest
    lanes = r.varint()
    if lanes < 1 or lanes > m:
        _rans_corrupt("nested stream with %d lanes" % lanes)
    s = _rans_flat(m, lanes)
    tables = _RansTables([(precision, np.zeros(1, np.int64), 1, np.array([a]), np.array([precision]),
                           np.arange(a, dtype=np.int64), q, None)], direct_limit)
    hist = _rans_decode_lanes(s, tables, [(_rans_read_core(r, s), 0, None, 0)])
    return _rans_output(s, hist[0], tables, 0, alphabet, m)


def _rans_bit_length(v):
    v = np.asarray(v, np.int64)
    out = np.zeros(v.shape, np.int64)
    for b in range(1, 18):
        out[v >= (1 << (b - 1))] = b
    return out


def _rans_ref_bits(refs):
    counts = np.bincount(_rans_bit_length(refs), minlength=18)
    low = int((counts * np.maximum(0, np.arange(18) - 1)).sum())
    return (int(refs.size * _rans_log2fx(refs.size)) - _rans_sum_clogc(counts)
            + low * (1 << _RANS_LOG_FRAC))


def _rans_encode_refs(out, refs, nested):
    lengths = _rans_bit_length(refs)
    _rans_encode_plain(out, lengths, nested)
    for b in range(2, 17):
        low = refs[lengths == b] - (1 << (b - 1))
        if low.size:
            out.append(pack_bits(low, b - 1).tobytes())


def _rans_read_refs(r, rows, window, direct_limit):
    lengths = _rans_read_plain(r, rows, int(window).bit_length() + 1, direct_limit)
    if lengths.size != rows:
        _rans_corrupt("%d references for %d rows" % (lengths.size, rows))
    # the groups of low bits by length b (b - 1 bits a reference) are read and checked in turn, then
    # every reference's bits are cut from them at once
    counts = np.bincount(lengths, minlength=17)
    groups = []
    start = np.zeros(17, np.int64)
    size = 0
    for b in range(2, 17):
        count = int(counts[b])
        if not count:
            continue
        packed = np.frombuffer(r.take((count * (b - 1) + 7) // 8), np.uint8)
        spare = (8 - (count * (b - 1)) % 8) % 8
        if int(packed[-1]) & ((1 << spare) - 1):
            _rans_corrupt("nonzero padding after references")
        start[b] = 8 * size
        size += packed.size
        groups.append(packed)
    if not groups:
        return lengths
    joined = np.zeros(size + 2, np.int64)
    joined[:size] = np.concatenate(groups)
    # a reference's bit offset: its group's start + its rank among the group's references (in row
    # order) * b - 1; its at most 15 bits lie in the big-endian 24 bits from its first byte
    order = np.argsort(lengths, kind="stable")
    rank = np.empty(rows, np.int64)
    rank[order] = np.arange(rows) - (np.cumsum(counts) - counts)[lengths[order]]
    width = np.maximum(lengths - 1, 0)
    at = start[lengths] + rank * width
    first = at >> 3
    span = joined[first] << 16 | joined[first + 1] << 8 | joined[first + 2]
    low = (span >> (24 - (at & 7) - width)) & ((np.int64(1) << width) - 1)
    return np.where(lengths >= 2, (np.int64(1) << width) + low, lengths)


def _rans_signatures(dense, s, alphabet, columns):
    """Each row's dense symbols at evenly spread columns (alphabet past the end)."""
    rows, cols = s.rows, s.cols
    samples = min(cols, columns)
    col = (np.arange(samples, dtype=np.int64) * cols) // samples
    dtype = np.uint8 if alphabet < 255 else np.uint16 if alphabet < 65535 else np.int32
    sig = np.full((rows, samples), alphabet, dtype)
    full = s.n // cols
    sig[:full] = dense[:full * cols].reshape(full, cols).take(col, axis=1)
    if full < rows:
        last = dense[full * cols:]
        ok = col < last.size
        sig[full, ok] = last[col[ok]]
    return sig


def _rans_find_refs(key_sig, sig, s, window, alphabet):
    """Reference rows for groups of B rows (see the encoder choices in rans.ts)."""
    rows, B = s.rows, s.B
    samples = sig.shape[1]
    radix = alphabet + 1
    # key columns (pairs of sampled columns) as rows of kt, each sorted stably: rows by (key, row)
    cols = key_sig.T.astype(np.int32 if radix * radix < (1 << 31) else np.int64)
    if cols.shape[0] % 2:
        cols = np.concatenate([cols, np.zeros((1, rows), cols.dtype)])
    kt = cols[0::2] * radix + cols[1::2]
    if radix * radix <= (1 << 16):
        kt = kt.astype(np.uint16)  # a stable sort of 16-bit keys is a radix sort
    order = np.argsort(kt, axis=1, kind="stable")
    ks = np.take_along_axis(kt, order, axis=1).reshape(-1)
    row = order.reshape(-1)
    # runs of equal (key, group) within a key column; a row's candidates are the entries just before
    # its run with the same key (the last rows of earlier groups with that key)
    grp = row // B
    change = np.empty(ks.size, bool)
    change[0] = True
    np.not_equal(ks[1:], ks[:-1], out=change[1:])
    change[1:] |= grp[1:] != grp[:-1]
    change[::rows] = True
    idx = np.arange(ks.size, dtype=np.int64)
    run = np.maximum.accumulate(np.where(change, idx, 0))
    depth = run % rows
    # candidate (row, distance) pairs: the nearest row of the previous group, then the key columns'
    r = np.arange(B, rows, dtype=np.int64)
    delta = 1 + r % B
    near = delta <= window
    pair_rows, pair_deltas = [r[near]], [delta[near]]
    for c in range(1, _RANS_CANDIDATES_PER_KEY + 1):
        at = run - c
        ok = depth >= c
        at[~ok] = 0
        ok &= ks[at] == ks
        r = row[ok]
        delta = r - row[at[ok]]
        near = delta <= window
        pair_rows.append(r[near])
        pair_deltas.append(delta[near])
    # distinct pairs by row (one sortable key each)
    span = min(window, rows) + 1
    key = np.concatenate(pair_rows) * span + np.concatenate(pair_deltas)
    key = np.sort(key.astype(np.uint32) if rows * span < (1 << 32) else key)
    refs = np.zeros(rows, np.int64)
    if key.size:
        key = key[np.concatenate([[True], key[1:] != key[:-1]])].astype(np.int64)
        pr = key // span
        delta = key - pr * span
        pc = pr - delta
        score = np.empty(pr.size, np.int64)
        step = max(1, (8 * _RANS_CHUNK) // samples)
        for a in range(0, pr.size, step):
            same = np.take(sig, pr[a:a + step], axis=0) == np.take(sig, pc[a:a + step], axis=0)
            if samples % 8:
                score[a:a + step] = np.count_nonzero(same, axis=1)
            else:
                # 8 flags a word, summed bytewise then across the word's bytes
                words = same.view(np.uint64).sum(axis=1, dtype=np.uint64)
                score[a:a + step] = (words * np.uint64(0x0101010101010101)) >> np.uint64(56)
        # most agreements, then the nearest
        rank = score * (1 << 20) - delta
        first = np.flatnonzero(np.concatenate([[True], pr[1:] != pr[:-1]]))
        best = np.maximum.reduceat(rank, first)
        refs[pr[first]] = (-best) & ((1 << 20) - 1)
    return refs


def _rans_remap(values):
    """Distinct values ascending and each value's dense index (values are small non-negative ints)."""
    present = np.bincount(values) > 0
    alphabet = np.flatnonzero(present)
    index = np.cumsum(present) - 1
    return alphabet, index[values]


def _rans_values(data, wide):
    n = data.size // 2 if wide else data.size
    return (data[:2 * n].view("<u2") if wide else data), data[2 * n:] if wide else data[:0]


def _rans_model_side(alphabet, m, contextual):
    """The model varints (see the layout), as bytes for a nested order-0 stream."""
    last = np.cumsum(m.k) - 1
    not_last = np.ones(m.q.size, bool)
    not_last[last] = False
    sym_gaps = m.symbol - np.concatenate([[-1], m.symbol[:-1]]) - 1
    sym_gaps[m.starts] = m.symbol[m.starts]
    side = [[alphabet.size], _rans_gaps(alphabet)]
    if contextual:
        side += [[m.contexts.size], _rans_gaps(m.contexts)]
    side += [m.k - 1, m.precision - m.scale, sym_gaps, (m.q - 1)[not_last]]
    return _rans_varint_bytes(np.concatenate([np.asarray(x, np.int64) for x in side]))


def enc_rans(data, p):
    wide = p["symbol"] != "u8"
    bf16 = p["symbol"] in ("bf16", "bf16se")
    se_ctx = p["symbol"] == "bf16se"
    values, tail = _rans_values(data, wide)
    man = None
    if bf16:
        # the main symbols are sign+exponent; the mantissas follow in their own section
        man = np.empty(values.size, np.uint8)
        np.bitwise_and(values, 0x7F, out=man, casting="unsafe")
        values = values >> 7
    n = values.size
    contextual = p["context"] != "none"
    rows_from = values.view(np.uint8) if bf16 else data
    period = (p["period"] or _rans_auto_period(rows_from, 2 if wide else 1, n)) if contextual else p["period"]
    if n == 0:
        return [tail.copy()], dict(p, period=max(period, 1 if contextual else 0), blockRows=max(1, p["blockRows"]),
                                   lanes=max(1, p["lanes"]), precision=max(1, p["precision"]))
    present = _rans_count(values, 0) > 0
    alphabet = np.flatnonzero(present)
    A = alphabet.size
    # dense symbols in the type of the context keys (ctx * A + symbol), as small as they fit
    key_space = (A + 1) * A + 1
    dense = _rans_gather(np.cumsum(present) - 1, values, np.int16 if key_space < (1 << 15) else np.int32 if key_space < (1 << 31) else np.int64)
    out = [np.array([zlib.adler32(data) & 0xFFFFFFFF], "<u4").tobytes()]
    precision = p["precision"] or _rans_auto_precision(A)
    explicit = False
    if not contextual:
        lanes = p["lanes"] or min(_RANS_LANES_MAX, -(-n // _RANS_TARGET_STEPS))
        block_rows = max(1, p["blockRows"])
        s = _rans_flat(n, lanes)
        keys, man_keys = dense, man
        if se_ctx:
            # context id 9 * (dense sign+exponent): the class is 0 throughout
            man_keys = dense.astype(np.uint32)
            man_keys *= _RANS_MANTISSA_CONTEXTS << 7
            man_keys |= man
    else:
        blocked = p["context"] == "above"
        auto_rows, auto_lanes = _rans_auto_schedule(n, period, blocked)
        lanes = p["lanes"] or auto_lanes
        block_rows = min(p["blockRows"] or auto_rows, _RANS_BLOCK_ROWS_MAX)
        s = _RansSchedule(n, period, block_rows, lanes, blocked)
        if blocked:
            refs = _rans_above_refs(s.rows, s.B)
        else:
            # references must save more than they cost over the nearest refs, judged on the sampled
            # columns (see rans.ts)
            refs = _rans_nearest_refs(s.rows, s.B)
            if period >= _RANS_MIN_REF_COLUMNS:
                key_sig = _rans_signatures(dense, s, A, _RANS_KEY_COLUMNS)
                found = _rans_find_refs(key_sig, _rans_signatures(dense, s, A, _RANS_SCORE_COLUMNS), s, p["window"], A)
                gain = (_rans_sampled_bits(key_sig, refs, A) - _rans_sampled_bits(key_sig, found, A)) * period
                if gain > _rans_ref_bits(found) * key_sig.shape[1]:
                    refs, explicit = found, True
        keys, man_keys = _rans_keys(dense, refs, period, A, man, se_ctx)
    space = (A + 1) * A if contextual else A
    m = _rans_build_model(*_rans_pair_counts(keys, space), A, precision)
    streams = [_rans_stream(m, keys, space)]
    if bf16:
        man_alphabet, man_model, man_stream = _rans_mantissa_model(man_keys, _RANS_MANTISSA_CONTEXTS * (A if se_ctx else 1), se_ctx)
        streams.append(man_stream)
    # the sign+exponent and mantissa lanes run side by side, and so do the nested streams' lanes
    cores = _rans_encode_lanes([(s,) + stream for stream in streams])
    nested = []
    _rans_encode_plain(out, _rans_model_side(alphabet, m, contextual), nested)
    if p["context"] == "rowref":
        out.append(bytes([1 if explicit else 0]))
        if explicit:
            _rans_encode_refs(out, refs, nested)
    _rans_write_core(out, *cores[0])
    if bf16:
        head = bytearray()
        write_varint(head, man_model.precision)
        out.append(bytes(head))
        _rans_encode_plain(out, _rans_model_side(man_alphabet, man_model, True), nested)
        _rans_write_core(out, *cores[1])
    _rans_write_nested(out, nested)
    out.append(tail.tobytes())
    payload = np.frombuffer(b"".join(out), np.uint8)
    return [payload], dict(p, period=period, blockRows=max(1, block_rows), lanes=lanes, precision=m.precision)


def _rans_read_model(r, n, space, contexts_kind, P, cap, direct_limit):
    """The model varints of n symbols below space at precision P (as readModel in rans.ts);
    contexts_kind: "none", "symbols" (ids 0..A) or the number of context ids. Returns alphabet,
    context ids, context space, symbols per context, scales, symbols, frequencies."""
    side_max = min(cap, 64 + 50 * (n + 1))
    ints = _rans_read_varints(_rans_read_plain(r, side_max, 256, direct_limit))
    pos = [0]

    def take(count, what):
        if count < 0 or pos[0] + count > ints.size:
            _rans_corrupt("model ends inside %s" % what)
        out = ints[pos[0]:pos[0] + count]
        pos[0] += count
        return out

    A = int(take(1, "alphabet size")[0])
    if A < 1 or A > min(n, space):
        _rans_corrupt("alphabet of %d" % A)
    alphabet = _rans_ascending(take(A, "alphabet"))
    if alphabet[-1] >= space:
        _rans_corrupt("alphabet value out of range")
    context_space = 1 if contexts_kind == "none" else A + 1 if contexts_kind == "symbols" else contexts_kind
    contexts = np.zeros(1, np.int64)
    if contexts_kind != "none":
        used = int(take(1, "context count")[0])
        if used < 1 or used > min(context_space, n):
            _rans_corrupt("%d contexts" % used)
        contexts = _rans_ascending(take(used, "contexts"))
        if contexts[-1] >= context_space:
            _rans_corrupt("context id out of range")
    used = contexts.size
    k = take(used, "symbol counts") + 1
    if (k > A).any() or int(k.sum()) > n:
        _rans_corrupt("bad symbol counts")
    drop = take(used, "scales")
    if (drop > P).any():
        _rans_corrupt("context scale over the precision")
    scale = P - drop
    if ((np.int64(1) << scale) < k).any() or ((k == 1) & (scale != 1)).any():
        _rans_corrupt("context scale too small for its symbols, or not 1 for one symbol")
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
    return alphabet, contexts, context_space, k, scale, symbol, q


def _rans_read_mantissas(r, s, n, cap, direct_limit, se_size):
    """The bf16 mantissa section: precision, model (context ids 0..8; bf16se, se_size = A > 0:
    0..9A-1), lanes; the alphabet, the tables' spec and the lane input."""
    P = r.varint()
    if P < 1 or P > 16:
        _rans_corrupt("mantissa precision %d" % P)
    alphabet, contexts, space, k, scale, symbol, q = _rans_read_model(r, n, 128, _RANS_MANTISSA_CONTEXTS * max(1, se_size), P, cap, direct_limit)
    return alphabet, (P, contexts, space, k, scale, symbol, q, 1 + (alphabet >> 4), se_size > 0), _rans_read_core(r, s)


def dec_rans(streams, p, info):
    wide = p["symbol"] != "u8"
    bf16 = p["symbol"] in ("bf16", "bf16se")
    se_ctx = p["symbol"] == "bf16se"
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
    r = Reader(memoryview(payload), "rans")
    check = int(np.frombuffer(r.take(4), "<u4")[0])
    direct_limit = min(1 << 22, 2 * n + 4096, info.cap // 8)
    P = p["precision"]
    alphabet, contexts, context_space, k, scale, symbol, q = _rans_read_model(r, n, 65536 if wide else 256, "symbols" if contextual else "none", P, info.cap, direct_limit)
    A = alphabet.size
    if bf16 and alphabet[-1] >= 512:
        _rans_corrupt("sign+exponent symbol above 9 bits")
    spec = (P, contexts, context_space, k, scale, symbol, q, None)
    if not contextual:
        s = _rans_flat(n, p["lanes"])
        src = None
    else:
        s = _RansSchedule(n, p["period"], p["blockRows"], p["lanes"], p["context"] == "above")
        rows = np.arange(s.rows, dtype=np.int64)
        if p["context"] == "above":
            refs = _rans_above_refs(s.rows, s.B)
        else:
            kind = r.varint()
            if kind > 1:
                _rans_corrupt("reference kind %d" % kind)
            if kind == 0:
                refs = _rans_nearest_refs(s.rows, s.B)
            else:
                refs = _rans_read_refs(r, s.rows, p["window"], direct_limit)
                bad = (refs > 0) & ((refs > rows) | (refs > p["window"]) | (refs <= rows % s.B))
                if bad.any():
                    _rans_corrupt("a row refers to a row not decoded before it")
        # cube row of each slot's context row by level (R: fixed, R + 1: idle)
        R = s.levels * s.slots
        hist_row = np.full(R, R + 1, np.int64)
        if s.blocked:
            ids = s.row_ids().reshape(-1)
            real = ids < s.rows
            hist_row_of = np.empty(s.rows, np.int64)
            hist_row_of[ids[real]] = np.arange(R)[real]
            hist_row[real] = np.where(refs > 0, hist_row_of[rows - refs], R)[ids[real]]
        else:
            # groups in turn: cube row t * B + k is data row t * B + k
            hist_row[:s.rows] = np.where(refs > 0, rows - refs, R)
        src = hist_row.reshape(s.levels, s.slots)
    lanes = _rans_read_core(r, s)
    fixed = A << P if contextual else 0
    if bf16:
        # the mantissas (tables at base 0) decode a step behind the sign+exponents, which gate their
        # contexts (and with bf16se give their context ids' 9 * s)
        se_size = A if se_ctx else 0
        man_alphabet, man_spec, man_lanes = _rans_read_mantissas(r, s, n, info.cap, direct_limit, se_size)
        tables = _RansTables([man_spec, spec], direct_limit)
        hist = _rans_decode_lanes(s, tables, [(man_lanes, 1, src, 0), (lanes, 0, src, tables.base[1] + fixed)],
                                  (0, 1, contextual, se_size) if contextual or se_ctx else None)
        se = 1
    else:
        tables = _RansTables([spec], direct_limit)
        hist = _rans_decode_lanes(s, tables, [(lanes, 0, src, fixed)])
        se = 0
    # (bf16: the sign+exponents in place, the mantissas or-ed in below)
    out = _rans_output(s, hist[se], tables, se, (alphabet << 7 if bf16 else alphabet).astype("<u2" if wide else np.uint8), n)
    if out is None:
        _rans_corrupt("a symbol uses an unused context")
    if bf16:
        man = _rans_output(s, hist[0], tables, 0, man_alphabet.astype("<u2"), n)
        if man is None:
            _rans_corrupt("a mantissa uses an unused context")
        out |= man
    out = out.reshape(-1).view(np.uint8)
    if tail:
        out = np.concatenate([out, np.frombuffer(r.take(1), np.uint8)])
    if r.remaining():
        _rans_corrupt("%d trailing bytes" % r.remaining())
    if zlib.adler32(out) & 0xFFFFFFFF != check:
        _rans_corrupt("checksum mismatch")
    return out
`;

export default definePrimitive({
  id: 8,
  name: "rans",
  kind: "backend",
  summary: "interleaved rANS, order-0 or conditioned on the row above / a reference row (u8, u16, bf16 or bf16se symbols)",
  layout: "check | plain(model varints) | rowref: refs kind, plain(row refs) | lanes: warm-up steps, start states, u16 words | bf16, bf16se: mantissa model and lanes | odd tail byte",
  params,
  encode,
  decode,
  arbitrary: fc.record({
    symbol: fc.constantFrom("u8" as const, "u16" as const, "bf16" as const, "bf16se" as const),
    context: fc.constantFrom("none" as const, "above" as const, "rowref" as const),
    period: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }), periodArbitrary.filter((v) => v <= PERIOD_MAX)),
    window: fc.integer({ min: 1, max: 12 }),
    blockRows: fc.integer({ min: 0, max: 6 }),
    lanes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })),
    precision: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MAX_PRECISION })),
  }),
  python: PYTHON,
});
