/**
 * The rANS row loops (decodeCore with direct tables, most of the time of a decode; encodeCore's
 * row coder) as an asm.js module: V8 validates it and compiles it to WebAssembly, where the loops
 * run without the bounds, type and reload checks of typed arrays in JS (decoding is about 1.3x as
 * fast); anywhere else it runs as the plain JS it is. Its arrays live in one heap: `loadRows`
 * copies a stream's tables, states, words (and for the bf16 mantissas the decoded sign+exponents
 * and their shifted values) in, row calls decode into the heap, and `store` copies the output and
 * final states back out; `loadCoder` and `countKeyRows` likewise for the encoder.
 *
 * Both loops decode positions [base, base + end) of one row on lanes lane0.. (see RowContexts in
 * rans.ts): the context row's value is read `back` positions earlier and masked by `pick` (all
 * ones, or 0 for a row without a context row, which then takes `fixed`); renormalisation is
 * branch-free, and allow = 0 leaves it to the caller (rows at or past a read limit). They return
 * the next word position, or -1 after a symbol in an unused context (its code has f - 1 <
 * slot - cum); they end alike (the state update and renormalisation), one loop each because a
 * call per symbol would cost more than the repetition. Heap arrays: codes i32, states i32, symbols u16, output u16, sign+exponents u16,
 * their shifted values i32, words u16 (pointers in bytes).
 */

