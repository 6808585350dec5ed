/**
 * The evolutionary loop. Generation 0 is the seed genomes plus random ones; every later generation
 * breeds P children from the survivors (tournament, then crossover or mutation), gates and
 * evaluates them (the cache first), and keeps the best P of parents and children (apex or pareto).
 *
 * Durability and resume: a genome's evaluation (or its failure) is committed as soon as it
 * finishes; a generation's members and lineage are committed when it ends. The rng of generation g
 * is derived from the run seed and g alone, and breeding reads only the committed members of
 * generation g-1 (with the fitness they were committed with), so a run killed mid-generation is
 * resumed by rebuilding the last committed population and breeding generation g again: the same
 * children come out, those already evaluated are cache hits, and nothing is evaluated twice.
 */
import path from "node:path";
import { Effect, Exit, Fiber, Layer, Option } from "effect";
import { DEFAULT_PIPELINE_JSON } from "../src/codec/builtins.js";
import { parsePipeline } from "../src/codec/pipeline.js";
import { defaultPython } from "../src/python/interpreter.js";
import { ResultsStore, type FileEvaluation, type MemberRow, type PythonTimingRow, type StoreApi, type StoreError, type TimingKey } from "../results/store.js";
import { recalibrationFactor } from "../results/verifications.js";
import { pythonCodecSource } from "../src/python/module.js";
import { createHash } from "node:crypto";
import { SearchError } from "./errors.js";
import { codecBuildHash, loadCorpus, totals, type Corpus } from "./fitness.js";
import { canonicalize, genomeHash, genomeSize, randomGenome, seedGenomes, type Genome, type Limits } from "./genome.js";
import { crossover, mutate, neighbours } from "./operators.js";
import { CandidateFailure, EvalPool, type EvalPoolApi } from "./pool.js";
import { loadExtraPrimitives, shareCorpus, type SharedCorpus } from "./protocol.js";
import { ensureCalibration, machineId, nominalModel, predictPythonSeconds, type PythonCostModel } from "./python-cost.js";
import { PythonTimer, timingSamples, type PythonTimerApi } from "./python-timer.js";
import { Rng } from "./rng.js";
import { apexScore, eliteOrder, fitnessKey, selectSurvivors, tournament, type Scored, type SelectionMode } from "./selection.js";

/** What defines a run; stored with it so `--resume` continues with the same settings. */
export interface RunConfig {
  /** Corpus directories or files (absolute). */
  readonly data: readonly string[];
  /** Use only this many corpus files, spread evenly over the sorted list. */
  readonly sampleFiles?: number;
  readonly population: number;
  /** Generations in all (indices 0..N-1); undefined: until the budget runs out. */
  readonly generations?: number;
  readonly seed: number;
  readonly objective: SelectionMode;
  /** Per evaluation (gate included); default from the corpus size. */
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Timing repeats of a first evaluation (the minimum is kept). */
  readonly repeats: number;
  /** Every this many generations the best `remeasureTop` members are timed again (0: never). */
  readonly remeasureEvery: number;
  readonly remeasureTop: number;
  readonly crossoverRate: number;
  readonly tournamentSize: number;
  /** Share of each generation's children that are untried one-edit neighbours of the best survivors (runs stored before it: DEFAULT_CONFIG's). */
  readonly localShare?: number;
  readonly limits?: Partial<Limits>;
  /** false: fixed nominal Python figures instead of the calibrated model. */
  readonly calibrate: boolean;
  readonly extraPrimitives?: readonly string[];
  /** Pipelines put into generation 0 before the built-in seeds (e.g. the best of an earlier run). */
  readonly include?: readonly unknown[];
  /** Primitives no candidate may use (seeds and children with them are skipped; --include is exempt). */
  readonly exclude?: readonly string[];
}

/** Per invocation; not part of the run's identity. */
export interface Invocation {
  readonly workers: number;
  readonly budgetMs?: number;
  readonly python?: string;
  readonly onEvent?: (e: SearchEvent) => void;
  /**
   * Awaited at every generation boundary, after the generation is committed and its event emitted
   * (e.g. to emit and verify the best so far while the workers are idle). Its time counts against
   * the budget; interrupting the search interrupts it too.
   */
  readonly onGeneration?: (e: Extract<SearchEvent, { type: "generation" }>) => Effect.Effect<void>;
}

export interface ScoredSummary {
  readonly hash: string;
  readonly genome: Genome;
  readonly score: number;
  readonly ratio: number;
  readonly bytes: number;
  readonly predictedPySec: number;
  readonly tsSec: number;
  readonly size: number;
}

