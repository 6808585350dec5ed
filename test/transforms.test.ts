/**
 * Properties of the split and transform primitives beyond the registry's round trip: the shared
 * bit kernels against their generic or naive references, the documented stream layouts and
 * lengths for any input length, what each transform does to the data it is meant for, and the
 * refusal of inconsistent streams with the same reason in TypeScript and Python.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { primitiveByName } from "../primitives/index.js";
import { joinLow7, orBitPlane, packBitPlane, packBits, splitLow7, transposeBits } from "../primitives/kernels.js";
import { decodeFrame, encodeFrame, type PipelineNode } from "../src/codec/index.js";
import { CodecError } from "../src/codec/errors.js";
import type { Params, Primitive } from "../src/codec/primitive.js";
import { adversarialBytes, bf16Tensor } from "./support/data.js";
import { assertRoundTrip, check, equalBytes, node } from "./support/roundtrip.js";
import { runPython } from "./support/python.js";

const prim = (name: string): Primitive => primitiveByName(name) ?? assert.fail(`${name} is not registered`);
const info = { cap: 2 ** 31 - 1, decodedLength: -1 };
const anyBytes = fc.oneof(adversarialBytes, fc.uint8Array({ maxLength: 300 }));
const u16s = (b: Uint8Array): number[] => Array.from({ length: b.length >> 1 }, (_, i) => b[2 * i] | (b[2 * i + 1] << 8));
const u16Bytes = (values: readonly number[]): Uint8Array => new Uint8Array(Uint16Array.from(values).buffer);
const roundTrips = (p: Primitive, params: Params, input: Uint8Array): void =>
  equalBytes(p.decode(p.encode(input, params).streams, params, info), input, `${p.name} ${JSON.stringify(params)}`);
const reasonOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e.reason;
    throw e;
  }
  return undefined;
};

describe("bit kernels", () => {
  it("splitLow7 gives x >>> 7 and the bytes of packBits(x & 0x7f, 7); joinLow7 inverts it", () =>
    check(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 80 }), fc.boolean(), (values, byteHigh) => {
        const v = Uint16Array.from(values);
        const high = byteHigh ? new Uint8Array(v.length) : new Uint16Array(v.length);
        const man = new Uint8Array(Math.ceil((7 * v.length) / 8));
        splitLow7(v, high, man);
        assert.deepEqual(Array.from(high), Array.from(v, (x) => (x >>> 7) & (byteHigh ? 0xff : 0x1ff)));
        equalBytes(man, packBits(Array.from(v, (x) => x & 0x7f), 7), "mantissas");
        const back = new Uint16Array(v.length);
        const seen = joinLow7(high, man, back);
        assert.deepEqual(Array.from(back), Array.from(v, (x) => (byteHigh ? x & 0x7fff : x)));
        assert.equal(seen, Array.from(high).reduce((a, h) => a | h, 0));
      }),
    ));

  it("packBitPlane is packBits of one bit and orBitPlane puts it back", () =>
    check(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 80 }), fc.integer({ min: 0, max: 31 }), (values, bit) => {
        const v = Uint32Array.from(values);
        const packed = packBitPlane(v, bit);
        equalBytes(packed, packBits(Array.from(v, (x) => (x >>> bit) & 1), 1), "packBitPlane");
        const back = new Uint32Array(v.length);
        orBitPlane(packed, back, bit);
        assert.deepEqual(Array.from(back), Array.from(v, (x) => (((x >>> bit) & 1) << bit) >>> 0));
      }),
    ));

  it("transposeBits matches a bit-by-bit transpose and undoes itself with the swapped shape", () =>
    check(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 0x7fffffff }), (groups, rowBytes, seed) => {
        const rows = 8 * groups;
        const src = Uint8Array.from({ length: rows * rowBytes }, (_, i) => (Math.imul(seed ^ i, 2654435761) >>> 13) & 0xff);
        const naive = new Uint8Array(src.length);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < 8 * rowBytes; c++) {
            const bit = (src[r * rowBytes + (c >> 3)] >> (7 - (c & 7))) & 1;
            naive[c * groups + (r >> 3)] |= bit << (7 - (r & 7));
          }
        const out = new Uint8Array(src.length);
        transposeBits(src, 0, rows, rowBytes, out, 0);
        equalBytes(out, naive, "transposeBits");
        const back = new Uint8Array(src.length);
        transposeBits(out, 0, 8 * rowBytes, groups, back, 0);
        equalBytes(back, src, "transposeBits twice");
      }),
    ));
});

describe("bf16 splits", () => {
  it("bf16-fields keeps its byte layout: sign bits, exponent bytes, packBits(mantissa, 7) + tail", () =>
    check(
      fc.property(anyBytes, (input) => {
        const v = u16s(input);
        const [sign, exponent, man] = prim("bf16-fields").encode(input, {}).streams;
        equalBytes(sign, packBits(v.map((x) => x >>> 15), 1), "sign");
        equalBytes(exponent, Uint8Array.from(v, (x) => (x >>> 7) & 0xff), "exponent");
        const tail = input.length & 1 ? [input[input.length - 1]] : [];
        equalBytes(man, Uint8Array.from([...packBits(v.map((x) => x & 0x7f), 7), ...tail]), "mantissa");
      }),
    ));

  it("bf16-se-m emits element >> 7 as u16 symbols and the same mantissa stream as bf16-fields", () =>
    check(
      fc.property(anyBytes, (input) => {
        const [se, man] = prim("bf16-se-m").encode(input, {}).streams;
        assert.deepEqual(u16s(se), u16s(input).map((x) => x >>> 7));
        equalBytes(man, prim("bf16-fields").encode(input, {}).streams[2], "mantissa");
      }),
    ));

  it("fp16-fields and fp32-fields stream lengths follow the element count", () =>
    check(
      fc.property(anyBytes, (input) => {
        const [s16, e16, m16] = prim("fp16-fields").encode(input, {}).streams;
        const c16 = input.length >> 1;
        assert.deepEqual([s16.length, e16.length, m16.length], [Math.ceil(c16 / 8), c16, Math.ceil((10 * c16) / 8) + (input.length & 1)]);
        assert.ok(e16.every((e) => e < 32));
        const [s32, e32, m32] = prim("fp32-fields").encode(input, {}).streams;
        const c32 = input.length >> 2;
        assert.deepEqual([s32.length, e32.length, m32.length], [Math.ceil(c32 / 8), c32, Math.ceil((23 * c32) / 8) + (input.length & 3)]);
      }),
    ));

  it("fp32-fields splits float32 values into their IEEE fields", () => {
    const f = new Float32Array([1, -2, 0.15625, -0]);
    const [sign, exponent, man] = prim("fp32-fields").encode(new Uint8Array(f.buffer), {}).streams;
    assert.deepEqual(Array.from(sign), [0b0101_0000]);
    assert.deepEqual(Array.from(exponent), [127, 128, 124, 0]);
    assert.deepEqual(Array.from(man.subarray(0, 3)), [0, 0, 0]); // 1.0 has an all-zero mantissa
  });
});

describe("low-bits", () => {
  /** Little-endian value of each whole `width`-byte element. */
  const elements = (b: Uint8Array, width: number): number[] =>
    Array.from({ length: Math.floor(b.length / width) }, (_, i) => {
      let v = 0;
      for (let j = width - 1; j >= 0; j--) v = v * 256 + b[i * width + j];
      return v;
    });
  const params = fc.constantFrom(1, 2, 4).chain((width) => fc.record({ width: fc.constant(width), bits: fc.integer({ min: 1, max: 8 * width - 1 }) }));

  it("clears the low bits in place, packs them MSB-first, keeps the tail, and round-trips", () =>
    check(
      fc.property(anyBytes, params, (input, p) => {
        const [high, low] = prim("low-bits").encode(input, p).streams;
        const m = 2 ** p.bits;
        const count = Math.floor(input.length / p.width);
        assert.deepEqual(elements(high, p.width), elements(input, p.width).map((x) => x - (x % m)));
        equalBytes(high.subarray(count * p.width), input.subarray(count * p.width), "tail");
        equalBytes(low, packBits(elements(input, p.width).map((x) => x % m), p.bits), "low bits");
        roundTrips(prim("low-bits"), p, input);
      }),
    ));

  it("on bf16 with 4 bits, the high stream's mantissas take at most 8 values", () =>
    check(
      fc.property(bf16Tensor(), (t) => {
        const [high] = prim("low-bits").encode(t, { width: 2, bits: 4 }).streams;
        assert.ok(new Set(u16s(high).map((x) => x & 0x7f)).size <= 8);
      }),
    ));

  it("refuses bits that do not fit the element", () => {
    assert.equal(reasonOf(() => prim("low-bits").encode(Uint8Array.of(1, 2), { width: 1, bits: 8 })), "bad-params");
    assert.equal(reasonOf(() => prim("low-bits").encode(Uint8Array.of(1, 2, 3), { width: 3, bits: 4 })), "bad-params");
  });
});

