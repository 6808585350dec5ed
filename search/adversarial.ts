/**
 * Adversarial bf16 inputs for property tests and the losslessness gate (search/gate.ts); the test
 * suite re-exports them from test/support/data.ts. The development corpus has no zeros, NaN, inf or
 * subnormals, so these generators put them in on purpose, along with odd lengths, empty input,
 * constant runs and tensor-like [rows, cols] data with per-channel structure.
 */
import fc from "fast-check";

const SPECIAL_BF16 = [
  0x0000, 0x8000, // +-0
  0x7f80, 0xff80, // +-inf
  0x7fc0, 0xffc0, 0x7f81, 0xffff, 0x7fa5, // NaN payloads, quiet and signalling
  0x0001, 0x8001, 0x007f, 0x0040, // subnormals
  0x0080, 0x7f7f, 0xff7f, // min normal, +-max
  0x3f80, 0xbf80, // +-1
];

export const bf16Value: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_BF16) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  // activation-like: exponent near 2^-3..2^6, random sign and mantissa
  { weight: 5, arbitrary: fc.tuple(fc.boolean(), fc.integer({ min: 118, max: 134 }), fc.integer({ min: 0, max: 127 })).map(([s, e, m]) => (s ? 0x8000 : 0) | (e << 7) | m) },
);

const fromValues = (values: readonly number[], tail: number | null): Uint8Array => {
  const out = new Uint8Array(values.length * 2 + (tail === null ? 0 : 1));
  values.forEach((v, i) => {
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = v >>> 8;
  });
  if (tail !== null) out[out.length - 1] = tail;
  return out;
};

/** [rows, cols] bf16 tensor, row-major, whose channels have their own sign and scale, with near-repeated rows. */
export const bf16Tensor = (maxRows = 24, maxCols = 40): fc.Arbitrary<Uint8Array> =>
  fc
    .record({
      rows: fc.integer({ min: 1, max: maxRows }),
      cols: fc.integer({ min: 1, max: maxCols }),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      repeatRate: fc.double({ min: 0, max: 0.9, noNaN: true }),
    })
    .map(({ rows, cols, seed, repeatRate }) => {
      let s = seed;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const colExp = Array.from({ length: cols }, () => 110 + Math.floor(rnd() * 24));
      const colNeg = Array.from({ length: cols }, () => rnd());
      const v: number[] = [];
      for (let r = 0; r < rows; r++) {
        const copyFrom = r > 0 && rnd() < repeatRate ? Math.floor(rnd() * r) : -1;
        for (let c = 0; c < cols; c++) {
          if (copyFrom >= 0 && rnd() < 0.8) {
            v.push(v[copyFrom * cols + c] ^ Math.floor(rnd() * 128));
            continue;
          }
          const e = Math.max(0, Math.min(254, colExp[c] + Math.round((rnd() - 0.5) * 4)));
          v.push((rnd() < colNeg[c] ? 0x8000 : 0) | (e << 7) | Math.floor(rnd() * 128));
        }
      }
      return fromValues(v, null);
    });

/** Any byte string, biased to bf16 content: specials, odd lengths, constant runs, empty. */
export const adversarialBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.array(bf16Value, { maxLength: 300 }), fc.option(fc.integer({ min: 0, max: 255 }))).map(([v, t]) => fromValues(v, t)) },
  { weight: 2, arbitrary: fc.tuple(bf16Value, fc.integer({ min: 0, max: 200 }), fc.option(fc.integer({ min: 0, max: 255 }))).map(([v, n, t]) => fromValues(Array(n).fill(v), t)) },
  { weight: 3, arbitrary: bf16Tensor() },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
);
