import { Data } from "effect";

/** Why a verification failed. One error type for the referee domain. */
export type VerifyErrorReason =
  | "no-data" // the data folder is missing or holds no usable files
  | "bad-solution" // the solution file is missing or unreadable
  | "python-missing" // the interpreter lacks what the sandbox has
  | "solution-crashed" // the server died or never became healthy, or a CLI run was killed
  | "task-failed" // a request answered an error status, or a CLI run exited non-zero
  | "not-bit-exact" // a round trip returned different bytes
  | "baseline-failed"; // the reference solution itself failed (an environment problem)

export class VerifyError extends Data.TaggedError("VerifyError")<{
  readonly reason: VerifyErrorReason;
  readonly message: string;
}> {}
