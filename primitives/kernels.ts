/**
 * Kernels shared by several primitives. Bit order everywhere is MSB-first (numpy's packbits
 * default), multi-byte integers are little endian, and a partial last group is zero-padded.
 */
import { fail } from "../src/codec/errors.js";
import { LAG_FEATURE_MAX, lagSums } from "./simd.js";

export const expectLength = (who: string, out: Uint8Array, n: number): Uint8Array =>
  out.length === n ? out : fail("length-mismatch", `${who}: decoded ${out.length} bytes, frame declares ${n}`);

/** Little-endian u16 view of the first 2*floor(n/2) bytes; copies only when unaligned. */
export const u16View = (b: Uint8Array): Uint16Array => {
  const count = b.length >> 1;
  if ((b.byteOffset & 1) === 0) return new Uint16Array(b.buffer, b.byteOffset, count);
  return new Uint16Array(b.slice(0, count * 2).buffer, 0, count);
};

/** Packs the low `k` bits (1..32) of each value, MSB-first, into ceil(len*k/8) bytes. */
export const packBits = (values: ArrayLike<number>, k: number): Uint8Array => {
  const out = new Uint8Array(Math.ceil((values.length * k) / 8));
  if (8 % k === 0) return packWhole(values, k, out);
  let acc = 0; // holds < 8 pending bits above `bits`
  let bits = 0;
  let o = 0;
  const mask = k === 32 ? 0xffffffff : (1 << k) - 1;
  for (let i = 0; i < values.length; i++) {
    let v = values[i] & mask;
    let left = k;
    // feed at most 24 bits at a time so acc never exceeds 31 bits
    while (left > 0) {
      const take = left > 24 ? left - 24 : left;
      const chunk = (v >>> (left - take)) & ((1 << take) - 1);
      acc = (acc << take) | chunk;
      bits += take;
      left -= take;
      while (bits >= 8) {
        bits -= 8;
        out[o++] = (acc >>> bits) & 0xff;
      }
      acc &= (1 << bits) - 1;
    }
    v = 0;
  }
  if (bits > 0) out[o++] = (acc << (8 - bits)) & 0xff;
  return out;
};

/** packBits for k = 1, 2, 4, 8: whole values per byte, no bit accumulator. */
const packWhole = (values: ArrayLike<number>, k: number, out: Uint8Array): Uint8Array => {
  const n = values.length;
  const perByte = 8 / k;
  const mask = (1 << k) - 1;
  for (let o = 0, i = 0; o < out.length; o++) {
    let b = 0;
    for (let j = 0; j < perByte; j++, i++) b = (b << k) | (i < n ? values[i] & mask : 0);
    out[o] = b;
  }
  return out;
};

/** Inverse of packBits for `count` values; `packed` must be exactly ceil(count*k/8) bytes. */
export const unpackBits = (packed: Uint8Array, count: number, k: number, out: Uint32Array | Uint16Array | Uint8Array): void => {
  if (8 % k === 0) {
    const perByte = 8 / k;
    const mask = (1 << k) - 1;
    for (let i = 0, p = 0; i < count; p++)
      for (let shift = 8 - k; shift >= 0 && i < count; shift -= k, i++) out[i] = (packed[p] >>> shift) & mask;
    return;
  }
  let acc = 0;
  let bits = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    let v = 0;
    let need = k;
    while (need > 0) {
      if (bits === 0) {
        acc = packed[p++];
        bits = 8;
      }
      const take = need < bits ? need : bits;
      v = v * (1 << take) + ((acc >>> (bits - take)) & ((1 << take) - 1));
      bits -= take;
      need -= take;
    }
    out[i] = v;
  }
};

export const packedLength = (count: number, k: number): number => Math.ceil((count * k) / 8);

/** detectPeriod looks at this many leading elements only. */
export const PERIOD_SAMPLE = LAG_FEATURE_MAX;
/** A divisor of the best period that keeps these shares of its gains is the row length (see detectPeriod). */
const FUNDAMENTAL_SHARE = 0.7;
const MATCH_SHARE = 0.5;
/** Gains below this are noise (2^15 samples: about 1% at most over the candidates of random bytes). */
const MIN_GAIN = 0.02;

