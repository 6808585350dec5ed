/**
 * `evocodec verify solution.py --data D [--python PATH] [--target T] [--score-to-beat X] [--limit N]
 * [--repeat N] [--json] [--db FILE] [--no-record] [--no-baseline]`: the local referee. Runs the
 * solution through its Apex interface and the official baseline the same way, prints per file
 * ratio, time and score against the baseline, and stores the result next to the genome.
 * Exit 1 (one line on stderr) when a file is not bit-exact, a task fails or the solution crashes.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { Effect } from "effect";
import { describe, parsePipeline } from "../codec/index.js";
import { isTarget, TARGETS, type Target } from "../emit/index.js";
import { defaultPython } from "../python/interpreter.js";
import { referee, verdict, type Summary, type VerifyReport } from "../verify/referee.js";
import { fileClears, reportJson } from "../verify/report.js";
import { VerifyError } from "../verify/errors.js";
import { DEFAULT_DB, StoreError } from "../../results/store.js";
import { recordReport } from "../verify/record.js";
import { formatBytes, out, table, UsageError } from "./common.js";
import { typedAction } from "./typed-action.js";

interface VerifyCliOptions {
  readonly data: string;
  readonly python?: string;
  readonly target?: string;
  readonly scoreToBeat?: string;
  readonly limit?: string;
  readonly repeat?: string;
  readonly json?: boolean;
  readonly db?: string;
  readonly record: boolean;
  readonly baseline: boolean;
}

const positive = (v: string | undefined, flag: string, integer: boolean): Effect.Effect<number | undefined, UsageError> => {
  if (v === undefined) return Effect.succeed(undefined);
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && (!integer || (Number.isInteger(n) && n > 0))
    ? Effect.succeed(n)
    : Effect.fail(new UsageError({ message: `${flag} must be a ${integer ? "positive integer" : "non-negative number"}, got "${v}"` }));
};

const f4 = (x: number): string => x.toFixed(4);
const ms = (sec: number): string => (sec * 1000).toFixed(1);

const printReport = (r: VerifyReport): void => {
  const codec = r.meta?.pipeline ? describe(parsePipeline(r.meta.pipeline)) : r.meta?.codec ?? "unknown codec";
  out(`verify ${r.solution} (${r.target}, ${codec}) on ${r.result.files.length} files of ${r.data} with ${r.python}`);
  const b = r.baseline;
  const rows = r.result.files.map((f, i) => [
    f.file,
    formatBytes(f.originalBytes),
    f.ratio === null ? "-" : f4(f.ratio),
    ms(f.timeSec),
    f.bitExact ? f4(f.score) : "FAIL",
    ...(b ? [b.files[i].ratio === null ? "-" : f4(b.files[i].ratio!), ms(b.files[i].timeSec), f4(b.files[i].score), fileClears(r, i) ? "yes" : "no"] : []),
  ]);
  const mean = (s: Summary) => [f4(s.meanRatio), ms(s.meanTimeSec), f4(s.meanScore)];
  rows.push(["mean", "", ...mean(r.result), ...(b ? [...mean(b), r.clears ? "yes" : "no"] : [])]);
  const header = ["file", "bytes", "ratio", "ms", "score", ...(b ? ["base ratio", "base ms", "base score", "clears"] : [])];
  table(header, rows).forEach((l) => out(l));
  out("(ratio = compressed/original; ms = compress + decompress wall time; base = zstd.compress(data, 3) through the same interface)");
  if (b) {
    const stb = r.scoreToBeat === undefined ? "" : `, score to beat ${f4(r.scoreToBeat)}`;
    out(
      `score ${f4(r.result.meanScore)} vs baseline ${f4(b.meanScore)} (${b.meanScore > 0 ? (r.result.meanScore / b.meanScore).toFixed(2) : "-"}x); ` +
        `to lead: >= ${f4(r.threshold)} = max(baseline${stb}) * 1.01 -> ${r.clears ? "CLEARS" : "does not clear"}`,
    );
    out(`time ${ms(r.result.meanTimeSec)} vs baseline ${ms(b.meanTimeSec)} ms per file (${b.meanTimeSec > 0 ? (r.result.meanTimeSec / b.meanTimeSec).toFixed(2) : "-"}x)`);
  }
  const exact = r.result.files.filter((f) => f.bitExact).length;
  out(`bit-exact: ${exact} of ${r.result.files.length} files`);
};

/** Records the verification when a database is at hand: --db, or the default one if it exists. */
const record = (r: VerifyReport, opts: VerifyCliOptions): Effect.Effect<string | undefined, StoreError> =>
  Effect.try({
    try: () => {
      const file = opts.db ?? DEFAULT_DB;
      if (!opts.record || (opts.db === undefined && !existsSync(file))) return undefined;
      const done = recordReport(r, file);
      return done && `recorded verification #${done.id} of genome ${done.genome} in ${file}` + (done.predicted ? ` (predicted score ${f4(done.predicted.score)})` : "");
    },
    catch: (e) => (e instanceof StoreError ? e : new StoreError({ reason: "query-failed", message: (e as Error).message })),
  });

const run = (solution: string, opts: VerifyCliOptions) =>
  Effect.gen(function* () {
    if (opts.target !== undefined && !isTarget(opts.target))
      return yield* Effect.fail(new UsageError({ message: `--target must be one of ${TARGETS.join(", ")}` }));
    const scoreToBeat = yield* positive(opts.scoreToBeat, "--score-to-beat", false);
    const limit = yield* positive(opts.limit, "--limit", true);
    const repeat = yield* positive(opts.repeat, "--repeat", true);
    const report = yield* referee({
      solution,
      data: opts.data,
      python: opts.python ?? defaultPython(),
      target: opts.target as Target | undefined,
      scoreToBeat,
      limit,
      repeat,
      baseline: opts.baseline,
    });
    if (opts.json) out(JSON.stringify(reportJson(report), null, 2));
    else printReport(report);
    const recorded = yield* record(report, opts);
    if (recorded && !opts.json) out(recorded);
    const failure = verdict(report);
    if (failure) return yield* Effect.fail<VerifyError>(failure);
  });

export const registerVerify = (program: Command): void => {
  program
    .command("verify")
    .description("local Apex referee: run a solution like the validator, check bit exactness, score it against the official baseline")
    .argument("<solution>", "solution.py (from evocodec emit, or any solution of the target's interface)")
    .requiredOption("--data <dir>", "folder of .bf16/.npy files (or one file)")
    .option("--python <path>", "interpreter (default: $EVOCODEC_PYTHON or /usr/bin/python3)")
    .option("--target <target>", `interface (default: what the solution's header says, else apex-server): ${TARGETS.join(" | ")}`)
    .option("--score-to-beat <score>", "the current top score (the solution must beat max(baseline, this) by 1%)")
    .option("--limit <n>", "use n files spread over the folder")
    .option("--repeat <n>", "server target: round trips per file, median time (default 1, like the validator)")
    .option("--json", "print the report as JSON (mean_score, baseline_mean_score, bit_exact, files[])")
    .option("--db <file>", `record the verification in this results database (default: ${DEFAULT_DB} when it exists)`)
    .option("--no-record", "do not record the verification")
    .option("--no-baseline", "do not run the official baseline")
    .action(typedAction(run));
};
