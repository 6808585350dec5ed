import { Data } from "effect";

/** Why a file could not be read, written or parsed. One error type for the file-IO domain. */
export type IoErrorReason =
  | "read-failed"
  | "write-failed"
  | "bad-magic"
  | "unsupported-version"
  | "truncated"
  | "bad-header"
  | "unsupported-dtype"
  | "size-mismatch"
  | "bad-offsets"
  | "trailing-bytes";

export class IoError extends Data.TaggedError("IoError")<{
  readonly reason: IoErrorReason;
  readonly message: string;
}> {}

/** Throw helper for the synchronous parsers; the public IO API catches it into the Effect channel. */
export const ioFail = (reason: IoErrorReason, message: string): never => {
  throw new IoError({ reason, message });
};
