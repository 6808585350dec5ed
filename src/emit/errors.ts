import { Data } from "effect";

/** Why a solution could not be emitted. One error type for the emit domain. */
export type EmitErrorReason =
  | "unknown-pipeline" // not a built-in name, JSON, file or known genome
  | "bad-pipeline" // JSON that does not parse into a pipeline tree
  | "unknown-target"
  | "genome-not-found"
  | "no-genomes" // `best` with an empty store
  | "store-unavailable"
  | "forbidden-import" // generated code would import something the Apex sandbox lacks
  | "write-failed";

export class EmitError extends Data.TaggedError("EmitError")<{
  readonly reason: EmitErrorReason;
  readonly message: string;
}> {}
