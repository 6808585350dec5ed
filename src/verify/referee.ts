/**
 * The local referee: runs a solution file the way the validator does (through its target's
 * interface), runs the official baseline (zstd.compress(data, 3), emitted for the same target)
 * on the same files, and scores both with the official formula.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Effect } from "effect";
import { solutionMeta, solutionSource, type SolutionMeta, type Target } from "../emit/solution.js";
import { runCliTarget } from "./cli.js";
import { VerifyError } from "./errors.js";
import type { FileRun } from "./result.js";
import { loadSamples, type Sample } from "./samples.js";
import { fileScore, mean, scoreThreshold } from "./score.js";
import { runServers, runServerTarget, type ServerOptions } from "./server.js";

export interface VerifyOptions {
  readonly solution: string;
  readonly data: string;
  readonly python: string;
  /** Defaults to the target the solution's header names, else apex-server. */
  readonly target?: Target;
  readonly scoreToBeat?: number;
  readonly limit?: number;
  /** Round trips per file for the server target (median times); 1 like the validator. */
  readonly repeat?: number;
  /** Also run the official baseline (default true). */
  readonly baseline?: boolean;
}

export interface ScoredRun extends FileRun {
  readonly ratio: number | null;
  readonly timeSec: number;
  readonly score: number;
}

export interface Summary {
  readonly meanScore: number;
  /** Mean over files of compressed / original (failed files excluded). */
  readonly meanRatio: number;
  /** Mean compress + decompress seconds per file. */
  readonly meanTimeSec: number;
  readonly bitExact: boolean;
  readonly files: readonly ScoredRun[];
}

export interface VerifyReport {
  readonly solution: string;
  readonly target: Target;
  readonly data: string;
  readonly python: string;
  readonly meta: SolutionMeta | undefined;
  readonly result: Summary;
  readonly baseline: Summary | undefined;
  readonly scoreToBeat: number | undefined;
  /** max(baseline mean, score to beat) * 1.01: what the mean must reach to take the lead. */
  readonly threshold: number;
  readonly clears: boolean;
}

const scored = (r: FileRun): ScoredRun => {
  const timeSec = r.compressSec + r.decompressSec;
  const ok = r.bitExact && r.compressedBytes !== null;
  return {
    ...r,
    timeSec,
    ratio: r.compressedBytes === null ? null : r.compressedBytes / r.originalBytes,
    score: ok ? fileScore(r.originalBytes, r.compressedBytes!, timeSec) : 0,
  };
};

export const summarize = (runs: readonly FileRun[]): Summary => {
  const files = runs.map(scored);
  const sized = files.filter((f) => f.ratio !== null);
  return {
    meanScore: mean(files.map((f) => f.score)),
    meanRatio: mean(sized.map((f) => f.ratio!)),
    meanTimeSec: mean(files.map((f) => f.timeSec)),
    bitExact: files.every((f) => f.bitExact),
    files,
  };
};

/** The interpreter has every module the target's generated code imports (the sandbox's, as far as they are used). */
export const checkInterpreter = (python: string, target: Target): void => {
  const modules = ["numpy", "zstd", "zstandard", ...(target === "apex-server" ? ["fastapi", "uvicorn", "multipart"] : [])];
  const r = spawnSync(python, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new VerifyError({
      reason: "python-missing",
      message: `${python} cannot import ${modules.join(", ")}: ${r.error?.message ?? r.stderr.trim().split("\n").pop()} (use --python)`,
    });
};

const serverOptions = (opts: VerifyOptions): ServerOptions => ({ python: opts.python, repeat: Math.max(1, opts.repeat ?? 1), startTimeoutMs: 60_000, requestTimeoutMs: 120_000 });

const runTarget = (file: string, target: Target, samples: readonly Sample[], opts: VerifyOptions): Effect.Effect<FileRun[], VerifyError> =>
  target === "apex-server"
    ? runServerTarget(file, samples, serverOptions(opts))
    : runCliTarget(file, samples, { python: opts.python, batch: target === "apex-cli-batch", runTimeoutMs: 300_000 });

const baselineFailed = (e: VerifyError): VerifyError => new VerifyError({ reason: "baseline-failed", message: `the baseline solution failed: ${e.message}` });

/** The official baseline for `target`, written to a temporary folder for `use` and removed after. */
const withBaseline = <A>(target: Target, use: (file: string) => Effect.Effect<A, VerifyError>): Effect.Effect<A, VerifyError> =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(path.join(tmpdir(), "evocodec-baseline-"));
      const file = path.join(dir, "baseline_solution.py");
      writeFileSync(file, solutionSource({ kind: "baseline" }, target));
      return { dir, file };
    }),
    ({ file }) => use(file),
    ({ dir }) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
  );

