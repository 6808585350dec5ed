/**
 * Deterministic random numbers for the search: mulberry32 (32-bit state, period 2^32).
 * The whole state is one uint32, so `new Rng(rng.state())` resumes the exact sequence
 * (a run can store it in SQLite and continue bit-for-bit).
 */
const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/** murmur3 finaliser: spreads nearby integers over the whole 32-bit range. */
const mix32 = (x: number): number => {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
};

export class Rng {
  private s: number;
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    this.s = Math.trunc(seed) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new RangeError(`Rng.int(${lo}, ${hi})`);
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError("Rng.pick from an empty list");
    return xs[this.int(0, xs.length - 1)];
  }
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /**
   * An independent stream named by `label`, derived from the current state without advancing it:
   * the same state and label always give the same child, different labels decorrelated children.
   */
  fork(label: string): Rng {
    return new Rng(mix32(this.s ^ mix32(fnv1a(label) + 0x9e3779b9)));
  }
  /** The full state; `new Rng(state)` continues from here. */
  state(): number {
    return this.s;
  }
}
