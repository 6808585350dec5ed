/**
 * rans backend: round trips in every mode on adversarial data, the entropy bound on large
 * generated and real streams, the cost and step count of the default schedule, byte-identical
 * encodes in TypeScript and Python, and refusal of damaged payloads (CodecError, never another
 * exception) in both. Cross decoding of valid frames is also covered by the registry test
 * (primitives.test.ts). bf16se (mantissa contexts split by the element's own sign+exponent) has
 * its own round trips, cross-language frames and size bounds against bf16.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import rans, { ransEncodeWithStats, type RansParams } from "../primitives/backends/rans.js";
import { decodeFrame, encodeFrame, toJson } from "../src/codec/index.js";
import { CodecError } from "../src/codec/errors.js";
import type { Params } from "../src/codec/primitive.js";
import { adversarialBytes, bf16Tensor } from "./support/data.js";
import { assertRoundTrip, check, equalBytes, node } from "./support/roundtrip.js";
import { runPython } from "./support/python.js";

const ACTIVATIONS = new URL("../../../shared/activations/", import.meta.url);
const CONTEXTS = ["none", "above", "rowref"] as const;
const SYMBOLS = ["u8", "u16", "bf16", "bf16se"] as const;
/** The modes whose symbols are whole values (bf16 and bf16se split each element into two coded symbols). */
const WORD_SYMBOLS = ["u8", "u16"] as const;
const KIB = 1024;

const params = (over: Partial<RansParams>): RansParams => ({ ...(rans.defaults() as RansParams), ...over });
const decode = (payload: Uint8Array, p: Params, n: number, cap = 2 ** 31 - 1): Uint8Array =>
  rans.decode([payload], p, { cap, decodedLength: n });

/** Deterministic xorshift generator in [0, 1). */
const random = (seed: number) => {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
};

/** Index drawn with probability proportional to ratio^i over `size` values. */
const geometric = (rnd: () => number, ratio: number, size: number): number => {
  const u = rnd();
  const v = ratio === 1 ? u * size : Math.log(1 - u * (1 - ratio ** size)) / Math.log(ratio);
  return Math.min(size - 1, Math.floor(v));
};

const toBytes = (symbols: ArrayLike<number>, wide: boolean): Uint8Array => {
  if (!wide) return Uint8Array.from(symbols);
  const out = new Uint8Array(2 * symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    out[2 * i] = symbols[i] & 0xff;
    out[2 * i + 1] = symbols[i] >>> 8;
  }
  return out;
};

const symbolsOf = (b: Uint8Array, wide: boolean): Int32Array => {
  if (!wide) return Int32Array.from(b);
  const out = new Int32Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b[2 * i] | (b[2 * i + 1] << 8);
  return out;
};

