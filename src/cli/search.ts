/**
 * `evocodec search --data D [...]`: evolve pipelines on a corpus, recording everything in the
 * results database; `--resume RUN` continues a run that was killed or interrupted (or extends a
 * finished one with more generations or budget). A live progress line on a TTY, plain lines
 * otherwise, and a final summary (`--json`: the summary as JSON on stdout, progress on stderr).
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { Command, Option } from "commander";
import { Effect, Exit } from "effect";
import { DEFAULT_DB, ResultsStore } from "../../results/store.js";
import type { SearchError } from "../../search/errors.js";
import { absolutePaths, DEFAULT_CONFIG, defaultTimeoutMs, runInterruptible, runSearch, type RunConfig, type RunSummary, type ScoredSummary, type SearchEvent } from "../../search/run.js";
import { loadCorpus } from "../../search/fitness.js";
import { UsageError } from "./common.js";
import { corpusText, GenerationTally, generationCounts, LiveStatus } from "./live-status.js";
import { DB_HELP, describeGenome, formatDuration, ms, nonNegativeInt, parseDuration, positiveInt, ratioText, resultsAction } from "./results-common.js";

interface Options {
  readonly data?: string[];
  readonly generations?: number;
  readonly population?: number;
  readonly budget?: number;
  readonly workers?: number;
  readonly seed?: number;
  readonly objective?: "apex" | "pareto";
  readonly resume?: number;
  readonly db?: string;
  readonly json?: boolean;
  readonly timeout?: number;
  readonly files?: number;
  readonly calibrate: boolean;
  readonly python?: string;
  readonly repeats?: number;
  readonly memory?: number;
  readonly verbose?: boolean;
  readonly extraPrimitives?: string[];
  readonly include?: string[];
  readonly exclude?: string[];
}

const best = (b: ScoredSummary): string =>
  `score ${b.score.toFixed(4)} ratio ${ratioText(b.ratio)} py ${ms(b.predictedPySec)} ms/file ts ${ms(b.tsSec)} ms`;

/** Progress rendering: one rewritten line on a TTY, plain lines otherwise. */
const reporter = (opts: Options) => {
  const stream = opts.json ? process.stderr : process.stdout;
  const out = new LiveStatus(stream, Boolean(stream.isTTY) && !opts.verbose);
  const tally = new GenerationTally();
  let lastGen: Extract<SearchEvent, { type: "generation" }> | undefined;
  let started = Date.now();
  let fresh = 0;
  const liveLine = () => {
    const elapsed = (Date.now() - started) / 1000;
    const b = lastGen ? `best ${lastGen.best.score.toFixed(4)} ratio ${lastGen.best.ratio.toFixed(4)}` : "best -";
    const eta = lastGen?.progress.etaMs != null ? ` | ETA ${formatDuration(lastGen.progress.etaMs)}` : "";
    out.status(`${tally} ${b} | ${(fresh / Math.max(elapsed, 1e-3)).toFixed(2)} eval/s | ${formatDuration(elapsed * 1000)}${eta}`);
  };
  return (e: SearchEvent) => {
    tally.see(e);
    switch (e.type) {
      case "calibrating":
        out.line(`calibrating the Python cost model (${e.primitives.length} primitive(s), once per machine)...`);
        break;
      case "calibration-progress":
        if (out.tty) out.status(`calibrating ${e.done}/${e.total} ${e.key}`);
        else if (e.done % 20 === 0 || e.done === e.total) out.line(`  calibrated ${e.done}/${e.total} (${e.key})`);
        break;
      case "start":
        started = Date.now();
        out.line(
          `run ${e.run}${e.resumedFrom !== undefined ? " (resumed)" : ""}: ${corpusText(e)}, ` +
            `${e.config.generations ?? "unlimited"} generations, objective ${e.config.objective}, seed ${e.config.seed}, ${e.workers} worker(s)`,
        );
        break;
      case "generation-start":
        liveLine();
        break;
      case "evaluated":
      case "failed":
        if (!e.cached) fresh++;
        if (opts.verbose)
          out.line(
            e.type === "evaluated"
              ? `  gen ${e.generation} ${e.hash} ${e.cached ? "cached" : "evaluated"} ${best(e.scored)} ${describeGenome(e.scored.genome)}`
              : `  gen ${e.generation} ${e.hash} ${e.cached ? "cached failure" : "failed"} (${e.reason}): ${e.message.split("\n")[0].slice(0, 200)}`,
          );
        liveLine();
        break;
      case "generation":
        lastGen = e;
        out.line(`gen ${e.generation}: best ${e.best.hash} ${best(e.best)} | ${generationCounts(e)}${e.progress.etaMs != null ? ` | ETA ${formatDuration(e.progress.etaMs)}` : ""}`);
        break;
      case "done":
        out.clear();
        break;
    }
  };
};

