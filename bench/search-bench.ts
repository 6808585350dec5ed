/**
 * `npm run bench:search`: how fast the search evaluates genomes, with 1 and 2 worker threads.
 *   node dist/bench/search-bench.js [--data DIR] [--files N] [--genomes N] [--gate]
 *
 * The same genomes (the seeds plus random ones, fixed seed; no xz, whose slowest presets would
 * dominate) are evaluated on the same corpus (default: 6 files spread over ../shared/activations,
 * a synthetic corpus when it is absent) through the real pool: shared-memory corpus, piscina
 * workers, exact frames, verified round trips. Workers are warmed up first (module loading is not
 * counted). With --gate each evaluation also runs the losslessness gate, as new genomes do in a search.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Effect } from "effect";
import { loadCorpus, type Corpus } from "../search/fitness.js";
import { canonicalize, genomeHash, randomGenome, seedGenomes, type Genome } from "../search/genome.js";
import { EvalPool } from "../search/pool.js";
import { shareCorpus, type EvalTask, type SharedCorpus } from "../search/protocol.js";
import { Rng } from "../search/rng.js";
import { demoSpecs, generateTensor, sampleFileName } from "../src/data/synthetic.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DEFAULT_DATA = path.resolve(repoRoot, "..", "shared", "activations");

const { values: args } = parseArgs({
  options: { data: { type: "string" }, files: { type: "string" }, genomes: { type: "string" }, gate: { type: "boolean", default: false } },
});

const usesXz = (g: Genome): boolean => g.op === "xz" || (g.next ?? []).some(usesXz);

const genomeSet = (n: number): Genome[] => {
  const out = new Map<string, Genome>();
  for (const s of seedGenomes()) if (!usesXz(s.genome)) out.set(genomeHash(s.genome), s.genome);
  const rng = new Rng(2024);
  for (let i = 0; out.size < n && i < n * 50; i++) {
    const g = canonicalize(randomGenome(rng));
    if (!usesXz(g)) out.set(genomeHash(g), g);
  }
  return [...out.values()].slice(0, n);
};

const corpusOf = (): Corpus => {
  const files = Number(args.files ?? 6);
  const data = args.data ?? DEFAULT_DATA;
  if (existsSync(data)) return loadCorpus([data], files);
  const dir = mkdtempSync(path.join(os.tmpdir(), "evocodec-bench-"));
  for (const spec of demoSpecs(1)) writeFileSync(path.join(dir, sampleFileName(spec)), generateTensor(spec).bytes);
  return loadCorpus([dir], files);
};

interface Row {
  readonly workers: number;
  readonly seconds: number;
  readonly evalsPerSec: number;
  readonly failed: number;
}

const measure = (workers: number, genomes: readonly Genome[], shared: SharedCorpus): Promise<Row> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const pool = yield* EvalPool;
      const task = (genome: Genome): EvalTask => ({ genome, corpus: shared, gate: args.gate === true, gateSeed: 1, repeats: 1 });
      // warm-up: one cheap evaluation per worker, so thread start-up and module loading are not counted
      yield* Effect.forEach(Array.from({ length: workers }, () => ({ op: "zstd", level: 1 }) as Genome), (g) => Effect.either(pool.evaluate(task(g))), {
        concurrency: workers,
      });
      const t0 = performance.now();
      const results = yield* Effect.forEach(genomes, (g) => Effect.either(pool.evaluate(task(g))), { concurrency: workers });
      const seconds = (performance.now() - t0) / 1000;
      return { workers, seconds, evalsPerSec: genomes.length / seconds, failed: results.filter((r) => r._tag === "Left").length };
    }).pipe(Effect.provide(EvalPool.layer({ workers, timeoutMs: 600_000, memoryMb: 2048 }))),
  );

const main = async () => {
  const corpus = corpusOf();
  const genomes = genomeSet(Number(args.genomes ?? 16));
  const shared = shareCorpus(corpus);
  process.stdout.write(
    `search evaluation throughput: ${genomes.length} genomes on ${corpus.files.length} files (${(corpus.totalBytes / 2 ** 20).toFixed(2)} MiB), ` +
      `gate ${args.gate ? "on" : "off"}, ${os.availableParallelism()} cores\n\n`,
  );
  const rows: Row[] = [];
  for (const workers of [1, 2]) rows.push(await measure(workers, genomes, shared));
  const header = ["workers", "seconds", "evals/s", "MiB/s", "speedup", "failed"];
  const body = rows.map((r) => [
    String(r.workers),
    r.seconds.toFixed(2),
    r.evalsPerSec.toFixed(2),
    ((r.evalsPerSec * corpus.totalBytes) / 2 ** 20).toFixed(1),
    `${(r.evalsPerSec / rows[0].evalsPerSec).toFixed(2)}x`,
    String(r.failed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  for (const line of [header, widths.map((w) => "-".repeat(w)), ...body]) process.stdout.write(line.map((c, i) => c.padStart(widths[i])).join("  ") + "\n");
};

await main();
