/**
 * `evocodec emit`: which pipeline (a built-in name, JSON text or file, a genome hash or `best` from
 * the results database) and the solution file for an Apex target.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Effect } from "effect";
import { BUILTIN_PIPELINES } from "../codec/builtins.js";
import { CodecError, parsePipeline, toJson, type PipelineNode } from "../codec/index.js";
import { genomeHash } from "../../search/genome.js";
import { DEFAULT_DB, openQueries, type Queries } from "../../results/store.js";
import { bestVerified, fastestVerified, predictionOf, verificationsOf } from "../../results/verifications.js";
import { EmitError } from "./errors.js";
import { solutionSource, type Provenance, type Target } from "./solution.js";

export { EmitError, type EmitErrorReason } from "./errors.js";
export { TARGETS, isTarget, solutionSource, solutionMeta, usedPrimitives, type Target, type Provenance, type SolutionMeta } from "./solution.js";

export interface ResolvedPipeline {
  readonly node: PipelineNode;
  readonly provenance: Provenance;
}

const parse = (json: unknown, where: string): PipelineNode => {
  try {
    return parsePipeline(json);
  } catch (e) {
    throw new EmitError({ reason: "bad-pipeline", message: `${where}: ${e instanceof CodecError ? e.message : String(e)}` });
  }
};

const parseText = (text: string, where: string): PipelineNode => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EmitError({ reason: "bad-pipeline", message: `${where}: invalid JSON (${(e as Error).message})` });
  }
  return parse(json, where);
};

const withStore = <A>(db: string, f: (q: Queries) => A): A => {
  if (!existsSync(db))
    throw new EmitError({ reason: "store-unavailable", message: `no results database at ${db} (run a search first, or pass --db)` });
  let q: Queries;
  try {
    q = openQueries(db);
  } catch (e) {
    throw new EmitError({ reason: "store-unavailable", message: `${db}: ${(e as Error).message}` });
  }
  try {
    return f(q);
  } finally {
    q.close();
  }
};

const pct = (x: number): string => x.toFixed(4);

/** The pipeline of a stored genome, with what the search predicted and what verify measured. */
const fromGenome = (q: Queries, hash: string, source: string): ResolvedPipeline => {
  const row = q.genome(hash);
  if (!row) throw new EmitError({ reason: "genome-not-found", message: `genome ${hash} is not in ${q.path}` });
  const figures: Record<string, string> = {};
  const predicted = predictionOf(q.db, hash);
  if (predicted) {
    figures["predicted score (search)"] = `${pct(predicted.score)} (run ${predicted.run}, generation ${predicted.generation})`;
    figures["compressed/original (TS)"] = pct(predicted.ratio);
    if (predicted.pythonSec !== null) figures["predicted Python time per file"] = `${(predicted.pythonSec * 1000).toFixed(1)} ms`;
  }
  const measured = verificationsOf(q.db, hash)[0];
  if (measured)
    figures["measured (evocodec verify)"] =
      `score ${pct(measured.meanScore)} vs baseline ${measured.baselineMeanScore === null ? "-" : pct(measured.baselineMeanScore)}, ` +
      `${(measured.meanTimeSec * 1000).toFixed(1)} ms per file, ${measured.target}, ${measured.files.length} files of ${measured.data}, ` +
      `${measured.bitExact ? "bit-exact" : "NOT bit-exact"} (${measured.verifiedAt})`;
  return {
    node: parse(JSON.parse(row.canonical), `genome ${hash}`),
    provenance: { source, genomeHash: hash, runId: predicted?.run ?? row.firstRun ?? undefined, figures },
  };
};

/** Options of `best`. */
export interface BestOptions {
  /** Only verifications whose time per file is at most this many times the baseline's (same verification). */
  readonly maxSlowdown?: number;
}