const printSummary = (s: RunSummary, db: string) => {
  const o = (x = "") => process.stdout.write(x + "\n");
  o(`run ${s.run} ${s.status} after ${s.generations} generation(s) (stopped by ${s.stoppedBy}) in ${formatDuration(s.elapsedMs)}`);
  o(`  evaluations: ${s.evaluated} new, ${s.cached} cached, ${s.failed} failed (${(s.evaluated / Math.max(s.elapsedMs / 1000, 1e-3)).toFixed(2)} new/s)`);
  if (s.best) {
    o(`  best:     ${s.best.hash} ${best(s.best)}`);
    o(`            ${describeGenome(s.best.genome)}`);
  }
  if (s.baseline) o(`  baseline: ${s.baseline.hash} ${best(s.baseline)} (zstd level 3, the Apex reference)`);
  if (s.best && s.baseline && s.baseline.score > 0) o(`  best vs baseline: ${((s.best.score / s.baseline.score - 1) * 100).toFixed(1)}% Apex score`);
  if (s.best && s.seeds.length > 0) {
    const top = s.best;
    o(`  seeds (does the best beat each on Apex score and on ratio?):`);
    for (const x of s.seeds) {
      const beats = `${top.score > x.scored.score ? "yes" : "no "} / ${top.ratio < x.scored.ratio ? "yes" : "no "}`;
      o(`    ${beats}  ${x.name.padEnd(18)} ${best(x.scored)}${x.isDefault ? " (the built-in default pipeline)" : ""}`);
    }
  }
  const dbArg = db === DEFAULT_DB ? "" : ` --db ${db}`;
  o(`  next: evocodec leaderboard --run ${s.run}${dbArg}; evocodec show ${s.best?.hash ?? "best"}${dbArg}; resume with evocodec search --resume ${s.run}${dbArg}`);
};

/** --include: a pipeline as JSON text or a JSON file (validated when the run starts). */
const pipelineArg = (arg: string): unknown => {
  const text = arg.trimStart().startsWith("{") ? arg : existsSync(arg) ? readFileSync(arg, "utf8") : undefined;
  if (text === undefined) throw new UsageError({ message: `--include: "${arg}" is neither pipeline JSON nor a file` });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError({ message: `--include: ${arg}: invalid JSON (${(e as Error).message})` });
  }
};

const configFrom = (opts: Options): RunConfig => {
  if (!opts.data?.length) throw new UsageError({ message: "search needs --data (a directory or files), or --resume RUN" });
  const data = absolutePaths(opts.data);
  let timeoutMs = opts.timeout;
  if (timeoutMs === undefined) {
    const corpus = loadCorpus(data, opts.files);
    timeoutMs = defaultTimeoutMs(corpus.totalBytes);
  }
  return {
    ...DEFAULT_CONFIG,
    data,
    sampleFiles: opts.files,
    population: opts.population ?? DEFAULT_CONFIG.population,
    generations: opts.generations ?? (opts.budget === undefined ? 10 : undefined),
    seed: opts.seed ?? DEFAULT_CONFIG.seed,
    objective: opts.objective ?? DEFAULT_CONFIG.objective,
    timeoutMs,
    memoryMb: opts.memory ?? DEFAULT_CONFIG.memoryMb,
    repeats: opts.repeats ?? DEFAULT_CONFIG.repeats,
    calibrate: opts.calibrate,
    extraPrimitives: opts.extraPrimitives ? absolutePaths(opts.extraPrimitives) : undefined,
    include: opts.include?.map(pipelineArg),
    exclude: opts.exclude,
  };
};

