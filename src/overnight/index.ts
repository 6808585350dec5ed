/**
 * `evocodec overnight`: a search that runs unattended until a deadline and leaves a verified
 * solution and a readable summary behind, all in one output folder.
 *
 * - Checkpoints at generation boundaries (the search's onGeneration hook, while its workers are
 *   idle): when the best genome's predicted Apex score has gained enough since the last checkpoint
 *   (policy.ts), its solution is emitted and refereed on a subset of the data; a bit-exact one that
 *   measures better than the kept best becomes best_solution.py (+ best_verification.json).
 * - At the end, the final best is checkpointed too and the kept best is verified on the whole data.
 * - Resume: the folder's overnight.json remembers when the night began (the budget counts from
 *   there) and the folder's database holds the run, which the search's resume continues: rerunning
 *   the same command after a kill picks up where the last committed evaluation left off.
 * - Stop: the first SIGINT/SIGTERM interrupts the search (the generation in progress is abandoned,
 *   everything already evaluated stays in the database, the run is marked interrupted), writes the
 *   summary and exits 130/143; a second signal exits at once.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { Cause, Effect, Exit, Fiber } from "effect";
import type { Target } from "../emit/index.js";
import { loadReport, renderReport, writeAtomic } from "../report/index.js";
import { checkInterpreter, type VerifyReport } from "../verify/referee.js";
import { leaveSignalsToCaller } from "../verify/process.js";
import { reportJson } from "../verify/report.js";
import { loadSamples } from "../verify/samples.js";
import { openQueries, ResultsStore } from "../../results/store.js";
import { loadCorpus } from "../../search/fitness.js";
import { predictionOf } from "../../results/verifications.js";
import { DEFAULT_CONFIG, defaultTimeoutMs, runSearch, type RunConfig, type SearchEvent, type SearchRequest } from "../../search/run.js";
import { formatDuration } from "../cli/results-common.js";
import { OvernightError } from "./errors.js";
import { checkpointIntervalMs, DEFAULT_MIN_GAIN, fasterCandidate, finalReserveMs, nextClockTime, shouldCheckpoint, type LastCheckpoint, type RankedGenome } from "./policy.js";
import { NightLog, searchReporter } from "./progress.js";
import { nightFile, readState, writeState, type CheckpointRecord, type NightState, type Scope } from "./state.js";
import { summaryMarkdown } from "./summary.js";
import { emitAndVerify } from "./verify.js";

export { OvernightError } from "./errors.js";
export { NIGHT_FILES, readState } from "./state.js";

export interface OvernightOptions {
  /** The data folder (absolute). */
  readonly data: string;
  readonly out: string;
  /** Exactly one of budgetMs and until. */
  readonly budgetMs?: number;
  readonly until?: { readonly hours: number; readonly minutes: number };
  readonly workers: number;
  readonly target: Target;
  readonly scoreToBeat?: number;
  readonly python: string;
  /** Stop the search after this many generations even if time is left. */
  readonly generations?: number;
  readonly population?: number;
  readonly seed?: number;
  /** Search on this many files spread over the data (verification still uses the data folder). */
  readonly files?: number;
  /** Files of a checkpoint verification (the final one uses all). */
  readonly verifyFiles: number;
  readonly calibrate: boolean;
  readonly minGain?: number;
  readonly checkpointIntervalMs?: number;
  /**
   * Keep only solutions whose measured time per file is at most this many times the baseline's in
   * the same verification. A bit-exact checkpoint over the cap is followed by the best-scored
   * unverified genome of the run predicted to fit (see fasterCandidate).
   */
  readonly maxSlowdown?: number;
  /** The command line that started the night, for the summary's "resume" hint. */
  readonly command: string;
}

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
/** Faster genomes tried after one checkpoint over --max-slowdown. */
const MAX_FOLLOW_UPS = 3;
/** Round trips per file of a verification under --max-slowdown. */
const CAPPED_REPEAT = 3;
/** How far down the run's leaderboard a faster candidate is looked for. */
const CANDIDATE_POOL = 200;

