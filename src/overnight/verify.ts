/**
 * One checkpoint's work, through the emit and verify modules: write the genome's solution for the
 * target, run the local referee on the data (a subset of files, or all of them) against the
 * official baseline, and record the measurement next to the genome in the night's database.
 */
import { Effect } from "effect";
import { emit, writeSolution, type EmitError, type Target } from "../emit/index.js";
import { recordReport } from "../verify/record.js";
import { referee, type VerifyReport } from "../verify/referee.js";
import type { VerifyError } from "../verify/errors.js";
import { StoreError } from "../../results/store.js";

export interface CheckRequest {
  readonly db: string;
  readonly genome: string;
  readonly target: Target;
  readonly data: string;
  readonly python: string;
  readonly scoreToBeat?: number;
  /** Files spread over the data folder; undefined: every file. */
  readonly limit?: number;
  /** Server target: round trips per file, median time (steadier times where a time cap decides). */
  readonly repeat?: number;
  /** Where the solution is written. */
  readonly file: string;
}

/** Emits `genome` to `file` and referees it; the report says whether it is bit-exact and what it scores. */
export const emitAndVerify = (req: CheckRequest): Effect.Effect<VerifyReport, EmitError | VerifyError | StoreError> =>
  Effect.gen(function* () {
    const emitted = yield* emit(req.genome, req.target, req.db);
    yield* writeSolution(req.file, emitted.source);
    const report = yield* referee({ solution: req.file, data: req.data, python: req.python, target: req.target, scoreToBeat: req.scoreToBeat, limit: req.limit, repeat: req.repeat });
    yield* Effect.try({
      try: () => recordReport(report, req.db),
      catch: (e) => (e instanceof StoreError ? e : new StoreError({ reason: "query-failed", message: (e as Error).message })),
    });
    return report;
  });
