/**
 * What a genome is worth on a corpus: the corpus itself (loaded from raw .bf16, .npy or
 * .safetensors files and fingerprinted), the exact evaluation of one genome on every file (frame
 * bytes, encode/decode time in TS, verified round trip, the bytes every node saw) and the
 * `Scored` record selection works with, whose Python time comes from the calibrated cost model.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodeFrame, encodeFrame, type PipelineNode, type StreamStat } from "../src/codec/index.js";
import { formatFromPath, parseLayout } from "../src/io/layout.js";
import type { FileEvaluation, NodeStat } from "../results/store.js";
import { searchFail } from "./errors.js";

export interface CorpusFile {
  /** Unique within the corpus: the file name, plus `:tensor` for tensors of npy/safetensors files. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface Corpus {
  readonly fingerprint: string;
  readonly files: readonly CorpusFile[];
  readonly totalBytes: number;
}

/** sha256 over every file's name, length and contents, in corpus order (first 16 bytes, hex). */
export const corpusFingerprint = (files: readonly CorpusFile[]): string => {
  const h = createHash("sha256");
  const len = Buffer.alloc(8);
  for (const f of files) {
    h.update(f.name, "utf8").update("\0");
    len.writeBigUInt64LE(BigInt(f.bytes.length));
    h.update(len).update(f.bytes);
  }
  return h.digest("hex").slice(0, 32);
};

export const makeCorpus = (files: readonly CorpusFile[]): Corpus => {
  if (files.length === 0) searchFail("bad-corpus", "the corpus has no files");
  const names = new Set(files.map((f) => f.name));
  if (names.size !== files.length) searchFail("bad-corpus", "two corpus files have the same name");
  return { fingerprint: corpusFingerprint(files), files, totalBytes: files.reduce((a, f) => a + f.bytes.length, 0) };
};

const CORPUS_EXTENSIONS = new Set([".bf16", ".bin", ".raw", ".npy", ".safetensors"]);

/** The bf16 streams of one file: the whole file when raw, each bf16 tensor of an npy/safetensors file. */
const filesOf = (file: string, name: string): CorpusFile[] => {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    return searchFail("bad-corpus", `${file}: ${(e as Error).message}`);
  }
  const format = formatFromPath(file);
  if (format === "raw") return [{ name, bytes }];
  let layout;
  try {
    layout = parseLayout(format, bytes, bytes.length);
  } catch (e) {
    return searchFail("bad-corpus", `${file}: ${(e as Error).message}`);
  }
  const tensors = layout.tensors.filter((t) => t.dtype.kind === "bf16" && t.end > t.begin);
  if (tensors.length === 0) searchFail("bad-corpus", `${file}: no bf16 tensor (the search works on bf16)`);
  return tensors.map((t) => ({
    name: format === "npy" ? name : `${name}:${t.name}`,
    bytes: bytes.subarray(layout.headerLength + t.begin, layout.headerLength + t.end),
  }));
};

/** `n` files spread evenly over the list (every k-th), so a sample covers the whole corpus. */
export const spreadSample = <T>(xs: readonly T[], n: number): T[] =>
  n >= xs.length ? [...xs] : Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]);

/**
 * Loads the corpus from directories (their .bf16/.bin/.raw/.npy/.safetensors files, sorted by name)
 * and files, in the order given. Names are relative to the directory (or the file's base name).
 * `sample` keeps that many streams spread evenly over the whole list.
 */
/** The compiled codec (primitives and frame code) beside this file: what decides an evaluation's bytes. */
const CODEC_DIRS = ["primitives", path.join("src", "codec")].map((d) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", d));

const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith(".js") ? [path.join(dir, e.name)] : []))
    .sort();

let buildHash: string | undefined;
/** Hash of the compiled codec's sources; evaluations are cached per build (results/store.ts). */
export const codecBuildHash = (): string => {
  if (buildHash === undefined) {
    const h = createHash("sha256");
    for (const file of CODEC_DIRS.flatMap(jsFiles)) h.update(path.basename(file)).update("\0").update(readFileSync(file)).update("\0");
    buildHash = h.digest("hex").slice(0, 16);
  }
  return buildHash;
};