const errorText = (e: unknown): string => {
  const x = e as { reason?: string; message?: string };
  return `${x?.reason ? `${x.reason}: ` : ""}${x?.message ?? String(e)}`.split("\n")[0];
};

/** The night in progress: its state file, log and output files. */
class Night {
  private last: LastCheckpoint | undefined;
  private readonly interval: number;
  constructor(
    readonly opts: OvernightOptions,
    readonly log: NightLog,
    public state: NightState,
  ) {
    const previous = [...state.checkpoints].reverse().find((c) => c.scope === "subset");
    this.last = previous && { hash: previous.genome, score: previous.predictedScore, at: Date.parse(previous.at) };
    this.interval = opts.checkpointIntervalMs ?? checkpointIntervalMs(Date.parse(state.deadline) - Date.parse(state.startedAt));
  }

  get db(): string {
    return nightFile(this.opts.out, "db");
  }

  update(patch: Partial<NightState>): void {
    this.state = { ...this.state, ...patch };
    writeState(this.opts.out, this.state);
  }

  /** report.html and SUMMARY.md from the database and the state; a failure is logged, never fatal. */
  writeOutputs(): void {
    try {
      const report =
        this.state.run !== undefined && existsSync(this.db)
          ? loadReport(this.db, String(this.state.run), {
              title: `evocodec overnight ${this.state.startedAt.slice(0, 10)} (run ${this.state.run})`,
              scoreToBeat: this.opts.scoreToBeat,
              python: this.opts.python,
            })
          : undefined;
      if (report && report.generations.length > 0) writeAtomic(nightFile(this.opts.out, "report"), renderReport(report));
      writeAtomic(nightFile(this.opts.out, "summary"), summaryMarkdown({ state: this.state, report, command: this.opts.command }));
    } catch (e) {
      this.log.line(`could not write the report or summary: ${errorText(e)}`);
    }
  }

  /** The kept best fails its whole-data verification: its solution is set aside under a name that says why. */
  private drop(why: string): void {
    renameSync(nightFile(this.opts.out, "solution"), nightFile(this.opts.out, "solution").replace(/\.py$/, `.${why}.py`));
    this.update({ best: undefined });
  }

  private keep(report: VerifyReport, genome: string, generation: number, predictedScore: number, scope: Scope): void {
    renameSync(nightFile(this.opts.out, "candidate"), nightFile(this.opts.out, "solution"));
    const at = new Date().toISOString();
    const json = { ...reportJson(report), solution: nightFile(this.opts.out, "solution"), genome, scope, generation, predicted_score: predictedScore, verified_at: at };
    writeAtomic(nightFile(this.opts.out, "verification"), JSON.stringify(json, null, 2) + "\n");
    this.update({
      best: {
        genome,
        generation,
        predictedScore,
        measuredScore: report.result.meanScore,
        baselineScore: report.baseline?.meanScore ?? null,
        scope,
        files: report.result.files.length,
        at,
      },
    });
  }

