/**
 * Genome references for the CLI: a (prefix of a) genome hash, or `best` (the top of the latest
 * run's leaderboard; `best:RUN` for a given run). `compress --pipeline` and `show` accept them.
 */
import { existsSync } from "node:fs";
import type { PipelineJson } from "../src/codec/pipeline.js";
import { DEFAULT_DB, openQueries, StoreError, type Queries } from "./store.js";

export interface ResolvedGenome {
  readonly hash: string;
  readonly genome: PipelineJson;
  /** The run `best` was taken from. */
  readonly run?: number;
}

const HASH_PREFIX = /^[0-9a-f]{4,16}$/i;

/** Looks a reference up; undefined when nothing matches, StoreError("not-found") when a prefix is ambiguous. */
export const lookupGenome = (q: Queries, ref: string): ResolvedGenome | undefined => {
  const best = /^best(?::(\d+))?$/.exec(ref);
  if (best) {
    const run = best[1] !== undefined ? q.run(Number(best[1])) : q.latestRun();
    const top = run && q.leaderboard(run.id, 1)[0];
    return top ? { hash: top.genome, genome: JSON.parse(top.canonical) as PipelineJson, run: run.id } : undefined;
  }
  if (!HASH_PREFIX.test(ref)) return undefined;
  const found = q.genomesByPrefix(ref.toLowerCase(), 2);
  if (found.length > 1) throw new StoreError({ reason: "not-found", message: `genome prefix ${ref} is ambiguous (${found.map((g) => g.hash).join(", ")}, ...)` });
  return found[0] && { hash: found[0].hash, genome: JSON.parse(found[0].canonical) as PipelineJson };
};

/** True when `ref` has the shape of a genome reference (so a caller can try the database first). */
export const isGenomeRef = (ref: string): boolean => /^best(?::\d+)?$/.test(ref) || HASH_PREFIX.test(ref);

/**
 * The canonical pipeline JSON of a genome reference (`best`, `best:RUN`, or a hash/prefix) in the
 * database at `dbPath`; undefined when the database or the genome does not exist.
 */
export const resolveGenome = (ref: string, dbPath: string = DEFAULT_DB): PipelineJson | undefined => {
  if (!isGenomeRef(ref) || !existsSync(dbPath)) return undefined;
  const q = openQueries(dbPath, { readonly: true });
  try {
    return lookupGenome(q, ref)?.genome;
  } finally {
    q.close();
  }
};