export const loadCorpus = (inputs: readonly string[], sample?: number): Corpus => {
  const out: CorpusFile[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      return searchFail("bad-corpus", `${input}: ${(e as Error).message}`);
    }
    if (st.isDirectory()) {
      const names = readdirSync(input)
        .filter((n) => CORPUS_EXTENSIONS.has(path.extname(n).toLowerCase()))
        .sort();
      if (names.length === 0) searchFail("bad-corpus", `${input}: no .bf16, .npy or .safetensors files`);
      for (const n of names) out.push(...filesOf(path.join(input, n), n));
    } else out.push(...filesOf(input, path.basename(input)));
  }
  return makeCorpus(sample === undefined ? out : spreadSample(out, Math.max(1, sample)));
};

/** Pre-order list of what every node saw while encoding. */
export const nodeStats = (stat: StreamStat): NodeStat[] => [
  { op: stat.node.prim.name, inputBytes: stat.inputBytes, payloadBytes: stat.payloadBytes },
  ...stat.children.flatMap(nodeStats),
];

/** A genome that threw, or whose decode differs from its input, on one file. */
export class EvaluationFailure extends Error {
  constructor(
    readonly reason: "throw" | "roundtrip" | "slow",
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

const sameBytes = (a: Uint8Array, b: Uint8Array): number => {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
    ? -1
    : a.findIndex((x, i) => x !== b[i]);
};

/** Encode+decode timings of one file (seconds, minimum over `repeats`), verifying the round trip each time. */
const measureFile = (pipeline: PipelineNode, file: CorpusFile, repeats: number): FileEvaluation => {
  let encodeSec = Infinity;
  let decodeSec = Infinity;
  let frameBytes = 0;
  let streams: NodeStat[] = [];
  for (let r = 0; r < repeats; r++) {
    let frame: Uint8Array;
    let decoded: Uint8Array;
    try {
      const t0 = process.hrtime.bigint();
      const enc = encodeFrame(pipeline, file.bytes);
      encodeSec = Math.min(encodeSec, seconds(t0));
      frame = enc.frame;
      if (r === 0) streams = nodeStats(enc.stats);
      const t1 = process.hrtime.bigint();
      decoded = decodeFrame(frame, Math.max(1 << 20, file.bytes.length * 8));
      decodeSec = Math.min(decodeSec, seconds(t1));
    } catch (e) {
      throw new EvaluationFailure("throw", file.name, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
    const diff = sameBytes(decoded, file.bytes);
    if (diff >= 0)
      throw new EvaluationFailure("roundtrip", file.name, `decoded ${decoded.length} bytes differ from the ${file.bytes.length} input bytes at byte ${diff}`);
    frameBytes = frame.length;
  }
  return {
    file: file.name,
    ok: true,
    originalBytes: file.bytes.length,
    compressedBytes: frameBytes,
    encodeSec,
    decodeSec,
    measurements: 1,
    streams,
  };
};

/**
 * Evaluates a pipeline on every file; throws EvaluationFailure on the first file it fails, or
 * ("slow") once its encode + decode time passes giveUpSec.
 */
export const evaluatePipeline = (pipeline: PipelineNode, files: readonly CorpusFile[], repeats = 1, giveUpSec = Infinity): FileEvaluation[] => {
  const out: FileEvaluation[] = [];
  let spent = 0;
  for (const f of files) {
    const e = measureFile(pipeline, f, Math.max(1, repeats));
    out.push(e);
    spent += e.encodeSec! + e.decodeSec!;
    if (spent > giveUpSec && out.length < files.length)
      throw new EvaluationFailure("slow", f.name, `stopped after ${out.length} of ${files.length} files: ${spent.toFixed(1)} s encoding and decoding, over the run's limit of ${giveUpSec.toFixed(1)} s`);
  }
  return out;
};

/** Corpus-level totals of a successful evaluation. */
export interface EvaluationTotals {
  readonly originalBytes: number;
  readonly compressedBytes: number;
  /** compressed / original (Apex's "compression"; lower is better). */
  readonly ratio: number;
  readonly encodeSec: number;
  readonly decodeSec: number;
}

export const totals = (files: readonly FileEvaluation[]): EvaluationTotals => {
  const originalBytes = files.reduce((a, f) => a + f.originalBytes, 0);
  const compressedBytes = files.reduce((a, f) => a + (f.compressedBytes ?? 0), 0);
  return {
    originalBytes,
    compressedBytes,
    ratio: originalBytes === 0 ? 1 : compressedBytes / originalBytes,
    encodeSec: files.reduce((a, f) => a + (f.encodeSec ?? 0), 0),
    decodeSec: files.reduce((a, f) => a + (f.decodeSec ?? 0), 0),
  };
};