describe("byte-planes", () => {
  it("width 2 on bf16 puts the low bytes in plane 0 and the sign+exponent bytes in plane 1", () =>
    check(
      fc.property(bf16Tensor(), (input) => {
        const [lo, hi] = prim("byte-planes").encode(input, { width: 2 }).streams;
        assert.deepEqual(Array.from(lo), u16s(input).map((x) => x & 0xff));
        assert.deepEqual(Array.from(hi), u16s(input).map((x) => x >>> 8));
      }),
    ));

  it("plane j has count + (j < n mod width) bytes and every width 2..8 round-trips", () =>
    check(
      fc.property(anyBytes, fc.integer({ min: 2, max: 8 }), (input, width) => {
        const planes = prim("byte-planes").encode(input, { width }).streams;
        const count = Math.floor(input.length / width);
        assert.deepEqual(planes.map((p) => p.length), Array.from({ length: width }, (_, j) => count + (j < input.length % width ? 1 : 0)));
        roundTrips(prim("byte-planes"), { width }, input);
      }),
    ));
});

describe("sparse", () => {
  it("bitmap is 1 + ceil(count/8) bytes and values hold only the nonzero elements, for widths 1..4", () =>
    check(
      fc.property(anyBytes, fc.integer({ min: 1, max: 4 }), (input, width) => {
        const [bitmap, values] = prim("sparse").encode(input, { width }).streams;
        const count = Math.floor(input.length / width);
        let nonzero = 0;
        for (let i = 0; i < count; i++) if (input.subarray(i * width, (i + 1) * width).some((b) => b !== 0)) nonzero++;
        assert.equal(bitmap.length, 1 + Math.ceil(count / 8));
        assert.equal(bitmap[0], 8 * Math.ceil(count / 8) - count);
        assert.equal(values.length, nonzero * width + (input.length % width));
        roundTrips(prim("sparse"), { width }, input);
      }),
    ));

  it("zeroing elements shrinks the values stream by their width each", () =>
    check(
      fc.property(bf16Tensor(), fc.array(fc.nat(), { maxLength: 50 }), (input, picks) => {
        const before = prim("sparse").encode(input, { width: 2 }).streams[1].length;
        const zeroed = input.slice();
        const count = zeroed.length >> 1;
        const hit = new Set(picks.map((k) => k % count).filter((i) => zeroed[2 * i] | zeroed[2 * i + 1]));
        hit.forEach((i) => zeroed.fill(0, 2 * i, 2 * i + 2));
        assert.equal(prim("sparse").encode(zeroed, { width: 2 }).streams[1].length, before - 2 * hit.size);
      }),
    ));

  it("refuses an output over the cap before allocating it", () => {
    const bitmap = new Uint8Array(1 + 1024).fill(0, 1);
    assert.equal(reasonOf(() => prim("sparse").decode([bitmap, new Uint8Array(0)], { width: 4 }, { cap: 4096, decodedLength: -1 })), "size-cap");
    assert.equal(prim("sparse").decode([bitmap, new Uint8Array(0)], { width: 4 }, { cap: 32768, decodedLength: -1 }).length, 32768);
  });
});

