/**
 * When the night ends and when a checkpoint is worth its cost: pure functions of the clock and
 * the scores, so the policy is tested without running anything.
 */

/** A checkpoint needs the best genome's predicted Apex score to have gained this much (relative) since the last one. */
export const DEFAULT_MIN_GAIN = 0.005;
/** Checkpoints are at most this frequent on a long night... */
const MAX_CHECKPOINT_INTERVAL_MS = 5 * 60_000;
/** ...and on a short one a twentieth of the budget apart. */
const INTERVAL_SHARE = 1 / 20;

/** "07:00", "7:30", "23" -> hours and minutes; undefined when it is no clock time. */
export const parseClock = (s: string): { hours: number; minutes: number } | undefined => {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2] ?? 0);
  return hours < 24 && minutes < 60 ? { hours, minutes } : undefined;
};

/** The first local time `hours:minutes` strictly after `from` (today or tomorrow), in ms since the epoch. */
export const nextClockTime = (clock: { hours: number; minutes: number }, from: number): number => {
  const d = new Date(from);
  d.setHours(clock.hours, clock.minutes, 0, 0);
  if (d.getTime() <= from) d.setDate(d.getDate() + 1);
  return d.getTime();
};

/** Time kept back from the search for the final emit and whole-data verification. */
export const finalReserveMs = (nightMs: number): number => Math.min(10 * 60_000, Math.max(15_000, nightMs * 0.05));

/** The least time between two checkpoints for a night of this length. */
export const checkpointIntervalMs = (nightMs: number): number => Math.min(MAX_CHECKPOINT_INTERVAL_MS, Math.max(0, nightMs * INTERVAL_SHARE));

export interface CheckpointCandidate {
  readonly hash: string;
  /** Predicted Apex score (the search's). */
  readonly score: number;
}

export interface LastCheckpoint extends CheckpointCandidate {
  /** When it was taken (ms since the epoch). */
  readonly at: number;
}

/**
 * Checkpoint now? The first generation always gives one (a verified solution early in the night);
 * later, only a different genome whose predicted score beats the last checkpoint's by `minGain`,
 * and no sooner than `intervalMs` after it (an improvement found meanwhile waits for the next
 * generation boundary past the interval).
 */
export const shouldCheckpoint = (best: CheckpointCandidate, last: LastCheckpoint | undefined, now: number, intervalMs: number, minGain = DEFAULT_MIN_GAIN): boolean => {
  if (!last) return true;
  if (best.hash === last.hash) return false;
  if (best.score < last.score * (1 + minGain)) return false;
  return now - last.at >= intervalMs;
};

/** A genome of the run as the leaderboard gives it (best score first). */
export interface RankedGenome {
  readonly genome: string;
  readonly generation: number;
  readonly score: number;
  readonly fitness: Readonly<Record<string, unknown>>;
}

/**
 * After a checkpoint over --max-slowdown: the best-scored genome not verified yet whose predicted
 * Python time per file (fitness.predictedPySec) is at most `limitSec`. Measured times scale with
 * the predicted ones, so limitSec = predicted time of the slow genome * cap / its measured slowdown
 * aims at the cap.
 */
export const fasterCandidate = (ranked: readonly RankedGenome[], verified: ReadonlySet<string>, limitSec: number): RankedGenome | undefined =>
  ranked.find((r) => !verified.has(r.genome) && typeof r.fitness.predictedPySec === "number" && r.fitness.predictedPySec <= limitSec);
