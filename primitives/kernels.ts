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