const run = (opts: Options) =>
  Effect.gen(function* () {
    if (opts.resume !== undefined && (opts.data || opts.population || opts.seed !== undefined || opts.objective || opts.files || opts.include || opts.exclude))
      return yield* Effect.fail(new UsageError({ message: "--resume continues a run with its own --data, --population, --seed, --objective, --files, --include and --exclude" }));
    const config = opts.resume === undefined ? yield* Effect.try({ try: () => configFrom(opts), catch: (e) => e as UsageError | SearchError }) : undefined;
    const db = opts.db ?? DEFAULT_DB;
    const workers = opts.workers ?? Math.max(1, Math.min(2, os.availableParallelism()));
    const program = runSearch(
      { config, resume: opts.resume, generations: opts.generations },
      { workers, budgetMs: opts.budget, python: opts.python, onEvent: reporter(opts) },
    ).pipe(Effect.provide(ResultsStore.layer(db)));
    const exit = yield* Effect.promise(() => runInterruptible(program));
    if (Exit.isFailure(exit)) {
      if (Exit.isInterrupted(exit)) {
        process.stderr.write(`evocodec: interrupted; the run can be resumed with --resume\n`);
        process.exitCode = 130;
        return;
      }
      return yield* Effect.failCause(exit.cause);
    }
    const summary = exit.value;
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    else printSummary(summary, db);
  });

export const registerSearch = (program: Command): void => {
  program
    .command("search")
    .description("evolve codec pipelines on a corpus of bf16 tensors (results go to the database)")
    .option("-d, --data <paths...>", "corpus: directories and/or files (.bf16 raw, .npy, .safetensors)")
    .option("-g, --generations <n>", "generations in all (default 10 unless --budget is given)", positiveInt("--generations"))
    .option("-p, --population <n>", `population size (default ${DEFAULT_CONFIG.population})`, positiveInt("--population"))
    .option("-b, --budget <time>", "stop after this long, e.g. 90s, 10m, 1h", parseDuration("--budget"))
    .option("-w, --workers <n>", "worker threads evaluating in parallel (default: min(2, cores))", positiveInt("--workers"))
    .option("-s, --seed <n>", `random seed (default ${DEFAULT_CONFIG.seed})`, nonNegativeInt("--seed"))
    .addOption(new Option("-o, --objective <mode>", "apex: Apex score with predicted Python time; pareto: NSGA-II on size and TS times").choices(["apex", "pareto"]))
    .option("-r, --resume <run>", "continue run RUN (after kill -9, Ctrl-C, or to extend it)", positiveInt("--resume"))
    .option("--db <file>", DB_HELP)
    .option("--json", "print the final summary as JSON (progress goes to stderr)")
    .option("--timeout <time>", "per-evaluation timeout (default: 30s + 4s per MiB of corpus)", parseDuration("--timeout"))
    .option("--files <n>", "use n corpus files spread evenly over the sorted list (faster generations)", positiveInt("--files"))
    .option("--no-calibrate", "use nominal Python speeds instead of calibrating the cost model on this machine")
    .option("--python <path>", "interpreter for the calibration (default: $EVOCODEC_PYTHON or /usr/bin/python3)")
    .option("--repeats <n>", "timing repeats of a first evaluation (default 1)", positiveInt("--repeats"))
    .option("--memory <mb>", `heap limit of each worker in MiB (default ${DEFAULT_CONFIG.memoryMb})`, positiveInt("--memory"))
    .option("--include <pipelines...>", "pipelines (JSON text or files, e.g. from `show --json`) added to the first generation")
    .option("--exclude <primitives...>", "primitives candidates may not use (e.g. slow backends)")
    .option("-v, --verbose", "a line per evaluation instead of the live progress line")
    .addOption(new Option("--extra-primitives <modules...>", "modules registering extra primitives (tests)").hideHelp())
    .addHelpText(
      "after",
      `
Evaluations are cached in the database by (genome, corpus fingerprint, file) across runs. A run
killed at any point continues with --resume RUN: committed evaluations are not repeated and the
interrupted generation is bred again identically from the stored seed.

Examples:
  evocodec search --data ../shared/activations --budget 10m
  evocodec search --data corpus/ --generations 20 --population 24 --objective pareto
  evocodec search --resume 3 --generations 40`,
    )
    .action(resultsAction(run));
};

