/**
 * The output folder of a night and its state file (overnight.json): when the night began (its
 * budget counts from there across restarts), on which data, every checkpoint and the verified best.
 * The search's own progress lives in the folder's database; this file holds only what the search
 * does not know. Written atomically, so a kill leaves the previous or the next version.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeAtomic } from "../report/index.js";
import { OvernightError } from "./errors.js";

export const NIGHT_FILES = {
  db: "evocodec.db",
  state: "overnight.json",
  log: "overnight.log",
  solution: "best_solution.py",
  verification: "best_verification.json",
  candidate: "candidate_solution.py",
  report: "report.html",
  summary: "SUMMARY.md",
} as const;

export const nightFile = (dir: string, name: keyof typeof NIGHT_FILES): string => path.join(dir, NIGHT_FILES[name]);

/** Which files a verification used: a cheap subset during the night, the whole data at the end. */
export type Scope = "subset" | "full";

export interface CheckpointRecord {
  readonly at: string;
  readonly generation: number;
  readonly genome: string;
  readonly predictedScore: number;
  readonly scope: Scope;
  readonly files?: number;
  readonly bitExact?: boolean;
  readonly measuredScore?: number;
  readonly baselineScore?: number;
  /** Why it produced no measurement (emit or referee failure). */
  readonly error?: string;
  /** It became best_solution.py. */
  readonly kept: boolean;
}

export interface KeptBest {
  readonly genome: string;
  readonly generation: number;
  readonly predictedScore: number;
  readonly measuredScore: number;
  readonly baselineScore: number | null;
  readonly scope: Scope;
  readonly files: number;
  readonly at: string;
}

export type NightStatus = "running" | "finished" | "stopped" | "failed";

export interface NightState {
  readonly version: 1;
  /** First start: the budget and `--until` count from here. */
  readonly startedAt: string;
  readonly deadline: string;
  /** The data folder (absolute). */
  readonly data: string;
  readonly target: string;
  readonly scoreToBeat?: number;
  /** Every invocation's start. */
  readonly starts: readonly string[];
  readonly status: NightStatus;
  readonly statusDetail?: string;
  readonly endedAt?: string;
  readonly run?: number;
  readonly checkpoints: readonly CheckpointRecord[];
  readonly best?: KeptBest;
}

export const readState = (dir: string): NightState | undefined => {
  const file = nightFile(dir, "state");
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as NightState;
    if (s.version !== 1 || typeof s.startedAt !== "string" || typeof s.data !== "string") throw new Error("not an overnight state file");
    return s;
  } catch (e) {
    throw new OvernightError({ reason: "bad-state", message: `${file}: ${(e as Error).message} (move the folder away or use another --out)` });
  }
};

export const writeState = (dir: string, state: NightState): void => writeAtomic(nightFile(dir, "state"), JSON.stringify(state, null, 2) + "\n");