/**
 * Detects the channel period (row length, in elements) of a [rows, cols] tensor stored flat.
 * Candidates are the divisors of the element count in [4, 65536] (a flat tensor's row length
 * divides it). On the first PERIOD_SAMPLE elements, a candidate p scores the mean absolute difference s(p)
 * between a "magnitude feature" of each element and of the element p earlier; channels keep their
 * scale across rows, so the true period gains most over the neighbour difference s(1): gain(p) =
 * 1 - s(p) / s(1). Multiples of the period gain as much or, by chance (a phrase repeated some rows
 * apart), more; so the answer is the smallest divisor d of the best candidate b that keeps 70% of
 * its gain and half its exact-match gain (1 - m(d) / m(1), m = the share of elements whose feature
 * differs from the one d earlier: a column pattern shifted by part of a row can be close in
 * magnitude without matching). Rows of a multiple would cost the row-reference
 * coders their per-token references. Width 2 tries two features, bits 14..7 (the exponent of raw
 * bf16/fp16) and the low byte (the exponent of a (sign<<8)|exponent field), and keeps the one with
 * the larger best gain. Returns 1 when no candidate gains 2% (noise; gradients often show no channel
 * structure). Integer sums, then the same float operations as `detect_period` in
 * src/python/core.py, which must agree with it exactly. `count`: the tensor's element count, where
 * `data` holds only its first PERIOD_SAMPLE elements or more.
 */
export const detectPeriod = (data: Uint8Array, width: 1 | 2, count = Math.floor(data.length / width)): number => {
  const sample = Math.min(count, PERIOD_SAMPLE);
  const candidates: number[] = [];
  for (let p = 4; p <= Math.min(65536, sample >> 1); p++) if (count % p === 0) candidates.push(p);
  if (candidates.length === 0) return 1;
  const features: Uint8Array[] = width === 2 ? [new Uint8Array(sample), new Uint8Array(sample)] : [data.subarray(0, sample)];
  if (width === 2) {
    const [exponent, low] = features;
    for (let i = 0; i < sample; i++) {
      exponent[i] = ((data[2 * i] | (data[2 * i + 1] << 8)) >>> 7) & 0xff;
      low[i] = data[2 * i];
    }
  }
  const sums = lagSums(features);
  let pick = 1;
  let bestGain = MIN_GAIN;
  for (let f = 0; f < features.length; f++) {
    const meanDifference = (p: number): number => sums.absDifference(f, p) / (sample - p);
    const mismatches = (p: number): number => sums.mismatches(f, p) / (sample - p);
    const neighbour = meanDifference(1);
    if (neighbour === 0) continue;
    const gains = candidates.map((p) => 1 - meanDifference(p) / neighbour);
    let b = 0;
    for (let i = 1; i < gains.length; i++) if (gains[i] > gains[b]) b = i;
    if (!(gains[b] > bestGain)) continue;
    bestGain = gains[b];
    const best = candidates[b];
    const neighbourMismatches = mismatches(1);
    const matchGain = (p: number): number => 1 - mismatches(p) / neighbourMismatches;
    // a divisor d of b must keep most of b's gain, and much of its exact-match gain: a column
    // pattern shifted by part of a row can be close in magnitude without matching
    const bestMatchGain = matchGain(best);
    pick = candidates.find(
      (d, i) => d === best || (best % d === 0 && gains[i] >= FUNDAMENTAL_SHARE * gains[b] && matchGain(d) >= MATCH_SHARE * bestMatchGain),
    )!;
  }
  return pick;
};

/** Little-endian u32 view of the first 4*floor(n/4) bytes; copies only when unaligned. */
export const u32View = (b: Uint8Array): Uint32Array => {
  const count = b.length >> 2;
  if ((b.byteOffset & 3) === 0) return new Uint32Array(b.buffer, b.byteOffset, count);
  return new Uint32Array(b.slice(0, count * 4).buffer, 0, count);
};

const groupValues = new Uint16Array(8);
const groupHigh = new Uint16Array(8);
const groupMan = new Uint8Array(7);

/**
 * The bfloat16 field split in one pass: for each u16 element x, high[i] = x >>> 7 (sign and
 * exponent; a byte array keeps just the exponent) and the low 7 bits go to man[0..ceil(7*count/8))
 * exactly as packBits(x & 0x7f, 7) puts them (8 values in 7 bytes, MSB-first; a partial last
 * group of r values takes r bytes).
 */