/** Empirical entropy in bytes of symbols given contexts (null: order-0). */
const conditionalEntropy = (symbols: Int32Array, contexts: Int32Array | null): number => {
  const joint = new Map<number, number>();
  const marginal = new Map<number, number>();
  for (let i = 0; i < symbols.length; i++) {
    const c = contexts ? contexts[i] : 0;
    const key = c * 70000 + symbols[i];
    joint.set(key, (joint.get(key) ?? 0) + 1);
    marginal.set(c, (marginal.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const [key, n] of joint) bits += n * Math.log2(marginal.get(Math.floor(key / 70000))! / n);
  return bits / 8;
};

/** The `above` mode's contexts under the resolved block size: the symbol a row up, or -1. */
const aboveContexts = (symbols: Int32Array, period: number, blockRows: number): Int32Array =>
  Int32Array.from(symbols, (_, i) => {
    const row = Math.floor(i / period);
    return row % blockRows === 0 ? -1 : symbols[i - period];
  });

/**
 * Params that give every stream few lanes (at least 4096 symbols each), so that the bound
 * measures the coder and its tables rather than the lane flushes, which the default schedule
 * multiplies to stay within a few hundred steps (their cost has its own test below).
 */
const fewLanes = (p: RansParams, n: number): RansParams => ({
  ...p,
  lanes: Math.max(1, Math.floor(n / 4096)),
  ...(p.context === "none" ? {} : { blockRows: p.context === "above" ? 2 ** 30 : 1 }),
});

/**
 * Encodes, checks the round trip and the bound. Order-0: the whole output within 1% of the
 * empirical entropy. Context modes: the coded symbols (lanes, flush and quantisation included)
 * within 1% of the empirical conditional entropy; the model table of a conditional model is real
 * information the entropy does not count (about (pairs / 2) * log2(count) bits, 0.2-0.9% on the
 * corpus), so it gets its own bound (1.5%); rowref's per-row references (1-2% on byte-level
 * corpus files) must cost no more than a fixed-width code.
 */
const assertNearEntropy = (data: Uint8Array, given: RansParams, what: string): void => {
  const wide = given.symbol === "u16";
  const symbols = symbolsOf(data, wide);
  const p = fewLanes(given, symbols.length);
  const { payload, params: resolved, stats } = ransEncodeWithStats(data, p);
  equalBytes(decode(payload, resolved, data.length), data, `${what} round trip`);
  let entropy = stats.entropyBits / 8;
  if (p.context === "none") entropy = conditionalEntropy(symbols, null);
  if (p.context === "above") entropy = conditionalEntropy(symbols, aboveContexts(symbols, resolved.period, resolved.blockRows));
  assert.ok(Math.abs(entropy - stats.entropyBits / 8) <= 1e-6 * entropy + 1, `${what}: model entropy ${stats.entropyBits / 8} != ${entropy}`);
  const over = (bytes: number) => `${bytes} bytes for entropy ${entropy.toFixed(0)} (${((bytes / entropy - 1) * 100).toFixed(2)}% over)`;
  if (p.context === "none") {
    assert.ok(payload.length <= 1.01 * entropy, `${what}: ${over(payload.length)}`);
    return;
  }
  const coded = payload.length - stats.sideBytes - stats.refBytes;
  assert.ok(coded <= 1.01 * entropy, `${what}: coded symbols ${over(coded)}`);
  assert.ok(stats.sideBytes <= 0.015 * entropy + 64, `${what}: model of ${stats.sideBytes} bytes`);
  const rows = Math.ceil(symbols.length / resolved.period);
  assert.ok(stats.refBytes <= (rows * Math.log2(p.window + 1)) / 8 + 64, `${what}: ${stats.refBytes} bytes of references for ${rows} rows`);
};

/**
 * The default schedule takes at most ~256 steps (a numpy decoder pays per step; sub-steps may
 * round that up) and each of its lanes costs at most 24 bits over the few-lane encode (the start
 * state's length field and the bits it holds beyond its information, the warm-up count, and the
 * coarse coding while a state is small).
 */
const assertDefaultSchedule = (data: Uint8Array, p: RansParams, what: string): void => {
  const n = symbolsOf(data, p.symbol === "u16").length;
  const { payload, params: resolved, stats } = ransEncodeWithStats(data, p);
  equalBytes(decode(payload, resolved, data.length), data, `${what} round trip`);
  const few = ransEncodeWithStats(data, fewLanes(p, n));
  assert.ok(stats.steps <= 2 * 256, `${what}: ${stats.steps} steps`);
  if (n >= 256 * 256) assert.ok(stats.steps >= 128, `${what}: only ${stats.steps} steps (too many lanes)`);
  // rowref also pays for its groups of rows: a row's reference must lie in an earlier group, and
  // the first group has none (2-4% on byte-level corpus files)
  const extra = payload.length - few.payload.length - (stats.refBytes - few.stats.refBytes);
  const allowance = (p.context === "rowref" ? 0.05 : 0.002) * few.payload.length;
  assert.ok(extra <= (stats.lanes * 24) / 8 + allowance, `${what}: ${stats.lanes} lanes cost ${extra} bytes over ${few.stats.lanes}`);
};

describe("rans round-trips every mode", () => {
  for (const context of CONTEXTS)
    it(`${context}, adversarial bytes and bf16 tensors, any params`, () =>
      assertRoundTrip(
        (p) => node(rans, p),
        rans.arbitrary.map((p) => ({ ...p, context })),
        fc.oneof(adversarialBytes, bf16Tensor(64, 48)),
        150,
      ));

  it("a tight cap (direct decoder tables take up to cap / 8 entries) decodes alike: mostly by searching the cumulative frequencies", () =>
    check(
      fc.property(rans.arbitrary, fc.oneof(adversarialBytes, bf16Tensor(64, 48)), (p, data) => {
        const { streams, params: resolved } = rans.encode(data, p);
        equalBytes(decode(streams[0], resolved, data.length), data, "roomy cap");
        equalBytes(decode(streams[0], resolved, data.length, data.length + streams[0].length + 64), data, "tight cap");
      }),
      150,
    ));

  it("edge cases: empty, one symbol, odd tail, huge alphabet, period and lanes past the end, tiny precision", () => {
    const rnd = random(5);
    const wideRandom = toBytes(Array.from({ length: 70000 }, () => Math.floor(rnd() * 65536)), true);
    const cases: Array<[Uint8Array, Partial<RansParams>]> = [
      [new Uint8Array(0), {}],
      [Uint8Array.of(9), { symbol: "u16" }],
      [new Uint8Array(100_000).fill(7), { context: "none" }],
      [new Uint8Array(100_001).fill(7), { symbol: "u16", context: "rowref" }],
      [wideRandom, { symbol: "u16", context: "none" }],
      [wideRandom, { symbol: "u16", context: "above", period: 300 }],
      [wideRandom.subarray(0, 20001), { symbol: "u16", context: "rowref", period: 100, window: 40, blockRows: 7, lanes: 30 }],
      [Uint8Array.from({ length: 5000 }, (_, i) => i % 256), { precision: 1, context: "rowref", period: 256 }],
      [Uint8Array.from({ length: 50 }, (_, i) => i), { period: 1000, lanes: 5000, context: "above" }],
      [Uint8Array.from({ length: 50 }, (_, i) => i), { lanes: 5000, context: "none" }],
    ];
    for (const [data, over] of cases)
      for (const symbol of over.symbol ? [over.symbol] : SYMBOLS) {
        const { streams, params: resolved } = rans.encode(data, params({ ...over, symbol }));
        equalBytes(decode(streams[0], resolved, data.length), data, `${JSON.stringify(over)} ${symbol}`);
      }
  });

  it("without a detected period, rows are the largest divisor of the symbol count from 16 to 256 (TS and Python)", () => {
    const rnd = random(12);
    const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
    for (const [n, want] of [[40000, 250], [32768, 256], [32771, 1]] as const) {
      const data = noise(n);
      const { params: p } = rans.encode(data, params({ context: "rowref" }));
      assert.equal(p.period, want, `${n} symbols`);
      const [py] = runPython([{ encode: data, pipeline: { op: "rans", symbol: "u8", context: "rowref" } }]);
      if (!py.ok) assert.fail(py.message);
      equalBytes(py.bytes, encodeFrame(node(rans, params({ context: "rowref" })), data).frame, `${n} symbols: Python frame`);
    }
  });

  it("records resolved params: detected period, block rows, lanes, precision", () => {
    const rnd = random(11);
    const data = toBytes(Array.from({ length: 64 * 50 }, (_, i) => 100 + (i % 50) + Math.floor(rnd() * 3)), false);
    const { params: p } = rans.encode(data, params({ context: "above" }));
    assert.equal(p.period, 50);
    for (const key of ["blockRows", "lanes", "precision"]) assert.ok((p[key] as number) >= 1, `${key} resolved`);
  });
});

describe("rans output is within 1% of the empirical entropy on 512 KiB+ streams", () => {
  it("generated order-0 streams of several skews (u8 and u16, every mode)", () => {
    const rnd = random(1);
    const streams: Array<[string, Uint8Array, "u8" | "u16"]> = [];
    for (const ratio of [0.3, 0.8, 0.97, 1]) streams.push([`u8 ratio ${ratio}`, toBytes(Array.from({ length: 600 * KIB }, () => geometric(rnd, ratio, 256)), false), "u8"]);
    for (const ratio of [0.9, 0.99]) streams.push([`u16 ratio ${ratio}`, toBytes(Array.from({ length: 300 * KIB }, () => geometric(rnd, ratio, 512) * 97), true), "u16"]);
    for (const [what, data, symbol] of streams) {
      assertNearEntropy(data, params({ symbol, context: "none" }), what);
      assertDefaultSchedule(data, params({ symbol, context: "none" }), what);
    }
    const [what, data] = streams[1];
    for (const context of ["above", "rowref"] as const) assertNearEntropy(data, params({ context, period: 512 }), `${what} ${context}`);
  });

  it("generated streams with column and row structure (above, rowref)", () => {
    const rnd = random(2);
    const cols = 384;
    const rows = 1600;
    const sym = new Int32Array(rows * cols);
    const base = Int32Array.from({ length: cols }, () => 100 + Math.floor(rnd() * 40));
    for (let r = 0; r < rows; r++) {
      const copy = r > 8 && rnd() < 0.6 ? r - 1 - Math.floor(rnd() * Math.min(r, 200)) : -1;
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        sym[i] = copy >= 0 && rnd() < 0.85 ? sym[copy * cols + c] : base[c] + geometric(rnd, 0.5, 12) - 2;
      }
    }
    for (const symbol of WORD_SYMBOLS)
      for (const context of ["above", "rowref"] as const)
        assertNearEntropy(toBytes(sym, symbol === "u16"), params({ symbol, context, period: cols }), `${symbol} ${context}`);
  });

  it("bf16: both sections within 1% of their conditional entropy (tables 1.5%), and the mantissa contexts pay on near-repeated rows", () => {
    const rnd = random(3);
    const cols = 256;
    const rows = 1200;
    const v = new Uint16Array(rows * cols);
    const scale = Int32Array.from({ length: cols }, () => 118 + Math.floor(rnd() * 8));
    for (let r = 0; r < rows; r++) {
      const copy = r > 4 && rnd() < 0.6 ? r - 1 - Math.floor(rnd() * Math.min(r, 100)) : -1;
      for (let c = 0; c < cols; c++) {
        const fresh = (rnd() < 0.5 ? 0x8000 : 0) | ((scale[c] + geometric(rnd, 0.5, 6)) << 7) | Math.floor(rnd() * 128);
        // a near repeat keeps sign, exponent and the top mantissa bits, the low ones jitter
        v[r * cols + c] = copy >= 0 && rnd() < 0.9 ? (v[copy * cols + c] & ~0xf) | Math.floor(rnd() * 16) : fresh;
      }
    }
    const data = new Uint8Array(v.buffer);
    const p = fewLanes(params({ symbol: "bf16", context: "rowref", period: cols }), rows * cols);
    const { payload, params: resolved, stats } = ransEncodeWithStats(data, p);
    equalBytes(decode(payload, resolved, data.length), data, "bf16 round trip");
    const entropy = stats.entropyBits / 8;
    const tables = payload.length - stats.sideBytes - stats.refBytes - 1.01 * entropy;
    assert.ok(tables <= 0.015 * entropy + 128, `bf16: ${payload.length} bytes for entropy ${entropy.toFixed(0)}, refs ${stats.refBytes}, model ${stats.sideBytes}`);
    // the same sign+exponent coding with the mantissas stored raw (7 bits each) is much larger
    const se = Uint16Array.from(v, (x) => x >>> 7);
    const seOnly = ransEncodeWithStats(new Uint8Array(se.buffer), { ...p, symbol: "u16" });
    const mantissaBytes = payload.length - seOnly.payload.length;
    assert.ok(mantissaBytes < 0.85 * ((7 * rows * cols) / 8), `mantissas take ${mantissaBytes} bytes, raw ${(7 * rows * cols) / 8}`);
  });

  const corpus = ["fwd_hidden_L2_step0100_2048x320.bf16", "bpe_bwd_grad_L3_step0400_3072x256.bf16"].map((f) => new URL(f, ACTIVATIONS));
  it("real corpus: exponent plane and sign+exponent field, every mode", { skip: !corpus.every((u) => existsSync(u)) && "no corpus" }, () => {
    for (const url of corpus) {
      const raw = new Uint8Array(readFileSync(url));
      const count = raw.length >> 1;
      const exponent = new Uint8Array(count);
      const se = new Uint8Array(2 * count);
      for (let i = 0; i < count; i++) {
        const v = raw[2 * i] | (raw[2 * i + 1] << 8);
        exponent[i] = (v >>> 7) & 0xff;
        se[2 * i] = (v >>> 7) & 0xff;
        se[2 * i + 1] = v >>> 15;
      }
      for (const context of CONTEXTS) {
        assertNearEntropy(exponent, params({ symbol: "u8", context }), `${url.pathname} exponent ${context}`);
        assertNearEntropy(se, params({ symbol: "u16", context }), `${url.pathname} se ${context}`);
        assertDefaultSchedule(se, params({ symbol: "u16", context }), `${url.pathname} se ${context}`);
      }
    }
  });
});

describe("rans encodes byte-identically in TypeScript and Python", () => {
  it("every mode and symbol size on adversarial data, generated structure and corpus slices", () => {
    const inputs: Array<[RansParams, Uint8Array]> = fc.sample(fc.tuple(rans.arbitrary as fc.Arbitrary<RansParams>, fc.oneof(adversarialBytes, bf16Tensor(64, 48))), { numRuns: 60, seed: 7 });
    const rnd = random(9);
    const cols = 96;
    const rows = 300;
    const sym = new Int32Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const copy = r > 4 && rnd() < 0.5 ? sym[(r - 1 - Math.floor(rnd() * Math.min(r, 40))) * cols + c] : -1;
        sym[r * cols + c] = copy >= 0 && rnd() < 0.9 ? copy : 100 + geometric(rnd, 0.6, 20);
      }
    for (const symbol of SYMBOLS)
      for (const context of CONTEXTS) inputs.push([params({ symbol, context, period: cols }), toBytes(sym, symbol !== "u8")]);
    const url = new URL("fwd_hidden_L1_step0100_1024x320.bf16", ACTIVATIONS);
    if (existsSync(url)) {
      const raw = new Uint8Array(readFileSync(url)).subarray(0, 2 * 320 * 300);
      const se = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i += 2) {
        const v = raw[i] | (raw[i + 1] << 8);
        se[i] = (v >>> 7) & 0xff;
        se[i + 1] = v >>> 15;
      }
      for (const context of CONTEXTS)
        inputs.push([params({ symbol: "u16", context }), se], [params({ symbol: "u8", context }), raw], [params({ symbol: "bf16", context }), raw], [params({ symbol: "bf16se", context }), raw]);
    }
    const frames = inputs.map(([p, data]) => encodeFrame(node(rans, p), data).frame);
    const results = runPython(inputs.map(([p, data]) => ({ encode: data, pipeline: toJson(node(rans, p)) })));
    results.forEach((res, i) => {
      if (!res.ok) throw new Error(`python encode #${i} (${JSON.stringify(inputs[i][0])}) failed: ${res.message}`);
      equalBytes(res.bytes, frames[i], `frame #${i} (${JSON.stringify(inputs[i][0])}, ${inputs[i][1].length} bytes)`);
    });
  });
});

