/**
 * Context primitives (transpose, rank-remap, column-reorder, row-xor, row-ref-xor, row-ref-delta, column-ref,
 * row-eq): what each one promises about its output beyond round-tripping, that TS and Python
 * encoders agree, and that corrupt streams are refused alike in TS and Python with a CodecError.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { primitiveByName } from "../primitives/index.js";
import { detectPeriod } from "../primitives/kernels.js";
import { LAG_FEATURE_MAX, lagSums, rowAgreements } from "../primitives/simd.js";
import { columnModes } from "../primitives/matrix.js";
import { ByteReader, ByteWriter } from "../src/codec/bytes.js";
import { CodecError } from "../src/codec/errors.js";
import { FORMAT_VERSION, MAGIC } from "../src/codec/frame.js";
import { decodeFrame, encodeFrame, parseFrame, toJson } from "../src/codec/index.js";
import type { Params, Primitive } from "../src/codec/primitive.js";
import { generateTensor } from "../src/data/synthetic.js";
import { bf16Tensor } from "./support/data.js";
import { runPython } from "./support/python.js";
import { check, equalBytes, node } from "./support/roundtrip.js";

const prim = (name: string): Primitive => primitiveByName(name)!;
const CONTEXT = ["transpose", "rank-remap", "column-reorder", "row-xor", "row-ref-xor", "row-ref-delta", "column-ref", "row-eq"].map(prim);
const zstd = prim("zstd");
const INFO = { cap: 1 << 30, decodedLength: -1 };

/** [rows, cols] bf16 tensor with clear channels: distinct exponent per column, per-column sign bias, some copied rows. */
const channelTensor = (minRows: number, maxRows: number, maxCols: number) =>
  fc
    .record({
      rows: fc.integer({ min: minRows, max: maxRows }),
      cols: fc.integer({ min: 4, max: maxCols }),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      repeatRate: fc.double({ min: 0, max: 0.8, noNaN: true }),
    })
    .map(({ rows, cols, seed, repeatRate }) => {
      let s = seed;
      const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const offset = Math.floor(rnd() * 60);
      const colExp = Array.from({ length: cols }, (_, c) => 100 + ((offset + 7 * c) % 61)); // distinct for cols <= 61
      const colNeg = Array.from({ length: cols }, () => rnd());
      const v = new Uint16Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        const copyFrom = r > 0 && rnd() < repeatRate ? Math.floor(rnd() * r) : -1;
        for (let c = 0; c < cols; c++)
          v[r * cols + c] =
            copyFrom >= 0 ? v[copyFrom * cols + c] : (rnd() < colNeg[c] ? 0x8000 : 0) | (colExp[c] << 7) | Math.floor(rnd() * 128);
      }
      return { rows, cols, bytes: new Uint8Array(v.buffer) };
    });

const u16 = (b: Uint8Array): Uint16Array => new Uint16Array(b.slice(0, b.length & ~1).buffer);

/** A frame whose root is `p` with zstd leaves holding exactly `streams` (which may be corrupt). */
const frameWithStreams = (p: Primitive, params: Params, streams: readonly Uint8Array[]): Uint8Array => {
  const w = new ByteWriter();
  for (const b of MAGIC) w.byte(b);
  w.byte(FORMAT_VERSION).varint(p.id);
  for (const k of Object.keys(p.params)) w.varint(params[k] as number);
  for (const _ of streams) w.varint(zstd.id).varint(1);
  const payloads = streams.map((s) => zstd.encode(s, { level: 1 }).streams[0]);
  streams.forEach((s, i) => w.varint(s.length).varint(payloads[i].length));
  payloads.forEach((b) => w.bytes(b));
  return w.finish();
};

const corpusDir = path.resolve("../shared/activations");
const corpusFiles = existsSync(corpusDir) ? readdirSync(corpusDir).filter((f) => f.endsWith(".bf16")).sort() : [];
const shapeOf = (file: string) => {
  const [rows, cols] = /_(\d+)x(\d+)\.bf16$/.exec(file)!.slice(1).map(Number);
  return { rows, cols };
};