function RowLoops(stdlib: typeof globalThis, _foreign: unknown, heap: ArrayBuffer) {
  "use asm";
  var U16 = new stdlib.Uint16Array(heap);
  var I32 = new stdlib.Int32Array(heap);
  var imul = stdlib.Math.imul;

  function symbolRow(symbols: number, codes: number, P: number, states: number, out: number, base: number, back: number, pick: number, fixed: number, lane0: number, end: number, words: number, wp: number, allow: number): number {
    symbols = symbols | 0;
    codes = codes | 0;
    P = P | 0;
    states = states | 0;
    out = out | 0;
    base = base | 0;
    back = back | 0;
    pick = pick | 0;
    fixed = fixed | 0;
    lane0 = lane0 | 0;
    end = end | 0;
    words = words | 0;
    wp = wp | 0;
    allow = allow | 0;
    var mask = 0, at0 = 0, bad = 0, l = 0, stop = 0, p = 0, y = 0, c = 0, at = 0, code = 0, f1 = 0, bias = 0, x = 0, reads = 0;
    mask = ((1 << P) - 1) | 0;
    at0 = (base - lane0) | 0;
    stop = (lane0 + end) | 0;
    for (l = lane0; (l | 0) < (stop | 0); l = (l + 1) | 0) {
      p = (l + at0) | 0;
      y = I32[(states + (l << 2)) >> 2] | 0;
      c = (U16[(out + ((p - back) << 1)) >> 1] & pick) | fixed;
      at = (c << P) | (y & mask);
      code = I32[(codes + (at << 2)) >> 2] | 0;
      f1 = code >>> 16;
      bias = code & 0xffff;
      bad = bad | ((f1 - bias) | 0);
      U16[(out + (p << 1)) >> 1] = U16[(symbols + (at << 1)) >> 1] | 0;
      x = (imul((f1 + 1) | 0, y >>> P) + bias) | 0;
      reads = (((x >>> 16) - 1) >>> 31) & allow;
      x = (x << (reads << 4)) | (U16[(words + (wp << 1)) >> 1] & (-reads | 0));
      wp = (wp + reads) | 0;
      I32[(states + (l << 2)) >> 2] = x;
    }
    return ((bad | 0) < 0 ? -1 : wp) | 0;
  }

  /** bf16 mantissas: element = high[se] | mantissa; context: the context row's mantissa class where the sign+exponents agree, plus stride * se. */
  function mantissaRow(symbols: number, codes: number, P: number, states: number, out: number, se: number, high: number, stride: number, base: number, back: number, pick: number, lane0: number, end: number, words: number, wp: number, allow: number): number {
    symbols = symbols | 0;
    codes = codes | 0;
    P = P | 0;
    states = states | 0;
    out = out | 0;
    se = se | 0;
    high = high | 0;
    stride = stride | 0;
    base = base | 0;
    back = back | 0;
    pick = pick | 0;
    lane0 = lane0 | 0;
    end = end | 0;
    words = words | 0;
    wp = wp | 0;
    allow = allow | 0;
    var mask = 0, at0 = 0, bad = 0, l = 0, stop = 0, p = 0, y = 0, s = 0, h = 0, above = 0, agree = 0, c = 0, at = 0, code = 0, f1 = 0, bias = 0, x = 0, reads = 0;
    mask = ((1 << P) - 1) | 0;
    at0 = (base - lane0) | 0;
    stop = (lane0 + end) | 0;
    for (l = lane0; (l | 0) < (stop | 0); l = (l + 1) | 0) {
      p = (l + at0) | 0;
      y = I32[(states + (l << 2)) >> 2] | 0;
      s = U16[(se + (p << 1)) >> 1] | 0;
      h = I32[(high + (s << 2)) >> 2] | 0;
      above = U16[(out + ((p - back) << 1)) >> 1] | 0;
      // all ones where the sign+exponent fields agree; the class of a mantissa m is 1 + (m >> 4)
      agree = ((((h ^ above) >>> 7) - 1) | 0) >> 31;
      c = ((((1 + ((above & 0x7f) >> 4)) | 0) & agree & pick) + imul(s, stride)) | 0;
      at = (c << P) | (y & mask);
      code = I32[(codes + (at << 2)) >> 2] | 0;
      f1 = code >>> 16;
      bias = code & 0xffff;
      bad = bad | ((f1 - bias) | 0);
      U16[(out + (p << 1)) >> 1] = h | (U16[(symbols + (at << 1)) >> 1] | 0);
      x = (imul((f1 + 1) | 0, y >>> P) + bias) | 0;
      reads = (((x >>> 16) - 1) >>> 31) & allow;
      x = (x << (reads << 4)) | (U16[(words + (wp << 1)) >> 1] & (-reads | 0));
      wp = (wp + reads) | 0;
      I32[(states + (l << 2)) >> 2] = x;
    }
    return ((bad | 0) < 0 ? -1 : wp) | 0;
  }

  /*
   * The encoder's row: positions base + end - 1 down to base on lanes lane0.., position p by its
   * code codes[keys[p]] = (f - 1) << 16 | cum. States are uint32 bits in int32 arithmetic:
   * x + (x div f) * (M - f) + cum is below 2^32, so its low 32 bits are exact (x div f < 2^31 as
   * x < f * 2^(32 - P)). Emitting is branch-free: the low 16 bits always go to words[w - 1], kept
   * (w moves down) only when x >= f * 2^(32 - P). Returns the new w.
   */
  function coderRow(codes: number, P: number, states: number, words: number, keys: number, base: number, lane0: number, end: number, w: number): number {
    codes = codes | 0;
    P = P | 0;
    states = states | 0;
    words = words | 0;
    keys = keys | 0;
    base = base | 0;
    lane0 = lane0 | 0;
    end = end | 0;
    w = w | 0;
    var M = 0, at0 = 0, l = 0, c = 0, f = 0, x = 0, emit = 0;
    M = (1 << P) | 0;
    at0 = (base - lane0) | 0;
    for (l = (lane0 + end - 1) | 0; (l | 0) >= (lane0 | 0); l = (l - 1) | 0) {
      c = I32[(codes + (I32[(keys + ((l + at0) << 2)) >> 2] << 2)) >> 2] | 0;
      f = ((c >>> 16) + 1) | 0;
      x = I32[(states + (l << 2)) >> 2] | 0;
      emit = (~(((x >>> (32 - P)) - f) | 0)) >>> 31;
      U16[(words + ((w - 1) << 1)) >> 1] = x;
      w = (w - emit) | 0;
      x = x >>> (emit << 4);
      I32[(states + (l << 2)) >> 2] = (x + imul(((x >>> 0) / (f >>> 0)) | 0, (M - f) | 0) + (c & 0xffff)) | 0;
    }
    return w | 0;
  }

  /*
   * The bf16 encoder's keys of positions [p, end) of one row (see countFieldKeys in rans.ts): the
   * sign+exponent key (the context row's dense symbol, masked by pick, or fixed) * A + dense symbol
   * at keys[p], the mantissa key (mantissa class of the context row's element where the
   * sign+exponents agree, << 7 | mantissa, + seStride * dense symbol) at keys[n + p]; each counted.
   */
  function keyRow(x: number, index: number, A: number, back: number, pick: number, fixed: number, seStride: number, keys: number, counts: number, manAt: number, p: number, end: number, n: number): void {
    x = x | 0;
    index = index | 0;
    A = A | 0;
    back = back | 0;
    pick = pick | 0;
    fixed = fixed | 0;
    seStride = seStride | 0;
    keys = keys | 0;
    counts = counts | 0;
    manAt = manAt | 0;
    p = p | 0;
    end = end | 0;
    n = n | 0;
    var v = 0, above = 0, s = 0, k = 0, m = 0, agree = 0;
    while ((p | 0) < (end | 0)) {
      v = U16[(x + (p << 1)) >> 1] | 0;
      above = U16[(x + ((p - back) << 1)) >> 1] | 0;
      s = I32[(index + ((v >>> 7) << 2)) >> 2] | 0;
      k = (imul((I32[(index + ((above >>> 7) << 2)) >> 2] & pick) | fixed, A) + s) | 0;
      I32[(keys + (p << 2)) >> 2] = k;
      I32[(counts + (k << 2)) >> 2] = ((I32[(counts + (k << 2)) >> 2] | 0) + 1) | 0;
      agree = ((((v ^ above) >>> 7) - 1) | 0) >> 31;
      m = ((((((1 + ((above & 0x7f) >> 4)) | 0) & agree & pick) << 7) | (v & 0x7f)) + imul(s, seStride)) | 0;
      k = (manAt + m) | 0;
      I32[(keys + ((n + p) << 2)) >> 2] = m;
      I32[(counts + (k << 2)) >> 2] = ((I32[(counts + (k << 2)) >> 2] | 0) + 1) | 0;
      p = (p + 1) | 0;
    }
  }

  return { symbolRow: symbolRow, mantissaRow: mantissaRow, coderRow: coderRow, keyRow: keyRow };
}