export type SearchEvent =
  | { readonly type: "start"; readonly run: number; readonly resumedFrom?: number; readonly corpus: { files: number; bytes: number; fingerprint: string }; readonly config: RunConfig; readonly workers: number }
  | { readonly type: "calibrating"; readonly primitives: readonly string[] }
  | { readonly type: "calibration-progress"; readonly done: number; readonly total: number; readonly key: string }
  | { readonly type: "generation-start"; readonly generation: number; readonly candidates: number }
  | { readonly type: "evaluated"; readonly generation: number; readonly hash: string; readonly cached: boolean; readonly scored: ScoredSummary }
  | { readonly type: "failed"; readonly generation: number; readonly hash: string; readonly cached: boolean; readonly reason: string; readonly message: string }
  | { readonly type: "generation"; readonly generation: number; readonly best: ScoredSummary; readonly evaluated: number; readonly cached: number; readonly failed: number; readonly progress: Progress }
  | { readonly type: "done"; readonly summary: RunSummary };

export interface Progress {
  readonly elapsedMs: number;
  /** Fresh evaluations (cache misses) per second in this invocation. */
  readonly evalsPerSec: number;
  readonly etaMs: number | null;
}

export interface RunSummary {
  readonly run: number;
  readonly status: "done" | "interrupted" | "failed";
  readonly generations: number;
  /** Fresh evaluations, cache hits and failures in this invocation. */
  readonly evaluated: number;
  readonly cached: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly stoppedBy: "generations" | "budget" | "interrupt";
  readonly best: ScoredSummary | null;
  readonly baseline: ScoredSummary | null;
  /** Every seed genome scored on this corpus (from the cache), to show what the best beat. */
  readonly seeds: readonly SeedSummary[];
}

export interface SeedSummary {
  readonly name: string;
  /** The seed is the pipeline `compress` uses when none is given. */
  readonly isDefault: boolean;
  readonly scored: ScoredSummary;
}

export const DEFAULT_CONFIG = {
  population: 16,
  seed: 1,
  objective: "apex" as SelectionMode,
  memoryMb: 1024,
  repeats: 1,
  remeasureEvery: 4,
  remeasureTop: 3,
  crossoverRate: 0.3,
  tournamentSize: 2,
  localShare: 0.375,
  calibrate: true,
};

/** A Python encode or decode of one sample file longer than this fails the genome (no Apex solution can be that slow). */
const PYTHON_CALL_TIMEOUT_MS = 20_000;
/** Python timing repeats (the minimum is kept) while a genome's measuring stays under this. */
const PYTHON_REPEAT_BUDGET_SEC = 1;

/** Identifies the generated Python codec whose time was measured (any kernel change measures again). */
const codecHash = (): string => createHash("sha256").update(pythonCodecSource()).digest("hex").slice(0, 16);

/** Default per-evaluation timeout: generous for the slowest sane genome on this corpus. */
export const defaultTimeoutMs = (corpusBytes: number): number => Math.round(30_000 + (corpusBytes / 2 ** 20) * 4_000);

// ---- scoring

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Fitness of an evaluated genome. Python time per file is the cost model's prediction, scaled by
 * the genome's measured / predicted time on the sample files when it was timed in Python (the
 * model cannot know how a kernel's cost depends on the data it sees), and the Apex score charges
 * that time times `interfaceFactor` (measured / predicted time of verified solutions: the HTTP
 * round trips and whatever else the real interface adds).
 */
export const scoreEvaluation = (
  hash: string,
  genome: Genome,
  files: readonly FileEvaluation[],
  model: PythonCostModel,
  timing?: PythonTimingRow,
  interfaceFactor = 1,
): Scored & { readonly pyEncodeSec: number; readonly pyDecodeSec: number; readonly pyMeasuredFactor?: number } => {
  const root = parsePipeline(genome);
  const t = totals(files);
  const predicted = files.map((f) => predictPythonSeconds(model, root, (f.streams ?? []).map((s) => s.inputBytes)));
  const factor = timing?.files ? measuredFactor(timing.files, files, predicted) : undefined;
  const k = factor ?? 1;
  const py = predicted.map((p) => ({ encodeSec: p.encodeSec * k, decodeSec: p.decodeSec * k, totalSec: p.totalSec * k }));
  const perFileScore = files.map((f, i) => apexScore((f.compressedBytes ?? f.originalBytes) / Math.max(1, f.originalBytes), py[i].totalSec * interfaceFactor));
  return {
    hash,
    genome,
    bytes: t.compressedBytes,
    ratio: t.ratio,
    encodeSec: t.encodeSec,
    decodeSec: t.decodeSec,
    predictedPySec: mean(py.map((p) => p.totalSec)),
    pyEncodeSec: mean(py.map((p) => p.encodeSec)),
    pyDecodeSec: mean(py.map((p) => p.decodeSec)),
    ...(factor === undefined ? {} : { pyMeasuredFactor: factor }),
    size: genomeSize(genome),
    apexMean: mean(perFileScore),
  };
};