describe("detectPeriod", () => {
  /** The (sign << 8 | exponent) u16 stream of bf16 bytes, as bf16-se-m hands it to rans. */
  const signExponent = (b: Uint8Array): Uint8Array => new Uint8Array(new Uint16Array(b.slice().buffer).map((x) => x >>> 7).buffer);
  const shapes = [[64, 96], [128, 320], [256, 256], [96, 864], [48, 704], [32, 2048]] as const;

  it("finds the channel count of activations, raw and as sign+exponent symbols, not a multiple of it", () => {
    for (const [rows, cols] of shapes)
      for (const seed of [1, 2, 3]) {
        const plain = generateTensor({ name: "t", style: "activations", rows, cols, seed, specials: false }).bytes;
        assert.equal(detectPeriod(plain, 2), cols, `raw ${rows}x${cols} seed ${seed}`);
        assert.equal(detectPeriod(signExponent(plain), 2), cols, `sign+exponent ${rows}x${cols} seed ${seed}`);
        // zeros, NaN payloads, infinities and subnormals in some rows and channels do not hide it
        const special = generateTensor({ name: "t", style: "activations", rows, cols, seed, specials: true }).bytes;
        assert.equal(detectPeriod(signExponent(special), 2), cols, `sign+exponent with specials ${rows}x${cols} seed ${seed}`);
      }
  });

  it("answers 1 for streams without channels, and for inputs too short to have rows", () => {
    const noise = new Uint8Array(1 << 16);
    let s = 7; // xorshift32 (an LCG's top bits repeat at power-of-two lags)
    for (let i = 0; i < noise.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      noise[i] = s >>> 24;
    }
    assert.equal(detectPeriod(noise, 1), 1);
    assert.equal(detectPeriod(new Uint8Array(4096), 2), 1, "constant");
    for (const n of [0, 1, 7, 15]) assert.equal(detectPeriod(new Uint8Array(n).fill(3), 2), 1, `${n} bytes`);
  });
});

describe("SIMD kernels (primitives/simd.ts) equal their scalar definitions", () => {
  it("detectPeriod's lagged difference and mismatch sums", () => {
    // any bytes, or few values (equal pairs) with 0 and 255 (saturating subtraction's edges); lengths
    // up to the most a scan takes ("max": fast-check's default size would keep them below a block)
    const feature = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: LAG_FEATURE_MAX, size: "max" }),
      fc.uint8Array({ minLength: 1, maxLength: 4096, size: "max" }).map((b) => b.map((v) => [0, 1, 254, 255][v & 3])),
    );
    check(
      fc.property(fc.array(feature, { minLength: 1, maxLength: 2 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (features, picks) => {
        const sums = lagSums(features);
        for (const [f, bytes] of features.entries())
          for (const pick of picks) {
            const p = 1 + (pick % bytes.length);
            let absDifference = 0;
            let mismatches = 0;
            for (let i = p; i < bytes.length; i++) {
              absDifference += Math.abs(bytes[i] - bytes[i - p]);
              mismatches += bytes[i] !== bytes[i - p] ? 1 : 0;
            }
            assert.equal(sums.absDifference(f, p), absDifference, `feature ${f} of ${bytes.length} bytes, lag ${p}`);
            assert.equal(sums.mismatches(f, p), mismatches, `feature ${f} of ${bytes.length} bytes, lag ${p}`);
          }
      }),
      60,
    );
  });

  it("the reference row that agrees on the most sampled columns, the nearest of those", () => {
    // rows of few symbols (many ties) or any bytes; widths around the 16-byte blocks
    const signatures = fc
      .record({ rows: fc.integer({ min: 1, max: 60 }), samples: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(48, 128, 130)), few: fc.boolean(), seed: fc.integer() })
      .chain(({ rows, samples, few }) =>
        fc.tuple(fc.constant({ rows, samples }), fc.uint8Array({ minLength: rows * samples, maxLength: rows * samples, size: "max" }).map((b) => (few ? b.map((v) => v & 1) : b))),
      );
    check(
      fc.property(signatures, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), ([{ rows, samples }, values], picks) => {
        const best = rowAgreements(values, rows, samples);
        for (const pick of picks) {
          const r = pick % rows;
          // distinct earlier rows, in the order given (the kernel's answer must not depend on it)
          const candidates = Int32Array.from(new Set(picks.map((q) => q % Math.max(1, r)).filter((c) => c < r)));
          let bestCount = -1;
          let bestDistance = 0;
          for (const c of candidates) {
            let agree = 0;
            for (let i = 0; i < samples; i++) agree += values[r * samples + i] === values[c * samples + i] ? 1 : 0;
            if (agree > bestCount || (agree === bestCount && r - c < bestDistance)) [bestCount, bestDistance] = [agree, r - c];
          }
          assert.equal(best(r, candidates, candidates.length), bestDistance, `row ${r} of ${rows}x${samples}, candidates ${[...candidates]}`);
        }
      }),
      100,
    );
  });
});