/**
 * A bf16 tensor whose mantissas depend on their exponent, as low-bits(4) leaves it (the low 4
 * mantissa bits clear): the top 3 mantissa bits fall across the binade for odd exponents and rise
 * for even ones. Exponents lie around a per-column centre (8 binades), or with `wide` anywhere in
 * 1..100 (with both signs, about 200 distinct sign+exponents).
 */
const exponentMantissaTensor = (seed: number, rows: number, cols: number, wide: boolean): Uint8Array => {
  const rnd = random(seed);
  const centre = Int32Array.from({ length: cols }, () => 110 + Math.floor(rnd() * 12));
  const ratio = Float64Array.from({ length: 256 }, (_, e) => (e % 2 ? 0.5 : 1.5) * (0.9 + 0.2 * rnd()));
  const v = new Uint16Array(rows * cols);
  for (let i = 0; i < v.length; i++) {
    const e = wide ? 1 + Math.floor(rnd() * 100) : centre[i % cols] + geometric(rnd, 0.6, 8);
    v[i] = (rnd() < 0.5 ? 0x8000 : 0) | (e << 7) | (geometric(rnd, ratio[e], 8) << 4);
  }
  return new Uint8Array(v.buffer);
};

const distinctSignExponents = (data: Uint8Array): number => new Set(symbolsOf(data, true).map((x) => x >>> 7)).size;

