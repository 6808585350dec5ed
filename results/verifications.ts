/**
 * Verifications: what `evocodec verify` measured for an emitted solution (the real Python
 * solution through its Apex interface, on real files), stored next to the genome it came from, so
 * the search's predictions (score, Python time per file) can be compared with measurements and
 * its Python time model recalibrated. The table is created by migration 2 of results/store.ts;
 * `ensureVerifications` creates it the same way on a database opened without migrations.
 */
import type Database from "better-sqlite3";

export const VERIFICATIONS_SQL = `
  CREATE TABLE IF NOT EXISTS verifications (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    genome              TEXT NOT NULL,      -- genomeHash of the verified pipeline (need not be in genomes)
    canonical           TEXT NOT NULL,      -- canonical pipeline JSON
    run                 INTEGER,            -- the run the solution was emitted from, if any
    target              TEXT NOT NULL,      -- apex-server | apex-cli | apex-cli-batch
    data                TEXT NOT NULL,      -- the data folder or file verified on
    files               INTEGER NOT NULL,
    bit_exact           INTEGER NOT NULL CHECK (bit_exact IN (0, 1)),
    mean_score          REAL NOT NULL,      -- measured official score, mean over files
    baseline_mean_score REAL,               -- the official baseline on the same files, same interface
    mean_ratio          REAL NOT NULL,      -- compressed / original, mean over files
    mean_time_sec       REAL NOT NULL,      -- measured compress + decompress wall time per file
    predicted_score     REAL,               -- the search's score of the genome (latest generation it was in)
    predicted_time_sec  REAL,               -- the search's predicted Python time per file (Scored.predictedPySec)
    python              TEXT NOT NULL,
    report              TEXT NOT NULL,      -- JSON [{file, original_bytes, compressed_bytes, time_sec, score, bit_exact}]
    verified_at         TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS verifications_by_genome ON verifications(genome);
`;

export const VERIFICATIONS_MIGRATION = { version: 2, name: "verifications", sql: VERIFICATIONS_SQL } as const;
/** The baseline's time per file beside the solution's, for time caps (`emit best --max-slowdown`). */
export const VERIFICATIONS_BASELINE_TIME_MIGRATION = {
  version: 6,
  name: "verifications: baseline time",
  sql: "ALTER TABLE verifications ADD COLUMN baseline_mean_time_sec REAL;",
} as const;

export const ensureVerifications = (db: Database.Database): void => {
  db.exec(VERIFICATIONS_SQL);
};

const hasTable = (db: Database.Database): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verifications'").get() !== undefined;

export interface VerificationFile {
  readonly file: string;
  readonly originalBytes: number;
  readonly compressedBytes: number | null;
  readonly timeSec: number;
  readonly score: number;
  readonly bitExact: boolean;
}

export interface Verification {
  readonly genome: string;
  readonly canonical: string;
  readonly run: number | null;
  readonly target: string;
  readonly data: string;
  readonly bitExact: boolean;
  readonly meanScore: number;
  readonly baselineMeanScore: number | null;
  readonly meanRatio: number;
  readonly meanTimeSec: number;
  /** The official baseline's time per file in the same verification (null: run without the baseline). */
  readonly baselineMeanTimeSec: number | null;
  readonly predictedScore: number | null;
  readonly predictedTimeSec: number | null;
  readonly python: string;
  readonly files: readonly VerificationFile[];
}

export interface VerificationRow extends Verification {
  readonly id: number;
  readonly verifiedAt: string;
}

