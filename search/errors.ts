import { Data } from "effect";

/** Why a search could not start, resume or go on. One error type for the search domain. */
export type SearchErrorReason =
  | "bad-corpus" // no data, unreadable file, unsupported tensor
  | "bad-option" // an option value the search cannot use
  | "resume" // the run to resume does not exist or does not match
  | "calibration" // the Python cost model could not be measured
  | "pool"; // the worker pool could not start

export class SearchError extends Data.TaggedError("SearchError")<{
  readonly reason: SearchErrorReason;
  readonly message: string;
}> {}

export const searchFail = (reason: SearchErrorReason, message: string): never => {
  throw new SearchError({ reason, message });
};