describe("transpose", () => {
  it("auto detects the row length of tensors with clear channels and records it", () =>
    check(
      fc.property(channelTensor(8, 40, 48), ({ cols, bytes }) => {
        const { params } = prim("transpose").encode(bytes, { width: 2, cols: 0 });
        assert.equal(params.cols, cols);
      }),
      200,
    ));

  it("puts each column's elements together", () =>
    check(
      fc.property(channelTensor(1, 12, 20), ({ rows, cols, bytes }) => {
        const out = u16(prim("transpose").encode(bytes, { width: 2, cols }).streams[0]);
        const x = u16(bytes);
        for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) assert.equal(out[c * rows + r], x[r * cols + c]);
      }),
    ));
});

describe("rank-remap", () => {
  it("ranks are below the distinct count, the table is duplicate-free and ordered by frequency", () =>
    check(
      fc.property(fc.oneof(bf16Tensor(), fc.uint8Array({ maxLength: 300 })), fc.constantFrom(1, 2), (bytes, width) => {
        const [out] = prim("rank-remap").encode(bytes, { width }).streams;
        const r = new ByteReader(out);
        const distinct = r.varint();
        const tail = r.varint();
        const count = Math.floor(bytes.length / width);
        assert.equal(tail, bytes.length - count * width);
        const table = r.take(distinct * width);
        const values = Array.from({ length: distinct }, (_, j) => (width === 2 ? table[2 * j] | (table[2 * j + 1] << 8) : table[j]));
        assert.equal(new Set(values).size, distinct);
        const rankWidth = distinct <= 256 ? 1 : 2;
        const start = r.pos + ((rankWidth - (r.pos % rankWidth)) % rankWidth);
        const freq = new Array<number>(distinct).fill(0);
        for (let i = 0; i < count; i++) {
          const k = rankWidth === 1 ? out[start + i] : out[start + 2 * i] | (out[start + 2 * i + 1] << 8);
          assert.ok(k < distinct, `rank ${k} of ${distinct}`);
          freq[k]++;
        }
        for (let j = 1; j < distinct; j++) assert.ok(freq[j - 1] > freq[j] || (freq[j - 1] === freq[j] && values[j - 1] < values[j]));
      }),
    ));
});

describe("column-reorder", () => {
  it("orders channels by (majority sign, modal exponent) and records a permutation", () =>
    check(
      fc.property(channelTensor(1, 16, 40), ({ rows, cols, bytes }) => {
        const [out] = prim("column-reorder").encode(bytes, { cols }).streams;
        const x = u16(bytes);
        const signs = Uint8Array.from(x, (v) => v >>> 15);
        const exps = Uint8Array.from(x, (v) => (v >>> 7) & 0xff);
        const key = (s: Uint8Array, e: Uint8Array) => {
          const sm = columnModes(s, cols);
          const em = columnModes(e, cols);
          return Array.from({ length: cols }, (_, c) => sm[c] * 256 + em[c]);
        };
        const before = key(signs, exps);
        const y = u16(out.subarray(out.length - bytes.length));
        const after = key(Uint8Array.from(y, (v) => v >>> 15), Uint8Array.from(y, (v) => (v >>> 7) & 0xff));
        assert.deepEqual(after, [...before].sort((a, b) => a - b));
        assert.equal(y.length, rows * cols);
      }),
    ));
});

/**
 * What a repeated row leaves against a reference with the same high bytes (sign and top 7 exponent
 * bits; another row than the copy may tie with it): XOR zero high bytes; differences a zero sign
 * and an exponent field 0 or +-1.
 */
const SAME_HIGH_BYTE: Record<string, (v: number) => boolean> = {
  "row-ref-xor": (v) => v >>> 8 === 0,
  "row-ref-delta": (v) => v >>> 15 === 0 && [0, 1, 255].includes((v >>> 7) & 0xff),
};

