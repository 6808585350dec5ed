/**
 * What a report shows, gathered from the results database: the run, its score per generation,
 * every genome it kept (for the Pareto front) with the seed baselines, the best genome's tree with
 * the bytes every node saw, its lineage, its per-file figures against the Apex baseline, and what
 * `verify` measured for the run's genomes.
 */
import { describe, parsePipeline, type PipelineJson, type PipelineNode } from "../codec/index.js";
import { defaultPython } from "../python/interpreter.js";
import { sumNodeStats, type FileEvaluation, type Queries, type RunRow } from "../../results/store.js";
import { verificationsOf, type VerificationRow } from "../../results/verifications.js";
import { genomeHash, seedGenomes } from "../../search/genome.js";
import { nominalModel, predictPythonSeconds, storedModel, type PythonCostModel } from "../../search/python-cost.js";
import { apexScore, nonDominatedSort, type Scored } from "../../search/selection.js";
import { ReportError } from "./errors.js";

export interface GenerationPoint {
  readonly idx: number;
  readonly best: number;
  readonly median: number;
  readonly evaluated: number;
  readonly cached: number;
  readonly failed: number;
  readonly finishedAt: string;
}

/** A genome on the (ratio, predicted Python time) plane. */
export interface GenomePoint {
  readonly hash: string;
  readonly ratio: number;
  /** Predicted Python compress + decompress seconds per file. */
  readonly pySec: number;
  readonly score: number;
  readonly front: boolean;
}

export interface Baseline extends Omit<GenomePoint, "front"> {
  /** Seed name, e.g. apex-baseline (zstd level 3 on the raw bytes, the Apex reference). */
  readonly name: string;
}

export interface TreeNode {
  readonly op: string;
  readonly kind: "split" | "transform" | "backend";
  /** Parameters that differ from the primitive's defaults, as "k=v". */
  readonly params: readonly string[];
  /** The name of the parent's output stream this node encodes ("" for the root). */
  readonly stream: string;
  /** Summed over the corpus: bytes this node received, and the payload bytes it and its subtree produced. */
  readonly inputBytes: number | null;
  readonly payloadBytes: number | null;
  readonly children: readonly TreeNode[];
}

export interface Ancestor {
  readonly hash: string;
  readonly generation: number | null;
  /** The operator that produced it (e.g. mutate-param, crossover, seed:apex-baseline, random). */
  readonly operator: string | null;
  readonly parents: readonly string[];
  readonly score: number | null;
}

export interface FileRow {
  readonly file: string;
  readonly originalBytes: number;
  readonly compressedBytes: number;
  readonly ratio: number;
  readonly encodeSec: number | null;
  readonly decodeSec: number | null;
  readonly pySec: number;
  readonly score: number;
  readonly baseline: { readonly ratio: number; readonly pySec: number; readonly score: number } | null;
  /** What `verify` measured for this file (the latest verification of the best genome that has it). */
  readonly measured: { readonly timeSec: number; readonly score: number; readonly bitExact: boolean } | null;
}

export interface BestGenome {
  readonly hash: string;
  readonly pipeline: PipelineJson;
  readonly description: string;
  readonly score: number;
  readonly ratio: number;
  readonly pySec: number;
  readonly tsSec: number;
  readonly size: number;
  readonly generation: number;
}

export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly db: string;
  readonly run: RunRow;
  readonly corpus: { readonly files: number; readonly bytes: number };
  readonly modelKind: PythonCostModel["kind"];
  readonly generations: readonly GenerationPoint[];
  readonly points: readonly GenomePoint[];
  readonly baselines: readonly Baseline[];
  readonly best: BestGenome | null;
  readonly tree: TreeNode | null;
  readonly lineage: { readonly nodes: readonly Ancestor[]; readonly truncated: boolean };
  readonly files: readonly FileRow[];
  readonly verifications: readonly VerificationRow[];
  /** Fresh evaluations (distinct genomes) and failures committed by the run. */
  readonly evaluations: { readonly genomes: number; readonly failures: number };
  readonly scoreToBeat?: number;
}