/** Measured / predicted Python seconds over the timed sample files (1 when none of them is in `files`). */
const measuredFactor = (timed: NonNullable<PythonTimingRow["files"]>, files: readonly FileEvaluation[], predicted: readonly { totalSec: number }[]): number => {
  let measured = 0;
  let model = 0;
  for (const t of timed) {
    const i = files.findIndex((f) => f.file === t.name);
    if (i < 0) continue;
    measured += t.encodeSec + t.decodeSec;
    model += predicted[i].totalSec;
  }
  return measured > 0 && model > 0 ? measured / model : 1;
};

const apexOf = (s: Scored): number => s.apexMean ?? apexScore(s.ratio, s.predictedPySec);

export const summarize = (s: Scored): ScoredSummary => ({
  hash: s.hash,
  genome: s.genome,
  score: apexOf(s),
  ratio: s.ratio,
  bytes: s.bytes,
  predictedPySec: s.predictedPySec,
  tsSec: s.encodeSec + s.decodeSec,
  size: s.size,
});

const memberRow = (s: Scored, rank: number): MemberRow => {
  const { genome: _genome, ...fitness } = s;
  return { rank, genome: s.hash, score: apexOf(s), ratio: s.ratio, fitness };
};

const fromMember = (m: MemberRow, canonical: string): Scored => ({ ...(m.fitness as Omit<Scored, "genome">), hash: m.genome, genome: JSON.parse(canonical) as Genome });

/** JSON-safe counterexample: byte arrays become base64. */
const jsonSafe = (x: unknown): unknown => {
  if (x instanceof Uint8Array) return { base64: Buffer.from(x.buffer, x.byteOffset, x.length).toString("base64"), length: x.length };
  if (Array.isArray(x)) return x.map(jsonSafe);
  if (x instanceof Error) return `${x.name}: ${x.message}`;
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, jsonSafe(v)]));
  return x;
};

// ---- breeding

interface Candidate {
  readonly hash: string;
  readonly genome: Genome;
  readonly parents: readonly string[];
  readonly operator: string;
}

const candidateOf = (json: Genome, parents: readonly string[], operator: string): Candidate => {
  const genome = canonicalize(json);
  return { hash: genomeHash(genome), genome, parents, operator };
};

/** The rng of generation g: a function of the run seed and g only. */
export const generationRng = (seed: number, g: number): Rng => new Rng(seed).fork(`generation ${g}`);

const opsOf = (g: Genome): string[] => [g.op, ...(g.next ?? []).flatMap(opsOf)];
const allowed = (config: RunConfig, g: Genome): boolean => !config.exclude?.length || !opsOf(g).some((op) => config.exclude!.includes(op));

const initialCandidates = (config: RunConfig, rng: Rng): Candidate[] => {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (c: Candidate) => {
    if (out.length < config.population && !seen.has(c.hash) && (c.operator === "include" || allowed(config, c.genome))) {
      seen.add(c.hash);
      out.push(c);
    }
  };
  for (const json of config.include ?? []) add(candidateOf(json as Genome, [], "include"));
  for (const s of seedGenomes()) add(candidateOf(s.genome, [], `seed:${s.name}`));
  for (let attempt = 0; out.length < config.population && attempt < config.population * 20; attempt++)
    add(candidateOf(randomGenome(rng, config.limits), [], "random"));
  return out;
};

/** Which of the three best survivors gives the next local child: the best every other time. */
const LOCAL_TURNS = [0, 1, 0, 2] as const;

/**
 * Local search: up to localShare * P untried one-edit neighbours (`neighbours`) of the three best
 * survivors (twins of a better one last, see eliteOrder), the best's every other one (a rival's
 * neighbourhood is swept too: the way past the best can lead through a genome a little worse),
 * then of the next ones in rank. Evaluations are
 * expensive and most random edits of a good genome are worse, so elites are explored
 * systematically while the rest of the generation explores at random.
 */
const localChildren = (config: RunConfig, parents: readonly Scored[], rng: Rng, seen: Set<string>): Candidate[] => {
  const want = Math.round((config.localShare ?? DEFAULT_CONFIG.localShare) * config.population);
  const out: Candidate[] = [];
  const queues = eliteOrder(parents).map((parent) => ({ parent, queue: null as Genome[] | null }));
  /** The parent's next untried neighbour (its neighbourhood is computed on first use). */
  const next = (i: number): Candidate | undefined => {
    const q = queues[i];
    q.queue ??= rng.shuffle(neighbours(q.parent.genome, rng, limitsOf(config)));
    for (let genome = q.queue.shift(); genome; genome = q.queue.shift()) {
      const child = candidateOf(genome, [q.parent.hash], "neighbour");
      if (!seen.has(child.hash) && allowed(config, child.genome)) return child;
    }
    return undefined;
  };
  const take = (c: Candidate | undefined): boolean => {
    if (!c) return false;
    seen.add(c.hash);
    out.push(c);
    return true;
  };
  const elites = Math.min(3, queues.length);
  for (let turn = 0, idle = 0; out.length < want && idle < LOCAL_TURNS.length; turn++) {
    const i = LOCAL_TURNS[turn % LOCAL_TURNS.length];
    idle = i < elites && take(next(i)) ? 0 : idle + 1;
  }
  for (let i = elites; i < queues.length && out.length < want; ) if (!take(next(i))) i++;
  return out;
};