for (const name of ["row-ref-xor", "row-ref-delta"])
  describe(`${name}: reference rows`, () => {
    it("a row that repeats one of the 8 rows above (within the window) keeps its sign and exponent", () =>
      check(
        // period <= 64: every column is sampled, so an exact copy scores perfectly; the 8 rows above
        // are always candidates
        fc.property(channelTensor(2, 40, 64), fc.integer({ min: 1, max: 8 }), ({ rows, cols, bytes }, window) => {
          const [out] = prim(name).encode(bytes, { period: cols, window }).streams;
          const y = u16(out.subarray(out.length - bytes.length));
          const x = u16(bytes);
          const sameRow = (a: number, b: number) => x.subarray(a * cols, (a + 1) * cols).every((v, c) => v === x[b * cols + c]);
          for (let r = 1; r < rows; r++) {
            let repeated = false;
            for (let d = 1; d <= Math.min(window, r) && !repeated; d++) repeated = sameRow(r, r - d);
            if (repeated) for (let c = 0; c < cols; c++) assert.ok(SAME_HIGH_BYTE[name](y[r * cols + c]), `row ${r} column ${c}: ${y[r * cols + c]}`);
          }
        }),
      ));

    it("finds a copy far past the lags through the column-pair keys", () => {
      const rows = 300;
      const cols = 96;
      const x = new Uint16Array(rows * cols);
      let state = 12345;
      for (let i = 0; i < x.length; i++) x[i] = (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16; // rows alike by chance only
      x.copyWithin(250 * cols, 20 * cols, 21 * cols);
      const bytes = new Uint8Array(x.buffer);
      const [out] = prim(name).encode(bytes, { period: cols, window: 1024 }).streams;
      const y = u16(out.subarray(out.length - bytes.length));
      assert.ok(y.subarray(250 * cols, 251 * cols).every((v) => v === 0), "row 250 against its copy 230 rows up");
      assert.ok(y.subarray(251 * cols, 252 * cols).some((v) => v >>> 8 !== 0), "row 251 has no match");
    });

    it("leaves the first row and rows without a close match unchanged", () => {
      const x = new Uint16Array(4 * 8);
      for (let i = 0; i < x.length; i++) x[i] = (i * 0x9e37) & 0xffff; // no two rows alike
      const bytes = new Uint8Array(x.buffer);
      const [out] = prim(name).encode(bytes, { period: 8, window: 4 }).streams;
      equalBytes(out.subarray(out.length - bytes.length), bytes, "body");
    });
  });

describe("row-ref-delta: field differences", () => {
  it("stores sign XOR, exponent difference mod 256 and mantissa difference mod 128 against the reference", () =>
    check(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 64 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -1, max: 1 }), fc.integer({ min: 0, max: 127 })), { minLength: 64, maxLength: 64 }),
        (first, changes) => {
          // row 1 = row 0 with, in every fourth column, the sign flipped or the exponent moved by one
          // (so at least 3/4 of the high bytes can still match), and any mantissa
          const cols = first.length;
          const second = first.map((v, c) => {
            const [flip, step, m] = changes[c];
            const e = c % 4 ? (v >>> 7) & 0xff : ((v >>> 7) + step) & 0xff;
            return ((c % 4 === 0 && flip ? v ^ 0x8000 : v) & 0x8000) | (e << 7) | m;
          });
          const bytes = new Uint8Array(Uint16Array.from([...first, ...second]).buffer);
          const [out] = prim("row-ref-delta").encode(bytes, { period: cols, window: 1 }).streams;
          const y = u16(out.subarray(out.length - bytes.length)).subarray(cols);
          second.forEach((v, c) => {
            const r = first[c];
            const want = ((v ^ r) & 0x8000) | ((((v >>> 7) - (r >>> 7)) & 0xff) << 7) | ((v - r) & 0x7f);
            assert.equal(y[c], want, `column ${c}`);
          });
        },
      ),
    ));
});

describe("column-ref", () => {
  it("bf16: every channel's most common exponent becomes 0 and most signs become +", () =>
    check(
      fc.property(bf16Tensor(), fc.integer({ min: 1, max: 40 }), (bytes, cols) => {
        const [out] = prim("column-ref").encode(bytes, { width: 2, cols }).streams;
        const y = u16(out.subarray(out.length - bytes.length));
        const exps = columnModes(Uint8Array.from(y, (v) => (v >>> 7) & 0xff), cols);
        const signs = columnModes(Uint8Array.from(y, (v) => v >>> 15), cols);
        for (let c = 0; c < Math.min(cols, y.length); c++) {
          assert.equal(exps[c], 0, `column ${c} exponent`);
          assert.equal(signs[c], 0, `column ${c} sign`);
        }
      }),
    ));
});

