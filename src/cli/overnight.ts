/**
 * `evocodec overnight --data D (--budget 8h | --until 07:00) [...]`: an unattended search with
 * verified checkpoints, resumable with the same command, leaving SUMMARY.md, best_solution.py,
 * best_verification.json, report.html, overnight.log and the database in one folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, Option } from "commander";
import { Effect } from "effect";
import { isTarget, TARGETS, type Target } from "../emit/index.js";
import { readState, runOvernight, type OvernightOptions } from "../overnight/index.js";
import { DEFAULT_MIN_GAIN, parseClock } from "../overnight/policy.js";
import { defaultPython } from "../python/interpreter.js";
import { UsageError } from "./common.js";
import { nonNegativeInt, parseDuration, positiveInt } from "./results-common.js";
import { typedAction } from "./typed-action.js";

/** Commander's options: the ones OvernightOptions takes as they are, and the ones run() checks or converts. */
interface Options
  extends Pick<OvernightOptions, "generations" | "population" | "seed" | "files" | "verifyFiles" | "calibrate">,
    Partial<Pick<OvernightOptions, "workers" | "out" | "python">> {
  readonly data: string;
  readonly budget?: number;
  readonly until?: string;
  readonly target: string;
  readonly scoreToBeat?: string;
  readonly minGain: string;
  readonly checkpointEvery?: number;
  readonly maxSlowdown?: string;
}

const RESULTS = "results";

const localDate = (d = new Date()): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

/**
 * Without --out: the newest unfinished night on the same data under results/ (so the same command
 * resumes after midnight too), else a new results/overnight-<date>[-N]/.
 */
export const defaultOut = (data: string, root = RESULTS): string => {
  const nights = existsSync(root)
    ? readdirSync(root)
        .filter((n) => n.startsWith("overnight-") && statSync(path.join(root, n)).isDirectory())
        .flatMap((n) => {
          try {
            const s = readState(path.join(root, n));
            return s && s.status !== "finished" && s.data === data ? [{ dir: path.join(root, n), startedAt: s.startedAt }] : [];
          } catch {
            return [];
          }
        })
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    : [];
  if (nights[0]) return nights[0].dir;
  const base = path.join(root, `overnight-${localDate()}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
};

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

const run = (opts: Options) =>
  Effect.gen(function* () {
    const usage = (message: string) => Effect.fail(new UsageError({ message }));
    if ((opts.budget === undefined) === (opts.until === undefined)) return yield* usage("overnight needs exactly one of --budget (e.g. 8h) and --until (e.g. 07:00)");
    const until = opts.until === undefined ? undefined : parseClock(opts.until);
    if (opts.until !== undefined && !until) return yield* usage(`--until must be a local clock time such as 07:00, got "${opts.until}"`);
    if (!isTarget(opts.target)) return yield* usage(`--target must be one of ${TARGETS.join(", ")}`);
    const scoreToBeat = opts.scoreToBeat === undefined ? undefined : Number(opts.scoreToBeat);
    if (scoreToBeat !== undefined && !(scoreToBeat >= 0 && scoreToBeat <= 1)) return yield* usage(`--score-to-beat must be a score between 0 and 1, got "${opts.scoreToBeat}"`);
    const minGain = Number(opts.minGain);
    if (!(minGain >= 0)) return yield* usage(`--min-gain must be a non-negative percentage, got "${opts.minGain}"`);
    const maxSlowdown = opts.maxSlowdown === undefined ? undefined : Number(opts.maxSlowdown);
    if (maxSlowdown !== undefined && !(maxSlowdown > 0 && Number.isFinite(maxSlowdown))) return yield* usage(`--max-slowdown must be a number above 0, got "${opts.maxSlowdown}"`);
    const data = path.resolve(opts.data);
    if (!existsSync(data)) return yield* usage(`--data ${opts.data} does not exist`);
    const out = path.resolve(opts.out ?? defaultOut(data));
    const args = process.argv.slice(2);
    const command = ["evocodec", ...args, ...(opts.out === undefined ? ["--out", path.relative(process.cwd(), out) || "."] : [])].map(quote).join(" ");
    const options: OvernightOptions = {
      data,
      out,
      budgetMs: opts.budget,
      until,
      workers: opts.workers ?? Math.max(1, Math.min(2, os.availableParallelism())),
      target: opts.target as Target,
      scoreToBeat,
      python: opts.python ?? defaultPython(),
      generations: opts.generations,
      population: opts.population,
      seed: opts.seed,
      files: opts.files,
      verifyFiles: opts.verifyFiles,
      calibrate: opts.calibrate,
      minGain: minGain / 100,
      checkpointIntervalMs: opts.checkpointEvery,
      maxSlowdown,
      command,
    };
    process.exitCode = yield* Effect.tryPromise({ try: () => runOvernight(options), catch: (e) => e });
  });

export const registerOvernight = (program: Command): void => {
  program
    .command("overnight")
    .description("an unattended search until a deadline, with verified checkpoints, a report and a morning summary in one folder")
    .requiredOption("-d, --data <dir>", "corpus folder (or one file): searched on, and verified on")
    .option("-b, --budget <time>", "how long the night lasts from its first start, e.g. 8h, 90m", parseDuration("--budget"))
    .option("--until <HH:MM>", "or: stop at this local time (the next one after the night began)")
    .option("-w, --workers <n>", "worker threads evaluating in parallel (default: min(2, cores))", positiveInt("--workers"))
    .option("--target <target>", `Apex interface of the solutions: ${TARGETS.join(" | ")}`, "apex-server")
    .option("--score-to-beat <score>", "the current top score (the summary says whether the best clears it by 1%)")
    .option("-o, --out <dir>", "output folder (default: the unfinished night on this data under results/, else results/overnight-<date>/)")
    .option("--python <path>", "interpreter that runs the solutions and the calibration (default: $EVOCODEC_PYTHON or /usr/bin/python3)")
    .option("-g, --generations <n>", "also stop after this many generations", positiveInt("--generations"))
    .option("-p, --population <n>", "population size (new night only)", positiveInt("--population"))
    .option("-s, --seed <n>", "random seed (new night only)", nonNegativeInt("--seed"))
    .option("--files <n>", "search on n files spread over the data (faster generations; new night only)", positiveInt("--files"))
    .option("--verify-files <n>", "files of a checkpoint verification (the final one uses them all)", positiveInt("--verify-files"), 4)
    .option("--no-calibrate", "nominal Python speeds instead of calibrating the cost model (new night only)")
    .option("--min-gain <percent>", "predicted score gain that makes a new checkpoint", String(DEFAULT_MIN_GAIN * 100))
    .option("--max-slowdown <x>", "keep only solutions whose time per file is at most x times the baseline's (a slower best is followed by a faster genome of the run)")
    .addOption(new Option("--checkpoint-every <time>", "least time between checkpoints (default: budget/20, at most 5m)").argParser(parseDuration("--checkpoint-every")))
    .addHelpText(
      "after",
      `
Killed or stopped? Run the same command again: the night continues in its folder (same run, same
deadline), nothing evaluated is lost. Ctrl-C (or SIGTERM) stops cleanly; a second one exits at once.

Examples:
  evocodec overnight --data ../shared/activations --until 07:00 --score-to-beat 0.31
  evocodec overnight --data corpus/ --budget 8h --out results/tonight`,
    )
    .action(typedAction(run));
};