describe("rans bf16se: mantissa contexts split by the element's own sign+exponent", () => {
  const bf16se = (rans.arbitrary as fc.Arbitrary<RansParams>).map((p) => ({ ...p, symbol: "bf16se" as const }));
  const data = fc.oneof(adversarialBytes, bf16Tensor(64, 48));

  it("round-trips adversarial bytes (specials, odd lengths, empty) and bf16 tensors, any params, roomy and tight caps", () =>
    check(
      fc.property(bf16se, data, (p, input) => {
        const { frame } = encodeFrame(node(rans, p), input);
        equalBytes(decodeFrame(frame), input, "frame round trip");
        const { streams, params: resolved } = rans.encode(input, p);
        equalBytes(decode(streams[0], resolved, input.length), input, "roomy cap");
        equalBytes(decode(streams[0], resolved, input.length, input.length + streams[0].length + 64), input, "tight cap");
      }),
      200,
    ));

  it("Python decodes TypeScript frames, TypeScript decodes Python frames, and the encoders agree byte for byte", () => {
    const inputs: Array<[RansParams, Uint8Array]> = fc.sample(fc.tuple(bf16se, data), { numRuns: 60, seed: 8 });
    // over 120 sign+exponents: the encoders' mantissa keys go by position, the decoders search
    // (small) or use 9A-region direct tables (large)
    for (const [rows, cols] of [[256, 256], [512, 512]])
      for (const context of CONTEXTS) inputs.push([params({ symbol: "bf16se", context }), exponentMantissaTensor(rows, rows, cols, true)]);
    for (const context of CONTEXTS) inputs.push([params({ symbol: "bf16se", context }), exponentMantissaTensor(3, 200, 160, false)]);
    const frames = inputs.map(([p, input]) => encodeFrame(node(rans, p), input).frame);
    const results = runPython([
      ...inputs.map(([p, input]) => ({ encode: input, pipeline: toJson(node(rans, p)) })),
      ...frames.map((frame) => ({ decode: frame })),
    ]);
    inputs.forEach(([p, input], i) => {
      const what = `#${i} (${JSON.stringify(p)}, ${input.length} bytes)`;
      const encoded = results[i];
      const decoded = results[inputs.length + i];
      if (!encoded.ok) throw new Error(`python encode ${what} failed: ${encoded.message}`);
      if (!decoded.ok) throw new Error(`python decode ${what} failed: ${decoded.message}`);
      equalBytes(encoded.bytes, frames[i], `python frame ${what}`);
      equalBytes(decoded.bytes, input, `python decode of the TypeScript frame ${what}`);
      equalBytes(decodeFrame(encoded.bytes), input, `TypeScript decode of the Python frame ${what}`);
    });
  });

  /** bf16se's payload is at most bf16's plus a small allowance for its larger mantissa tables (0.2% + 64 bytes). */
  const assertNoLarger = (input: Uint8Array, context: RansParams["context"], what: string): void => {
    const plain = ransEncodeWithStats(input, params({ symbol: "bf16", context })).payload.length;
    const { payload, params: resolved } = ransEncodeWithStats(input, params({ symbol: "bf16se", context }));
    equalBytes(decode(payload, resolved, input.length), input, `${what} round trip`);
    assert.ok(payload.length <= 1.002 * plain + 64, `${what} ${context}: bf16se ${payload.length} bytes, bf16 ${plain}`);
  };

  it("is no larger than bf16 (plus a small table allowance) where the mantissas depend on the exponent", () =>
    check(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 128, max: 256 }), fc.integer({ min: 128, max: 320 }), fc.constantFrom(...CONTEXTS), (seed, rows, cols, context) =>
        assertNoLarger(exponentMantissaTensor(seed, rows, cols, false), context, `${rows}x${cols} seed ${seed}`),
      ),
      12,
    ));

  it("and so with over 120 distinct sign+exponents (9A contexts: key spaces past the coder's tables by key)", () =>
    check(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 256, max: 512 }), fc.integer({ min: 128, max: 320 }), fc.constantFrom(...CONTEXTS), (seed, rows, cols, context) => {
        const input = exponentMantissaTensor(seed, rows, cols, true);
        assert.ok(distinctSignExponents(input) > 120, "many sign+exponents");
        assertNoLarger(input, context, `${rows}x${cols} seed ${seed}`);
      }),
      8,
    ));
});