describe("row-eq", () => {
  it("flags plus literals account for every element", () =>
    check(
      fc.property(bf16Tensor(), fc.constantFrom(1, 2), fc.integer({ min: 1, max: 40 }), (bytes, width, period) => {
        const [flags, literals] = prim("row-eq").encode(bytes, { width, period }).streams;
        const r = new ByteReader(flags);
        const count = r.varint();
        assert.equal(count, Math.floor(bytes.length / width));
        let equal = 0;
        for (const b of r.take(r.remaining)) for (let k = 0; k < 8; k++) equal += (b >>> k) & 1;
        assert.equal(literals.length, (count - equal) * width + (bytes.length - count * width));
      }),
    ));
});

describe("TS and Python encoders produce the same streams and resolved params", () => {
  for (const p of CONTEXT)
    it(p.name, () => {
      const samples = fc.sample(fc.tuple(p.arbitrary, fc.oneof(bf16Tensor(), channelTensor(1, 20, 40).map((t) => t.bytes))), {
        numRuns: 20,
        seed: 1000 + p.id,
      });
      const pipelines = samples.map(([params]) => node(p, params, Array.from({ length: p.arity(params) }, () => node(zstd, { level: 1 }))));
      const results = runPython(samples.map(([, input], i) => ({ encode: input, pipeline: toJson(pipelines[i]) })));
      samples.forEach(([params, input], i) => {
        const py = results[i];
        if (!py.ok) throw new Error(`python encode failed: ${py.message}`);
        const parsed = parseFrame(py.bytes);
        const ts = p.encode(input, params);
        assert.deepEqual({ ...parsed.pipeline.params }, { ...ts.params }, `resolved params #${i}`);
        parsed.leaves.forEach((leaf, k) =>
          equalBytes(zstd.decode([leaf.payload], leaf.node.params, { cap: INFO.cap, decodedLength: leaf.decodedLength }), ts.streams[k], `${p.name} stream ${k} #${i}`),
        );
      });
    });
});