export const splitLow7 = (values: Uint16Array, high: Uint16Array | Uint8Array, man: Uint8Array): void => {
  const count = values.length;
  const full = count & ~7;
  for (let i = 0, o = 0; i < full; i += 8, o += 7) {
    const x0 = values[i], x1 = values[i + 1], x2 = values[i + 2], x3 = values[i + 3];
    const x4 = values[i + 4], x5 = values[i + 5], x6 = values[i + 6], x7 = values[i + 7];
    high[i] = x0 >>> 7; // typed stores truncate: a byte array drops the sign
    high[i + 1] = x1 >>> 7;
    high[i + 2] = x2 >>> 7;
    high[i + 3] = x3 >>> 7;
    high[i + 4] = x4 >>> 7;
    high[i + 5] = x5 >>> 7;
    high[i + 6] = x6 >>> 7;
    high[i + 7] = x7 >>> 7;
    const b = x1 & 0x7f, c = x2 & 0x7f, d = x3 & 0x7f, e = x4 & 0x7f, f = x5 & 0x7f, g = x6 & 0x7f;
    man[o] = (x0 << 1) | (b >>> 6);
    man[o + 1] = (b << 2) | (c >>> 5);
    man[o + 2] = (c << 3) | (d >>> 4);
    man[o + 3] = (d << 4) | (e >>> 3);
    man[o + 4] = (e << 5) | (f >>> 2);
    man[o + 5] = (f << 6) | (g >>> 1);
    man[o + 6] = (g << 7) | (x7 & 0x7f);
  }
  const rest = count - full;
  if (rest === 0) return;
  groupValues.fill(0);
  groupValues.set(values.subarray(full));
  splitLow7(groupValues, groupHigh, groupMan);
  high.set(groupHigh.subarray(0, rest), full);
  man.set(groupMan.subarray(0, rest), (full >>> 3) * 7);
};

/**
 * Inverse of splitLow7 for out.length elements: out[i] = high[i] << 7 | mantissa i, reading
 * ceil(7*count/8) bytes of man. Returns the OR of the high values, for the caller's range check.
 */
export const joinLow7 = (high: Uint16Array | Uint8Array, man: Uint8Array, out: Uint16Array): number => {
  const count = out.length;
  const full = count & ~7;
  let seen = 0;
  for (let i = 0, q = 0; i < full; i += 8, q += 7) {
    const b0 = man[q], b1 = man[q + 1], b2 = man[q + 2], b3 = man[q + 3], b4 = man[q + 4], b5 = man[q + 5], b6 = man[q + 6];
    const h0 = high[i], h1 = high[i + 1], h2 = high[i + 2], h3 = high[i + 3];
    const h4 = high[i + 4], h5 = high[i + 5], h6 = high[i + 6], h7 = high[i + 7];
    seen |= h0 | h1 | h2 | h3 | h4 | h5 | h6 | h7;
    out[i] = (h0 << 7) | (b0 >>> 1);
    out[i + 1] = (h1 << 7) | ((b0 & 1) << 6) | (b1 >>> 2);
    out[i + 2] = (h2 << 7) | ((b1 & 3) << 5) | (b2 >>> 3);
    out[i + 3] = (h3 << 7) | ((b2 & 7) << 4) | (b3 >>> 4);
    out[i + 4] = (h4 << 7) | ((b3 & 15) << 3) | (b4 >>> 5);
    out[i + 5] = (h5 << 7) | ((b4 & 31) << 2) | (b5 >>> 6);
    out[i + 6] = (h6 << 7) | ((b5 & 63) << 1) | (b6 >>> 7);
    out[i + 7] = (h7 << 7) | (b6 & 127);
  }
  const rest = count - full;
  if (rest === 0) return seen;
  const q = (full >>> 3) * 7;
  groupMan.fill(0);
  groupMan.set(man.subarray(q, q + rest));
  groupHigh.fill(0);
  groupHigh.set(high.subarray(full, count));
  seen |= joinLow7(groupHigh, groupMan, groupValues);
  out.set(groupValues.subarray(0, rest), full);
  return seen;
};