describe("delta, xor-prev, zigzag, sign-fold", () => {
  const constantRun = fc
    .tuple(fc.constantFrom(1, 2), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 100 }))
    .map(([width, v, n]) => [width, width === 1 ? new Uint8Array(n).fill(v & 0xff) : u16Bytes(Array(n).fill(v))] as const);

  for (const name of ["delta", "xor-prev"])
    it(`${name} of a constant run is its first element then zeros`, () =>
      check(
        fc.property(constantRun, ([width, input]) => {
          const [out] = prim(name).encode(input, { width }).streams;
          equalBytes(out.subarray(0, width), input.subarray(0, width), "first element");
          assert.ok(out.subarray(width).every((b) => b === 0));
        }),
      ));

  it("delta of an arithmetic progression (mod 2^16) is constant after the first element", () =>
    check(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 2, max: 100 }), (start, step, n) => {
        const input = u16Bytes(Array.from({ length: n }, (_, i) => (start + i * step) & 0xffff));
        const out = u16s(prim("delta").encode(input, { width: 2 }).streams[0]);
        assert.deepEqual(out, [start, ...Array(n - 1).fill(step)]);
      }),
    ));

  it("zigzag maps every value v of 8 and 16 bits to 2|v| - (v < 0), a bijection", () => {
    for (const width of [1, 2]) {
      const bits = 8 * width;
      const all = Array.from({ length: 2 ** bits }, (_, u) => u);
      const input = width === 1 ? Uint8Array.from(all) : u16Bytes(all);
      const [out] = prim("zigzag").encode(input, { width }).streams;
      const mapped = width === 1 ? Array.from(out) : u16s(out);
      all.forEach((u) => {
        const v = u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
        if (mapped[u] !== 2 * Math.abs(v) - (v < 0 ? 1 : 0)) assert.fail(`zigzag width ${width}: ${v} -> ${mapped[u]}`);
      });
      roundTrips(prim("zigzag"), { width }, input);
    }
  });

  it("sign-fold leaves x and -x differing only in bit 0", () =>
    check(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x7fff }), { maxLength: 60 }), (mags) => {
        const [pos] = prim("sign-fold").encode(u16Bytes(mags), {}).streams;
        const [neg] = prim("sign-fold").encode(u16Bytes(mags.map((m) => m | 0x8000)), {}).streams;
        assert.deepEqual(u16s(neg), u16s(pos).map((x) => x | 1));
        assert.deepEqual(u16s(pos), mags.map((m) => m << 1));
      }),
    ));

  it("transforms keep the length and pass the tail byte through", () =>
    check(
      fc.property(anyBytes, (input) => {
        for (const [name, params] of [["delta", { width: 2 }], ["xor-prev", { width: 2 }], ["zigzag", { width: 2 }], ["sign-fold", {}]] as const) {
          const [out] = prim(name).encode(input, params).streams;
          assert.equal(out.length, input.length);
          if (input.length & 1) assert.equal(out[out.length - 1], input[input.length - 1], name);
        }
      }),
    ));
});