describe("corrupt streams: TS and Python both refuse with a CodecError, or both decode the same bytes", () => {
  /** Valid outputs with a few bytes changed (mostly in the header), truncated or extended. */
  const mutated = (p: Primitive) =>
    fc
      .record({
        params: p.arbitrary,
        input: fc.oneof(bf16Tensor(), channelTensor(1, 12, 24).map((t) => t.bytes)),
        edits: fc.array(fc.tuple(fc.nat({ max: 40 }), fc.integer({ min: 1, max: 255 })), { minLength: 0, maxLength: 3 }),
        cut: fc.integer({ min: -3, max: 2 }),
        stream: fc.nat(),
      })
      .map(({ params, input, edits, cut, stream }) => {
        const enc = p.encode(input, params);
        const streams = enc.streams.map((s) => s.slice());
        const target = stream % streams.length;
        const s = streams[target];
        for (const [at, x] of edits) if (s.length) s[at % s.length] ^= x;
        if (cut < 0) streams[target] = s.subarray(0, Math.max(0, s.length + cut));
        if (cut > 0) streams[target] = Uint8Array.from([...s, ...Array(cut).fill(0)]);
        return { params: enc.params, streams };
      });

  for (const p of CONTEXT)
    it(p.name, () => {
      const cases = fc.sample(mutated(p), { numRuns: 80, seed: 2000 + p.id });
      const frames = cases.map((c) => frameWithStreams(p, c.params, c.streams));
      const py = runPython(frames.map((f) => ({ decode: f })));
      frames.forEach((frame, i) => {
        let ts: Uint8Array | CodecError;
        try {
          ts = decodeFrame(frame);
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
          ts = e;
        }
        const res = py[i];
        if (ts instanceof CodecError) {
          assert.ok(!res.ok, `#${i}: TS refused (${ts.reason}: ${ts.message}) but Python decoded`);
          assert.notEqual(res.reason, "crash", `#${i}: Python crashed: ${res.message}`);
        } else {
          assert.ok(res.ok, `#${i}: TS decoded but Python refused: ${res.ok ? "" : res.message}`);
          equalBytes(res.bytes, ts, `#${i}: Python and TS decodes`);
        }
      });
    });

  const sample = new Uint8Array(Uint16Array.from({ length: 64 }, (_, i) => 0x3f00 + ((i * 37) % 200)).buffer);
  const refusals: Array<{ what: string; prim: Primitive; params: Params; streams: () => Uint8Array[]; reason: string }> = [
    {
      what: "rank-remap: a value twice in the table",
      prim: prim("rank-remap"),
      params: { width: 2 },
      reason: "corrupt-payload",
      streams: () => {
        const out = prim("rank-remap").encode(sample, { width: 2 }).streams[0].slice();
        out[4] = out[2]; // second table entry := first (header: varint D, varint tail, then the table)
        out[5] = out[3];
        return [out];
      },
    },
    {
      what: "rank-remap: a rank beyond the table",
      prim: prim("rank-remap"),
      params: { width: 2 },
      reason: "corrupt-payload",
      streams: () => {
        const out = prim("rank-remap").encode(sample, { width: 2 }).streams[0].slice();
        out[out.length - 1] = 0xff;
        return [out];
      },
    },
    {
      what: "column-reorder: a table that is not a permutation",
      prim: prim("column-reorder"),
      params: { cols: 8 },
      reason: "corrupt-payload",
      streams: () => {
        // exponents falling with the column index: the order is reversed
        const falling = new Uint8Array(Uint16Array.from({ length: 64 }, (_, i) => (130 - (i % 8)) << 7).buffer);
        const out = prim("column-reorder").encode(falling, { cols: 8 }).streams[0].slice();
        assert.equal(out[0], 1, "a reordering is recorded");
        out[1] = 0; // entries 0 and 1 (3 bits each) both become 0
        return [out];
      },
    },
    ...["row-ref-xor", "row-ref-delta"].flatMap((name) => [
      {
        what: `${name}: a distance beyond the first row`,
        prim: prim(name),
        params: { period: 8, window: 64 },
        reason: "corrupt-payload",
        streams: () => {
          const out = prim(name).encode(sample, { period: 8, window: 64 }).streams[0].slice();
          out[1] |= 0x80; // row 0's 7-bit distance: 64
          return [out];
        },
      },
      {
        what: `${name}: a row count that does not match the data`,
        prim: prim(name),
        params: { period: 8, window: 64 },
        reason: "length-mismatch",
        streams: () => {
          const [out] = prim(name).encode(sample, { period: 8, window: 64 }).streams;
          return [out.subarray(0, out.length - 16)];
        },
      },
    ]),
    {
      what: "row-eq: a bitmap that does not match the element count",
      prim: prim("row-eq"),
      params: { width: 2, period: 8 },
      reason: "length-mismatch",
      streams: () => {
        const [flags, literals] = prim("row-eq").encode(sample, { width: 2, period: 8 }).streams;
        return [flags.subarray(0, flags.length - 1), literals];
      },
    },
    {
      what: "column-ref: a prefix cut short",
      prim: prim("column-ref"),
      params: { width: 2, cols: 64 },
      reason: "length-mismatch",
      streams: () => [sample.subarray(0, 40)],
    },
    {
      what: "transpose: an unresolved (auto) row length in a frame",
      prim: prim("transpose"),
      params: { width: 2, cols: 0 },
      reason: "bad-params",
      streams: () => [sample],
    },
  ];
  for (const c of refusals)
    it(c.what, () =>
      assert.throws(
        () => c.prim.decode(c.streams(), c.params, INFO),
        (e) => e instanceof CodecError && e.reason === c.reason,
      ),
    );
  it("Python refuses each of these too", () =>
    runPython(refusals.map((c) => ({ decode: frameWithStreams(c.prim, c.params, c.streams()) }))).forEach((res, i) =>
      assert.ok(!res.ok && res.reason !== "crash", `${refusals[i].what}: python ${res.ok ? "decoded it" : res.message}`),
    ));
});

describe("real activations round-trip through every context primitive (TS and Python)", { skip: corpusFiles.length === 0 && "no corpus" }, () => {
  const file = corpusFiles.find((f) => f.includes("hidden")) ?? corpusFiles[0];
  const slice = new Uint8Array(readFileSync(path.join(corpusDir, file))).subarray(0, 96 * shapeOf(file).cols * 2 + 1); // odd: a tail byte
  it(file, () => {
    const frames = CONTEXT.map((p) => {
      const params = p.defaults();
      return encodeFrame(node(p, params, Array.from({ length: p.arity(params) }, () => node(zstd, { level: 3 }))), slice).frame;
    });
    frames.forEach((f) => equalBytes(decodeFrame(f), slice, "TS"));
    runPython(frames.map((f) => ({ decode: f }))).forEach((res, i) => {
      if (!res.ok) throw new Error(`${CONTEXT[i].name}: ${res.message}`);
      equalBytes(res.bytes, slice, `${CONTEXT[i].name} in Python`);
    });
  });
});
