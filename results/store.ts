/**
 * The results database (SQLite through better-sqlite3, WAL, foreign keys on): runs, genomes,
 * evaluations cached by (genome, corpus fingerprint, file), generations with their members'
 * fitness, lineage, failures with counterexamples, and the Python cost calibration.
 *
 * `Queries` holds the synchronous statements (better-sqlite3 is synchronous); the `ResultsStore`
 * Effect service exposes the same methods as Effects failing with `StoreError`, and its scoped
 * layer closes the database when the scope ends. CLI helpers that only read use `openQueries`.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Context, Data, Effect, Layer } from "effect";
import { VERIFICATIONS_BASELINE_TIME_MIGRATION, VERIFICATIONS_MIGRATION } from "./verifications.js";

export const DEFAULT_DB = path.join("results", "evocodec.db");

export type StoreErrorReason = "open-failed" | "migration-failed" | "query-failed" | "not-found";
export class StoreError extends Data.TaggedError("StoreError")<{ readonly reason: StoreErrorReason; readonly message: string }> {}

export type RunStatus = "running" | "done" | "failed" | "interrupted";
/** slow: stopped once its TypeScript time passed the run's limit (apex mode: hopeless on the score); not cached. */
export type FailureReason = "gate" | "throw" | "roundtrip" | "timeout" | "oom" | "crash" | "slow";