describe("bit-shuffle", () => {
  /** Bit-by-bit statement of the documented layout. */
  const reference = (input: Uint8Array, width: number, log2Block: number): Uint8Array => {
    const out = input.slice();
    const count = Math.floor(input.length / width);
    for (let e = 0; count - e >= 8; ) {
      const rows = Math.min(2 ** log2Block, (count - e) & ~7);
      out.fill(0, e * width, (e + rows) * width);
      for (let i = 0; i < rows; i++)
        for (let c = 0; c < 8 * width; c++) {
          const bit = (input[(e + i) * width + (c >> 3)] >> (7 - (c & 7))) & 1;
          out[e * width + c * (rows >> 3) + (i >> 3)] |= bit << (7 - (i & 7));
        }
      e += rows;
    }
    return out;
  };

  it("matches the bit-by-bit layout and round-trips for widths 1..4 and every block size", () =>
    check(
      fc.property(anyBytes, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 3, max: 16 }), (input, width, log2Block) => {
        const [out] = prim("bit-shuffle").encode(input, { width, log2Block }).streams;
        equalBytes(out, reference(input, width, log2Block), "bit-shuffle");
        roundTrips(prim("bit-shuffle"), { width, log2Block }, input);
      }),
    ));

  it("a bit shared by all elements of a block becomes a constant plane (bf16 sign bit = plane 8)", () =>
    check(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x7fff }), { minLength: 64, maxLength: 64 }), fc.boolean(), (mags, negative) => {
        const [out] = prim("bit-shuffle").encode(u16Bytes(mags.map((m) => (negative ? m | 0x8000 : m))), { width: 2, log2Block: 6 }).streams;
        assert.ok(out.subarray(8 * 8, 9 * 8).every((b) => b === (negative ? 0xff : 0)));
      }),
    ));
});