  /**
   * Emits and verifies a genome (a subset of the files, or all for `full`); keeps it as the best
   * when it is bit-exact and measures better (subset), or confirms the kept best (full).
   */
  verify(genome: string, generation: number, predictedScore: number, scope: Scope, followUps = 0): Effect.Effect<void> {
    const night = this;
    return Effect.gen(function* () {
      const { opts, log } = night;
      const at = new Date().toISOString();
      log.line(`checkpoint: verifying genome ${genome} (generation ${generation}, predicted ${predictedScore.toFixed(4)}) on ${scope === "subset" ? `up to ${opts.verifyFiles} file(s) of` : "all of"} ${opts.data}`);
      log.status(`verifying ${genome} (${scope})...`);
      // a follow-up for the time cap is not a checkpoint of the search's best
      if (scope === "subset" && followUps === 0) night.last = { hash: genome, score: predictedScore, at: Date.now() };
      const result = yield* emitAndVerify({
        db: night.db,
        genome,
        target: opts.target,
        data: opts.data,
        python: opts.python,
        scoreToBeat: opts.scoreToBeat,
        limit: scope === "subset" ? opts.verifyFiles : undefined,
        // a time cap compares two noisy times per file: the median of 3 round trips steadies both
        ...(opts.maxSlowdown === undefined ? {} : { repeat: CAPPED_REPEAT }),
        file: nightFile(opts.out, "candidate"),
      }).pipe(Effect.either);
      const base: Omit<CheckpointRecord, "kept"> = { at, generation, genome, predictedScore, scope };
      if (result._tag === "Left") {
        log.line(`checkpoint failed: ${errorText(result.left)}`);
        night.update({ checkpoints: [...night.state.checkpoints, { ...base, error: errorText(result.left), kept: false }] });
        return;
      }
      const r = result.right;
      const measured = r.result.meanScore;
      const baseline = r.baseline?.meanScore;
      const kept = night.state.best;
      const cap = opts.maxSlowdown;
      const slowdown = r.baseline && r.baseline.meanTimeSec > 0 ? r.result.meanTimeSec / r.baseline.meanTimeSec : undefined;
      const overCap = cap !== undefined && !(slowdown !== undefined && slowdown <= cap);
      const keep = r.result.bitExact && measured > 0 && !overCap && (scope === "full" || !kept || measured > kept.measuredScore);
      const versus = baseline ? ` vs baseline ${baseline.toFixed(4)} (${measured >= baseline ? "+" : ""}${((measured / baseline - 1) * 100).toFixed(1)}%)` : "";
      if (keep) night.keep(r, genome, generation, predictedScore, scope);
      else rmSync(nightFile(opts.out, "candidate"), { force: true });
      night.update({
        checkpoints: [
          ...night.state.checkpoints,
          { ...base, files: r.result.files.length, bitExact: r.result.bitExact, measuredScore: measured, ...(baseline !== undefined ? { baselineScore: baseline } : {}), kept: keep },
        ],
      });
      if (!r.result.bitExact) {
        const bad = r.result.files.find((f) => !f.bitExact);
        log.line(`checkpoint: genome ${genome} is NOT bit-exact (${bad?.file}: ${bad?.error ?? "differs"}); not kept`);
        if (scope === "full" && kept?.genome === genome) night.drop("NOT_BIT_EXACT");
      } else if (scope === "full" && overCap && kept?.genome === genome) {
        log.line(`final: on the whole data the kept best takes ${slowdown === undefined ? "an unknown" : `${slowdown.toFixed(2)}x`} the baseline's time per file, over --max-slowdown ${cap}; dropped`);
        night.drop("OVER_TIME_CAP");
      } else if (keep)
        log.line(`checkpoint: measured ${measured.toFixed(4)}${versus} on ${r.result.files.length} file(s) -> ${nightFile(opts.out, "solution")}${scope === "full" ? " (whole data)" : ""}`);
      else if (overCap)
        log.line(`checkpoint: measured ${measured.toFixed(4)}${versus} at ${slowdown === undefined ? "an unknown" : `${slowdown.toFixed(2)}x the baseline's`} time per file, over --max-slowdown ${cap}; not kept`);
      else log.line(`checkpoint: measured ${measured.toFixed(4)}${versus}; keeping the previous best (measured ${kept?.measuredScore.toFixed(4)})`);
      night.writeOutputs();
      if (overCap && r.result.bitExact && slowdown !== undefined && followUps < MAX_FOLLOW_UPS) {
        const next = night.nextFasterGenome(genome, cap! / slowdown);
        if (next) yield* night.verify(next.genome, next.generation, next.score, "subset", followUps + 1);
        else log.line(`checkpoint: no unverified genome of the run is predicted to be fast enough`);
      }
    });
  }

  /** The next genome to try after `genome` measured over the cap (see fasterCandidate in policy.ts). */
  private nextFasterGenome(genome: string, factor: number): RankedGenome | undefined {
    if (this.state.run === undefined || !existsSync(this.db)) return undefined;
    const q = openQueries(this.db, { readonly: true });
    try {
      const reference = predictionOf(q.db, genome)?.pythonSec;
      if (reference === null || reference === undefined) return undefined;
      return fasterCandidate(q.leaderboard(this.state.run, CANDIDATE_POOL), new Set(this.state.checkpoints.map((c) => c.genome)), factor * reference);
    } finally {
      q.close();
    }
  }

  onGeneration(e: Extract<SearchEvent, { type: "generation" }>): Effect.Effect<void> {
    if (!shouldCheckpoint(e.best, this.last, Date.now(), this.interval, this.opts.minGain ?? DEFAULT_MIN_GAIN)) return Effect.void;
    return this.verify(e.best.hash, e.generation, e.best.score, "subset");
  }

  /** The final best checkpointed if it never was, then the kept best verified on the whole data. */
  finalize(run: number): Effect.Effect<void> {
    const night = this;
    return Effect.gen(function* () {
      const q = openQueries(night.db, { readonly: true });
      const top = (() => {
        try {
          return q.leaderboard(run, 1)[0];
        } finally {
          q.close();
        }
      })();
      const verified = new Set(night.state.checkpoints.filter((c) => c.measuredScore !== undefined).map((c) => c.genome));
      if (top && !verified.has(top.genome) && (!night.state.best || top.score > night.state.best.predictedScore))
        yield* night.verify(top.genome, top.generation, top.score, "subset");
      const total = yield* Effect.try(() => loadSamples(night.opts.data).length).pipe(Effect.orElseSucceed(() => Infinity));
      // a kept best dropped on the whole data (over the time cap) can leave a faster one kept on a subset
      for (let attempt = 0; attempt <= MAX_FOLLOW_UPS; attempt++) {
        const best = night.state.best;
        if (!best || best.scope === "full") return;
        if (best.files >= total) {
          night.update({ best: { ...best, scope: "full" } });
          night.log.line(`final: the checkpoint already covered all ${total} file(s) of the data`);
          return;
        }
        night.log.line(`final: verifying the kept best ${best.genome} on the whole data`);
        yield* night.verify(best.genome, best.generation, best.predictedScore, "full");
      }
    });
  }

  finish(status: NightState["status"], detail: string): void {
    this.update({ status, statusDetail: detail, endedAt: new Date().toISOString() });
    this.writeOutputs();
    this.log.endStatus();
  }
}

/** The folder's latest run, if the search created one. */
const storedRun = (db: string): { id: number; status: string } | undefined => {
  if (!existsSync(db)) return undefined;
  const q = openQueries(db, { readonly: true });
  try {
    const runs = q.runs();
    return runs.length ? { id: runs[runs.length - 1].id, status: runs[runs.length - 1].status } : undefined;
  } finally {
    q.close();
  }
};

const newRunConfig = (opts: OvernightOptions): RunConfig => {
  const data = [opts.data];
  const corpus = loadCorpus(data, opts.files);
  return {
    ...DEFAULT_CONFIG,
    data,
    sampleFiles: opts.files,
    population: opts.population ?? DEFAULT_CONFIG.population,
    generations: opts.generations,
    seed: opts.seed ?? DEFAULT_CONFIG.seed,
    objective: "apex",
    timeoutMs: defaultTimeoutMs(corpus.totalBytes),
    calibrate: opts.calibrate,
  };
};

const local = (ms: number): string => new Date(ms).toLocaleString("en-GB", { hour12: false });

/** Runs (or resumes) the night in `opts.out`; resolves to the process exit code. */
export const runOvernight = async (opts: OvernightOptions): Promise<number> => {
  mkdirSync(opts.out, { recursive: true });
  const log = new NightLog(nightFile(opts.out, "log"));
  const prior = readState(opts.out);
  if (prior && prior.data !== opts.data)
    throw new OvernightError({ reason: "other-night", message: `${opts.out} holds a night on ${prior.data}, not ${opts.data}: use another --out` });
  if (prior?.status === "finished") {
    log.line(`this night finished at ${local(Date.parse(prior.endedAt ?? prior.startedAt))}: see ${nightFile(opts.out, "summary")} (use another --out for a new night)`);
    return 0;
  }
  const now = Date.now();
  const startedAt = prior ? Date.parse(prior.startedAt) : now;
  const deadline = opts.budgetMs !== undefined ? startedAt + opts.budgetMs : nextClockTime(opts.until!, startedAt);
  try {
    checkInterpreter(opts.python, opts.target);
  } catch (e) {
    throw new OvernightError({ reason: "python-missing", message: errorText(e) });
  }
  const night = new Night(opts, log, {
    version: 1,
    startedAt: new Date(startedAt).toISOString(),
    deadline: new Date(deadline).toISOString(),
    data: opts.data,
    target: opts.target,
    ...(opts.scoreToBeat !== undefined ? { scoreToBeat: opts.scoreToBeat } : {}),
    starts: [...(prior?.starts ?? []), new Date(now).toISOString()],
    status: "running",
    run: prior?.run,
    checkpoints: prior?.checkpoints ?? [],
    best: prior?.best,
  });
  night.update({});
  log.line(
    prior
      ? `resuming the night begun ${local(startedAt)} (start ${night.state.starts.length}); deadline ${local(deadline)}, ${formatDuration(Math.max(0, deadline - now))} left`
      : `overnight search on ${opts.data} until ${local(deadline)} (${formatDuration(deadline - now)}), target ${opts.target}, ${opts.workers} worker(s); everything goes to ${opts.out}`,
  );

  const reporter = searchReporter(log, deadline);
  const program = Effect.gen(function* () {
    const existing = storedRun(night.db);
    if (existing?.status === "done") {
      log.line(`search run ${existing.id} already finished; finishing the night`);
      night.update({ run: existing.id });
      yield* night.finalize(existing.id);
      return "the search had finished before";
    }
    if (existing) night.update({ run: existing.id });
    const request: SearchRequest = existing ? { resume: existing.id, generations: opts.generations } : { config: newRunConfig(opts) };
    const budgetMs = Math.max(1, deadline - finalReserveMs(deadline - startedAt) - Date.now());
    const summary = yield* runSearch(request, {
      workers: opts.workers,
      budgetMs,
      python: opts.python,
      onEvent: (e) => {
        if (e.type === "start" && night.state.run !== e.run) night.update({ run: e.run });
        reporter(e);
      },
      onGeneration: (e) => night.onGeneration(e),
    }).pipe(Effect.provide(ResultsStore.layer(night.db)));
    log.line(
      `search run ${summary.run} stopped by ${summary.stoppedBy} after ${summary.generations} generation(s) ` +
        `(this start: ${summary.evaluated} evaluated, ${summary.cached} cached, ${summary.failed} failed)`,
    );
    yield* night.finalize(summary.run);
    return `stopped by ${summary.stoppedBy === "generations" ? "the generation limit" : "the deadline"}`;
  });

  leaveSignalsToCaller();
  const fiber = Effect.runFork(program);
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    if (signal) {
      log.line(`${s} again: exiting at once`);
      process.exit(EXIT_CODE[s] ?? 1);
    }
    signal = s;
    log.line(`${s}: stopping; the generation in progress is abandoned, everything evaluated is kept (${s} again exits at once)`);
    Effect.runFork(Fiber.interrupt(fiber));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // the handlers stay: a signal while the summary is written or the process winds down exits at once
  const exit = await Effect.runPromise(Fiber.await(fiber));

  if (Exit.isSuccess(exit)) {
    night.finish("finished", exit.value);
    log.line(`finished: ${nightFile(opts.out, "summary")}`);
    return 0;
  }
  if (Exit.isInterrupted(exit)) {
    night.finish("stopped", signal ?? "interrupted");
    log.line(`stopped; rerun the same command to resume (${nightFile(opts.out, "summary")})`);
    return EXIT_CODE[signal ?? "SIGINT"] ?? 130;
  }
  const failure = errorText(Cause.squash(exit.cause));
  night.finish("failed", failure);
  throw new OvernightError({ reason: "search-failed", message: failure });
};
