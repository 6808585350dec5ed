import { Data } from "effect";

/** Why a night could not start or go on. One error type for the overnight domain. */
export type OvernightErrorReason =
  | "bad-state" // overnight.json is unreadable
  | "other-night" // the output folder belongs to a night on other data
  | "python-missing" // the interpreter cannot run the target's solutions
  | "search-failed"; // the search itself failed (its message says why)

export class OvernightError extends Data.TaggedError("OvernightError")<{
  readonly reason: OvernightErrorReason;
  readonly message: string;
}> {}