export interface ReportOptions {
  readonly title?: string;
  readonly scoreToBeat?: number;
  /** Interpreter whose calibration predicts per-file Python time (default: as the search). */
  readonly python?: string;
  /** Ancestors drawn at most. */
  readonly maxAncestors?: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const nonDefaultParams = (n: PipelineNode): string[] =>
  Object.entries(n.params)
    .filter(([k, v]) => v !== n.prim.params[k].default)
    .map(([k, v]) => `${k}=${v}`);

/** The pipeline as a tree, with per-node stream sizes summed over the files (stored in pre-order). */
export const pipelineTree = (root: PipelineNode, files: readonly FileEvaluation[]): TreeNode => {
  const sums = sumNodeStats(files);
  let i = 0;
  const walk = (n: PipelineNode, stream: string): TreeNode => {
    const s = sums[i++];
    const names = n.prim.outputNames(n.params);
    return {
      op: n.prim.name,
      kind: n.prim.kind,
      params: nonDefaultParams(n),
      stream,
      inputBytes: s?.inputBytes ?? null,
      payloadBytes: s?.payloadBytes ?? null,
      children: n.children.map((c, k) => walk(c, names[k] ?? `s${k}`)),
    };
  };
  return walk(root, "");
};

const scoredOf = (x: { fitness: Record<string, unknown>; genome: string; canonical: string }): Scored => ({
  ...(x.fitness as Omit<Scored, "genome">),
  hash: x.genome,
  genome: JSON.parse(x.canonical) as PipelineJson,
});

const scoreOf = (s: Scored): number => s.apexMean ?? apexScore(s.ratio, s.predictedPySec);

/** Ancestors of `hash` breadth first (the run's own lineage rows preferred), at most `limit`. */
const ancestry = (q: Queries, hash: string, run: number, scores: ReadonlyMap<string, number>, limit: number): { nodes: Ancestor[]; truncated: boolean } => {
  const nodes: Ancestor[] = [];
  const seen = new Set([hash]);
  const queue = [hash];
  let truncated = false;
  while (queue.length > 0) {
    const h = queue.shift()!;
    if (nodes.length >= limit) {
      truncated = true;
      break;
    }
    const rows = q.lineageOf(h);
    const row = rows.find((r) => r.run === run) ?? rows[0];
    nodes.push({ hash: h, generation: row?.generation ?? null, operator: row?.operator ?? null, parents: row?.parents ?? [], score: scores.get(h) ?? null });
    for (const p of row?.parents ?? [])
      if (!seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
  }
  return { nodes, truncated };
};

/** The cached evaluation of a genome on the run's corpus when every file is there and ok. */
const okEvaluation = (q: Queries, hash: string, corpusFp: string, files: readonly string[]): FileEvaluation[] | undefined => {
  const e = q.cachedEvaluation(hash, corpusFp, files);
  return e && e.every((f) => f.ok) ? e : undefined;
};

const perFile = (model: PythonCostModel, root: PipelineNode, files: readonly FileEvaluation[]) =>
  files.map((f) => {
    const pySec = predictPythonSeconds(model, root, (f.streams ?? []).map((s) => s.inputBytes)).totalSec;
    const ratio = (f.compressedBytes ?? f.originalBytes) / Math.max(1, f.originalBytes);
    return { ratio, pySec, score: apexScore(ratio, pySec) };
  });

/** Everything the report of `run` shows. */
export const loadReportData = (q: Queries, run: RunRow, opts: ReportOptions = {}): ReportData => {
  const corpusFiles = q.corpus(run.corpusFp) ?? [];
  const names = corpusFiles.map((f) => f.name);
  const calibrated = run.config.calibrate !== false;
  const model = calibrated ? storedModel(q, opts.python ?? defaultPython()) : nominalModel();

  const generations: GenerationPoint[] = q.generations(run.id).map((g) => {
    const scores = q.members(run.id, g.idx).map((m) => m.score);
    return { idx: g.idx, best: Math.max(...scores), median: median(scores), evaluated: g.evaluated, cached: g.cached, failed: g.failed, finishedAt: g.finishedAt };
  });

  const leaders = q.leaderboard(run.id, 1_000_000);
  const scored = leaders.map(scoredOf);
  const front = new Set((nonDominatedSort(scored, (s) => [s.ratio, s.predictedPySec])[0] ?? []).map((s) => s.hash));
  const points: GenomePoint[] = scored.map((s) => ({ hash: s.hash, ratio: s.ratio, pySec: s.predictedPySec, score: scoreOf(s), front: front.has(s.hash) }));
  const scores = new Map(points.map((p) => [p.hash, p.score]));

  const baselines: Baseline[] = [];
  for (const seed of seedGenomes().filter((s) => s.name.endsWith("baseline"))) {
    const hash = genomeHash(seed.genome);
    const member = points.find((p) => p.hash === hash);
    const evaluation = member ? undefined : okEvaluation(q, hash, run.corpusFp, names);
    if (member) baselines.push({ name: seed.name, hash, ratio: member.ratio, pySec: member.pySec, score: member.score });
    else if (evaluation) {
      const fs = perFile(model, parsePipeline(seed.genome), evaluation);
      const total = evaluation.reduce((a, f) => a + f.originalBytes, 0);
      baselines.push({
        name: seed.name,
        hash,
        ratio: evaluation.reduce((a, f) => a + (f.compressedBytes ?? 0), 0) / Math.max(1, total),
        pySec: fs.reduce((a, f) => a + f.pySec, 0) / fs.length,
        score: fs.reduce((a, f) => a + f.score, 0) / fs.length,
      });
    }
  }

  const top = leaders[0];
  let best: BestGenome | null = null;
  let tree: TreeNode | null = null;
  let files: FileRow[] = [];
  let lineage: ReportData["lineage"] = { nodes: [], truncated: false };
  const verifications = [...new Set(leaders.map((l) => l.genome))].flatMap((g) => verificationsOf(q.db, g)).sort((a, b) => b.id - a.id);
  if (top) {
    const s = scoredOf(top);
    const root = parsePipeline(s.genome);
    best = {
      hash: s.hash,
      pipeline: s.genome,
      description: describe(root),
      score: scoreOf(s),
      ratio: s.ratio,
      pySec: s.predictedPySec,
      tsSec: s.encodeSec + s.decodeSec,
      size: s.size,
      generation: top.generation,
    };
    const evaluation = okEvaluation(q, s.hash, run.corpusFp, names) ?? [];
    tree = pipelineTree(root, evaluation);
    const apexSeed = seedGenomes().find((x) => x.name === "apex-baseline");
    const baseEval = apexSeed && okEvaluation(q, genomeHash(apexSeed.genome), run.corpusFp, names);
    const basePer = baseEval && apexSeed ? perFile(model, parsePipeline(apexSeed.genome), baseEval) : undefined;
    const measuredBy = new Map<string, FileRow["measured"]>();
    for (const v of verifications.filter((x) => x.genome === s.hash).reverse())
      for (const f of v.files) measuredBy.set(f.file, { timeSec: f.timeSec, score: f.score, bitExact: f.bitExact });
    const mine = perFile(model, root, evaluation);
    files = evaluation.map((f, i) => ({
      file: f.file,
      originalBytes: f.originalBytes,
      compressedBytes: f.compressedBytes ?? f.originalBytes,
      ratio: mine[i].ratio,
      encodeSec: f.encodeSec,
      decodeSec: f.decodeSec,
      pySec: mine[i].pySec,
      score: mine[i].score,
      baseline: basePer?.[i] ?? null,
      measured: measuredBy.get(f.file) ?? measuredBy.get(f.file.split(":")[0]) ?? null,
    }));
    lineage = ancestry(q, s.hash, run.id, scores, opts.maxAncestors ?? 40);
  }

  const failures = q.failures(run.id).length;
  const evaluated = new Set(q.evaluationsOfRun(run.id).map((e) => e.genome)).size;
  return {
    title: opts.title ?? `evocodec run ${run.id}`,
    generatedAt: new Date().toISOString(),
    db: q.path,
    run,
    corpus: { files: corpusFiles.length, bytes: corpusFiles.reduce((a, f) => a + f.bytes, 0) },
    modelKind: model.kind,
    generations,
    points,
    baselines,
    best,
    tree,
    lineage,
    files,
    verifications,
    evaluations: { genomes: evaluated, failures },
    ...(opts.scoreToBeat !== undefined ? { scoreToBeat: opts.scoreToBeat } : {}),
  };
};

/** `latest` (the newest run with a finished generation) or a run id. */
export const chooseReportRun = (q: Queries, ref: string): RunRow => {
  if (ref === "latest") {
    const r = q.latestRun();
    if (!r) throw new ReportError({ reason: "not-found", message: `${q.path} has no run with a finished generation` });
    return r;
  }
  const id = Number(ref);
  if (!Number.isInteger(id) || id <= 0) throw new ReportError({ reason: "not-found", message: `RUN must be a run id or "latest", got "${ref}"` });
  const r = q.run(id);
  if (!r) throw new ReportError({ reason: "not-found", message: `no run ${id} in ${q.path}` });
  return r;
};