/**
 * P children of the survivors: local search first (localChildren), then tournament parents and
 * crossover or mutation. No child repeats a genome this run has already tried (`tried`: every
 * committed candidate of earlier generations), so every slot is a new evaluation.
 */
const breed = (config: RunConfig, parents: readonly Scored[], rng: Rng, tried: ReadonlySet<string>): Candidate[] => {
  const seen = new Set([...tried, ...parents.map((p) => p.hash)]);
  const out = localChildren(config, parents, rng, seen);
  for (let attempt = 0; out.length < config.population && attempt < config.population * 8; attempt++) {
    let child: Candidate;
    if (parents.length >= 2 && rng.chance(config.crossoverRate)) {
      const a = tournament(parents, rng, config.objective, config.tournamentSize);
      const b = tournament(parents, rng, config.objective, config.tournamentSize);
      const x = crossover(a.genome, b.genome, rng, limitsOf(config));
      child = candidateOf(x.genome, a.hash === b.hash ? [a.hash] : [a.hash, b.hash], x.operator);
    } else {
      const a = tournament(parents, rng, config.objective, config.tournamentSize);
      const m = mutate(a.genome, rng, limitsOf(config));
      child = candidateOf(m.genome, [a.hash], m.operator);
    }
    if (seen.has(child.hash) || !allowed(config, child.genome)) continue;
    seen.add(child.hash);
    out.push(child);
  }
  return out;
};

const limitsOf = (config: RunConfig): Limits => ({ maxDepth: config.limits?.maxDepth ?? 6, maxNodes: config.limits?.maxNodes ?? 14 });

// ---- evaluation of one candidate

type Outcome =
  | { readonly kind: "ok"; readonly cached: boolean; readonly scored: Scored; readonly files: readonly FileEvaluation[] }
  | { readonly kind: "failed"; readonly cached: boolean; readonly reason: string; readonly message: string }
  | { readonly kind: "skipped" };

interface Ctx {
  readonly store: StoreApi;
  readonly pool: EvalPoolApi;
  readonly run: number;
  readonly config: RunConfig;
  readonly corpus: Corpus;
  readonly shared: SharedCorpus;
  readonly model: PythonCostModel;
  /** Measured Python time (null with calibrate: false): the timer, its database key and the interface factor. */
  readonly timing: { readonly timer: PythonTimerApi; readonly key: TimingKey } | null;
  readonly interfaceFactor: number;
  readonly deadline: number;
  readonly emit: (e: SearchEvent) => void;
  readonly onGeneration?: Invocation["onGeneration"];
}

const gateSeed = (seed: number, hash: string): number => (parseInt(hash.slice(0, 8), 16) ^ seed) >>> 0;

const fileNames = (ctx: Ctx) => ctx.corpus.files.map((f) => f.name);

/**
 * Apex mode stops a candidate once its TypeScript encode + decode time passes this many times the
 * best member's: its Python time would lose more score than any ratio could win back (a brotli 11
 * or xz 9 genome holds a worker for most of a minute), and that time goes to other candidates.
 */
const SLOW_FACTOR = 8;
/**
 * No limit below this: a candidate done within it holds a worker too briefly to matter, and on a
 * small corpus (milliseconds a genome) a GC pause or a busy machine would otherwise stop it and so
 * make the population depend on the machine's load.
 */
const SLOW_FLOOR_SEC = 2;

/** The time limit of a generation's evaluations (see SLOW_FACTOR, SLOW_FLOOR_SEC); none before there is a population, or in pareto mode. */
const giveUpSec = (config: RunConfig, population: readonly Scored[]): number | undefined => {
  if (config.objective !== "apex" || population.length === 0) return undefined;
  const best = eliteOrder(population)[0];
  return Math.max(SLOW_FLOOR_SEC, SLOW_FACTOR * (best.encodeSec + best.decodeSec));
};

