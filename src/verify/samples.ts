/**
 * The files a referee run uses. Each sample is one array: its bytes as the server target receives
 * them (raw, no shape) and as a .npy file for the CLI targets (raw .bf16 files become '<u2' arrays,
 * shaped [rows, cols] when the name ends in _ROWSxCOLS; .npy files are used as they are).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseNpyHeader } from "../io/npy.js";
import { VerifyError } from "./errors.js";

export interface Sample {
  readonly name: string;
  /** The array's bytes: what the server target receives and what the score's original size counts. */
  readonly raw: Uint8Array;
  /** A .npy file holding the array: what the CLI targets receive. */
  readonly npy: Uint8Array;
}

const SAMPLE_EXTENSIONS = new Set([".bf16", ".bin", ".raw", ".npy"]);

/** A .npy (format 1.0) file: magic, header dict padded with spaces to a multiple of 64 bytes, data. */
export const npyFile = (descr: string, shape: readonly number[], data: Uint8Array, fortranOrder = false): Uint8Array => {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? "True" : "False"}, 'shape': ${dims}, }`;
  const padded = dict + " ".repeat(63 - ((10 + dict.length) % 64)) + "\n";
  const head = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), Buffer.alloc(2), Buffer.from(padded, "latin1")]);
  head.writeUInt16LE(padded.length, 8);
  return new Uint8Array(Buffer.concat([head, data]));
};

/** [rows, cols] from a name like x_512x256.bf16 when it matches the element count, else flat. */
const shapeFromName = (name: string, elements: number): number[] => {
  const m = /_(\d+)x(\d+)\.[^.]+$/.exec(name);
  return m && Number(m[1]) * Number(m[2]) === elements ? [Number(m[1]), Number(m[2])] : [elements];
};

const sampleOf = (file: string): Sample => {
  const name = path.basename(file);
  const bytes = new Uint8Array(readFileSync(file));
  if (path.extname(file).toLowerCase() === ".npy") {
    let h;
    try {
      h = parseNpyHeader(bytes, bytes.length);
    } catch (e) {
      throw new VerifyError({ reason: "no-data", message: `${file}: ${(e as Error).message}` });
    }
    return { name, raw: bytes.subarray(h.headerLength), npy: bytes };
  }
  const npy =
    bytes.length % 2 === 0 ? npyFile("<u2", shapeFromName(name, bytes.length / 2), bytes) : npyFile("|u1", [bytes.length], bytes);
  return { name, raw: bytes, npy };
};

/** `count` indices spread evenly over `n` (all of them when count >= n), so a limit still samples every kind of file. */
export const spread = (n: number, count: number): number[] =>
  count >= n ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));

/** Samples from a folder (its .bf16/.bin/.raw/.npy files by name) or one file; `limit` picks files spread over the list. */
export const loadSamples = (data: string, limit?: number): Sample[] => {
  let files: string[];
  try {
    files = statSync(data).isDirectory()
      ? readdirSync(data)
          .filter((n) => SAMPLE_EXTENSIONS.has(path.extname(n).toLowerCase()))
          .sort()
          .map((n) => path.join(data, n))
      : [data];
  } catch (e) {
    throw new VerifyError({ reason: "no-data", message: `${data}: ${(e as Error).message}` });
  }
  const chosen = spread(files.length, limit ?? files.length).map((i) => files[i]);
  const samples = chosen.map(sampleOf).filter((s) => s.raw.length > 0);
  if (samples.length === 0) throw new VerifyError({ reason: "no-data", message: `${data}: no non-empty .bf16, .bin, .raw or .npy files` });
  return samples;
};