describe("bf16-se-m-ctx", () => {
  it("routes each mantissa by its element's sign+exponent: zero to stream 1, the rest (and the odd byte) to stream 2", () =>
    check(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }), fc.option(fc.integer({ min: 0, max: 255 })), (values, odd) => {
        // many exact zeros of sign+exponent, as after an XOR with a matching row
        const x = values.map((v, i) => (i % 3 === 0 ? v & 0x7f : v));
        const input = odd === null ? u16Bytes(x) : Uint8Array.from([...u16Bytes(x), odd]);
        const [se, same, other] = prim("bf16-se-m-ctx").encode(input, {}).streams;
        assert.deepEqual(u16s(se), x.map((v) => v >>> 7));
        assert.deepEqual([...same], x.filter((v) => v >>> 7 === 0).map((v) => v & 0x7f));
        assert.deepEqual([...other], [...x.filter((v) => v >>> 7 !== 0).map((v) => v & 0x7f), ...(odd === null ? [] : [odd])]);
      }),
    ));
});

describe("rank-tuples", () => {
  /** Symbols of a skewed source: value v with weight 2^-v (v < 12), as sign+exponent residuals are. */
  const skewed = fc.array(fc.integer({ min: 0, max: 4095 }), { minLength: 1, maxLength: 3000 }).map((r) => r.map((v) => 11 - Math.floor(Math.log2(v + 1))));

  it("gives the K commonest sampled values a digit and every other symbol one escape byte", () =>
    check(
      fc.property(skewed, fc.constantFrom("2", "4", "8"), fc.constantFrom(1, 2), (values, tuple, width) => {
        const input = width === 2 ? u16Bytes(values) : Uint8Array.from(values);
        const [digits, escapes] = prim("rank-tuples").encode(input, { width, tuple }).streams;
        const K = (1 << (8 / Number(tuple))) - 1;
        const counts = new Map<number, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1); // under 8192 symbols the sample is everything
        const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a - b);
        const direct = new Set(ranked.slice(0, K));
        assert.equal(escapes.length, values.filter((v) => !direct.has(v)).length);
        assert.equal(escapes.every((e) => e < ranked.length - K), true, "escape bytes are ranks past K");
        assert.equal(digits.length >= Math.ceil(values.length / Number(tuple)), true);
        roundTrips(prim("rank-tuples"), { width, tuple }, input);
      }),
    ));

  it("four digits a byte make a 0.9-probability symbol cost about a quarter of a byte", () => {
    const values = Array.from({ length: 4000 }, (_, i) => ((i * 2654435761) >>> 0) % 10 === 0 ? 1 + (i % 5) : 0);
    const [digits, escapes] = prim("rank-tuples").encode(u16Bytes(values), { width: 2, tuple: "4" }).streams;
    assert.ok(digits.length < 1100, `${digits.length} digit bytes for 4000 symbols`);
    assert.equal(escapes.length, values.filter((v) => v > 2).length);
  });

  it("values the sample misses travel in the header (255 escapes) and decode in both languages", () => {
    // past 2^14 symbols the sample takes every other one: odd positions hold values it never sees
    const values = Array.from({ length: 20000 }, (_, i) => (i % 2 ? 1000 + (i % 7) : i % 3));
    const input = u16Bytes(values);
    const [, escapes] = prim("rank-tuples").encode(input, { width: 2, tuple: "4" }).streams;
    assert.equal(escapes.filter((e) => e === 255).length, 10000);
    roundTrips(prim("rank-tuples"), { width: 2, tuple: "4" }, input);
    const frame = encodeFrame(node(prim("rank-tuples"), { width: 2, tuple: "4" }, [node(prim("zstd"), { level: 1 }), node(prim("zstd"), { level: 1 })]), input).frame;
    const [py] = runPython([{ decode: frame }]);
    assert.ok(py.ok, py.ok ? "" : py.message);
    equalBytes(py.bytes, input, "Python decode");
  });
});