/** Bit `bit` of each value, MSB-first, 8 per byte, zero-padded: packBits((v >>> bit) & 1, 1). */
export const packBitPlane = (values: Uint16Array | Uint32Array, bit: number): Uint8Array => {
  const count = values.length;
  const out = new Uint8Array((count + 7) >>> 3);
  const full = count & ~7;
  for (let i = 0; i < full; i += 8)
    out[i >>> 3] =
      (((values[i] >>> bit) & 1) << 7) | (((values[i + 1] >>> bit) & 1) << 6) |
      (((values[i + 2] >>> bit) & 1) << 5) | (((values[i + 3] >>> bit) & 1) << 4) |
      (((values[i + 4] >>> bit) & 1) << 3) | (((values[i + 5] >>> bit) & 1) << 2) |
      (((values[i + 6] >>> bit) & 1) << 1) | ((values[i + 7] >>> bit) & 1);
  for (let i = full; i < count; i++) out[i >>> 3] |= ((values[i] >>> bit) & 1) << (7 - (i & 7));
  return out;
};

/** ORs bit i of `packed` (MSB-first) into bit `bit` of out[i], for every element of out. */
export const orBitPlane = (packed: Uint8Array, out: Uint16Array | Uint32Array, bit: number): void => {
  const count = out.length;
  const full = count & ~7;
  for (let i = 0; i < full; i += 8) {
    const b = packed[i >>> 3];
    out[i] |= ((b >>> 7) & 1) << bit;
    out[i + 1] |= ((b >>> 6) & 1) << bit;
    out[i + 2] |= ((b >>> 5) & 1) << bit;
    out[i + 3] |= ((b >>> 4) & 1) << bit;
    out[i + 4] |= ((b >>> 3) & 1) << bit;
    out[i + 5] |= ((b >>> 2) & 1) << bit;
    out[i + 6] |= ((b >>> 1) & 1) << bit;
    out[i + 7] |= (b & 1) << bit;
  }
  for (let i = full; i < count; i++) out[i] |= ((packed[i >>> 3] >>> (7 - (i & 7))) & 1) << bit;
};

/**
 * A length-preserving elementwise transform: runs `kernel(src, dst)` over the little-endian
 * elements of `width` bytes (1 or 2) and copies the n mod width trailing bytes unchanged.
 */
export const mapElements = (
  input: Uint8Array,
  width: 1 | 2,
  kernel: (src: Uint8Array | Uint16Array, dst: Uint8Array | Uint16Array) => void,
): Uint8Array => {
  const out = new Uint8Array(input.length);
  const count = Math.floor(input.length / width);
  if (width === 1) kernel(input, out);
  else kernel(u16View(input), new Uint16Array(out.buffer, 0, count));
  for (let i = count * width; i < input.length; i++) out[i] = input[i];
  return out;
};

/**
 * Transposes a bit matrix of `rows` rows (a multiple of 8) of `rowBytes` bytes each, read from
 * src[srcOff..], into 8*rowBytes rows of rows/8 bytes written to dst[dstOff..]: output row
 * 8*j + r holds bit 7-r of byte j of every input row, MSB-first. Applying it to the output with
 * (rows, rowBytes) = (8*rowBytes, rows/8) gives the input back.
 */
export const transposeBits = (src: Uint8Array, srcOff: number, rows: number, rowBytes: number, dst: Uint8Array, dstOff: number): void => {
  const outRowBytes = rows >>> 3;
  for (let g = 0; g < outRowBytes; g++) {
    const base = srcOff + 8 * g * rowBytes;
    for (let j = 0; j < rowBytes; j++) {
      const s = base + j;
      // 8x8 bit transpose (Hacker's Delight transpose8): rows 0-3 in x, 4-7 in y, row 0 most significant
      let x = (src[s] << 24) | (src[s + rowBytes] << 16) | (src[s + 2 * rowBytes] << 8) | src[s + 3 * rowBytes];
      let y = (src[s + 4 * rowBytes] << 24) | (src[s + 5 * rowBytes] << 16) | (src[s + 6 * rowBytes] << 8) | src[s + 7 * rowBytes];
      let t = (x ^ (x >>> 7)) & 0x00aa00aa;
      x = x ^ t ^ (t << 7);
      t = (y ^ (y >>> 7)) & 0x00aa00aa;
      y = y ^ t ^ (t << 7);
      t = (x ^ (x >>> 14)) & 0x0000cccc;
      x = x ^ t ^ (t << 14);
      t = (y ^ (y >>> 14)) & 0x0000cccc;
      y = y ^ t ^ (t << 14);
      t = (x & 0xf0f0f0f0) | ((y >>> 4) & 0x0f0f0f0f);
      y = ((x << 4) & 0xf0f0f0f0) | (y & 0x0f0f0f0f);
      x = t;
      const d = dstOff + 8 * j * outRowBytes + g;
      dst[d] = x >>> 24;
      dst[d + outRowBytes] = x >>> 16;
      dst[d + 2 * outRowBytes] = x >>> 8;
      dst[d + 3 * outRowBytes] = x;
      dst[d + 4 * outRowBytes] = y >>> 24;
      dst[d + 5 * outRowBytes] = y >>> 16;
      dst[d + 6 * outRowBytes] = y >>> 8;
      dst[d + 7 * outRowBytes] = y;
    }
  }
};

