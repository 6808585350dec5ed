/**
 * Helpers shared by the context primitives (transpose, row-xor, row-eq, column-ref, column-reorder,
 * row-ref-xor), which see a flat stream of `width`-byte elements as a row-major [rows, cols]
 * matrix: rows = tokens, cols (the period) = channels.
 */
import fc from "fast-check";
import { fail } from "../src/codec/errors.js";
import { int } from "../src/codec/primitive.js";
import { detectPeriod, u16View } from "./kernels.js";

/** Largest row length a frame may state (detectPeriod never proposes more). */
export const PERIOD_MAX = 65536;

export const widthParam = () => int(1, 2, 2, "element width in bytes");
export const periodParam = (what: string) => int(0, PERIOD_MAX, 0, `${what} in elements; 0 = auto (detectPeriod, the detected value is recorded)`);

/** Row lengths worth testing: auto, small (several rows in short inputs), now and then huge. */
export const periodArbitrary: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 48 }) },
  { weight: 1, arbitrary: fc.integer({ min: 49, max: PERIOD_MAX }) },
);
export const widthArbitrary: fc.Arbitrary<number> = fc.constantFrom(1, 2);

/** The row length to use: the stated one, or the detected one when 0 (auto). */
export const resolvePeriod = (input: Uint8Array, width: number, period: number): number =>
  period === 0 ? detectPeriod(input, width as 1 | 2) : period;

/** Row lengths tried when detection finds no period (see withRowFallback). */
const FALLBACK_ROW = { min: 16, max: 256 };

/**
 * A detected period, or where detection finds none (1: no channel structure seen, e.g. in
 * gradients) the largest divisor of the element count from 16 to 256. Rows of one element each
 * would leave nothing for a row-reference search, yet rows of tokens repeat even where channels
 * show no scale (a row length off the true one still finds most of them).
 */
export const withRowFallback = (detected: number, count: number): number => {
  if (detected > 1) return detected;
  for (let c = Math.min(FALLBACK_ROW.max, count); c >= FALLBACK_ROW.min; c--) if (count % c === 0) return c;
  return detected;
};

/** Like resolvePeriod, for primitives that work on whole rows: never 1 when a fallback row divides the data. */
export const resolveRowPeriod = (input: Uint8Array, width: number, period: number): number =>
  period === 0 ? withRowFallback(detectPeriod(input, width as 1 | 2), Math.floor(input.length / width)) : period;

/** A frame records resolved values only, so a decoder seeing 0 (auto) refuses it. */
export const requireResolved = (who: string, key: string, value: number): number =>
  value > 0 ? value : fail("bad-params", `${who}: ${key} = 0 (auto) in a frame; encoders record the detected value`);

/** Bits needed to store values 0..maxValue (at least 1). */
export const bitsFor = (maxValue: number): number => Math.max(1, 32 - Math.clz32(maxValue));

/** Bytes of zero padding that bring `length` to a multiple of `unit`. */
export const padTo = (length: number, unit: number): number => (unit - (length % unit)) % unit;

/** Fails unless bytes [from, to) of `b` are zero (padding must be canonical). */
export const expectZero = (who: string, b: Uint8Array, from: number, to: number): void => {
  for (let i = from; i < to; i++) if (b[i] !== 0) fail("corrupt-payload", `${who}: nonzero padding byte at ${i}`);
};

/**
 * The layout of the u16 context transforms' output: `head`, zero padding to an even length, then
 * as many u16 elements as `input` holds (x = u16View(input)) and its odd tail byte (copied here).
 * Returns the buffer and an aligned view of its body for the caller to fill.
 */
export const prefixedBody = (head: Uint8Array, input: Uint8Array, x: Uint16Array): { out: Uint8Array; y: Uint16Array } => {
  const start = head.length + padTo(head.length, 2);
  const out = new Uint8Array(start + input.length);
  out.set(head);
  if (input.length & 1) out[out.length - 1] = input[input.length - 1];
  return { out, y: new Uint16Array(out.buffer, start, x.length) };
};

/** Decoder side: the body of d from `start` (even) as u16 elements y, and an output buffer (odd tail byte copied) with its view x to fill. */
export const bodyAfterPrefix = (d: Uint8Array, start: number): { out: Uint8Array; x: Uint16Array; y: Uint16Array } => {
  const body = d.subarray(start);
  const y = u16View(body);
  const out = new Uint8Array(body.length);
  if (body.length & 1) out[out.length - 1] = body[body.length - 1];
  return { out, x: new Uint16Array(out.buffer, 0, y.length), y };
};

const MODE_BLOCK = 256; // columns per histogram pass: 256 x 256 counters stay in cache

/**
 * Most common value of each column of `symbols` seen as rows of `cols` values (the last row may be
 * partial); ties go to the smallest value, an empty column gets 0. Mirrors `column_modes` below.
 */
export const columnModes = (symbols: Uint8Array, cols: number): Uint8Array => {
  const modes = new Uint8Array(cols);
  const hist = new Int32Array(MODE_BLOCK * 256);
  for (let c0 = 0; c0 < cols; c0 += MODE_BLOCK) {
    const span = Math.min(MODE_BLOCK, cols - c0);
    hist.fill(0);
    for (let start = c0; start < symbols.length; start += cols) {
      const end = Math.min(start + span, symbols.length);
      for (let j = start, h = 0; j < end; j++, h += 256) hist[h + symbols[j]]++;
    }
    for (let c = 0; c < span; c++) {
      const h = c * 256;
      let best = 0;
      for (let v = 1; v < 256; v++) if (hist[h + v] > hist[h + best]) best = v;
      modes[c0 + c] = best;
    }
  }
  return modes;
};

/**
 * Per-column majority sign and modal exponent (columnModes of the sign bits and exponent bytes) of
 * bf16 elements seen as rows of `cols`. Mirrors `bf16_column_modes` in core.py.
 */
export const bf16ColumnModes = (v: Uint16Array, cols: number): { sign: Uint8Array; exponent: Uint8Array } => {
  const signs = new Uint8Array(v.length);
  const exponents = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    signs[i] = x >>> 15;
    exponents[i] = (x >>> 7) & 0xff;
  }
  return { sign: columnModes(signs, cols), exponent: columnModes(exponents, cols) };
};
