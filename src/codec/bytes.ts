import { fail } from "./errors.js";

/** Growable byte sink with LEB128 unsigned varints (the frame's only integer encoding). */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;
  constructor(initial = 64) {
    this.buf = new Uint8Array(initial);
  }
  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): this {
    this.reserve(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint out of range: ${v}`);
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  get length(): number {
    return this.len;
  }
  /** The bytes written, in memory of their own. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
  /**
   * The bytes written as a view of the writer's buffer, without a copy (a big payload copied in
   * fresh memory costs its page faults): for a writer that is done, whose view outlives it.
   */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Bounds-checked reader: every read is validated against the remaining input, never trusted. */
export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array, private readonly what = "frame") {}
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  byte(): number {
    if (this.pos >= this.buf.length) fail("truncated", `${this.what}: unexpected end of input at byte ${this.pos}`);
    return this.buf[this.pos++];
  }
  /** Unsigned LEB128, at most 7 bytes (< 2^49), so it always fits a safe integer. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 0x80;
    }
    return fail("corrupt-payload", `${this.what}: varint longer than 7 bytes at byte ${this.pos}`);
  }
  /** A varint that is a length of something still to be read from this input. */
  lengthWithin(limit: number, label: string): number {
    const n = this.varint();
    if (n > limit) fail("length-mismatch", `${this.what}: ${label} ${n} exceeds limit ${limit}`);
    return n;
  }
  take(n: number): Uint8Array {
    if (n > this.remaining) fail("truncated", `${this.what}: needs ${n} bytes at ${this.pos}, only ${this.remaining} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