/**
 * The mantissa stream of a float field split: packedLength(count, k) bytes for the caller to fill,
 * then the input's bytes past count*width (the n mod width tail) copied after them.
 */
export const mantissaWithTail = (input: Uint8Array, count: number, width: number, k: number): Uint8Array => {
  const packed = packedLength(count, k);
  const man = new Uint8Array(packed + input.length - count * width);
  man.set(input.subarray(count * width), packed);
  return man;
};

/**
 * Decoder side of mantissaWithTail: checks that `man` holds count packed k-bit mantissas plus fewer
 * than `width` tail bytes, and returns the output buffer (count*width bytes + the tail, copied in).
 */
export const outputWithTail = (who: string, man: Uint8Array, count: number, width: number, k: number): Uint8Array => {
  const packed = packedLength(count, k);
  const tail = man.length - packed;
  if (tail < 0 || tail >= width) fail("length-mismatch", `${who}: ${man.length} mantissa bytes for ${count} elements`);
  const out = new Uint8Array(count * width + tail);
  out.set(man.subarray(packed), count * width);
  return out;
};

/** A little-endian float format: the sign is the top bit, then expBits of exponent, then manBits. */
export interface FloatLayout {
  readonly width: 2 | 4;
  readonly expBits: number;
  readonly manBits: number;
}

/** bfloat16 gets the one-pass splitLow7/joinLow7 kernels; other formats the generic bit packing. */
const isBf16 = (f: FloatLayout): boolean => f.width === 2 && f.manBits === 7;

/**
 * The *-fields splits: [sign bits (packBitPlane of the top bit), exponent bytes, mantissas packed
 * manBits each + the n mod width tail bytes].
 */
export const splitFloatFields = (input: Uint8Array, f: FloatLayout): Uint8Array[] => {
  const v = f.width === 2 ? u16View(input) : u32View(input);
  const count = v.length;
  const exponent = new Uint8Array(count);
  const man = mantissaWithTail(input, count, f.width, f.manBits);
  if (isBf16(f)) splitLow7(v as Uint16Array, exponent, man);
  else {
    const mantissa = f.width === 2 ? new Uint16Array(count) : new Uint32Array(count);
    const expMask = (1 << f.expBits) - 1;
    const manMask = (1 << f.manBits) - 1;
    for (let i = 0; i < count; i++) {
      const x = v[i];
      exponent[i] = (x >>> f.manBits) & expMask;
      mantissa[i] = x & manMask;
    }
    man.set(packBits(mantissa, f.manBits));
  }
  return [packBitPlane(v, 8 * f.width - 1), exponent, man];
};

/** Inverse of splitFloatFields; `who` names the primitive in errors (an exponent over expBits is corrupt). */
export const joinFloatFields = (who: string, [sign, exponent, man]: readonly Uint8Array[], f: FloatLayout): Uint8Array => {
  const count = exponent.length;
  if (sign.length !== packedLength(count, 1)) fail("length-mismatch", `${who}: ${sign.length} sign bytes for ${count} elements`);
  const out = outputWithTail(who, man, count, f.width, f.manBits);
  const v = f.width === 2 ? new Uint16Array(out.buffer, 0, count) : new Uint32Array(out.buffer, 0, count);
  let high = 0;
  if (isBf16(f)) high = joinLow7(exponent, man, v as Uint16Array);
  else {
    unpackBits(man, count, f.manBits, v);
    for (let i = 0; i < count; i++) {
      high |= exponent[i];
      v[i] |= exponent[i] << f.manBits;
    }
  }
  if (high >>> f.expBits) fail("corrupt-payload", `${who}: exponent above ${f.expBits} bits`);
  orBitPlane(sign, v, 8 * f.width - 1);
  return out;
};
