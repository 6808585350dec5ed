import { Data } from "effect";

/** Why a frame, pipeline or stream was refused. One error type for the codec domain. */
export type CodecErrorReason =
  | "bad-magic"
  | "unsupported-version"
  | "truncated"
  | "unknown-primitive"
  | "bad-params"
  | "bad-pipeline"
  | "length-mismatch"
  | "size-cap"
  | "corrupt-payload"
  | "trailing-bytes"
  | "bad-input";

export class CodecError extends Data.TaggedError("CodecError")<{
  readonly reason: CodecErrorReason;
  readonly message: string;
}> {}

/** Throw helper for hot kernels that cannot return an Effect; the public API catches it into the Effect channel. */
export const fail = (reason: CodecErrorReason, message: string): never => {
  throw new CodecError({ reason, message });
};
