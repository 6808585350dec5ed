/**
 * The evaluation pool and the run loop with real worker threads and real SQLite files: a hanging
 * genome times out (its thread is terminated and replaced), a throwing one and one that exhausts
 * its worker's heap are recorded as failed, the run goes on without them, and a second run on the
 * same corpus takes every evaluation from the cache.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Effect } from "effect";
import { openQueries, ResultsStore } from "../results/store.js";
import { loadCorpus } from "../search/fitness.js";
import { CandidateFailure, EvalPool } from "../search/pool.js";
import { loadExtraPrimitives, shareCorpus, type EvalTask } from "../search/protocol.js";
import { DEFAULT_CONFIG, runSearch, type RunConfig } from "../search/run.js";
import { genomeHash } from "../search/genome.js";
import { tempDir } from "./support/files.js";
import { FAULTY_PRIMITIVES, writeCorpus } from "./support/search.js";

const HANG = { op: "test-hang", next: [{ op: "zstd", level: 1 }] };
const THROW = { op: "test-throw", next: [{ op: "zstd", level: 1 }] };
const OOM = { op: "test-oom", next: [{ op: "zstd", level: 1 }] };
const GOOD = { op: "zstd", level: 1 };
const XZ_HEAVY = { op: "xz", preset: 9, extreme: "on" };

describe("evaluation pool", () => {
  it("times out a hanging genome, records throwing and memory-hungry ones as failed, and keeps working", async () => {
    const corpus = loadCorpus([writeCorpus(path.join(tempDir("evocodec-pool-"), "corpus"))]);
    const shared = shareCorpus(corpus);
    const task = (genome: unknown): EvalTask => ({ genome: genome as EvalTask["genome"], corpus: shared, gate: true, gateSeed: 1, repeats: 1 });
    const timeoutMs = 3000;
    const outcomes = await Effect.runPromise(
      Effect.gen(function* () {
        const pool = yield* EvalPool;
        const attempt = (genome: unknown) =>
          Effect.gen(function* () {
            const r = yield* pool.evaluate(task(genome)).pipe(Effect.either);
            return { result: r._tag === "Right" ? ("ok" as const) : (r.left as CandidateFailure).reason };
          });
        return [yield* attempt(HANG), yield* attempt(GOOD), yield* attempt(THROW), yield* attempt(OOM), yield* attempt(GOOD)];
      }).pipe(Effect.provide(EvalPool.layer({ workers: 1, timeoutMs, memoryMb: 64, extraPrimitives: [FAULTY_PRIMITIVES] }))),
    );
    assert.deepEqual(
      outcomes.map((o) => o.result),
      ["timeout", "ok", "throw", "oom", "ok"],
    );
    // A hang that was not cut would never settle; "timeout" followed by "ok" shows it was cut and the pool went on.
  });

  it("times out xz without aborting the process (a thread is never terminated inside node-liblzma)", async () => {
    // ~1 MiB of corpus at xz -9e takes far longer than the timeout, so it expires inside liblzma
    const corpus = loadCorpus([writeCorpus(path.join(tempDir("evocodec-pool-xz-"), "corpus"), 2, 512, 512)]);
    const shared = shareCorpus(corpus);
    const task = (genome: unknown, gate: boolean): EvalTask => ({ genome: genome as EvalTask["genome"], corpus: shared, gate, gateSeed: 1, repeats: 1 });
    const outcomes = await Effect.runPromise(
      Effect.gen(function* () {
        const pool = yield* EvalPool;
        const attempt = (genome: unknown, gate: boolean) =>
          pool.evaluate(task(genome, gate)).pipe(
            Effect.either,
            Effect.map((r) => (r._tag === "Right" ? "ok" : r.left.reason)),
          );
        const results: string[] = [];
        for (const [timeoutGenome, gate] of [[XZ_HEAVY, false], [XZ_HEAVY, true], [XZ_HEAVY, false]] as const) results.push(yield* attempt(timeoutGenome, gate));
        results.push(yield* attempt({ op: "store" }, false));
        return results;
      }).pipe(Effect.provide(EvalPool.layer({ workers: 1, timeoutMs: 50, memoryMb: 512 }))),
    );
    // before the fix the first timeout killed the test process (FATAL ERROR: napi_throw) instead
    assert.deepEqual(outcomes, ["timeout", "timeout", "timeout", "ok"]);
  });
});

describe("search runs", () => {
  it("records failing genomes and goes on; a second run on the same corpus is served by the cache", async () => {
    await loadExtraPrimitives([FAULTY_PRIMITIVES]);
    const dir = tempDir("evocodec-run-");
    const db = path.join(dir, "r.db");
    const config: RunConfig = {
      ...DEFAULT_CONFIG,
      data: [writeCorpus(path.join(dir, "corpus"))],
      population: 4,
      generations: 2,
      calibrate: false,
      timeoutMs: 3000,
      memoryMb: 256,
      include: [HANG, THROW],
      extraPrimitives: [FAULTY_PRIMITIVES],
    };
    const search = () => Effect.runPromise(runSearch({ config }, { workers: 2 }).pipe(Effect.provide(ResultsStore.layer(db))));
    const first = await search();
    assert.equal(first.status, "done");
    assert.equal(first.generations, 2);
    assert.ok(first.evaluated >= 4, `evaluated ${first.evaluated}`);
    const q = openQueries(db);
    const failed = new Map(q.failures(first.run).map((f) => [f.genome, f.reason]));
    assert.equal(failed.get(genomeHash(HANG)), "timeout");
    assert.equal(failed.get(genomeHash(THROW)), "throw");
    for (const g of q.generations(first.run))
      for (const m of q.members(first.run, g.idx)) assert.ok(!failed.has(m.genome), `failed genome ${m.genome} entered generation ${g.idx}`);
    const before = q.evaluationsOfRun(first.run).length;
    q.close();

    const second = await search();
    assert.equal(second.evaluated, 0, "nothing is evaluated again");
    assert.ok(second.cached > 0);
    assert.equal(second.failed, first.failed, "cached failures stay failures");
    const after = openQueries(db);
    assert.equal(after.evaluationsOfRun(second.run).length, 0);
    assert.equal(after.evaluationsOfRun(first.run).length, before);
    assert.equal(after.failures(second.run).length, 0, "a cached failure is not recorded twice");
    assert.deepEqual(
      after.members(second.run, 1).map((m) => m.genome),
      after.members(first.run, 1).map((m) => m.genome),
      "same seed, same corpus: the same generations",
    );
    after.close();
  });
});