describe("decoders refuse inconsistent streams, in TypeScript and in Python", () => {
  const u8 = (...b: number[]) => Uint8Array.from(b);
  /** [primitive, params, streams a decoder must refuse, the reason] */
  const cases: ReadonlyArray<readonly [string, Params, Uint8Array[], string]> = [
    ["bf16-se-m", {}, [u8(1, 2, 3), u8(0, 0, 0)], "length-mismatch"],
    ["bf16-se-m", {}, [u8(0, 2), u8(0)], "corrupt-payload"],
    ["bf16-se-m", {}, [u8(0, 1), u8(0, 0, 0)], "length-mismatch"],
    ["bf16-se-m-ctx", {}, [u8(1, 2, 3), u8(), u8()], "length-mismatch"],
    ["bf16-se-m-ctx", {}, [u8(0, 0), u8(), u8(5)], "length-mismatch"],
    ["bf16-se-m-ctx", {}, [u8(1, 0), u8(), u8(5, 6, 7)], "length-mismatch"],
    ["bf16-se-m-ctx", {}, [u8(0, 2), u8(), u8(0)], "corrupt-payload"],
    ["bf16-se-m-ctx", {}, [u8(1, 0), u8(), u8(0x80)], "corrupt-payload"],
    // rank-tuples, width 1, 4 digits a byte: varint count | varint tail | S | values | B | values | digits
    ["rank-tuples", { width: 1, tuple: "4" }, [u8(2, 0, 1, 7, 0, 0b1100_0000), u8()], "corrupt-payload"],
    ["rank-tuples", { width: 1, tuple: "4" }, [u8(1, 0, 1, 7, 0, 0b01), u8()], "corrupt-payload"],
    ["rank-tuples", { width: 1, tuple: "4" }, [u8(1, 0, 1, 7, 0, 0b11), u8()], "length-mismatch"],
    ["rank-tuples", { width: 1, tuple: "4" }, [u8(1, 0, 1, 7, 0, 0b11), u8(255)], "corrupt-payload"],
    ["rank-tuples", { width: 1, tuple: "4" }, [u8(1, 1, 1, 7, 0, 0, 9), u8()], "corrupt-payload"],
    ["rank-tuples", { width: 1, tuple: "4" }, [u8(1, 0, 2, 7, 7, 0, 0), u8()], "corrupt-payload"],
    ["rank-tuples", { width: 2, tuple: "2" }, [u8(5, 0, 0, 0, 0xff), u8()], "length-mismatch"],
    ["bf16-fields", {}, [u8(), u8(1), u8(0)], "length-mismatch"],
    ["fp16-fields", {}, [u8(0), u8(32), u8(0, 0)], "corrupt-payload"],
    ["fp16-fields", {}, [u8(0), u8(1), u8(0, 0, 0, 0)], "length-mismatch"],
    ["fp32-fields", {}, [u8(0), u8(1), u8(0, 0, 0, 1, 2, 3, 4)], "length-mismatch"],
    ["byte-planes", { width: 2 }, [u8(1, 2, 3), u8(1)], "length-mismatch"],
    ["byte-planes", { width: 4 }, [u8(1, 2), u8(1), u8(1, 2), u8(1)], "length-mismatch"],
    ["low-bits", { width: 2, bits: 4 }, [u8(0x10, 0, 0x20, 0), u8(0x12, 0)], "length-mismatch"],
    ["low-bits", { width: 2, bits: 3 }, [u8(0x10, 0), u8(0x21)], "corrupt-payload"],
    ["low-bits", { width: 2, bits: 4 }, [u8(0x11, 0), u8(0x20)], "corrupt-payload"],
    ["low-bits", { width: 1, bits: 8 }, [u8(0), u8(0)], "bad-params"],
    ["low-bits", { width: 3, bits: 4 }, [u8(0, 0, 0), u8(0)], "bad-params"],
    ["sparse", { width: 2 }, [u8(), u8()], "length-mismatch"],
    ["sparse", { width: 2 }, [u8(8, 0), u8()], "corrupt-payload"],
    ["sparse", { width: 2 }, [u8(1), u8()], "corrupt-payload"],
    ["sparse", { width: 2 }, [u8(4, 0b1000_1000), u8(1, 1)], "corrupt-payload"],
    ["sparse", { width: 2 }, [u8(0, 0b1000_0000), u8(0, 0)], "corrupt-payload"],
    ["sparse", { width: 2 }, [u8(0, 0b1100_0000), u8(1, 1, 1)], "length-mismatch"],
    ["sparse", { width: 2 }, [u8(0, 0b1100_0000), u8(1, 1, 1, 1, 1, 1)], "length-mismatch"],
  ];
  /** A stand-in that writes the given streams under the real primitive's id and params. */
  const frameOf = (name: string, params: Params, streams: Uint8Array[]): Uint8Array => {
    const real = prim(name);
    const fake: Primitive = { ...real, encode: () => ({ streams, params }) };
    const zstd = prim("zstd");
    const tree: PipelineNode = node(fake, params, streams.map(() => node(zstd, { level: 1 })));
    return encodeFrame(tree, new Uint8Array(0)).frame;
  };

  it("with the same reason", () => {
    const frames = cases.map(([name, params, streams]) => frameOf(name, params, streams));
    const py = runPython(frames.map((decode) => ({ decode })));
    cases.forEach(([name, params, , reason], i) => {
      const what = `${name} ${JSON.stringify(params)} case #${i}`;
      assert.equal(reasonOf(() => decodeFrame(frames[i])), reason, `TS ${what}`);
      const r = py[i];
      assert.ok(!r.ok && r.reason === reason, `Python ${what}: ${r.ok ? "decoded" : r.message}`);
    });
  });

  it("explored and unexplored widths round-trip through full frames", () => {
    const zstd = prim("zstd");
    const closed = (p: Primitive) => (params: Params) => node(p, params, Array.from({ length: p.arity(params) }, () => node(zstd, { level: 1 })));
    assertRoundTrip(closed(prim("byte-planes")), fc.record({ width: fc.integer({ min: 2, max: 8 }) }), anyBytes, 40);
    assertRoundTrip(closed(prim("sparse")), fc.record({ width: fc.integer({ min: 1, max: 4 }) }), anyBytes, 40);
  });
});
