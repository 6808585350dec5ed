/**
 * What the main thread and the evaluation workers exchange. The corpus lives in one
 * SharedArrayBuffer: a task carries the buffer (structured clone shares it, nothing is copied)
 * and the file boundaries, and workers read the files through views.
 */
import { pathToFileURL } from "node:url";
import path from "node:path";
import { waitAsync } from "../primitives/backends/native-guard.js";
import { registerPrimitive } from "../primitives/index.js";
import type { Primitive } from "../src/codec/primitive.js";
import type { PipelineJson } from "../src/codec/pipeline.js";
import type { FileEvaluation } from "../results/store.js";
import type { Corpus, CorpusFile } from "./fitness.js";

export interface SharedCorpus {
  readonly fingerprint: string;
  readonly buffer: SharedArrayBuffer;
  readonly files: readonly { readonly name: string; readonly offset: number; readonly length: number }[];
}

/** Copies the corpus once into shared memory. */
export const shareCorpus = (corpus: Corpus): SharedCorpus => {
  const buffer = new SharedArrayBuffer(corpus.totalBytes);
  const view = new Uint8Array(buffer);
  let offset = 0;
  const files = corpus.files.map((f) => {
    view.set(f.bytes, offset);
    const entry = { name: f.name, offset, length: f.bytes.length };
    offset += f.bytes.length;
    return entry;
  });
  return { fingerprint: corpus.fingerprint, buffer, files };
};

export const corpusViews = (shared: SharedCorpus): CorpusFile[] =>
  shared.files.map((f) => ({ name: f.name, bytes: new Uint8Array(shared.buffer, f.offset, f.length) }));

export interface EvalTask {
  readonly genome: PipelineJson;
  readonly corpus: SharedCorpus;
  /** Run the correctness gate first (new genomes); a re-measure of a known genome skips it. */
  readonly gate: boolean;
  /** Seed of the gate's property runs (derived from the run seed and the genome hash). */
  readonly gateSeed: number;
  /** Timing repeats per file (the minimum is kept). */
  readonly repeats: number;
  /** Stop (reason "slow") once encode + decode over the files so far passes this many seconds. */
  readonly giveUpSec?: number;
  /**
   * Shared flag the worker sets (and notifies) when it starts on the task, so the pool's timeout
   * counts from then: time waiting in the queue or for a replacement thread to boot is not the genome's.
   */
  readonly started?: Int32Array;
  /** Shared with the pool so it never terminates the worker inside a native call (primitives/backends/native-guard.ts). */
  readonly nativeGuard?: Int32Array;
}

/** Called by the worker as it starts a task. */
export const markStarted = (task: EvalTask): void => {
  if (!task.started) return;
  Atomics.store(task.started, 0, 1);
  Atomics.notify(task.started, 0);
};

/** Resolves once the worker has marked the task started. */
export const whenStarted = (flag: Int32Array): Promise<void> => {
  const r = waitAsync(flag, 0, 0);
  return r.async ? (r.value as Promise<string>).then(() => undefined) : Promise.resolve();
}

export type EvalReply =
  | { readonly kind: "ok"; readonly files: FileEvaluation[] }
  | { readonly kind: "gate-failed"; readonly message: string; readonly counterexample: unknown }
  | { readonly kind: "failed"; readonly reason: "throw" | "roundtrip" | "slow"; readonly message: string };

/**
 * Registers the primitives exported (default export: Primitive[]) by each module. Tests use it to
 * put fault-injecting primitives into both the main thread and the workers.
 */
export const loadExtraPrimitives = async (modules: readonly string[]): Promise<void> => {
  for (const m of modules) {
    const mod = (await import(pathToFileURL(path.resolve(m)).href)) as { default: readonly Primitive[] };
    for (const p of mod.default) registerPrimitive(p);
  }
};
