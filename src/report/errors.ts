import { Data } from "effect";

/** Why a report could not be written. One error type for the report domain. */
export type ReportErrorReason =
  | "not-found" // no such database or run
  | "read-failed" // the database could not be read
  | "chromium-missing" // --png without a headless Chromium
  | "render-failed" // Chromium ran but wrote no picture
  | "write-failed";

export class ReportError extends Data.TaggedError("ReportError")<{
  readonly reason: ReportErrorReason;
  readonly message: string;
}> {}
