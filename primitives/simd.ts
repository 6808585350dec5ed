/**
 * WebAssembly SIMD kernels for encoder loops that plain JS runs a byte at a time, 16 bytes a
 * step. Integer results, exactly those of the scalar definitions (test/context.test.ts checks
 * both against them), so frames do not change:
 * - lagSums (detectPeriod): over i in [p, n) of a byte feature f, the sum of |f[i] - f[i-p]| and
 *   the count of f[i] != f[i-p] (a pass over 2^15 bytes per candidate row length: 10% of the
 *   default pipeline's encode time in JS);
 * - rowAgreements (the rANS encoder's reference rows): on how many sampled columns a row agrees
 *   with each of its candidate rows.
 *
 * The module is hand-assembled below (no toolchain); memory holds the lag features (two regions
 * of LAG_FEATURE_MAX bytes), then the candidate list, the agreement counts and the signature rows
 * (each padded to a multiple of 16 with zeros, which agree on every pair alike: the best row is
 * the same). Kernel data lives until the next call of any kernel here.
 *
 *   (func $absdiff (param $ptr i32) (param $end i32) (param $p i32) (result i32)
 *     ;; ptr = feature + p, end = ptr + 16 * whole blocks; the caller adds the (n - p) mod 16 rest
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
 *
 *   (func $agreements (param $a i32) (param $list i32) (param $count i32) (param $out i32) (param $bytes i32)
 *     (local $j i32) (local $b i32) (local $k i32) (local $acc v128)
 *     block  loop                                         ;; candidate j: its row at b = list[j]
 *       (br_if 1 (i32.ge_u j count))
 *       b = i32.load(list + 4j)   acc = 0   k = 0
 *       block  loop
 *         (br_if 1 (i32.ge_u k bytes))
 *         acc = i8x16.sub(acc, i8x16.eq(v128.load(a + k), v128.load(b + k)))   ;; + 1 where equal
 *         k += 16   br 0
 *       end  end
 *       i32.store(out + 4j, lane sum of acc)   j += 1   br 0
 *     end  end)
 */

/** The largest lag feature (bytes): detectPeriod's PERIOD_SAMPLE. */
export const LAG_FEATURE_MAX = 1 << 15;
const LAG_FEATURES = 2;
const LIST = LAG_FEATURES * LAG_FEATURE_MAX;
/** Candidates a row may have (findRefs: 1 + 24 key columns x 2). */
const CANDIDATES_MAX = 256;
const OUT = LIST + 4 * CANDIDATES_MAX;
const SIGNATURES = OUT + 4 * CANDIDATES_MAX;
/** The most sampled columns a signature row may have (the byte counters of $agreements count to 255). */
const SAMPLES_MAX = 16 * 255;
const PAGE = 65536;

// ---- a minimal assembler: LEB128, sections, vectors, the opcodes used

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

const [I32, V128] = [0x7f, 0x7b];
const [BLOCK, LOOP, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];
const [GET, SET] = [0x20, 0x21];
const [I32_LOAD, I32_STORE] = [
  [0x28, 2, 0],
  [0x36, 2, 0],
]; // align 4, offset 0
const [I32_CONST, I32_GE_U, I32_ADD, I32_SUB, I32_SHL] = [0x41, 0x4f, 0x6a, 0x6b, 0x74];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
const V128_LOAD = simd(0x00, 0, 0); // align 1, offset 0
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const I8X16_EQ = simd(0x23);
const I8X16_NE = simd(0x24);
const V128_OR = simd(0x50);
const I8X16_SUB = simd(0x71);
const I8X16_SUB_SAT_U = simd(0x73);
const I16X8_EXTADD_U = simd(0x7d);
const I32X4_EXTADD_U = simd(0x7f);
const I32X4_ADD = simd(0xae);
const lane = (i: number): number[] => simd(0x1b, i); // i32x4.extract_lane
/** The sum of the four i32 lanes of the v128 in local `v`. */
const laneSum = (v: number): number[] => [0, 1, 2, 3].flatMap((i) => [GET, v, ...lane(i), ...(i ? [I32_ADD] : [])]);
/** The sum of the 16 bytes of the v128 in local `v` (each below 256) as an i32. */
const byteSum = (v: number): number[] => [GET, v, ...I16X8_EXTADD_U, ...I32X4_EXTADD_U, SET, v, ...laneSum(v)];
const code = (locals: number[][], body: number[]): number[] => {
  const bytes = [...vector(locals), ...body, END];
  return [...leb(bytes.length), ...bytes];
};

/** $absdiff / $mismatches: `term(a, b)` puts the v128 of per-byte terms of locals a and b on the stack. */
const lagScan = (term: (a: number, b: number) => number[]): number[] => {
  const [PTR, END_AT, P, ACC, A, B] = [0, 1, 2, 3, 4, 5];
  return code(
    [[3, V128]],
    [
      ...[BLOCK, VOID, LOOP, VOID],
      ...[GET, PTR, GET, END_AT, I32_GE_U, BR_IF, 1],
      ...[GET, PTR, ...V128_LOAD, SET, A],
      ...[GET, PTR, GET, P, I32_SUB, ...V128_LOAD, SET, B],
      ...term(A, B),
      ...I16X8_EXTADD_U,
      ...I32X4_EXTADD_U,
      ...[GET, ACC, ...I32X4_ADD, SET, ACC],
      ...[GET, PTR, I32_CONST, 16, I32_ADD, SET, PTR],
      ...[BR, 0, END, END],
      ...laneSum(ACC),
    ],
  );
};
const absDifference = (a: number, b: number): number[] => [GET, a, GET, b, ...I8X16_SUB_SAT_U, GET, b, GET, a, ...I8X16_SUB_SAT_U, ...V128_OR];
const notEqual = (a: number, b: number): number[] => [GET, a, GET, b, ...I8X16_NE];