/** Numbered migrations, applied in order inside one transaction each; never edit a released one. */
const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      CREATE TABLE corpora (
        fingerprint TEXT PRIMARY KEY,
        files       TEXT NOT NULL,              -- JSON [{name, bytes}] in corpus order
        total_bytes INTEGER NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        config      TEXT NOT NULL,              -- JSON of the search options
        seed        INTEGER NOT NULL,
        corpus_fp   TEXT NOT NULL REFERENCES corpora(fingerprint),
        status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
        message     TEXT
      );
      CREATE TABLE genomes (
        hash       TEXT PRIMARY KEY,            -- genomeHash of the canonical pipeline
        canonical  TEXT NOT NULL,               -- canonical pipeline JSON
        size       INTEGER NOT NULL,            -- node count
        gate       TEXT CHECK (gate IN ('pass', 'fail')),
        first_seen TEXT NOT NULL,
        first_run  INTEGER REFERENCES runs(id)
      );
      CREATE TABLE evaluations (
        genome           TEXT NOT NULL REFERENCES genomes(hash),
        corpus_fp        TEXT NOT NULL REFERENCES corpora(fingerprint),
        file             TEXT NOT NULL,
        ok               INTEGER NOT NULL CHECK (ok IN (0, 1)),
        original_bytes   INTEGER NOT NULL,
        compressed_bytes INTEGER,               -- exact frame size; NULL when not ok
        encode_sec       REAL,                  -- minimum over measurements (TS)
        decode_sec       REAL,
        measurements     INTEGER NOT NULL,
        streams          TEXT,                  -- JSON [{op, inputBytes, payloadBytes}] in pre-order
        run              INTEGER REFERENCES runs(id),
        evaluated_at     TEXT NOT NULL,
        PRIMARY KEY (genome, corpus_fp, file)
      ) WITHOUT ROWID;
      CREATE INDEX evaluations_by_run ON evaluations(run);
      CREATE TABLE generations (
        run         INTEGER NOT NULL REFERENCES runs(id),
        idx         INTEGER NOT NULL,
        rng_state   TEXT NOT NULL,              -- the generation's rng state when breeding began
        evaluated   INTEGER NOT NULL,           -- fresh evaluations in this generation
        cached      INTEGER NOT NULL,           -- cache hits in this generation
        failed      INTEGER NOT NULL,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (run, idx)
      );
      CREATE TABLE generation_members (
        run       INTEGER NOT NULL,
        idx       INTEGER NOT NULL,
        rank      INTEGER NOT NULL,             -- position in the survivor list
        genome    TEXT NOT NULL REFERENCES genomes(hash),
        score     REAL NOT NULL,                -- Apex score (predicted Python time)
        ratio     REAL NOT NULL,
        fitness   TEXT NOT NULL,                -- JSON of the full Scored record minus genome
        PRIMARY KEY (run, idx, rank),
        FOREIGN KEY (run, idx) REFERENCES generations(run, idx)
      );
      CREATE INDEX members_by_genome ON generation_members(genome);
      CREATE TABLE lineage (
        run        INTEGER NOT NULL REFERENCES runs(id),
        child      TEXT NOT NULL REFERENCES genomes(hash),
        parents    TEXT NOT NULL,               -- JSON array of parent hashes (empty for seeds)
        operator   TEXT NOT NULL,
        generation INTEGER NOT NULL,
        PRIMARY KEY (run, child)
      );
      CREATE INDEX lineage_by_child ON lineage(child);
      CREATE TABLE failures (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        genome         TEXT NOT NULL REFERENCES genomes(hash),
        run            INTEGER REFERENCES runs(id),
        generation     INTEGER,
        reason         TEXT NOT NULL CHECK (reason IN ('gate', 'throw', 'roundtrip', 'timeout', 'oom', 'crash')),
        message        TEXT NOT NULL,
        counterexample TEXT,                    -- JSON {input (base64), seed, path, error} for gate failures
        at             TEXT NOT NULL
      );
      CREATE INDEX failures_by_genome ON failures(genome);
      CREATE TABLE python_calibration (
        machine         TEXT NOT NULL,          -- hash of host, CPU and interpreter
        primitive       TEXT NOT NULL,          -- variant key, e.g. "zstd" or "zstd{level=19}"
        source_hash     TEXT NOT NULL,          -- hash of the Python kernels measured
        encode_bps      REAL NOT NULL,          -- bytes of node input per second
        decode_bps      REAL NOT NULL,
        encode_call_sec REAL NOT NULL,          -- fixed cost per call
        decode_call_sec REAL NOT NULL,
        measured_at     TEXT NOT NULL,
        PRIMARY KEY (machine, primitive, source_hash)
      );
    `,
  },
  VERIFICATIONS_MIGRATION, // evocodec verify (results/verifications.ts)
  {
    version: 3,
    name: "python timings",
    sql: `
      CREATE TABLE python_timings (
        genome        TEXT NOT NULL REFERENCES genomes(hash),
        machine       TEXT NOT NULL,            -- as python_calibration.machine
        codec_hash    TEXT NOT NULL,            -- hash of the generated Python codec that ran
        corpus_fp     TEXT NOT NULL REFERENCES corpora(fingerprint),
        files         TEXT,                     -- JSON [{name, bytes, encodeSec, decodeSec}] of the sample files
        error_reason  TEXT,                     -- mismatch | error | timeout | crash when it did not run through
        error_message TEXT,
        measured_at   TEXT NOT NULL,
        PRIMARY KEY (genome, machine, codec_hash, corpus_fp)
      );
    `,
  },
  {
    version: 4,
    name: "evaluations by codec build",
    // the build of the TypeScript codec an evaluation ran (search/fitness.ts codecBuildHash): a
    // changed kernel (an encoder choice) can change the bytes, so older rows are no cache hits
    sql: "ALTER TABLE evaluations ADD COLUMN codec TEXT NOT NULL DEFAULT '';",
  },
  {
    version: 5,
    name: "failures: slow",
    // SQLite cannot alter a CHECK constraint: the table is rebuilt with the new reason allowed
    sql: `
      CREATE TABLE failures_new (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        genome         TEXT NOT NULL REFERENCES genomes(hash),
        run            INTEGER REFERENCES runs(id),
        generation     INTEGER,
        reason         TEXT NOT NULL CHECK (reason IN ('gate', 'throw', 'roundtrip', 'timeout', 'oom', 'crash', 'slow')),
        message        TEXT NOT NULL,
        counterexample TEXT,
        at             TEXT NOT NULL
      );
      INSERT INTO failures_new SELECT id, genome, run, generation, reason, message, counterexample, at FROM failures;
      DROP TABLE failures;
      ALTER TABLE failures_new RENAME TO failures;
      CREATE INDEX failures_by_genome ON failures(genome);
    `,
  },
  VERIFICATIONS_BASELINE_TIME_MIGRATION,
];

export interface CorpusFileRow {
  readonly name: string;
  readonly bytes: number;
}
export interface RunRow {
  readonly id: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly config: Record<string, unknown>;
  readonly seed: number;
  readonly corpusFp: string;
  readonly status: RunStatus;
  readonly message: string | null;
}
export interface GenomeRow {
  readonly hash: string;
  readonly canonical: string;
  readonly size: number;
  readonly gate: "pass" | "fail" | null;
  readonly firstSeen: string;
  readonly firstRun: number | null;
}
/** Per node of the pipeline, in pre-order: the bytes it received while encoding and the payload bytes below it. */
export interface NodeStat {
  readonly op: string;
  readonly inputBytes: number;
  readonly payloadBytes: number;
}
export interface FileEvaluation {
  readonly file: string;
  readonly ok: boolean;
  readonly originalBytes: number;
  readonly compressedBytes: number | null;
  readonly encodeSec: number | null;
  readonly decodeSec: number | null;
  readonly measurements: number;
  readonly streams: readonly NodeStat[] | null;
}
/** Per pipeline node (pre-order), its NodeStat sizes summed over the files. */
export const sumNodeStats = (files: readonly FileEvaluation[]): Omit<NodeStat, "op">[] => {
  const sums: { inputBytes: number; payloadBytes: number }[] = [];
  for (const f of files)
    (f.streams ?? []).forEach((s, i) => {
      sums[i] ??= { inputBytes: 0, payloadBytes: 0 };
      sums[i].inputBytes += s.inputBytes;
      sums[i].payloadBytes += s.payloadBytes;
    });
  return sums;
};
export interface MemberRow {
  readonly rank: number;
  readonly genome: string;
  readonly score: number;
  readonly ratio: number;
  readonly fitness: Record<string, unknown>;
}
export interface GenerationRow {
  readonly run: number;
  readonly idx: number;
  readonly rngState: string;
  readonly evaluated: number;
  readonly cached: number;
  readonly failed: number;
  readonly finishedAt: string;
}
export interface LineageRow {
  readonly run: number;
  readonly child: string;
  readonly parents: readonly string[];
  readonly operator: string;
  readonly generation: number;
}
export interface FailureRow {
  readonly genome: string;
  readonly run: number | null;
  readonly generation: number | null;
  readonly reason: FailureReason;
  readonly message: string;
  readonly counterexample: unknown;
  readonly at: string;
}
export interface CalibrationRow {
  readonly primitive: string;
  readonly sourceHash: string;
  readonly encodeBps: number;
  readonly decodeBps: number;
  readonly encodeCallSec: number;
  readonly decodeCallSec: number;
  readonly measuredAt: string;
}
/** A genome's measured Python time on the corpus's sample files (search/python-timer.ts), or why it could not run. */
export interface PythonTimingRow {
  readonly files: readonly { readonly name: string; readonly bytes: number; readonly encodeSec: number; readonly decodeSec: number }[] | null;
  readonly error: { readonly reason: string; readonly message: string } | null;
}
export interface TimingKey {
  readonly machine: string;
  readonly codecHash: string;
  readonly corpusFp: string;
}
export interface LeaderRow {
  readonly genome: string;
  readonly canonical: string;
  readonly score: number;
  readonly ratio: number;
  readonly generation: number;
  readonly fitness: Record<string, unknown>;
}

const now = (): string => new Date().toISOString();
const parseJson = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

/** A row as better-sqlite3 returns it (untyped); the to* functions below map rows to the interfaces. */
type Row = Record<string, unknown>;
const all = <T>(db: Database.Database, map: (r: Row) => T, sql: string, ...params: unknown[]): T[] => (db.prepare(sql).all(...params) as Row[]).map(map);
const first = <T>(db: Database.Database, map: (r: Row) => T, sql: string, ...params: unknown[]): T | undefined => {
  const r = db.prepare(sql).get(...params) as Row | undefined;
  return r && map(r);
};

/** Synchronous queries over one open database. */
export class Queries {
  constructor(readonly db: Database.Database, readonly path: string) {}

  close(): void {
    if (this.db.open) this.db.close();
  }

  schemaVersion(): number {
    return (this.db.prepare("SELECT MAX(version) AS v FROM migrations").get() as { v: number | null }).v ?? 0;
  }

  // ---- corpora and runs
  putCorpus(fingerprint: string, files: readonly CorpusFileRow[]): void {
    this.db
      .prepare("INSERT OR IGNORE INTO corpora (fingerprint, files, total_bytes, created_at) VALUES (?, ?, ?, ?)")
      .run(fingerprint, JSON.stringify(files), files.reduce((a, f) => a + f.bytes, 0), now());
  }
  corpus(fingerprint: string): readonly CorpusFileRow[] | undefined {
    const row = this.db.prepare("SELECT files FROM corpora WHERE fingerprint = ?").get(fingerprint) as { files: string } | undefined;
    return row ? (JSON.parse(row.files) as CorpusFileRow[]) : undefined;
  }
  createRun(config: Record<string, unknown>, seed: number, corpusFp: string): number {
    const r = this.db
      .prepare("INSERT INTO runs (started_at, config, seed, corpus_fp, status) VALUES (?, ?, ?, ?, 'running')")
      .run(now(), JSON.stringify(config), seed, corpusFp);
    return Number(r.lastInsertRowid);
  }
  setRunStatus(id: number, status: RunStatus, message: string | null = null): void {
    this.db
      .prepare("UPDATE runs SET status = ?, message = ?, finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END WHERE id = ?")
      .run(status, message, status, now(), id);
  }
  updateRunConfig(id: number, config: Record<string, unknown>): void {
    this.db.prepare("UPDATE runs SET config = ? WHERE id = ?").run(JSON.stringify(config), id);
  }
  run(id: number): RunRow | undefined {
    return first(this.db, toRun, "SELECT * FROM runs WHERE id = ?", id);
  }
  /** The most recent run that completed at least one generation (the default for leaderboard/show). */
  latestRun(): RunRow | undefined {
    return first(this.db, toRun, "SELECT * FROM runs WHERE id IN (SELECT run FROM generations) ORDER BY id DESC LIMIT 1");
  }
  runs(): RunRow[] {
    return all(this.db, toRun, "SELECT * FROM runs ORDER BY id");
  }

  // ---- genomes
  putGenome(hash: string, canonical: string, size: number, run: number | null): void {
    this.db
      .prepare("INSERT OR IGNORE INTO genomes (hash, canonical, size, first_seen, first_run) VALUES (?, ?, ?, ?, ?)")
      .run(hash, canonical, size, now(), run);
  }
  setGate(hash: string, gate: "pass" | "fail"): void {
    this.db.prepare("UPDATE genomes SET gate = ? WHERE hash = ?").run(gate, hash);
  }
  genome(hash: string): GenomeRow | undefined {
    return first(this.db, toGenome, "SELECT * FROM genomes WHERE hash = ?", hash);
  }
  /** Genomes whose hash starts with `prefix` (at most `limit`), to resolve abbreviated hashes. */
  genomesByPrefix(prefix: string, limit = 2): GenomeRow[] {
    return all(this.db, toGenome, "SELECT * FROM genomes WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT ?", prefix, prefix + "\uffff", limit);
  }

  // ---- evaluations
  /** The cached evaluation of a genome on every file of a corpus, or undefined unless all files are present. */
  /** A genome's evaluation on every one of `files`; with `codec`, only as evaluated by that codec build (see codecBuildHash). */
  cachedEvaluation(genome: string, corpusFp: string, files: readonly string[], codec?: string): FileEvaluation[] | undefined {
    const rows =
      codec === undefined
        ? all(this.db, toEvaluation, "SELECT * FROM evaluations WHERE genome = ? AND corpus_fp = ?", genome, corpusFp)
        : all(this.db, toEvaluation, "SELECT * FROM evaluations WHERE genome = ? AND corpus_fp = ? AND codec = ?", genome, corpusFp, codec);
    if (rows.length === 0) return undefined;
    const byFile = new Map(rows.map((e) => [e.file, e]));
    const out = files.map((f) => byFile.get(f));
    return out.every((e): e is FileEvaluation => e !== undefined) ? out : undefined;
  }
  /**
   * Stores a genome's whole evaluation atomically: a crash leaves either every file or none. Rows of
   * another codec build are replaced (their bytes may differ); a second evaluation by the same build
   * is refused (no duplicated evaluations).
   */
  recordEvaluation(genome: string, corpusFp: string, run: number | null, files: readonly FileEvaluation[], codec = ""): void {
    const insert = this.db.prepare(
      `INSERT INTO evaluations (genome, corpus_fp, file, ok, original_bytes, compressed_bytes, encode_sec, decode_sec, measurements, streams, run, evaluated_at, codec)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const stale = this.db.prepare("DELETE FROM evaluations WHERE genome = ? AND corpus_fp = ? AND codec <> ?");
    const at = now();
    this.db.transaction(() => {
      stale.run(genome, corpusFp, codec);
      for (const f of files)
        insert.run(
          genome,
          corpusFp,
          f.file,
          f.ok ? 1 : 0,
          f.originalBytes,
          f.compressedBytes,
          f.encodeSec,
          f.decodeSec,
          f.measurements,
          f.streams ? JSON.stringify(f.streams) : null,
          run,
          at,
          codec,
        );
    })();
  }
  /** Folds new timing measurements into cached ones: keeps the minimum, counts the measurement. */
  addMeasurements(genome: string, corpusFp: string, timings: readonly { file: string; encodeSec: number; decodeSec: number }[]): void {
    const update = this.db.prepare(
      `UPDATE evaluations SET encode_sec = MIN(encode_sec, ?), decode_sec = MIN(decode_sec, ?), measurements = measurements + 1
       WHERE genome = ? AND corpus_fp = ? AND file = ? AND ok = 1`,
    );
    this.db.transaction(() => {
      for (const t of timings) update.run(t.encodeSec, t.decodeSec, genome, corpusFp, t.file);
    })();
  }
  /** Fresh evaluations a run has committed, as (genome, file) pairs. */
  evaluationsOfRun(run: number): { genome: string; file: string }[] {
    return this.db.prepare("SELECT genome, file FROM evaluations WHERE run = ? ORDER BY genome, file").all(run) as { genome: string; file: string }[];
  }
  /** Corpora a genome was evaluated on, most recent first. */
  corporaOf(genome: string): string[] {
    return (
      this.db.prepare("SELECT corpus_fp FROM evaluations WHERE genome = ? GROUP BY corpus_fp ORDER BY MAX(evaluated_at) DESC").all(genome) as {
        corpus_fp: string;
      }[]
    ).map((r) => r.corpus_fp);
  }
  evaluationsOfGenome(genome: string, corpusFp: string): FileEvaluation[] {
    return all(this.db, toEvaluation, "SELECT * FROM evaluations WHERE genome = ? AND corpus_fp = ? ORDER BY file", genome, corpusFp);
  }

  // ---- failures
  /** A genome refused by the gate: marked failed (never evaluated again) with its counterexample, atomically. */
  recordGateFailure(f: Omit<FailureRow, "at" | "reason">): void {
    this.db.transaction(() => {
      this.setGate(f.genome, "fail");
      this.recordFailure({ ...f, reason: "gate" });
    })();
  }
  /**
   * A genome that passed the gate but failed on the corpus (threw, mismatched, hung, ran out of
   * memory): the failure plus not-ok evaluation rows for every file, so the failure is cached too.
   */
  recordEvaluationFailure(f: Omit<FailureRow, "at">, corpusFp: string, files: readonly CorpusFileRow[], codec = ""): void {
    this.db.transaction(() => {
      this.recordFailure(f);
      this.recordEvaluation(
        f.genome,
        corpusFp,
        f.run,
        files.map((file) => ({
          file: file.name,
          ok: false,
          originalBytes: file.bytes,
          compressedBytes: null,
          encodeSec: null,
          decodeSec: null,
          measurements: 0,
          streams: null,
        })),
        codec,
      );
    })();
  }
  recordFailure(f: Omit<FailureRow, "at">): void {
    this.db
      .prepare("INSERT INTO failures (genome, run, generation, reason, message, counterexample, at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(f.genome, f.run, f.generation, f.reason, f.message, f.counterexample === undefined ? null : JSON.stringify(f.counterexample), now());
  }
  failures(run?: number): FailureRow[] {
    return run === undefined
      ? all(this.db, toFailure, "SELECT * FROM failures ORDER BY id")
      : all(this.db, toFailure, "SELECT * FROM failures WHERE run = ? ORDER BY id", run);
  }
  /** The first recorded failure of a genome, if it ever failed. */
  failureOf(genome: string): FailureRow | undefined {
    return first(this.db, toFailure, "SELECT * FROM failures WHERE genome = ? ORDER BY id LIMIT 1", genome);
  }

  // ---- generations and lineage
  /** Commits a finished generation: its members with their fitness and the lineage of its new genomes. */
  recordGeneration(g: Omit<GenerationRow, "finishedAt">, members: readonly MemberRow[], lineage: readonly Omit<LineageRow, "run">[]): void {
    const gen = this.db.prepare(
      "INSERT INTO generations (run, idx, rng_state, evaluated, cached, failed, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    const member = this.db.prepare("INSERT INTO generation_members (run, idx, rank, genome, score, ratio, fitness) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const line = this.db.prepare("INSERT OR IGNORE INTO lineage (run, child, parents, operator, generation) VALUES (?, ?, ?, ?, ?)");
    this.db.transaction(() => {
      gen.run(g.run, g.idx, g.rngState, g.evaluated, g.cached, g.failed, now());
      for (const m of members) member.run(g.run, g.idx, m.rank, m.genome, m.score, m.ratio, JSON.stringify(m.fitness));
      for (const l of lineage) line.run(g.run, l.child, JSON.stringify(l.parents), l.operator, l.generation);
    })();
  }
  generations(run: number): GenerationRow[] {
    return all(this.db, toGeneration, "SELECT * FROM generations WHERE run = ? ORDER BY idx", run);
  }
  members(run: number, idx: number): MemberRow[] {
    return all(this.db, toMember, "SELECT * FROM generation_members WHERE run = ? AND idx = ? ORDER BY rank", run, idx);
  }
  lineageOf(child: string): LineageRow[] {
    return all(this.db, toLineage, "SELECT * FROM lineage WHERE child = ? ORDER BY run", child);
  }
  lineageOfRun(run: number): LineageRow[] {
    return all(this.db, toLineage, "SELECT * FROM lineage WHERE run = ? ORDER BY generation, child", run);
  }

  /**
   * Every genome that was ever a member of a generation of `run`, with its most recent fitness in
   * that run, best Apex score first (ties: better ratio, then hash for a stable order).
   */
  leaderboard(run: number, limit = 20): LeaderRow[] {
    return all(
      this.db,
      toLeader,
      `SELECT m.genome, g.canonical, m.score, m.ratio, m.idx, m.fitness
       FROM generation_members m JOIN genomes g ON g.hash = m.genome
       WHERE m.run = ? AND m.idx = (SELECT MAX(idx) FROM generation_members WHERE run = m.run AND genome = m.genome)
       GROUP BY m.genome
       ORDER BY m.score DESC, m.ratio ASC, m.genome ASC
       LIMIT ?`,
      run,
      limit,
    );
  }

  // ---- measured Python time per genome
  pythonTiming(genome: string, key: TimingKey): PythonTimingRow | undefined {
    return first(
      this.db,
      toTiming,
      "SELECT files, error_reason, error_message FROM python_timings WHERE genome = ? AND machine = ? AND codec_hash = ? AND corpus_fp = ?",
      genome,
      key.machine,
      key.codecHash,
      key.corpusFp,
    );
  }
  putPythonTiming(genome: string, key: TimingKey, row: PythonTimingRow): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO python_timings (genome, machine, codec_hash, corpus_fp, files, error_reason, error_message, measured_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(genome, key.machine, key.codecHash, key.corpusFp, row.files ? JSON.stringify(row.files) : null, row.error?.reason ?? null, row.error?.message ?? null, now());
  }

  // ---- Python calibration
  calibration(machine: string): CalibrationRow[] {
    return all(this.db, toCalibration, "SELECT * FROM python_calibration WHERE machine = ?", machine);
  }
  putCalibration(machine: string, rows: readonly Omit<CalibrationRow, "measuredAt">[]): void {
    const put = this.db.prepare(
      `INSERT OR REPLACE INTO python_calibration (machine, primitive, source_hash, encode_bps, decode_bps, encode_call_sec, decode_call_sec, measured_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = now();
    this.db.transaction(() => {
      for (const r of rows) put.run(machine, r.primitive, r.sourceHash, r.encodeBps, r.decodeBps, r.encodeCallSec, r.decodeCallSec, at);
    })();
  }
}

const toRun = (r: Row): RunRow => ({
  id: r.id as number,
  startedAt: r.started_at as string,
  finishedAt: r.finished_at as string | null,
  config: JSON.parse(r.config as string) as Record<string, unknown>,
  seed: r.seed as number,
  corpusFp: r.corpus_fp as string,
  status: r.status as RunStatus,
  message: r.message as string | null,
});
const toGenome = (r: Row): GenomeRow => ({
  hash: r.hash as string,
  canonical: r.canonical as string,
  size: r.size as number,
  gate: r.gate as GenomeRow["gate"],
  firstSeen: r.first_seen as string,
  firstRun: r.first_run as number | null,
});
const toEvaluation = (r: Row): FileEvaluation => ({
  file: r.file as string,
  ok: r.ok === 1,
  originalBytes: r.original_bytes as number,
  compressedBytes: r.compressed_bytes as number | null,
  encodeSec: r.encode_sec as number | null,
  decodeSec: r.decode_sec as number | null,
  measurements: r.measurements as number,
  streams: parseJson<NodeStat[]>(r.streams as string | null),
});
const toFailure = (r: Row): FailureRow => ({
  genome: r.genome as string,
  run: r.run as number | null,
  generation: r.generation as number | null,
  reason: r.reason as FailureReason,
  message: r.message as string,
  counterexample: parseJson(r.counterexample as string | null),
  at: r.at as string,
});
const toLineage = (r: Row): LineageRow => ({
  run: r.run as number,
  child: r.child as string,
  parents: JSON.parse(r.parents as string) as string[],
  operator: r.operator as string,
  generation: r.generation as number,
});
const toGeneration = (r: Row): GenerationRow => ({
  run: r.run as number,
  idx: r.idx as number,
  rngState: r.rng_state as string,
  evaluated: r.evaluated as number,
  cached: r.cached as number,
  failed: r.failed as number,
  finishedAt: r.finished_at as string,
});
/** The columns generation_members shares with the leaderboard's rows. */
const toScored = (r: Row) => ({
  genome: r.genome as string,
  score: r.score as number,
  ratio: r.ratio as number,
  fitness: JSON.parse(r.fitness as string) as Record<string, unknown>,
});
const toMember = (r: Row): MemberRow => ({ rank: r.rank as number, ...toScored(r) });
const toLeader = (r: Row): LeaderRow => ({ ...toScored(r), canonical: r.canonical as string, generation: r.idx as number });
const toTiming = (r: Row): PythonTimingRow => ({
  files: parseJson<PythonTimingRow["files"]>(r.files as string | null),
  error: r.error_reason === null ? null : { reason: r.error_reason as string, message: r.error_message as string },
});
const toCalibration = (r: Row): CalibrationRow => ({
  primitive: r.primitive as string,
  sourceHash: r.source_hash as string,
  encodeBps: r.encode_bps as number,
  decodeBps: r.decode_bps as number,
  encodeCallSec: r.encode_call_sec as number,
  decodeCallSec: r.decode_call_sec as number,
  measuredAt: r.measured_at as string,
});

const migrate = (db: Database.Database): void => {
  db.exec("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const applied = new Set((db.prepare("SELECT version FROM migrations").all() as { version: number }[]).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, now());
    })();
  }
};

/** Opens (creating and migrating if needed) the database; `readonly` opens an existing file without writing. */
export const openQueries = (file: string = DEFAULT_DB, opts: { readonly?: boolean } = {}): Queries => {
  if (!opts.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    db.pragma("busy_timeout = 10000");
    db.pragma("foreign_keys = ON");
    if (!opts.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      migrate(db);
    }
  } catch (e) {
    db.close();
    throw e;
  }
  return new Queries(db, file);
};

const storeError = (reason: StoreErrorReason) => (e: unknown) =>
  e instanceof StoreError ? e : new StoreError({ reason, message: e instanceof Error ? e.message : String(e) });

type Methods<T> = { [K in keyof T as T[K] extends (...a: never[]) => unknown ? K : never]: T[K] };
/** Every query method of `Queries`, as an Effect that fails with StoreError. */
export type StoreApi = {
  readonly [K in keyof Methods<Queries>]: Methods<Queries>[K] extends (...a: infer P) => infer R
    ? (...a: P) => Effect.Effect<R, StoreError>
    : never;
} & { readonly path: string; readonly queries: Queries };

const liftQueries = (q: Queries): StoreApi => {
  const api: Record<string, unknown> = { path: q.path, queries: q };
  for (const name of Object.getOwnPropertyNames(Queries.prototype)) {
    if (name === "constructor") continue;
    const f = (q as unknown as Record<string, (...a: unknown[]) => unknown>)[name].bind(q);
    api[name] = (...args: unknown[]) => Effect.try({ try: () => f(...args), catch: storeError("query-failed") });
  }
  return api as StoreApi;
};

export class ResultsStore extends Context.Tag("evocodec/ResultsStore")<ResultsStore, StoreApi>() {
  /** Opens the database for the layer's scope and closes it when the scope ends. */
  static readonly layer = (file: string = DEFAULT_DB): Layer.Layer<ResultsStore, StoreError> =>
    Layer.scoped(
      ResultsStore,
      Effect.acquireRelease(
        Effect.try({ try: () => openQueries(file), catch: storeError("open-failed") }).pipe(Effect.map(liftQueries)),
        (s) => Effect.sync(() => s.queries.close()),
      ),
    );
}
