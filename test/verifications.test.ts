/**
 * Verifications next to genomes: the migration creates the table, predictions are read from the
 * search's generation members, `emit best` prefers the best verified genome of the latest run
 * (else its best scored one), and the recalibration factor is the median measured/predicted time.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Effect } from "effect";
import { canonicalString, parsePipeline, type PipelineJson } from "../src/codec/index.js";
import { emit, EmitError, resolvePipelineSpec } from "../src/emit/index.js";
import { genomeHash } from "../search/genome.js";
import { openQueries, type Queries } from "../results/store.js";
import { bestVerified, predictionOf, recalibrationFactor, recordVerification, type Verification } from "../results/verifications.js";
import { tempDir } from "./support/files.js";

const FIELDS: PipelineJson = { op: "bf16-fields", next: [{ op: "zstd", level: 3 }, { op: "zstd", level: 3 }, { op: "zstd", level: 1 }] };
const ZSTD: PipelineJson = { op: "zstd", level: 3 };
const hashOf = (g: PipelineJson) => genomeHash(g);

/** A database with one run whose generation scored FIELDS above ZSTD. */
const seeded = (): { q: Queries; file: string; run: number } => {
  const file = path.join(tempDir("evocodec-verifications-"), "results.db");
  const q = openQueries(file);
  q.putCorpus("fp", [{ name: "a.bf16", bytes: 1000 }]);
  const run = q.createRun({}, 1, "fp");
  for (const g of [FIELDS, ZSTD]) q.putGenome(hashOf(g), canonicalString(parsePipeline(g)), 1, run);
  q.recordGeneration(
    { run, idx: 0, rngState: "0", evaluated: 2, cached: 0, failed: 0 },
    [
      { rank: 0, genome: hashOf(FIELDS), score: 0.3, ratio: 0.65, fitness: { predictedPySec: 0.02 } },
      { rank: 1, genome: hashOf(ZSTD), score: 0.2, ratio: 0.78, fitness: { predictedPySec: 0.01 } },
    ],
    [],
  );
  return { q, file, run };
};

const verification = (genome: PipelineJson, over: Partial<Verification>): Verification => ({
  genome: hashOf(genome),
  canonical: canonicalString(parsePipeline(genome)),
  run: null,
  target: "apex-server",
  data: "/data",
  bitExact: true,
  meanScore: 0.3,
  baselineMeanScore: 0.2,
  meanRatio: 0.7,
  meanTimeSec: 0.05,
  baselineMeanTimeSec: 0.02,
  predictedScore: null,
  predictedTimeSec: null,
  python: "/usr/bin/python3",
  files: [],
  ...over,
});