type Damage = { readonly kind: "flip"; readonly at: readonly number[] } | { readonly kind: "truncate"; readonly keep: number } | { readonly kind: "extend"; readonly tail: Uint8Array };

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant("extend" as const), tail: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
);

/** Damages a payload; flips spare the raw tail byte (it has no redundancy to check). Null if unchanged. */
const applyDamage = (payload: Uint8Array, d: Damage, rawTail: number): Uint8Array | null => {
  if (d.kind === "truncate") return payload.length === 0 ? null : payload.slice(0, d.keep % payload.length);
  if (d.kind === "extend") return Uint8Array.from([...payload, ...d.tail]);
  const span = payload.length - rawTail;
  if (span <= 0) return null;
  const out = payload.slice();
  for (const a of d.at) out[a % span] ^= 1 + (a % 255);
  return out.some((v, i) => v !== payload[i]) ? out : null;
};

/** Inputs with structure in every mode (no odd tail: its raw byte is unchecked by design). */
const damageInputs = fc.oneof(bf16Tensor(40, 24), adversarialBytes).map((b) => (b.length & 1 ? b.subarray(1) : b));

describe("rans refuses damaged payloads", () => {
  it("TypeScript: flipped, truncated or extended payloads give CodecError, nothing else", () =>
    check(
      fc.property(rans.arbitrary, damageInputs, damageArb, (p, data, d) => {
        const { streams, params: resolved } = rans.encode(data, p);
        const bad = applyDamage(streams[0], d, 0);
        if (!bad) return;
        try {
          const out = decode(bad, resolved, data.length, 1 << 24);
          // padding is checked and the output carries a checksum: no damage may go unnoticed
          assert.fail(`decoded ${out.length} bytes from a damaged payload (${d.kind})`);
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
        }
      }),
      400,
    ));

  it("Python: the same damage raises CodecError, never another exception", () => {
    const samples = fc.sample(fc.tuple(rans.arbitrary, damageInputs, damageArb), { numRuns: 120, seed: 77 });
    const frames: Uint8Array[] = [];
    for (const [p, data, d] of samples) {
      const r = encodeFrame(node(rans, p), data);
      const bad = applyDamage(r.frame.subarray(r.headerBytes), d, 0);
      if (!bad || d.kind !== "flip") continue; // the frame layer refuses length changes itself
      frames.push(Uint8Array.from([...r.frame.subarray(0, r.headerBytes), ...bad]));
    }
    const results = runPython(frames.map((frame) => ({ decode: frame })));
    results.forEach((res, i) => {
      assert.equal(res.ok, false, `frame #${i} decoded despite damage`);
      if (!res.ok) assert.notEqual(res.reason, "crash", `frame #${i}: ${res.message}`);
    });
  });

  it("every single-bit flip of tiny bf16 payloads is refused, even where each mantissa context has one symbol (TS and Python)", () => {
    // with one symbol a context codes alike at any scale: only the canonical scale 1 (and a nested
    // stream of one value at precision 1) keeps a flipped precision from decoding unnoticed
    const tiny = toBytes([0x3f80, 0x4000, 0x4080, 0x3f80, 0x4000, 0x4080, 0xbf80], true);
    const flipped: Uint8Array[] = [];
    for (const symbol of ["bf16", "bf16se"] as const)
      for (const context of CONTEXTS) {
        const r = encodeFrame(node(rans, params({ symbol, context })), tiny);
        for (let i = r.headerBytes; i < r.frame.length; i++)
          for (let bit = 1; bit < 256; bit <<= 1) {
            const bad = r.frame.slice();
            bad[i] ^= bit;
            assert.throws(() => decodeFrame(bad), CodecError, `${symbol} ${context}: byte ${i - r.headerBytes} bit ${bit}`);
            if (symbol === "bf16se" && context === "above") flipped.push(bad);
          }
      }
    runPython(flipped.map((frame) => ({ decode: frame }))).forEach((res, i) => {
      assert.equal(res.ok, false, `flip #${i} decoded in Python`);
      if (!res.ok) assert.notEqual(res.reason, "crash", `flip #${i}: ${res.message}`);
    });
  });

  it("a payload claiming more symbols or words than the stream allows is refused quickly", () => {
    const data = toBytes(Array.from({ length: 4000 }, (_, i) => (i * 7) % 13), false);
    for (const context of CONTEXTS) {
      const { streams, params: resolved } = rans.encode(data, params({ context, period: 40 }));
      // the same payload declared much longer (frame lies about the length): must fail, not allocate wildly or hang
      assert.throws(() => decode(streams[0], resolved, 1 << 26, 1 << 27), CodecError);
      assert.throws(() => decode(streams[0], resolved, data.length - 1), CodecError);
    }
  });
});