const agreements = (() => {
  const [A, LIST_AT, COUNT, OUT_AT, BYTES, J, B, K, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const entry = (base: number): number[] => [GET, base, GET, J, I32_CONST, 2, I32_SHL, I32_ADD]; // base + 4j
  return code(
    [
      [3, I32],
      [1, V128],
    ],
    [
      ...[BLOCK, VOID, LOOP, VOID],
      ...[GET, J, GET, COUNT, I32_GE_U, BR_IF, 1],
      ...[...entry(LIST_AT), ...I32_LOAD, SET, B],
      ...[...V128_ZERO, SET, ACC, I32_CONST, 0, SET, K],
      ...[BLOCK, VOID, LOOP, VOID],
      ...[GET, K, GET, BYTES, I32_GE_U, BR_IF, 1],
      ...[GET, ACC, GET, A, GET, K, I32_ADD, ...V128_LOAD, GET, B, GET, K, I32_ADD, ...V128_LOAD, ...I8X16_EQ, ...I8X16_SUB, SET, ACC],
      ...[GET, K, I32_CONST, 16, I32_ADD, SET, K],
      ...[BR, 0, END, END],
      ...entry(OUT_AT),
      ...byteSum(ACC),
      ...I32_STORE,
      ...[GET, J, I32_CONST, 1, I32_ADD, SET, J],
      ...[BR, 0, END, END],
    ],
  );
})();

const moduleBytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, vector([[0x60, 3, I32, I32, I32, 1, I32], [0x60, 5, I32, I32, I32, I32, I32, 0]])),
  ...section(3, vector([[0], [0], [1]])),
  ...section(5, vector([[0x00, Math.ceil(SIGNATURES / PAGE)]])),
  ...section(7, vector([[...name("memory"), 0x02, 0], [...name("absdiff"), 0x00, 0], [...name("mismatches"), 0x00, 1], [...name("agreements"), 0x00, 2]])),
  ...section(10, vector([lagScan(absDifference), lagScan(notEqual), agreements])),
]);

type Scan = (ptr: number, end: number, p: number) => number;
const kernels = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes)).exports as {
  memory: WebAssembly.Memory;
  absdiff: Scan;
  mismatches: Scan;
  agreements: (a: number, list: number, count: number, out: number, bytes: number) => void;
};
let heap = new Uint8Array(kernels.memory.buffer);
let words = new Int32Array(kernels.memory.buffer);
/** Memory of at least `bytes` (growing detaches the old buffer: fresh views). */
const reserve = (bytes: number): void => {
  if (bytes <= heap.length) return;
  kernels.memory.grow(Math.ceil((bytes - heap.length) / PAGE));
  heap = new Uint8Array(kernels.memory.buffer);
  words = new Int32Array(kernels.memory.buffer);
};

// ---- detectPeriod

/** Sums over lags of up to two byte features (each at most LAG_FEATURE_MAX bytes). */
export interface LagSums {
  /** sum over i in [p, n) of |f[i] - f[i-p]| for feature `f`. */
  readonly absDifference: (f: number, p: number) => number;
  /** how many i in [p, n) have f[i] != f[i-p]. */
  readonly mismatches: (f: number, p: number) => number;
}

export const lagSums = (features: readonly Uint8Array[]): LagSums => {
  if (features.length > LAG_FEATURES || features.some((f) => f.length > LAG_FEATURE_MAX)) throw new RangeError("lagSums: at most 2 features of 2^15 bytes");
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
    absDifference: scan(kernels.absdiff, (a, b) => Math.abs(a - b)),
    mismatches: scan((ptr, end, p) => kernels.mismatches(ptr, end, p) / 255, (a, b) => (a !== b ? 1 : 0)),
  };
};

// ---- reference rows

/**
 * The best reference of row r among candidates[0, count): the distance r - c to the candidate c
 * whose row of `values` ([rows, samples] bytes) agrees with row r's on the most columns, the
 * nearest of those (0 when there is none).
 */
export type BestAgreement = (r: number, candidates: Int32Array, count: number) => number;

export const rowAgreements = (values: Uint8Array, rows: number, samples: number): BestAgreement => {
  if (samples < 1 || samples > SAMPLES_MAX) throw new RangeError(`rowAgreements: ${samples} samples a row`);
  const stride = (samples + 15) & ~15;
  reserve(SIGNATURES + rows * stride);
  if (stride === samples) heap.set(values.subarray(0, rows * samples), SIGNATURES);
  else
    for (let r = 0; r < rows; r++) {
      const at = SIGNATURES + r * stride;
      heap.set(values.subarray(r * samples, (r + 1) * samples), at);
      heap.fill(0, at + samples, at + stride);
    }
  return (r, candidates, count) => {
    if (count > CANDIDATES_MAX) throw new RangeError(`rowAgreements: ${count} candidates`);
    for (let j = 0; j < count; j++) words[LIST / 4 + j] = SIGNATURES + candidates[j] * stride;
    kernels.agreements(SIGNATURES + r * stride, LIST, count, OUT, stride);
    let best = -1;
    let bestDistance = 0;
    for (let j = 0; j < count; j++) {
      const v = words[OUT / 4 + j];
      const distance = r - candidates[j];
      if (v > best || (v === best && distance < bestDistance)) {
        best = v;
        bestDistance = distance;
      }
    }
    return bestDistance;
  };
};