const evaluateCandidate = (ctx: Ctx, c: Candidate, generation: number, limitSec?: number): Effect.Effect<Outcome, StoreError> =>
  Effect.gen(function* () {
    const { store } = ctx;
    yield* store.putGenome(c.hash, JSON.stringify(c.genome), genomeSize(c.genome), ctx.run);
    const cached = yield* store.cachedEvaluation(c.hash, ctx.corpus.fingerprint, fileNames(ctx), codecBuildHash());
    if (cached) {
      if (cached.every((f) => f.ok)) return { kind: "ok", cached: true, scored: yield* rescore(ctx, c.hash, c.genome, cached), files: cached } as const;
      const f = yield* store.failureOf(c.hash);
      return { kind: "failed", cached: true, reason: f?.reason ?? "crash", message: f?.message ?? "failed before" } as const;
    }
    const row = yield* store.genome(c.hash);
    if (row?.gate === "fail") {
      const f = yield* store.failureOf(c.hash);
      return { kind: "failed", cached: true, reason: "gate", message: f?.message ?? "refused by the gate before" } as const;
    }
    if (Date.now() >= ctx.deadline) return { kind: "skipped" } as const;
    const result = yield* ctx.pool
      .evaluate({ genome: c.genome, corpus: ctx.shared, gate: row?.gate !== "pass", gateSeed: gateSeed(ctx.config.seed, c.hash), repeats: ctx.config.repeats, giveUpSec: limitSec })
      .pipe(Effect.either);
    if (result._tag === "Right") {
      yield* store.setGate(c.hash, "pass");
      yield* store.recordEvaluation(c.hash, ctx.corpus.fingerprint, ctx.run, result.right, codecBuildHash());
      return { kind: "ok", cached: false, scored: yield* rescore(ctx, c.hash, c.genome, result.right), files: result.right } as const;
    }
    const failure: CandidateFailure = result.left;
    const base = { genome: c.hash, run: ctx.run, generation, message: failure.message, counterexample: jsonSafe(failure.counterexample) ?? null };
    if (failure.reason === "gate") yield* store.recordGateFailure(base);
    // not cached: the limit was this run's, another run (or objective) may evaluate it through
    else if (failure.reason === "slow") yield* store.recordFailure({ ...base, reason: "slow" });
    else
      yield* store.recordEvaluationFailure(
        { ...base, reason: failure.reason },
        ctx.corpus.fingerprint,
        ctx.corpus.files.map((f) => ({ name: f.name, bytes: f.bytes.length })),
        codecBuildHash(),
      );
    return { kind: "failed", cached: false, reason: failure.reason, message: failure.message } as const;
  });

/** The genome's stored Python timing on this machine, codec and corpus (none without timing). */
const storedTiming = (ctx: Ctx, hash: string): Effect.Effect<PythonTimingRow | undefined, StoreError> =>
  ctx.timing ? ctx.store.pythonTiming(hash, ctx.timing.key) : Effect.succeed(undefined);

const rescore = (ctx: Ctx, hash: string, genome: Genome, files: readonly FileEvaluation[]): Effect.Effect<Scored, StoreError> =>
  storedTiming(ctx, hash).pipe(Effect.map((t) => scoreEvaluation(hash, genome, files, ctx.model, t?.error ? undefined : t, ctx.interfaceFactor)));

/**
 * Times an evaluated genome in Python on the sample files unless the database has it, and scores it
 * with that time; a Python round trip that fails or overruns fails the genome (its solution would).
 * Runs at the generation boundary, while the workers are idle, so timings are not disturbed by them.
 */
const timeInPython = (ctx: Ctx, o: Extract<Outcome, { kind: "ok" }>, hash: string): Effect.Effect<Outcome, StoreError> =>
  Effect.gen(function* () {
    if (!ctx.timing) return o;
    let row = yield* storedTiming(ctx, hash);
    if (!row) {
      const measured = yield* ctx.timing.timer.time(o.scored.genome).pipe(Effect.either);
      row =
        measured._tag === "Right"
          ? { files: measured.right, error: null }
          : { files: null, error: { reason: measured.left.reason, message: measured.left.message } };
      yield* ctx.store.putPythonTiming(hash, ctx.timing.key, row);
    }
    if (row.error) return { kind: "failed", cached: o.cached, reason: `python-${row.error.reason}`, message: row.error.message } as const;
    return { ...o, scored: scoreEvaluation(hash, o.scored.genome, o.files, ctx.model, row, ctx.interfaceFactor) };
  });

/** Times the best members again and folds the new minimum into their cached evaluations. */
const remeasure = (ctx: Ctx, members: readonly Scored[]): Effect.Effect<Scored[], StoreError> =>
  Effect.forEach(
    members,
    (m) =>
      ctx.pool.evaluate({ genome: m.genome, corpus: ctx.shared, gate: false, gateSeed: 0, repeats: 1 }).pipe(
        Effect.either,
        Effect.flatMap((r) =>
          r._tag === "Left"
            ? Effect.succeed(m) // a transient failure of a known-good genome changes nothing
            : Effect.gen(function* () {
                yield* ctx.store.addMeasurements(m.hash, ctx.corpus.fingerprint, r.right.map((f) => ({ file: f.file, encodeSec: f.encodeSec!, decodeSec: f.decodeSec! })));
                const files = yield* ctx.store.cachedEvaluation(m.hash, ctx.corpus.fingerprint, fileNames(ctx), codecBuildHash());
                return files ? yield* rescore(ctx, m.hash, m.genome, files) : m;
              }),
        ),
      ),
    { concurrency: ctx.pool.workers },
  );