/**
 * The solution's runs and the baseline's (none with `baseline: false`). Servers run side by side,
 * each file through both in turn (runServers); CLI targets run the solution, then the baseline.
 */
const runWithBaseline = (solution: string, target: Target, samples: readonly Sample[], opts: VerifyOptions): Effect.Effect<{ result: FileRun[]; baseline?: FileRun[] }, VerifyError> => {
  if (opts.baseline === false) return runTarget(solution, target, samples, opts).pipe(Effect.map((result) => ({ result })));
  if (target === "apex-server")
    return withBaseline(target, (file) =>
      runServers([{ file: solution }, { file, failure: baselineFailed }], samples, serverOptions(opts)).pipe(Effect.map(([result, baseline]) => ({ result, baseline }))),
    );
  return Effect.gen(function* () {
    const result = yield* runTarget(solution, target, samples, opts);
    const baseline = yield* withBaseline(target, (file) => runTarget(file, target, samples, opts).pipe(Effect.mapError(baselineFailed)));
    return { result, baseline };
  });
};

/** Runs solution and baseline; fails only when a run could not complete (crash, missing data or interpreter). */
export const referee = (opts: VerifyOptions): Effect.Effect<VerifyReport, VerifyError> =>
  Effect.gen(function* () {
    const source = yield* Effect.try({
      try: () => readFileSync(opts.solution, "utf8"),
      catch: (e) => new VerifyError({ reason: "bad-solution", message: `${opts.solution}: ${(e as Error).message}` }),
    });
    const meta = solutionMeta(source);
    const target = opts.target ?? meta?.target ?? "apex-server";
    yield* Effect.try({ try: () => checkInterpreter(opts.python, target), catch: (e) => e as VerifyError });
    const samples = yield* Effect.try({ try: () => loadSamples(opts.data, opts.limit), catch: (e) => e as VerifyError });
    const runs = yield* runWithBaseline(path.resolve(opts.solution), target, samples, opts);
    const result = summarize(runs.result);
    const baseline = runs.baseline && summarize(runs.baseline);
    const threshold = scoreThreshold(baseline?.meanScore ?? 0, opts.scoreToBeat);
    return {
      solution: opts.solution,
      target,
      data: opts.data,
      python: opts.python,
      meta,
      result,
      baseline,
      scoreToBeat: opts.scoreToBeat,
      threshold,
      clears: result.bitExact && result.meanScore > 0 && result.meanScore >= threshold,
    };
  });

/** The failure a report amounts to: a file that failed or is not bit-exact (solution first), else none. */
export const verdict = (report: VerifyReport): VerifyError | undefined => {
  const judge = (s: Summary, who: string): VerifyError | undefined => {
    const bad = s.files.filter((f) => !f.bitExact);
    if (bad.length === 0) return undefined;
    const first = bad[0];
    const reason = who === "baseline" ? "baseline-failed" : (first.failure ?? "not-bit-exact");
    const what = first.failure === "task-failed" ? "failed" : "not bit-exact";
    return new VerifyError({
      reason,
      message: `${who}: ${bad.length} of ${s.files.length} files ${what} (first: ${first.file}: ${first.error ?? "differs"})`,
    });
  };
  return judge(report.result, path.basename(report.solution)) ?? (report.baseline ? judge(report.baseline, "baseline") : undefined);
};
