/**
 * Scores as the validator computes them (the formula lives in search/selection.ts, shared with the
 * search): score = clip((1 - compressed/original) * (1 - task_time / 1.012), 0, 1) per task,
 * averaged over tasks.
 */
import { apexScore } from "../../search/selection.js";

export const fileScore = (originalBytes: number, compressedBytes: number, taskSec: number): number =>
  originalBytes <= 0 ? 0 : apexScore(compressedBytes / originalBytes, taskSec);

/** A leader is displaced only by a score at least 1% above max(baseline, current top). */
export const LEAD_MARGIN = 1.01;

export const scoreThreshold = (baselineScore: number, scoreToBeat?: number): number =>
  Math.max(baselineScore, scoreToBeat ?? 0) * LEAD_MARGIN;

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, x) => a + x, 0) / xs.length);

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