/** `best`: the best verified genome of the latest run, else its best scored one (with a time cap: verified ones only). */
const best = (q: Queries, opts: BestOptions = {}): ResolvedPipeline => {
  const run = q.latestRun();
  if (!run) throw new EmitError({ reason: "no-genomes", message: `${q.path} has no run with a finished generation` });
  const cap = opts.maxSlowdown;
  const verified = bestVerified(q.db, run.id, cap);
  if (verified) {
    const within = cap === undefined ? "" : ` within ${cap}x the baseline's time (${verified.slowdown!.toFixed(2)}x)`;
    return fromGenome(q, verified.genome, `best verified genome of run ${run.id}${within}`);
  }
  if (cap !== undefined) {
    const fastest = fastestVerified(q.db, run.id);
    throw new EmitError({
      reason: "no-genomes",
      message:
        `no bit-exact verification of run ${run.id} within ${cap}x the baseline's time per file` +
        (fastest ? ` (fastest verified: ${fastest.genome} at ${fastest.slowdown!.toFixed(2)}x)` : " (none carries a baseline time)") +
        "; verify faster genomes with `evocodec verify`, or run `evocodec overnight --max-slowdown`",
    });
  }
  const top = q.leaderboard(run.id, 1)[0];
  if (!top) throw new EmitError({ reason: "no-genomes", message: `run ${run.id} has no scored genome` });
  return fromGenome(q, top.genome, `best scored genome of run ${run.id} (no verified genome yet)`);
};

const byPrefix = (q: Queries, prefix: string): ResolvedPipeline => {
  const found = q.genomesByPrefix(prefix, 2);
  if (found.length === 0) throw new EmitError({ reason: "genome-not-found", message: `no genome ${prefix}… in ${q.path}` });
  if (found.length > 1) throw new EmitError({ reason: "genome-not-found", message: `genome prefix ${prefix} is ambiguous in ${q.path}` });
  return fromGenome(q, found[0].hash, `genome ${found[0].hash}`);
};

/** PIPELINE argument: `best`, a built-in name, JSON text, a JSON file, or a genome hash (prefix) in the database. */
export const resolvePipelineSpec = (spec: string, db: string = DEFAULT_DB, bestOptions: BestOptions = {}): ResolvedPipeline => {
  if (spec === "best") return withStore(db, (q) => best(q, bestOptions));
  if (bestOptions.maxSlowdown !== undefined)
    throw new EmitError({ reason: "unknown-pipeline", message: "--max-slowdown picks among verified genomes: it goes with `best` only" });
  const builtin = BUILTIN_PIPELINES[spec];
  if (builtin) return { node: parse(builtin.json, spec), provenance: { source: `built-in pipeline "${spec}": ${builtin.summary}` } };
  if (spec.trimStart().startsWith("{")) return { node: parseText(spec, "pipeline JSON"), provenance: { source: "pipeline JSON given on the command line" } };
  if (existsSync(spec)) return { node: parseText(readFileSync(spec, "utf8"), spec), provenance: { source: `pipeline file ${spec}` } };
  if (/^[0-9a-f]{4,64}$/.test(spec)) return withStore(db, (q) => byPrefix(q, spec));
  throw new EmitError({
    reason: "unknown-pipeline",
    message: `"${spec}" is not \`best\`, a built-in pipeline (${Object.keys(BUILTIN_PIPELINES).join(", ")}), JSON, a JSON file or a genome hash`,
  });
};

const emitError = (e: unknown): EmitError =>
  e instanceof EmitError ? e : new EmitError({ reason: "bad-pipeline", message: e instanceof Error ? e.message : String(e) });

export interface Emitted {
  readonly source: string;
  readonly resolved: ResolvedPipeline;
  readonly genome: string;
}

/** Resolves `spec` and builds the solution source for `target`. */
export const emit = (spec: string, target: Target, db?: string, bestOptions: BestOptions = {}): Effect.Effect<Emitted, EmitError> =>
  Effect.try({
    try: () => {
      const resolved = resolvePipelineSpec(spec, db, bestOptions);
      const genome = resolved.provenance.genomeHash ?? genomeHash(toJson(resolved.node));
      const provenance = { ...resolved.provenance, genomeHash: genome };
      return { source: solutionSource({ kind: "pipeline", pipeline: resolved.node }, target, provenance), resolved: { ...resolved, provenance }, genome };
    },
    catch: emitError,
  });

export const writeSolution = (file: string, source: string): Effect.Effect<void, EmitError> =>
  Effect.try({
    try: () => writeFileSync(file, source, { mode: 0o755 }),
    catch: (e) => new EmitError({ reason: "write-failed", message: `${file}: ${(e as Error).message}` }),
  });
