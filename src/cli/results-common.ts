/** What the search and results verbs (search, leaderboard, pareto, show) share: options, errors, formatting. */
import { existsSync } from "node:fs";
import { Cause, Effect, Exit } from "effect";
import { describe, parsePipeline, type PipelineJson } from "../codec/index.js";
import { DEFAULT_DB, openQueries, StoreError, type Queries, type RunRow } from "../../results/store.js";
import { SearchError } from "../../search/errors.js";
import { UsageError } from "./common.js";

export const DB_HELP = `results database (default ${DEFAULT_DB})`;

export type ResultsVerbError = SearchError | StoreError | UsageError;

/**
 * Adapts an Effect verb to a commander action: search and store failures are reported as one line
 * `evocodec: <reason>: <message>` with exit code 1; usage errors go to main.ts (exit 2).
 */
export const resultsAction =
  <A extends unknown[]>(verb: (...args: A) => Effect.Effect<void, ResultsVerbError>) =>
  async (...args: A): Promise<void> => {
    const exit = await Effect.runPromiseExit(verb(...args));
    if (Exit.isSuccess(exit)) return;
    const e = Cause.squash(exit.cause);
    if (e instanceof SearchError || e instanceof StoreError) {
      process.stderr.write(`evocodec: ${e.reason}: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  };

/** Opens an existing database read-only for the duration of `f`. */
export const withQueries = <A>(db: string | undefined, f: (q: Queries) => A): Effect.Effect<A, StoreError> =>
  Effect.acquireUseRelease(
    Effect.try({
      try: () => {
        const file = db ?? DEFAULT_DB;
        if (!existsSync(file)) throw new StoreError({ reason: "not-found", message: `no results database at ${file} (run \`evocodec search\` first, or pass --db)` });
        return openQueries(file, { readonly: true });
      },
      catch: (e) => (e instanceof StoreError ? e : new StoreError({ reason: "open-failed", message: (e as Error).message })),
    }),
    (q) => Effect.try({ try: () => f(q), catch: (e) => (e instanceof StoreError ? e : new StoreError({ reason: "query-failed", message: (e as Error).message })) }),
    (q) => Effect.sync(() => q.close()),
  );

/** The run a results verb is about: --run R, else the latest run with a completed generation. */
export const chooseRun = (q: Queries, run: number | undefined): RunRow => {
  const row = run === undefined ? q.latestRun() : q.run(run);
  if (!row) throw new StoreError({ reason: "not-found", message: run === undefined ? "no run has completed a generation yet" : `no run ${run}` });
  return row;
};

export const positiveInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError({ message: `${name} must be a positive integer, got "${v}"` });
  return n;
};

export const nonNegativeInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError({ message: `${name} must be a non-negative integer, got "${v}"` });
  return n;
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "10m", "1.5h", "500ms"; a bare number is seconds. Milliseconds. */
export const parseDuration = (name: string) => (v: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError({ message: `${name} must be a duration such as 90s, 10m or 1h, got "${v}"` });
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]);
};

export const formatDuration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
};

/** Milliseconds from seconds, with sensible precision. */
export const ms = (sec: number): string => {
  const v = sec * 1000;
  return v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : v.toFixed(0);
};

/** compressed/original with its factor: "0.6320 (1.58x)". */
export const ratioText = (ratio: number): string => `${ratio.toFixed(4)} (${(1 / Math.max(ratio, 1e-9)).toFixed(2)}x)`;

export const describeGenome = (g: PipelineJson): string => describe(parsePipeline(g));

/** The size and speed columns of the leaderboard and the Pareto front tables. */
export const COST_HEADERS = ["ratio", "factor", "py ms/file", "ts ms"];
export const costCells = (ratio: number, predictedPySec: number, tsSec: number): string[] => [
  ratio.toFixed(4),
  `${(1 / ratio).toFixed(3)}x`,
  ms(predictedPySec),
  ms(tsSec),
];

/** The --run option of the verbs about one run (commander's option arguments). */
export const RUN_OPTION = ["--run <id>", "run id (default: the latest run with a completed generation)", positiveInt("--run")] as const;
