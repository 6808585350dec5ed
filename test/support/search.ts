/** Fixtures for the search tests: a small activation-like bf16 corpus on disk and database helpers. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Compiled test/support/faulty-primitives.js, for `extraPrimitives`. */
export const FAULTY_PRIMITIVES = path.join(path.dirname(fileURLToPath(import.meta.url)), "faulty-primitives.js");

/**
 * `files` raw [rows, cols] bf16 tensors with per-channel scale and sign bias (the structure the
 * primitives look for), deterministic in `seed`. Returns the directory.
 */
export const writeCorpus = (dir: string, files = 2, rows = 96, cols = 256, seed = 1): string => {
  mkdirSync(dir, { recursive: true });
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let f = 0; f < files; f++) {
    const colExp = Array.from({ length: cols }, () => 118 + Math.floor(rnd() * 10));
    const colNeg = Array.from({ length: cols }, () => rnd());
    const out = new Uint8Array(rows * cols * 2);
    for (let i = 0; i < rows * cols; i++) {
      const c = i % cols;
      const e = colExp[c] + Math.round((rnd() - 0.5) * 3);
      const v = (rnd() < colNeg[c] ? 0x8000 : 0) | (e << 7) | Math.floor(rnd() * 128);
      out[2 * i] = v & 0xff;
      out[2 * i + 1] = v >>> 8;
    }
    writeFileSync(path.join(dir, `t${f}_${rows}x${cols}.bf16`), out);
  }
  return dir;
};
