/** Public codec surface: pipelines, frames and the universal decoder, as Effects and plain calls. */
import { Effect } from "effect";
import { CodecError } from "./errors.js";
import { decodeFrame, encodeFrame, parseFrame, DEFAULT_CAP, type EncodeResult, type ParsedFrame } from "./frame.js";
import { parsePipeline, type PipelineNode } from "./pipeline.js";

export { CodecError, type CodecErrorReason } from "./errors.js";
export { DEFAULT_CAP, FORMAT_VERSION, type EncodeResult, type ParsedFrame, type StreamStat } from "./frame.js";
export { parsePipeline, toJson, canonicalString, describe, leaves, type PipelineNode, type PipelineJson } from "./pipeline.js";
export { encodeFrame, decodeFrame, parseFrame };

const attempt = <A>(f: () => A): Effect.Effect<A, CodecError> =>
  Effect.try({
    try: f,
    catch: (e) =>
      e instanceof CodecError ? e : new CodecError({ reason: "bad-input", message: e instanceof Error ? e.message : String(e) }),
  });

export const pipeline = (json: unknown): Effect.Effect<PipelineNode, CodecError> => attempt(() => parsePipeline(json));
export const encode = (p: PipelineNode, input: Uint8Array): Effect.Effect<EncodeResult, CodecError> =>
  attempt(() => encodeFrame(p, input));
export const decode = (frame: Uint8Array, cap = DEFAULT_CAP): Effect.Effect<Uint8Array, CodecError> =>
  attempt(() => decodeFrame(frame, cap));
export const inspect = (frame: Uint8Array, cap = DEFAULT_CAP): Effect.Effect<ParsedFrame, CodecError> =>
  attempt(() => parseFrame(frame, cap));