/** Times the best members in Python again (workers idle) and keeps each file's minimum, as for TypeScript. */
const retimeInPython = (ctx: Ctx, members: readonly Scored[]): Effect.Effect<Scored[], StoreError> =>
  Effect.forEach(members, (m) =>
    Effect.gen(function* () {
      if (!ctx.timing) return m;
      const stored = yield* storedTiming(ctx, m.hash);
      const again = yield* ctx.timing.timer.time(m.genome).pipe(Effect.either);
      if (!stored?.files || again._tag === "Left") return m; // a transient failure of a timed genome changes nothing
      const fresh = new Map(again.right.map((f) => [f.name, f]));
      const files = stored.files.map((f) => {
        const g = fresh.get(f.name);
        return g ? { ...f, encodeSec: Math.min(f.encodeSec, g.encodeSec), decodeSec: Math.min(f.decodeSec, g.decodeSec) } : f;
      });
      yield* ctx.store.putPythonTiming(m.hash, ctx.timing.key, { files, error: null });
      const evaluated = yield* ctx.store.cachedEvaluation(m.hash, ctx.corpus.fingerprint, fileNames(ctx), codecBuildHash());
      return evaluated ? yield* rescore(ctx, m.hash, m.genome, evaluated) : m;
    }),
  );

// ---- the run

export interface SearchRequest {
  /** New run: its config. */
  readonly config?: RunConfig;
  /** Or resume this run, optionally with more generations. */
  readonly resume?: number;
  readonly generations?: number;
}

const resolveRun = (store: StoreApi, req: SearchRequest): Effect.Effect<{ run: number; config: RunConfig; corpus: Corpus; resumed: boolean }, SearchError | StoreError> =>
  Effect.gen(function* () {
    if (req.resume !== undefined) {
      const row = yield* store.run(req.resume);
      if (!row) return yield* Effect.fail(new SearchError({ reason: "resume", message: `no run ${req.resume} in ${store.path}` }));
      const stored = row.config as unknown as RunConfig;
      const config: RunConfig = req.generations !== undefined ? { ...stored, generations: req.generations } : stored;
      const corpus = yield* Effect.try({ try: () => loadCorpus(config.data, config.sampleFiles), catch: asSearchError });
      if (corpus.fingerprint !== row.corpusFp)
        return yield* Effect.fail(new SearchError({ reason: "resume", message: `run ${row.id}'s corpus changed (fingerprint ${corpus.fingerprint}, run has ${row.corpusFp})` }));
      if (config !== stored) yield* store.updateRunConfig(row.id, config as unknown as Record<string, unknown>);
      yield* store.setRunStatus(row.id, "running");
      return { run: row.id, config, corpus, resumed: true };
    }
    const config = req.config!;
    const corpus = yield* Effect.try({ try: () => loadCorpus(config.data, config.sampleFiles), catch: asSearchError });
    yield* store.putCorpus(corpus.fingerprint, corpus.files.map((f) => ({ name: f.name, bytes: f.bytes.length })));
    const run = yield* store.createRun(config as unknown as Record<string, unknown>, config.seed, corpus.fingerprint);
    return { run, config, corpus, resumed: false };
  });

const asSearchError = (e: unknown): SearchError =>
  e instanceof SearchError ? e : new SearchError({ reason: "bad-corpus", message: e instanceof Error ? e.message : String(e) });

/** A slice of real data for calibration: the corpus files concatenated up to 1 MiB. */
const calibrationSample = (corpus: Corpus): Uint8Array => {
  const out = new Uint8Array(Math.min(corpus.totalBytes, 1 << 20) & ~1);
  let o = 0;
  for (const f of corpus.files) {
    if (o >= out.length) break;
    const n = Math.min(f.bytes.length & ~1, out.length - o);
    out.set(f.bytes.subarray(0, n), o);
    o += n;
  }
  return out;
};

const loadModel = (store: StoreApi, config: RunConfig, corpus: Corpus, python: string, emit: (e: SearchEvent) => void) =>
  config.calibrate
    ? Effect.tryPromise({
        try: (signal) =>
          ensureCalibration(store.queries, {
            python,
            signal,
            sample: calibrationSample(corpus),
            onStart: (prims) => emit({ type: "calibrating", primitives: prims.map((p) => p.name) }),
            onProgress: (done, total, key) => emit({ type: "calibration-progress", done, total, key }),
          }),
        catch: (e) => (e instanceof SearchError ? e : new SearchError({ reason: "calibration", message: (e as Error).message })),
      })
    : Effect.succeed(nominalModel());

/**
 * Runs (or resumes) a search to its end: the generation limit, the budget, or interruption. The
 * run's status is kept current: running, then done, interrupted or failed.
 */
