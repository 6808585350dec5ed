/**
 * Runs a CLI-target solution as the validator does: task JSON files holding base64 .npy (or blob)
 * data, `python solution.py --compress|--decompress --input-file task.json`, timing each run from
 * spawn to exit. Single-task solutions get one run per file and operation; batch solutions one
 * run per operation over all files, and each file is charged an equal share of the batch time.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Effect } from "effect";
import { parseNpyHeader } from "../io/npy.js";
import { VerifyError } from "./errors.js";
import { lastLine, runTimed } from "./process.js";
import { differenceMessage, type FileRun } from "./result.js";
import type { Sample } from "./samples.js";

export interface CliOptions {
  readonly python: string;
  readonly batch: boolean;
  readonly runTimeoutMs: number;
}

/** Why the .npy the solution wrote does not hold the original array (same dtype, shape, order, bytes), if it does not. */
export const npyMismatch = (got: Uint8Array, want: Uint8Array): string | undefined => {
  let g;
  try {
    g = parseNpyHeader(got, got.length);
  } catch (e) {
    return `output is not a valid .npy file: ${(e as Error).message}`;
  }
  const w = parseNpyHeader(want, want.length);
  if (g.dtype.name !== w.dtype.name) return `output dtype ${g.dtype.name}, expected ${w.dtype.name}`;
  if (g.shape.join(",") !== w.shape.join(",")) return `output shape (${g.shape.join(", ")}), expected (${w.shape.join(", ")})`;
  if (g.fortranOrder !== w.fortranOrder) return `output fortran_order ${g.fortranOrder}, expected ${w.fortranOrder}`;
  return differenceMessage(got.subarray(g.headerLength), want.subarray(w.headerLength));
};

type Op = "compress" | "decompress";

interface Task {
  readonly name: string;
  readonly input: Record<string, string>;
  readonly output: string;
}

const task = (dir: string, name: string, op: Op, data: Uint8Array, index: number): Task => {
  const output = path.join(dir, `${index}.${op === "compress" ? "blob" : "npy"}`);
  const key = op === "compress" ? "data_to_compress_base64" : "data_to_decompress_base64";
  return { name, output, input: { [key]: Buffer.from(data).toString("base64"), expected_output_filepath: output } };
};

interface OpResult {
  readonly seconds: number;
  /** Per task: its output, or why there is none. */
  readonly outputs: readonly (Uint8Array | string)[];
}

/** Runs the tasks (one process each, or one batch) and collects their outputs; throws VerifyError when a run was killed. */
const runOp = async (solution: string, dir: string, op: Op, tasks: readonly Task[], opts: CliOptions): Promise<OpResult[]> => {
  const run = async (doc: unknown, file: string, names: string) => {
    const input = path.join(dir, file);
    writeFileSync(input, JSON.stringify(doc));
    const exit = await runTimed(opts.python, [solution, `--${op}`, "--input-file", input], opts.runTimeoutMs);
    if (exit.timedOut) throw new VerifyError({ reason: "solution-crashed", message: `--${op} on ${names} ran over ${opts.runTimeoutMs / 1000} s` });
    if (exit.signal) throw new VerifyError({ reason: "solution-crashed", message: `--${op} on ${names} was killed by ${exit.signal}: ${lastLine(exit.output)}` });
    return exit;
  };
  const collect = (t: Task, failure: string): Uint8Array | string =>
    existsSync(t.output) ? new Uint8Array(readFileSync(t.output)) : failure || `--${op} wrote no ${t.output}`;
  if (!opts.batch) {
    const out: OpResult[] = [];
    for (const t of tasks) {
      const exit = await run(t.input, `${op}-${path.basename(t.output)}.json`, t.name);
      const failure = exit.code === 0 ? "" : `--${op} exited ${exit.code}: ${lastLine(exit.output)}`;
      out.push({ seconds: exit.seconds, outputs: [exit.code === 0 ? collect(t, "") : failure] });
    }
    return out;
  }
  const exit = await run({ tasks: tasks.map((t) => ({ task_name: t.name, input: t.input })) }, `${op}-batch.json`, `a batch of ${tasks.length}`);
  const failure = exit.code === 0 ? "" : `--${op} batch exited ${exit.code}: ${lastLine(exit.output)}`;
  return [{ seconds: exit.seconds, outputs: tasks.map((t) => collect(t, failure)) }];
};

export const runCliTarget = (solution: string, samples: readonly Sample[], opts: CliOptions): Effect.Effect<FileRun[], VerifyError> =>
  Effect.acquireUseRelease(
    Effect.sync(() => mkdtempSync(path.join(tmpdir(), "evocodec-verify-"))),
    (dir) =>
      Effect.tryPromise({
        try: async () => {
          const comp = await runOp(solution, dir, "compress", samples.map((s, i) => task(dir, s.name, "compress", s.npy, i)), opts);
          const blobs = comp.flatMap((r) => r.outputs);
          const compSec = (i: number) => (opts.batch ? comp[0].seconds / samples.length : comp[i].seconds);
          const ok = samples.flatMap((s, i) => (typeof blobs[i] === "string" ? [] : [i]));
          const decomp = await runOp(solution, dir, "decompress", ok.map((i) => task(dir, samples[i].name, "decompress", blobs[i] as Uint8Array, i)), opts);
          const outputs = decomp.flatMap((r) => r.outputs);
          const decompSec = (k: number) => (opts.batch ? decomp[0].seconds / Math.max(1, ok.length) : decomp[k].seconds);
          return samples.map((s, i): FileRun => {
            const base = { file: s.name, originalBytes: s.raw.length, compressSec: compSec(i) };
            const blob = blobs[i];
            if (typeof blob === "string") return { ...base, compressedBytes: null, decompressSec: 0, bitExact: false, failure: "task-failed", error: blob };
            const k = ok.indexOf(i);
            const out = outputs[k];
            const done = { ...base, compressedBytes: blob.length, decompressSec: decompSec(k) };
            if (typeof out === "string") return { ...done, bitExact: false, failure: "task-failed", error: out };
            const mismatch = npyMismatch(out, s.npy);
            return mismatch ? { ...done, bitExact: false, failure: "not-bit-exact", error: mismatch } : { ...done, bitExact: true };
          });
        },
        catch: (e) => (e instanceof VerifyError ? e : new VerifyError({ reason: "solution-crashed", message: (e as Error).message })),
      }),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
  );
