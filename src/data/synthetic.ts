/**
 * Seeded synthetic bf16 tensors that look like what the codecs are for: [rows, cols] activations
 * and gradients of a transformer layer, row-major, little-endian bf16.
 *  - every channel (column) has its own scale and sign bias, a few "outlier" channels are 20-100x
 *    larger (the massive activations of real models);
 *  - rows (tokens) have their own norm, and some rows nearly repeat an earlier one;
 *  - with `specials`, the tensor also holds what a real dump can: a dead channel and masked rows of
 *    zeros, NaN payloads (quiet and signalling, both signs), +-inf, and a channel of subnormals.
 * Deterministic for a given spec (a 32-bit PRNG, no Math.random), so `npm run samples` reproduces
 * samples/ byte for byte; test/io.test.ts checks that.
 */

export type TensorStyle = "activations" | "gradients";

export interface SyntheticSpec {
  readonly name: string;
  readonly style: TensorStyle;
  readonly rows: number;
  readonly cols: number;
  readonly seed: number;
  readonly specials: boolean;
}

export interface SyntheticTensor {
  readonly spec: SyntheticSpec;
  /** rows * cols little-endian bf16 values. */
  readonly bytes: Uint8Array;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator. */
const prng = (seed: number) => {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float -> bf16 bits, round to nearest even (NaN kept quiet). */
export const toBf16 = (x: number): number => {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
};

const NAN_PAYLOADS = [0x7fc0, 0xffc0, 0x7f81, 0xffa5, 0x7fff, 0x7fc1];
const gelu = (x: number): number => x / (1 + Math.exp(-1.702 * x));

export const generateTensor = (spec: SyntheticSpec): SyntheticTensor => {
  const { rows, cols, style } = spec;
  const rnd = prng(spec.seed);
  const grads = style === "gradients";
  const base = grads ? 2e-4 : 1;
  const scale = Array.from({ length: cols }, () => base * Math.exp(0.6 * rnd.normal()) * (rnd.next() < 0.01 ? 20 + 80 * rnd.next() : 1));
  const bias = Array.from({ length: cols }, () => (grads ? 0.1 : 0.8) * rnd.normal());
  const values = new Uint16Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const repeatOf = r > 0 && rnd.next() < (grads ? 0.05 : 0.2) ? Math.floor(rnd.next() * r) : -1;
    // gradients have a heavier-tailed per-token norm than activations
    const norm = Math.exp((grads ? 1 : 0.25) * rnd.normal());
    for (let c = 0; c < cols; c++) {
      if (repeatOf >= 0) {
        // near repeat: same sign, exponent and leading mantissa bits, low bits jittered
        values[r * cols + c] = values[repeatOf * cols + c] ^ Math.floor(rnd.next() * 8);
        continue;
      }
      const z = norm * (bias[c] + rnd.normal());
      values[r * cols + c] = toBf16(scale[c] * (grads ? z : gelu(z)));
    }
  }
  if (spec.specials) addSpecials(values, rows, cols, rnd);
  const bytes = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    bytes[2 * i] = values[i] & 0xff;
    bytes[2 * i + 1] = values[i] >>> 8;
  }
  return { spec, bytes };
};

const addSpecials = (values: Uint16Array, rows: number, cols: number, rnd: ReturnType<typeof prng>): void => {
  const dead = Math.floor(rnd.next() * cols);
  const tiny = (dead + 1 + Math.floor(rnd.next() * (cols - 1))) % cols;
  for (let r = 0; r < rows; r++) {
    values[r * cols + dead] = rnd.next() < 0.9 ? 0x0000 : 0x8000;
    // subnormal bf16: exponent 0, nonzero mantissa
    values[r * cols + tiny] = (rnd.next() < 0.5 ? 0x8000 : 0) | (1 + Math.floor(rnd.next() * 127));
  }
  for (let r = rows - 1; r >= rows - Math.max(1, rows >> 5); r--) values.fill(0, r * cols, (r + 1) * cols); // masked tokens
  const specials = Math.max(4, values.length >> 10);
  for (let k = 0; k < specials; k++) {
    const at = Math.floor(rnd.next() * values.length);
    const pick = rnd.next();
    values[at] = pick < 0.6 ? NAN_PAYLOADS[Math.floor(rnd.next() * NAN_PAYLOADS.length)] : pick < 0.8 ? 0x7f80 : 0xff80;
  }
};

/** The three tensors shipped in samples/ (64 KiB each), written by `npm run samples`. */
export const SAMPLE_SPECS: readonly SyntheticSpec[] = [
  { name: "activations-128x256", style: "activations", rows: 128, cols: 256, seed: 1, specials: false },
  { name: "gradients-128x256", style: "gradients", rows: 128, cols: 256, seed: 2, specials: false },
  { name: "specials-64x512", style: "activations", rows: 64, cols: 512, seed: 3, specials: true },
];

/** The demo's larger synthetic set: about `mib` MiB per tensor. */
export const demoSpecs = (mib: number): SyntheticSpec[] => {
  const cols = 1024;
  const rows = Math.max(1, Math.round((mib * 2 ** 20) / (2 * cols)));
  return [
    { name: `synthetic-activations-${rows}x${cols}`, style: "activations", rows, cols, seed: 11, specials: false },
    { name: `synthetic-gradients-${rows}x${cols}`, style: "gradients", rows, cols, seed: 12, specials: true },
  ];
};

export const sampleFileName = (spec: SyntheticSpec): string => `${spec.name}.bf16`;
