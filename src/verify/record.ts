/** Stores a referee report next to the genome of the solution's pipeline (results/verifications.ts). */
import path from "node:path";
import { parsePipeline, toJson } from "../codec/index.js";
import { genomeHash } from "../../search/genome.js";
import { openQueries } from "../../results/store.js";
import { predictionOf, recordVerification, type Prediction } from "../../results/verifications.js";
import type { VerifyReport } from "./referee.js";

export interface Recorded {
  readonly id: number;
  readonly genome: string;
  readonly predicted: Prediction | undefined;
}

/** Undefined when the solution names no pipeline (the baseline, a hand-written solution). Throws on database errors. */
export const recordReport = (r: VerifyReport, dbFile: string): Recorded | undefined => {
  if (r.meta?.codec !== "pipeline" || !r.meta.pipeline) return undefined;
  const canonical = toJson(parsePipeline(r.meta.pipeline));
  const genome = r.meta.genome ?? genomeHash(canonical);
  const q = openQueries(dbFile);
  try {
    const predicted = predictionOf(q.db, genome);
    const id = recordVerification(q.db, {
      genome,
      canonical: JSON.stringify(canonical),
      run: typeof r.meta.run === "number" ? r.meta.run : (predicted?.run ?? null),
      target: r.target,
      data: path.resolve(r.data),
      bitExact: r.result.bitExact,
      meanScore: r.result.meanScore,
      baselineMeanScore: r.baseline?.meanScore ?? null,
      meanRatio: r.result.meanRatio,
      meanTimeSec: r.result.meanTimeSec,
      baselineMeanTimeSec: r.baseline?.meanTimeSec ?? null,
      predictedScore: predicted?.score ?? null,
      predictedTimeSec: predicted?.pythonSec ?? null,
      python: r.python,
      files: r.result.files.map((f) => ({
        file: f.file, originalBytes: f.originalBytes, compressedBytes: f.compressedBytes, timeSec: f.timeSec, score: f.score, bitExact: f.bitExact,
      })),
    });
    return { id, genome, predicted };
  } finally {
    q.close();
  }
};