describe("verifications next to genomes", () => {
  it("the store's migrations create the table", () => {
    const { q } = seeded();
    try {
      assert.ok(q.schemaVersion() >= 2);
      assert.equal(recordVerification(q.db, verification(ZSTD, {})), 1);
    } finally {
      q.close();
    }
  });

  it("reads the search's prediction of a genome", () => {
    const { q, run } = seeded();
    try {
      assert.deepEqual(predictionOf(q.db, hashOf(FIELDS)), { run, generation: 0, score: 0.3, ratio: 0.65, pythonSec: 0.02 });
      assert.equal(predictionOf(q.db, "0000000000000000"), undefined);
    } finally {
      q.close();
    }
  });

  it("best: the best scored genome until one is verified, then the best verified one", () => {
    const { q, file, run } = seeded();
    try {
      const first = resolvePipelineSpec("best", file);
      assert.equal(first.provenance.genomeHash, hashOf(FIELDS));
      assert.match(first.provenance.source, /best scored genome of run \d+ \(no verified genome yet\)/);
      recordVerification(q.db, verification(FIELDS, { meanScore: 0.31 }));
      recordVerification(q.db, verification(ZSTD, { meanScore: 0.35 }));
      recordVerification(q.db, verification(FIELDS, { meanScore: 0.5, bitExact: false }));
      assert.equal(bestVerified(q.db, run)?.genome, hashOf(ZSTD));
      const second = resolvePipelineSpec("best", file);
      assert.equal(second.provenance.genomeHash, hashOf(ZSTD));
      assert.match(second.provenance.source, /best verified genome of run/);
    } finally {
      q.close();
    }
  });

  it("best --max-slowdown: the best verified genome whose every verification is within that many times its baseline's time", () => {
    const { q, file, run } = seeded();
    try {
      // FIELDS: better score, 3x the baseline's time; ZSTD: 1.5x
      recordVerification(q.db, verification(FIELDS, { meanScore: 0.4, meanTimeSec: 0.06, baselineMeanTimeSec: 0.02 }));
      recordVerification(q.db, verification(ZSTD, { meanScore: 0.3, meanTimeSec: 0.03, baselineMeanTimeSec: 0.02 }));
      assert.equal(bestVerified(q.db, run)?.genome, hashOf(FIELDS));
      assert.equal(bestVerified(q.db, run, 2)?.genome, hashOf(ZSTD));
      assert.equal(bestVerified(q.db, run, 2)?.slowdown, 1.5);
      assert.equal(bestVerified(q.db, run, 3)?.genome, hashOf(FIELDS));
      // one quick measurement within the cap does not vouch for a genome slower in the others
      recordVerification(q.db, verification(FIELDS, { meanScore: 0.39, meanTimeSec: 0.03, baselineMeanTimeSec: 0.02 }));
      assert.equal(bestVerified(q.db, run, 2)?.genome, hashOf(ZSTD));
      assert.equal(bestVerified(q.db, run, 3)?.slowdown, 3);
      const capped = resolvePipelineSpec("best", file, { maxSlowdown: 2 });
      assert.equal(capped.provenance.genomeHash, hashOf(ZSTD));
      assert.match(capped.provenance.source, /best verified genome of run \d+ within 2x the baseline's time \(1\.50x\)/);
      assert.throws(
        () => resolvePipelineSpec("best", file, { maxSlowdown: 1.2 }),
        (e: unknown) => e instanceof EmitError && e.reason === "no-genomes" && /within 1\.2x .*fastest verified: [0-9a-f]{16} at 1\.50x/.test(e.message),
      );
    } finally {
      q.close();
    }
  });

  it("a genome hash prefix resolves, and the emitted header carries genome, run and figures", async () => {
    const { q, file, run } = seeded();
    try {
      recordVerification(q.db, verification(FIELDS, { meanScore: 0.33 }));
      const emitted = await Effect.runPromise(emit(hashOf(FIELDS).slice(0, 8), "apex-server", file));
      assert.equal(emitted.genome, hashOf(FIELDS));
      assert.match(emitted.source, new RegExp(`# Genome: ${hashOf(FIELDS)} \\(run ${run}\\)`));
      assert.match(emitted.source, /# {3}predicted score \(search\): 0\.3000/);
      assert.match(emitted.source, /# {3}predicted Python time per file: 20\.0 ms/);
      assert.match(emitted.source, /# {3}measured \(evocodec verify\): score 0\.3300 vs baseline 0\.2000/);
    } finally {
      q.close();
    }
  });

  it("recalibrationFactor: median measured/predicted time of bit-exact verifications of the target, 1 without any", () => {
    const { q } = seeded();
    try {
      assert.equal(recalibrationFactor(q.db), 1);
      recordVerification(q.db, verification(FIELDS, { meanTimeSec: 0.04, predictedTimeSec: 0.02 }));
      recordVerification(q.db, verification(ZSTD, { meanTimeSec: 0.03, predictedTimeSec: 0.01 }));
      recordVerification(q.db, verification(ZSTD, { meanTimeSec: 0.5, predictedTimeSec: 0.01, bitExact: false }));
      recordVerification(q.db, verification(ZSTD, { meanTimeSec: 0.9, predictedTimeSec: 0.01, target: "apex-cli" }));
      const near = (x: number, want: number) => assert.ok(Math.abs(x - want) < 1e-9, `${x} != ${want}`);
      near(recalibrationFactor(q.db), 2.5);
      near(recalibrationFactor(q.db, { target: "apex-cli" }), 90);
    } finally {
      q.close();
    }
  });
});