export const runSearch = (req: SearchRequest, inv: Invocation): Effect.Effect<RunSummary, SearchError | StoreError, ResultsStore> =>
  Effect.gen(function* () {
    const store = yield* ResultsStore;
    const emit = inv.onEvent ?? (() => {});
    const { run, config, corpus, resumed } = yield* resolveRun(store, req);
    const python = inv.python ?? defaultPython();
    const body = Effect.gen(function* () {
      if (config.extraPrimitives?.length) yield* Effect.promise(() => loadExtraPrimitives(config.extraPrimitives!));
      const model = yield* loadModel(store, config, corpus, python, emit);
      const pool = yield* EvalPool;
      const timer = yield* Effect.serviceOption(PythonTimer);
      const timing = Option.isSome(timer) ? { timer: timer.value, key: { machine: machineId(python), codecHash: codecHash(), corpusFp: corpus.fingerprint } } : null;
      const interfaceFactor = config.calibrate ? recalibrationFactor(store.queries.db) : 1;
      const started = Date.now(); // the budget is for searching: calibration and worker start-up are not counted
      emit({ type: "start", run, resumedFrom: resumed ? run : undefined, corpus: { files: corpus.files.length, bytes: corpus.totalBytes, fingerprint: corpus.fingerprint }, config, workers: pool.workers });
      const deadline = inv.budgetMs === undefined ? Infinity : started + inv.budgetMs;
      return yield* loop({ store, pool, run, config, corpus, shared: shareCorpus(corpus), model, timing, interfaceFactor, deadline, emit, onGeneration: inv.onGeneration }, started);
    }).pipe(
      Effect.provide(EvalPool.layer({ workers: inv.workers, timeoutMs: config.timeoutMs, memoryMb: config.memoryMb, extraPrimitives: config.extraPrimitives })),
      Effect.provide(
        config.calibrate
          ? PythonTimer.layer({ python, samples: timingSamples(corpus.files), callTimeoutMs: PYTHON_CALL_TIMEOUT_MS, repeatBudgetSec: PYTHON_REPEAT_BUDGET_SEC })
          : Layer.empty,
      ),
    );
    return yield* body.pipe(
      Effect.onExit((exit) =>
        Exit.isSuccess(exit)
          ? store.setRunStatus(run, exit.value.status).pipe(Effect.ignore)
          : Exit.isInterrupted(exit)
            ? store.setRunStatus(run, "interrupted").pipe(Effect.ignore)
            : store.setRunStatus(run, "failed", String(Exit.isFailure(exit) ? exit.cause : "")).pipe(Effect.ignore),
      ),
    );
  });

