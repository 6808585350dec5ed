/** The JSON form of a referee report (`evocodec verify --json`): snake_case, one entry per file. */
import type { ScoredRun, Summary, VerifyReport } from "./referee.js";
import { scoreThreshold } from "./score.js";

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));

const fileJson = (f: ScoredRun) => ({
  original_bytes: f.originalBytes,
  compressed_bytes: f.compressedBytes,
  ratio: f.ratio === null ? null : round(f.ratio),
  compress_sec: round(f.compressSec),
  decompress_sec: round(f.decompressSec),
  time_sec: round(f.timeSec),
  score: round(f.score),
  bit_exact: f.bitExact,
  ...(f.error ? { failure: f.failure ?? "not-bit-exact", error: f.error } : {}),
});

const summaryJson = (s: Summary) => ({
  mean_score: round(s.meanScore),
  mean_ratio: round(s.meanRatio),
  mean_time_sec: round(s.meanTimeSec),
  bit_exact: s.bitExact,
});

/** Per file: does the solution clear max(baseline score on that file, score to beat) * 1.01? */
export const fileClears = (report: VerifyReport, i: number): boolean => {
  const f = report.result.files[i];
  return f.bitExact && f.score > 0 && f.score >= scoreThreshold(report.baseline?.files[i].score ?? 0, report.scoreToBeat);
};

export const reportJson = (report: VerifyReport) => ({
  solution: report.solution,
  target: report.target,
  data: report.data,
  python: report.python,
  ...(report.meta?.genome ? { genome: report.meta.genome } : {}),
  ...summaryJson(report.result),
  baseline_mean_score: report.baseline ? round(report.baseline.meanScore) : null,
  baseline_mean_ratio: report.baseline ? round(report.baseline.meanRatio) : null,
  baseline_mean_time_sec: report.baseline ? round(report.baseline.meanTimeSec) : null,
  score_to_beat: report.scoreToBeat ?? null,
  threshold: round(report.threshold),
  clears: report.clears,
  files: report.result.files.map((f, i) => ({
    file: f.file,
    ...fileJson(f),
    ...(report.baseline ? { baseline: fileJson(report.baseline.files[i]) } : {}),
    clears: fileClears(report, i),
  })),
});
