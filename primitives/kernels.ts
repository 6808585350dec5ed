/**
 * Kernels shared by several primitives. Bit order everywhere is MSB-first (numpy's packbits
 * default), multi-byte integers are little endian, and a partial last group is zero-padded.
 */
import { fail } from "../src/codec/errors.js";

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

/** Inverse of packBits for `count` values; `packed` must be exactly ceil(count*k/8) bytes. */
export const unpackBits = (packed: Uint8Array, count: number, k: number, out: Uint32Array | Uint16Array | Uint8Array): void => {
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

/**
 * Detects the channel period (row length, in elements) of a [rows, cols] tensor stored flat.
 * Candidates are the divisors of the element count in [4, 65536] (a flat tensor's row length
 * divides it); each scores the mean absolute difference between the "magnitude byte" of sampled
 * elements and of the element a period earlier (for width 2 the bf16/fp16 exponent bits 14..7;
 * for width 1 the byte). Channels keep their scale across rows, so the true period scores
 * lowest; its multiples score about as low, so the smallest candidate within 3% of the best wins.
 * Returns 1 when nothing beats the neighbour difference. Must match `detect_period` in core.py.
 */
export const detectPeriod = (data: Uint8Array, width: 1 | 2): number => {
  const count = Math.floor(data.length / width);
  const sample = Math.min(count, 1 << 16);
  const mag = new Int32Array(sample);
  for (let i = 0; i < sample; i++) mag[i] = width === 2 ? ((data[2 * i] | (data[2 * i + 1] << 8)) >>> 7) & 0xff : data[i];
  const score = (p: number): number => {
    let sum = 0;
    for (let i = p; i < sample; i++) sum += Math.abs(mag[i] - mag[i - p]);
    return sum / (sample - p);
  };
  const candidates: number[] = [];
  for (let p = 4; p <= Math.min(65536, sample >> 1); p++) if (count % p === 0) candidates.push(p);
  const scores = candidates.map(score);
  const best = Math.min(...scores);
  if (candidates.length === 0 || !(best < score(1))) return 1;
  return candidates[scores.findIndex((s) => s <= best * 1.03 + 1e-9)];
};
