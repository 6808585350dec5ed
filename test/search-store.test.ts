/**
 * The results database on real SQLite files: migrations, WAL and foreign keys, the evaluation cache
 * (atomic per genome, minimum timings), generations and lineage, the Effect layer's lifetime, and
 * genome references for `compress --pipeline`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Effect } from "effect";
import { openQueries, ResultsStore, type FileEvaluation } from "../results/store.js";
import { lookupGenome, resolveGenome } from "../results/resolve.js";
import { tempDir } from "./support/files.js";
import { evaluatePipeline, EvaluationFailure } from "../search/fitness.js";
import { parsePipeline } from "../src/codec/pipeline.js";

const evaluation = (file: string, bytes: number, sec = 0.01): FileEvaluation => ({
  file,
  ok: true,
  originalBytes: 1000,
  compressedBytes: bytes,
  encodeSec: sec,
  decodeSec: sec / 2,
  measurements: 1,
  streams: [{ op: "zstd", inputBytes: 1000, payloadBytes: bytes }],
});

const fresh = () => {
  const file = path.join(tempDir("evocodec-store-"), "sub", "r.db");
  const q = openQueries(file);
  q.putCorpus("fp1", [{ name: "a", bytes: 1000 }, { name: "b", bytes: 1000 }]);
  return { file, q };
};

describe("results store", () => {
  it("creates the schema once, in WAL mode with foreign keys", () => {
    const { file, q } = fresh();
    const version = q.schemaVersion();
    assert.ok(version >= 1);
    assert.equal(q.db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(q.db.pragma("foreign_keys", { simple: true }), 1);
    q.close();
    const again = openQueries(file);
    assert.equal(again.schemaVersion(), version);
    assert.equal((again.db.prepare("SELECT COUNT(*) AS n FROM migrations").get() as { n: number }).n, version, "each migration applied once");
    assert.throws(() => again.recordEvaluation("nope", "fp1", null, [evaluation("a", 10)]), /FOREIGN KEY/);
    again.close();
  });

  it("caches a genome's evaluation only when every file is there, atomically, keeping minimum timings", () => {
    const { q } = fresh();
    const run = q.createRun({ population: 4 }, 7, "fp1");
    q.putGenome("aaaa000000000001", '{"op":"zstd","level":3}', 1, run);
    assert.equal(q.cachedEvaluation("aaaa000000000001", "fp1", ["a", "b"]), undefined);
    q.recordEvaluation("aaaa000000000001", "fp1", run, [evaluation("a", 100, 0.02), evaluation("b", 200, 0.02)]);
    const hit = q.cachedEvaluation("aaaa000000000001", "fp1", ["a", "b"])!;
    assert.deepEqual(hit.map((f) => f.compressedBytes), [100, 200]);
    assert.deepEqual(hit[0].streams, [{ op: "zstd", inputBytes: 1000, payloadBytes: 100 }]);
    assert.equal(q.cachedEvaluation("aaaa000000000001", "fp1", ["a", "b", "c"]), undefined, "a missing file is a miss");
    // a second insert of the same (genome, corpus, file) is refused and leaves nothing half-written
    assert.throws(() => q.recordEvaluation("aaaa000000000001", "fp1", run, [evaluation("a", 1), evaluation("b", 1)]), /UNIQUE|PRIMARY/);
    assert.deepEqual(q.cachedEvaluation("aaaa000000000001", "fp1", ["a", "b"])!.map((f) => f.compressedBytes), [100, 200]);
    q.addMeasurements("aaaa000000000001", "fp1", [
      { file: "a", encodeSec: 0.01, decodeSec: 0.5 },
      { file: "b", encodeSec: 0.5, decodeSec: 0.001 },
    ]);
    const [a, b] = q.cachedEvaluation("aaaa000000000001", "fp1", ["a", "b"])!;
    assert.deepEqual([a.encodeSec, a.decodeSec, a.measurements], [0.01, 0.01, 2]);
    assert.deepEqual([b.encodeSec, b.decodeSec, b.measurements], [0.02, 0.001, 2]);
    q.close();
  });

  it("caches per codec build: another build's evaluation is no hit, and a new one replaces it", () => {
    const { q } = fresh();
    const run = q.createRun({}, 1, "fp1");
    q.putGenome("cccc000000000001", '{"op":"zstd","level":3}', 1, run);
    q.recordEvaluation("cccc000000000001", "fp1", run, [evaluation("a", 100), evaluation("b", 200)], "build-1");
    assert.ok(q.cachedEvaluation("cccc000000000001", "fp1", ["a", "b"], "build-1"));
    assert.equal(q.cachedEvaluation("cccc000000000001", "fp1", ["a", "b"], "build-2"), undefined);
    q.recordEvaluation("cccc000000000001", "fp1", run, [evaluation("a", 90), evaluation("b", 190)], "build-2");
    assert.deepEqual(q.cachedEvaluation("cccc000000000001", "fp1", ["a", "b"], "build-2")!.map((f) => f.compressedBytes), [90, 190]);
    assert.equal(q.cachedEvaluation("cccc000000000001", "fp1", ["a", "b"], "build-1"), undefined, "the stale rows are gone");
    assert.throws(() => q.recordEvaluation("cccc000000000001", "fp1", run, [evaluation("a", 1), evaluation("b", 1)], "build-2"), /UNIQUE|PRIMARY/);
    q.close();
  });

  it("stores a genome's Python timing or why it could not run, per machine, codec and corpus", () => {
    const { q } = fresh();
    const run = q.createRun({}, 1, "fp1");
    q.putGenome("dddd000000000001", "{}", 1, run);
    const key = { machine: "m1", codecHash: "c1", corpusFp: "fp1" };
    assert.equal(q.pythonTiming("dddd000000000001", key), undefined);
    q.putPythonTiming("dddd000000000001", key, { files: [{ name: "a", bytes: 10, encodeSec: 0.002, decodeSec: 0.001 }], error: null });
    assert.deepEqual(q.pythonTiming("dddd000000000001", key), { files: [{ name: "a", bytes: 10, encodeSec: 0.002, decodeSec: 0.001 }], error: null });
    assert.equal(q.pythonTiming("dddd000000000001", { ...key, codecHash: "c2" }), undefined, "a changed Python codec measures again");
    q.putPythonTiming("dddd000000000001", key, { files: null, error: { reason: "mismatch", message: "differs" } });
    assert.deepEqual(q.pythonTiming("dddd000000000001", key)?.error, { reason: "mismatch", message: "differs" });
    q.close();
  });

  it("records failures with their counterexample and caches evaluation failures", () => {
    const { q } = fresh();
    const run = q.createRun({}, 1, "fp1");
    q.putGenome("bbbb000000000001", "{}", 1, run);
    q.putGenome("bbbb000000000002", "{}", 1, run);
    q.recordGateFailure({ genome: "bbbb000000000001", run, generation: 0, message: "mismatch", counterexample: { input: "00ff", seed: 3, path: "1:2", error: "x" } });
    q.recordEvaluationFailure({ genome: "bbbb000000000002", run, generation: 0, reason: "timeout", message: "slow", counterexample: null }, "fp1", [
      { name: "a", bytes: 1000 },
      { name: "b", bytes: 1000 },
    ]);
    assert.equal(q.genome("bbbb000000000001")!.gate, "fail");
    assert.deepEqual(q.failureOf("bbbb000000000001")!.counterexample, { input: "00ff", seed: 3, path: "1:2", error: "x" });
    assert.ok(q.cachedEvaluation("bbbb000000000002", "fp1", ["a", "b"])!.every((f) => !f.ok));
    assert.deepEqual(q.failures(run).map((f) => f.reason), ["gate", "timeout"]);
    // a genome stopped as too slow for the run is a failure of that run only: nothing cached
    q.putGenome("bbbb000000000003", "{}", 1, run);
    q.recordFailure({ genome: "bbbb000000000003", run, generation: 1, reason: "slow", message: "stopped after 3 of 31 files", counterexample: null });
    assert.equal(q.failureOf("bbbb000000000003")!.reason, "slow");
    assert.equal(q.cachedEvaluation("bbbb000000000003", "fp1", ["a", "b"]), undefined);
    q.close();
  });

  it("evaluatePipeline stops a pipeline once its time passes the limit, on real frames", () => {
    const files = [0, 1, 2].map((i) => ({ name: `f${i}`, bytes: Uint8Array.from({ length: 50_000 }, (_, j) => (j * (i + 7)) & 0xff) }));
    const xz = parsePipeline({ op: "xz", preset: 6 });
    assert.equal(evaluatePipeline(xz, files).length, 3);
    assert.throws(() => evaluatePipeline(xz, files, 1, 0), (e: unknown) => e instanceof EvaluationFailure && e.reason === "slow" && /after 1 of 3 files/.test(e.message));
  });

  it("ranks a run's members by their latest score and resolves genome references", () => {
    const { file, q } = fresh();
    const run = q.createRun({ objective: "apex" }, 1, "fp1");
    const genomes = [
      ["c000000000000001", { op: "zstd", level: 3 }],
      ["c000000000000002", { op: "zstd", level: 19 }],
      ["d000000000000003", { op: "zstd", level: 1 }],
    ] as const;
    for (const [h, g] of genomes) q.putGenome(h, JSON.stringify(g), 1, run);
    const member = (genome: string, score: number, rank: number) => ({ rank, genome, score, ratio: 1 - score, fitness: { size: 1 } });
    q.recordGeneration({ run, idx: 0, rngState: "1", evaluated: 3, cached: 0, failed: 0 }, [member("c000000000000001", 0.2, 0), member("c000000000000002", 0.1, 1)], [
      { child: "c000000000000001", parents: [], operator: "seed:apex-baseline", generation: 0 },
      { child: "c000000000000002", parents: [], operator: "random", generation: 0 },
    ]);
    q.recordGeneration({ run, idx: 1, rngState: "2", evaluated: 1, cached: 1, failed: 0 }, [member("c000000000000002", 0.3, 0), member("d000000000000003", 0.25, 1)], [
      { child: "d000000000000003", parents: ["c000000000000001"], operator: "tweak", generation: 1 },
    ]);
    assert.deepEqual(q.leaderboard(run, 10).map((r) => [r.genome, r.score, r.generation]), [
      ["c000000000000002", 0.3, 1],
      ["d000000000000003", 0.25, 1],
      ["c000000000000001", 0.2, 0],
    ]);
    assert.deepEqual(q.lineageOf("d000000000000003")[0].parents, ["c000000000000001"]);
    assert.equal(lookupGenome(q, "best")!.hash, "c000000000000002");
    assert.equal(lookupGenome(q, `best:${run}`)!.hash, "c000000000000002");
    assert.throws(() => lookupGenome(q, "c000"), /ambiguous/);
    q.close();
    assert.deepEqual(resolveGenome("best", file), { op: "zstd", level: 19 });
    assert.deepEqual(resolveGenome("d000", file), { op: "zstd", level: 1 });
    assert.equal(resolveGenome("e000", file), undefined);
    assert.equal(resolveGenome("not-a-ref", file), undefined);
    assert.equal(resolveGenome("best", path.join(tempDir(), "missing.db")), undefined);
  });

  it("the Effect layer opens the database for its scope and closes it after", async () => {
    const file = path.join(tempDir("evocodec-store-"), "layer.db");
    const q = await Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* ResultsStore;
        yield* store.putCorpus("fp", [{ name: "x", bytes: 1 }]);
        assert.deepEqual(yield* store.corpus("fp"), [{ name: "x", bytes: 1 }]);
        return store.queries;
      }).pipe(Effect.provide(ResultsStore.layer(file))),
    );
    assert.equal(q.db.open, false);
    const notADir = path.join(tempDir("evocodec-store-"), "file");
    writeFileSync(notADir, "");
    const failed = await Effect.runPromiseExit(ResultsStore.pipe(Effect.provide(ResultsStore.layer(path.join(notADir, "x.db")))));
    assert.equal(failed._tag, "Failure");
  });
});