const loop = (ctx: Ctx, started: number): Effect.Effect<RunSummary, StoreError> =>
  Effect.gen(function* () {
    const { store, config, run } = ctx;
    const done = yield* store.generations(run);
    let population: Scored[] = [];
    let g = 0;
    if (done.length > 0) {
      const last = done[done.length - 1];
      const members = yield* store.members(run, last.idx);
      population = [];
      for (const m of members) {
        const row = yield* store.genome(m.genome);
        population.push(fromMember(m, row!.canonical));
      }
      g = last.idx + 1;
    }
    // what earlier generations proposed (committed with each generation, so a resumed run breeds the same children)
    const tried = new Set((yield* store.lineageOfRun(run)).map((l) => l.child));
    const counts = { evaluated: 0, cached: 0, failed: 0 };
    let stoppedBy: RunSummary["stoppedBy"] = "generations";
    const limit = config.generations ?? Infinity;
    while (g < limit) {
      if (Date.now() >= ctx.deadline) {
        stoppedBy = "budget";
        break;
      }
      const rng = generationRng(config.seed, g);
      const rngState = String(rng.state());
      const candidates = g === 0 ? initialCandidates(config, rng) : breed(config, population, rng, tried);
      ctx.emit({ type: "generation-start", generation: g, candidates: candidates.length });
      const gen = g;
      const limitSec = giveUpSec(config, population);
      let outcomes: readonly Outcome[] = yield* Effect.forEach(
        candidates,
        (c) =>
          evaluateCandidate(ctx, c, gen, limitSec).pipe(
            Effect.tap((o) => {
              if (o.kind === "ok") ctx.emit({ type: "evaluated", generation: gen, hash: c.hash, cached: o.cached, scored: summarize(o.scored) });
              if (o.kind === "failed") ctx.emit({ type: "failed", generation: gen, hash: c.hash, cached: o.cached, reason: o.reason, message: o.message });
            }),
          ),
        { concurrency: ctx.pool.workers },
      );
      const timedOutcomes = yield* Effect.forEach(outcomes, (o, i) => (o.kind === "ok" ? timeInPython(ctx, o, candidates[i].hash) : Effect.succeed(o)));
      timedOutcomes.forEach((o, i) => {
        if (o.kind === "failed" && outcomes[i].kind === "ok") ctx.emit({ type: "failed", generation: gen, hash: candidates[i].hash, cached: o.cached, reason: o.reason, message: o.message });
      });
      outcomes = timedOutcomes;
      const fresh = outcomes.filter((o) => o.kind !== "skipped" && !o.cached).length;
      const genCounts = {
        evaluated: outcomes.filter((o) => o.kind === "ok" && !o.cached).length,
        cached: outcomes.filter((o) => o.kind !== "skipped" && o.cached).length,
        failed: outcomes.filter((o) => o.kind === "failed").length,
      };
      counts.evaluated += fresh;
      counts.cached += genCounts.cached;
      counts.failed += genCounts.failed;
      const children = outcomes.flatMap((o) => (o.kind === "ok" ? [o.scored] : []));
      if (config.remeasureEvery > 0 && g > 0 && g % config.remeasureEvery === 0 && population.length > 0) {
        const top = selectSurvivors(population, config.remeasureTop, config.objective);
        const fresher = yield* retimeInPython(ctx, yield* remeasure(ctx, top));
        const byHash = new Map(fresher.map((s) => [s.hash, s]));
        population = population.map((p) => byHash.get(p.hash) ?? p);
      }
      const survivors = selectSurvivors([...population, ...children], config.population, config.objective);
      if (survivors.length === 0) break; // nothing evaluated successfully (all failed or skipped): stop rather than breed from nothing
      const evaluatedHashes = new Set(outcomes.flatMap((o, i) => (o.kind === "skipped" ? [] : [candidates[i].hash])));
      yield* store.recordGeneration(
        { run, idx: g, rngState, evaluated: genCounts.evaluated, cached: genCounts.cached, failed: genCounts.failed },
        survivors.map(memberRow),
        candidates.filter((c) => evaluatedHashes.has(c.hash)).map((c) => ({ child: c.hash, parents: c.parents, operator: c.operator, generation: g })),
      );
      for (const h of evaluatedHashes) tried.add(h);
      population = survivors;
      const elapsedMs = Date.now() - started;
      const perGen = elapsedMs / (g + 1 - (done.length > 0 ? done[done.length - 1].idx + 1 : 0));
      const etaGen = Number.isFinite(limit) ? (limit - g - 1) * perGen : Infinity;
      const etaBudget = Number.isFinite(ctx.deadline) ? Math.max(0, ctx.deadline - Date.now()) : Infinity;
      const eta = Math.min(etaGen, etaBudget);
      const best = [...survivors].sort((a, b) => fitnessKey(b, "apex") - fitnessKey(a, "apex"))[0];
      const generationEvent = {
        type: "generation",
        generation: g,
        best: summarize(best),
        ...genCounts,
        progress: { elapsedMs, evalsPerSec: counts.evaluated / Math.max(elapsedMs / 1000, 1e-3), etaMs: Number.isFinite(eta) ? eta : null },
      } as const;
      ctx.emit(generationEvent);
      if (ctx.onGeneration) yield* ctx.onGeneration(generationEvent);
      g++;
      if (outcomes.some((o) => o.kind === "skipped")) {
        stoppedBy = "budget";
        break;
      }
    }
    const seeds = yield* scoredSeeds(ctx);
    const best = population.length ? summarize([...population].sort((a, b) => fitnessKey(b, "apex") - fitnessKey(a, "apex"))[0]) : null;
    const summary: RunSummary = {
      run,
      status: "done",
      generations: g,
      ...counts,
      elapsedMs: Date.now() - started,
      stoppedBy,
      best,
      baseline: seeds.find((x) => x.name === "apex-baseline")?.scored ?? null,
      seeds,
    };
    ctx.emit({ type: "done", summary });
    return summary;
  });

/** The seed genomes' scores on this corpus, from the cache (for the summary); unscored seeds are left out. */
const scoredSeeds = (ctx: Ctx): Effect.Effect<SeedSummary[], StoreError> =>
  Effect.gen(function* () {
    const defaultHash = genomeHash(canonicalize(DEFAULT_PIPELINE_JSON));
    const out: SeedSummary[] = [];
    for (const seed of seedGenomes()) {
      const hash = genomeHash(seed.genome);
      const files = yield* ctx.store.cachedEvaluation(hash, ctx.corpus.fingerprint, fileNames(ctx), codecBuildHash());
      if (files && files.every((f) => f.ok)) out.push({ name: seed.name, isDefault: hash === defaultHash, scored: summarize(yield* rescore(ctx, hash, seed.genome, files)) });
    }
    return out;
  });

/**
 * Runs a search Effect with SIGINT/SIGTERM interrupting it (the run is then marked interrupted,
 * workers and the database closed) and returns its exit.
 */
export const runInterruptible = <A, E>(program: Effect.Effect<A, E>): Promise<Exit.Exit<A, E>> => {
  const fiber = Effect.runFork(program);
  const stop = () => {
    Effect.runFork(Fiber.interrupt(fiber));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return Effect.runPromise(Fiber.await(fiber)).finally(() => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  });
};

/** Absolute paths, so a resumed run finds its corpus from any directory. */
export const absolutePaths = (xs: readonly string[]): string[] => xs.map((x) => path.resolve(x));