type Loops = ReturnType<typeof RowLoops>;

/** asm.js heaps are 2^k bytes up to 16 MiB, then multiples of 16 MiB. */
const heapSize = (bytes: number): number => {
  const MB16 = 1 << 24;
  if (bytes > MB16) return Math.ceil(bytes / MB16) * MB16;
  let size = 1 << 16;
  while (size < bytes) size *= 2;
  return size;
};

let heap = new ArrayBuffer(0);
let loops: Loops | null = null;
/** Regions of these byte sizes laid out in the heap (grown and the module linked anew when short), each at a multiple of 4: their offsets, the heap, the loops on it. */
const place = (...sizes: number[]): { at: number[]; buffer: ArrayBuffer; run: Loops } => {
  const at: number[] = [];
  let end = 0;
  for (const size of sizes) {
    at.push(end);
    end += (size + 3) & ~3;
  }
  if (heap.byteLength < end || !loops) {
    heap = new ArrayBuffer(heapSize(end));
    loops = RowLoops(globalThis, null, heap);
  }
  return { at, buffer: heap, run: loops };
};

export interface RowStream {
  readonly slotSymbol: Uint8Array | Uint16Array;
  readonly slotCode: Int32Array;
  readonly states: Int32Array;
  readonly words: Uint16Array;
  /** the output's length */
  readonly n: number;
  readonly bf16?: { readonly se: Uint8Array | Uint16Array; readonly high: Int32Array };
}

/** A stream loaded into the heap: its row loops, its states and words as the heap holds them (for the caller's own renormalisation), and `store`. */
export interface LoadedRows {
  readonly states: Int32Array;
  readonly words: Uint16Array;
  readonly symbolRow: (P: number, base: number, back: number, pick: number, fixed: number, lane0: number, end: number, wp: number, allow: number) => number;
  readonly mantissaRow: (P: number, stride: number, base: number, back: number, pick: number, lane0: number, end: number, wp: number, allow: number) => number;
  /** Copies the decoded output to `out` and the final states to `states`. */
  readonly store: (out: Uint8Array | Uint16Array, states: Int32Array) => void;
}