export const recordVerification = (db: Database.Database, v: Verification): number => {
  ensureVerifications(db);
  const r = db
    .prepare(
      `INSERT INTO verifications (genome, canonical, run, target, data, files, bit_exact, mean_score, baseline_mean_score, mean_ratio,
         mean_time_sec, baseline_mean_time_sec, predicted_score, predicted_time_sec, python, report, verified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      v.genome, v.canonical, v.run, v.target, v.data, v.files.length, v.bitExact ? 1 : 0, v.meanScore, v.baselineMeanScore, v.meanRatio,
      v.meanTimeSec, v.baselineMeanTimeSec, v.predictedScore, v.predictedTimeSec, v.python, JSON.stringify(v.files), new Date().toISOString(),
    );
  return Number(r.lastInsertRowid);
};

const toRow = (r: Record<string, unknown>): VerificationRow => ({
  id: r.id as number,
  genome: r.genome as string,
  canonical: r.canonical as string,
  run: r.run as number | null,
  target: r.target as string,
  data: r.data as string,
  bitExact: r.bit_exact === 1,
  meanScore: r.mean_score as number,
  baselineMeanScore: r.baseline_mean_score as number | null,
  meanRatio: r.mean_ratio as number,
  meanTimeSec: r.mean_time_sec as number,
  baselineMeanTimeSec: (r.baseline_mean_time_sec as number | null | undefined) ?? null,
  predictedScore: r.predicted_score as number | null,
  predictedTimeSec: r.predicted_time_sec as number | null,
  python: r.python as string,
  files: JSON.parse(r.report as string) as VerificationFile[],
  verifiedAt: r.verified_at as string,
});

/** Verifications of a genome, newest first. */
export const verificationsOf = (db: Database.Database, genome: string): VerificationRow[] =>
  hasTable(db)
    ? (db.prepare("SELECT * FROM verifications WHERE genome = ? ORDER BY id DESC").all(genome) as Record<string, unknown>[]).map(toRow)
    : [];

/** What the search predicted for a genome: its member row in the latest generation it belongs to. */
export interface Prediction {
  readonly run: number;
  readonly generation: number;
  readonly score: number;
  readonly ratio: number;
  /** Scored.predictedPySec: predicted Python compress + decompress seconds per file. */
  readonly pythonSec: number | null;
}

export const predictionOf = (db: Database.Database, genome: string): Prediction | undefined => {
  const r = db
    .prepare("SELECT run, idx, score, ratio, fitness FROM generation_members WHERE genome = ? ORDER BY run DESC, idx DESC LIMIT 1")
    .get(genome) as { run: number; idx: number; score: number; ratio: number; fitness: string } | undefined;
  if (!r) return undefined;
  const fitness = JSON.parse(r.fitness) as { predictedPySec?: unknown };
  return {
    run: r.run,
    generation: r.idx,
    score: r.score,
    ratio: r.ratio,
    pythonSec: typeof fitness.predictedPySec === "number" ? fitness.predictedPySec : null,
  };
};

/** A verified genome of a run: its best measured mean score, and its slowest time against the baseline's. */
export interface VerifiedBest {
  readonly genome: string;
  readonly canonical: string;
  readonly meanScore: number;
  /** The largest mean_time_sec / baseline_mean_time_sec over its verifications (null: none has a baseline time). */
  readonly slowdown: number | null;
}

/** Per genome of a run: best bit-exact score and slowest slowdown (only verifications with a baseline time when `timed`). */
const verifiedGenomes = (timed: boolean) => `
  SELECT genome, canonical, MAX(mean_score) AS meanScore, MAX(mean_time_sec / baseline_mean_time_sec) AS slowdown FROM verifications
  WHERE bit_exact = 1 AND genome IN (SELECT genome FROM generation_members WHERE run = ?) ${timed ? "AND baseline_mean_time_sec > 0" : ""}
  GROUP BY genome`;

/**
 * The bit-exact verified genome of a run with the best measured mean score (any target), if any was
 * verified. With `maxSlowdown`, a genome counts only if every verification of it that timed the
 * baseline measured at most that many times the baseline's time per file: one quick, contended
 * measurement cannot vouch for a genome that is slower everywhere else.
 */
export const bestVerified = (db: Database.Database, run: number, maxSlowdown?: number): VerifiedBest | undefined => {
  if (!hasTable(db)) return undefined;
  const capped = maxSlowdown !== undefined;
  return db
    .prepare(`${verifiedGenomes(capped)} ${capped ? "HAVING slowdown <= ?" : ""} ORDER BY meanScore DESC, genome ASC LIMIT 1`)
    .get(...(capped ? [run, maxSlowdown] : [run])) as VerifiedBest | undefined;
};

/** The verified genome of a run with the smallest slowest-slowdown (for messages when a cap excludes everything). */
export const fastestVerified = (db: Database.Database, run: number): VerifiedBest | undefined =>
  hasTable(db) ? (db.prepare(`${verifiedGenomes(true)} ORDER BY slowdown ASC, genome ASC LIMIT 1`).get(run) as VerifiedBest | undefined) : undefined;

/**
 * Measured / predicted Python time per file, for the search's Python time model: the median of
 * that ratio over the latest `window` bit-exact verifications that carry a prediction (of `target`,
 * by default the server interface, whose time includes the HTTP round trips). 1 without any.
 */
export const recalibrationFactor = (db: Database.Database, opts: { readonly target?: string; readonly window?: number } = {}): number => {
  if (!hasTable(db)) return 1;
  const ratios = (
    db
      .prepare(
        `SELECT mean_time_sec / predicted_time_sec AS r FROM verifications
         WHERE bit_exact = 1 AND target = ? AND predicted_time_sec > 0 AND mean_time_sec > 0
         ORDER BY id DESC LIMIT ?`,
      )
      .all(opts.target ?? "apex-server", opts.window ?? 20) as { r: number }[]
  )
    .map((x) => x.r)
    .sort((a, b) => a - b);
  if (ratios.length === 0) return 1;
  const mid = ratios.length >> 1;
  return ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
};
