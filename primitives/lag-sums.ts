/**
 * detectPeriod's inner sums in WebAssembly SIMD, 16 bytes a step: over i in [p, n) of a byte
 * feature f, the sum of |f[i] - f[i-p]| and the count of f[i] != f[i-p]. In plain JS these were
 * 10% of the default pipeline's encode time (a pass over 2^15 bytes per candidate row length).
 * Integer sums, so the results are exactly those of the scalar definitions (test/context.test.ts).
 *
 * The module, hand-assembled below (no toolchain): memory 0 holds the features; both functions
 * take (ptr = feature + p, end = ptr + 16 * whole blocks, p) and return the sum over the blocks;
 * the caller adds the last (n - p) mod 16 terms.
 *
 *   (func $absdiff (param $ptr i32) (param $end i32) (param $p i32) (result i32)
 *     (local $acc v128) (local $a v128) (local $b v128)
 *     block  loop
 *       (br_if 1 (i32.ge_u ptr end))
 *       a = v128.load(ptr)   b = v128.load(ptr - p)
 *       acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(
 *               v128.or(i8x16.sub_sat_u(a, b), i8x16.sub_sat_u(b, a)))))      ;; |a - b| per byte
 *       ptr += 16   br 0
 *     end  end
 *     lane 0 + lane 1 + lane 2 + lane 3 of acc)
 *   $mismatches: the same with i8x16.ne(a, b) (255 where they differ) for |a - b|, divided by 255.
 */

/** The largest feature (bytes) a scan takes: PERIOD_SAMPLE. */
export const LAG_FEATURE_MAX = 1 << 15;
const FEATURES = 2;

const leb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vector = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s, "latin1")];

// opcodes
const [I32, V128] = [0x7f, 0x7b];
const [BLOCK, LOOP, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];
const [GET, SET] = [0x20, 0x21];
const [I32_CONST, I32_GE_U, I32_ADD, I32_SUB] = [0x41, 0x4f, 0x6a, 0x6b];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
const LOAD = simd(0x00, 0, 0); // v128.load align=1 offset=0
const I8X16_NE = simd(0x24);
const V128_OR = simd(0x50);
const I8X16_SUB_SAT_U = simd(0x73);
const I16X8_EXTADD_U = simd(0x7d);
const I32X4_EXTADD_U = simd(0x7f);
const I32X4_ADD = simd(0xae);
const lane = (i: number): number[] => simd(0x1b, i); // i32x4.extract_lane

const [PTR, END_AT, P, ACC, A, B] = [0, 1, 2, 3, 4, 5];
/** A function body: the loop above with `difference` (a, b on the stack -> v128 of byte terms). */
const body = (difference: number[]): number[] => {
  const code = [
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, PTR, GET, END_AT, I32_GE_U, BR_IF, 1],
    ...[GET, PTR, ...LOAD, SET, A],
    ...[GET, PTR, GET, P, I32_SUB, ...LOAD, SET, B],
    ...difference,
    ...I16X8_EXTADD_U,
    ...I32X4_EXTADD_U,
    ...[GET, ACC, ...I32X4_ADD, SET, ACC],
    ...[GET, PTR, I32_CONST, 16, I32_ADD, SET, PTR],
    ...[BR, 0, END, END],
    ...[GET, ACC, ...lane(0), GET, ACC, ...lane(1), I32_ADD, GET, ACC, ...lane(2), I32_ADD, GET, ACC, ...lane(3), I32_ADD],
    END,
  ];
  const locals = vector([[3, V128]]);
  return [...leb(locals.length + code.length), ...locals, ...code];
};
const absDifference = [GET, A, GET, B, ...I8X16_SUB_SAT_U, GET, B, GET, A, ...I8X16_SUB_SAT_U, ...V128_OR];
const notEqual = [GET, A, GET, B, ...I8X16_NE];

const moduleBytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, vector([[0x60, 3, I32, I32, I32, 1, I32]])),
  ...section(3, vector([[0], [0]])),
  // pages of 64 KiB: the features side by side
  ...section(5, vector([[0x00, Math.ceil((FEATURES * LAG_FEATURE_MAX) / 65536)]])),
  ...section(7, vector([[...name("memory"), 0x02, 0], [...name("absdiff"), 0x00, 0], [...name("mismatches"), 0x00, 1]])),
  ...section(10, vector([body(absDifference), body(notEqual)])),
]);

type Scan = (ptr: number, end: number, p: number) => number;
const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes));
const { memory, absdiff, mismatches } = instance.exports as { memory: WebAssembly.Memory; absdiff: Scan; mismatches: Scan };
const heap = new Uint8Array(memory.buffer);

/** Sums over lags of up to two byte features (each at most LAG_FEATURE_MAX bytes), copied into the module once. */
export interface LagSums {
  /** sum over i in [p, n) of |f[i] - f[i-p]| for feature `f`. */
  readonly absDifference: (f: number, p: number) => number;
  /** how many i in [p, n) have f[i] != f[i-p]. */
  readonly mismatches: (f: number, p: number) => number;
}

export const lagSums = (features: readonly Uint8Array[]): LagSums => {
  if (features.length > FEATURES || features.some((f) => f.length > LAG_FEATURE_MAX)) throw new RangeError("lagSums: at most 2 features of 2^15 bytes");
  features.forEach((f, i) => heap.set(f, i * LAG_FEATURE_MAX));
  const scan = (kernel: Scan, term: (a: number, b: number) => number) => (f: number, p: number): number => {
    const base = f * LAG_FEATURE_MAX;
    const n = features[f].length;
    if (p >= n) return 0;
    const end = base + p + ((n - p) & ~15);
    let total = kernel(base + p, end, p);
    for (let i = end; i < base + n; i++) total += term(heap[i], heap[i - p]);
    return total;
  };
  return {
    absDifference: scan(absdiff, (a, b) => Math.abs(a - b)),
    mismatches: scan((ptr, end, p) => mismatches(ptr, end, p) / 255, (a, b) => (a !== b ? 1 : 0)),
  };
};
