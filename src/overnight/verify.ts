/**
 * One checkpoint's work, through the emit and verify modules: write the genome's solution for the
 * target, run the local referee on the data (a subset of files, or all of them) against the
 * official baseline, and record the measurement next to the genome in the night's database.
 */
import { Effect } from "effect";
import { emit, writeSolution, type EmitError, type Target } from "../emit/index.js";
import { referee, type VerifyReport } from "../verify/referee.js";
import type { VerifyError } from "../verify/errors.js";
import { openQueries, StoreError } from "../../results/store.js";
import { predictionOf, recordVerification, type Verification } from "../../results/verifications.js";
import path from "node:path";

export interface CheckRequest {
  readonly db: string;
  readonly genome: string;
  readonly target: Target;
  readonly data: string;
  readonly python: string;
  readonly scoreToBeat?: number;
  /** Files spread over the data folder; undefined: every file. */
  readonly limit?: number;
  /** Where the solution is written. */
  readonly file: string;
}

/** The stored form of a referee report on an emitted genome. */
export const verificationOf = (r: VerifyReport, genome: string, canonical: string, prediction: ReturnType<typeof predictionOf>): Verification => ({
  genome,
  canonical,
  run: prediction?.run ?? null,
  target: r.target,
  data: path.resolve(r.data),
  bitExact: r.result.bitExact,
  meanScore: r.result.meanScore,
  baselineMeanScore: r.baseline?.meanScore ?? null,
  meanRatio: r.result.meanRatio,
  meanTimeSec: r.result.meanTimeSec,
  predictedScore: prediction?.score ?? null,
  predictedTimeSec: prediction?.pythonSec ?? null,
  python: r.python,
  files: r.result.files.map((f) => ({
    file: f.file, originalBytes: f.originalBytes, compressedBytes: f.compressedBytes, timeSec: f.timeSec, score: f.score, bitExact: f.bitExact,
  })),
});

const record = (db: string, report: VerifyReport, genome: string): Effect.Effect<void, StoreError> =>
  Effect.try({
    try: () => {
      const q = openQueries(db);
      try {
        const row = q.genome(genome);
        if (row) recordVerification(q.db, verificationOf(report, genome, row.canonical, predictionOf(q.db, genome)));
      } finally {
        q.close();
      }
    },
    catch: (e) => (e instanceof StoreError ? e : new StoreError({ reason: "query-failed", message: (e as Error).message })),
  });

/** Emits `genome` to `file` and referees it; the report says whether it is bit-exact and what it scores. */
export const emitAndVerify = (req: CheckRequest): Effect.Effect<VerifyReport, EmitError | VerifyError | StoreError> =>
  Effect.gen(function* () {
    const emitted = yield* emit(req.genome, req.target, req.db);
    yield* writeSolution(req.file, emitted.source);
    const report = yield* referee({ solution: req.file, data: req.data, python: req.python, target: req.target, scoreToBeat: req.scoreToBeat, limit: req.limit });
    yield* record(req.db, report, emitted.genome);
    return report;
  });