/** The heap's contents are valid until the next loadRows, loadCoder or countKeyRows. */
export const loadRows = (stream: RowStream): LoadedRows => {
  const { slotSymbol, slotCode, states, words, n, bf16 } = stream;
  const {
    at: [codesAt, statesAt, symbolsAt, outAt, seAt, highAt, wordsAt],
    buffer,
    run,
  } = place(4 * slotCode.length, 4 * states.length, 2 * slotSymbol.length, 2 * n, bf16 ? 2 * n : 0, bf16 ? 4 * bf16.high.length : 0, 2 * words.length);
  new Int32Array(buffer, codesAt, slotCode.length).set(slotCode);
  const heapStates = new Int32Array(buffer, statesAt, states.length);
  heapStates.set(states);
  new Uint16Array(buffer, symbolsAt, slotSymbol.length).set(slotSymbol);
  if (bf16) {
    new Uint16Array(buffer, seAt, n).set(bf16.se);
    new Int32Array(buffer, highAt, bf16.high.length).set(bf16.high);
  }
  const heapWords = new Uint16Array(buffer, wordsAt, words.length);
  heapWords.set(words);
  const output = new Uint16Array(buffer, outAt, n);
  return {
    states: heapStates,
    words: heapWords,
    symbolRow: (P, base, back, pick, fixed, lane0, end, wp, allow) => run.symbolRow(symbolsAt, codesAt, P, statesAt, outAt, base, back, pick, fixed, lane0, end, wordsAt, wp, allow),
    mantissaRow: (P, stride, base, back, pick, lane0, end, wp, allow) =>
      run.mantissaRow(symbolsAt, codesAt, P, statesAt, outAt, seAt, highAt, stride, base, back, pick, lane0, end, wordsAt, wp, allow),
    store: (out, finalStates) => {
      out.set(output);
      finalStates.set(heapStates);
    },
  };
};

/** The encoder's stream in the heap: its row coder, its states as the heap holds them, and `words` (the coded words from position w on). */
export interface LoadedCoder {
  readonly states: Int32Array;
  readonly coderRow: (P: number, base: number, lane0: number, end: number, w: number) => number;
  readonly words: (w: number) => Uint16Array;
}

/** `code` by key, the stream's keys (each position's), states; words: room for n + 1 (see encodeCore). */
export const loadCoder = (code: Int32Array, keys: Uint16Array | Int32Array, states: Int32Array): LoadedCoder => {
  const {
    at: [codesAt, statesAt, keysAt, wordsAt],
    buffer,
    run,
  } = place(4 * code.length, 4 * states.length, 4 * keys.length, 2 * (keys.length + 1));
  new Int32Array(buffer, codesAt, code.length).set(code);
  const heapStates = new Int32Array(buffer, statesAt, states.length);
  heapStates.set(states);
  new Int32Array(buffer, keysAt, keys.length).set(keys);
  const words = new Uint16Array(buffer, wordsAt, keys.length + 1);
  return {
    states: heapStates,
    coderRow: (P, base, lane0, end, w) => run.coderRow(codesAt, P, statesAt, wordsAt, keysAt, base, lane0, end, w),
    words: (w) => words.slice(w),
  };
};

/**
 * The bf16 encoder's keys and counts (countFieldKeys in rans.ts) by the key rows above: x the
 * elements, index their dense sign+exponent by x >>> 7, `back(r)`, `pick(r)`, `fixed(r)` a row's
 * context; keys (2n) and counts (zeroed by the caller) are filled.
 */
export const countKeyRows = (
  x: Uint16Array,
  index: Int32Array,
  A: number,
  rowLength: number,
  context: (r: number) => { back: number; pick: number; fixed: number },
  seStride: number,
  keys: Uint16Array | Int32Array,
  counts: Int32Array,
  manAt: number,
): void => {
  const n = x.length;
  const {
    at: [xAt, indexAt, keysAt, countsAt],
    buffer,
    run,
  } = place(2 * n, 4 * index.length, 8 * n, 4 * counts.length);
  new Uint16Array(buffer, xAt, n).set(x);
  new Int32Array(buffer, indexAt, index.length).set(index);
  const heapCounts = new Int32Array(buffer, countsAt, counts.length);
  heapCounts.fill(0);
  for (let r = 0, p = 0; p < n; r++, p += rowLength) {
    const { back, pick, fixed } = context(r);
    run.keyRow(xAt, indexAt, A, back, pick, fixed, seStride, keysAt, countsAt, manAt, p, Math.min(n, p + rowLength), n);
  }
  keys.set(new Int32Array(buffer, keysAt, 2 * n));
  counts.set(heapCounts);
};
