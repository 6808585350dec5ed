/** Public file-IO surface: reading, writing, compressing and inspecting files, as Effects. */
import { readFile, writeFile } from "node:fs/promises";
import { Effect } from "effect";
import { CodecError, DEFAULT_CAP, type PipelineNode } from "../codec/index.js";
import { IoError } from "./errors.js";
import { compressBytes, decompressBytes, type Compressed, type Decompressed } from "./files.js";
import { inspectBytes, type InspectReport } from "./inspect.js";
import type { SourceFormat } from "./layout.js";

export { IoError, type IoErrorReason } from "./errors.js";
export { formatFromPath, parseLayout, type SourceFormat, type TensorFormat, type TensorLayout } from "./layout.js";
export { parseContainer, writeContainer, isContainer, CONTAINER_MAGIC, CONTAINER_VERSION, type Container } from "./container.js";
export { isFrame, compressBytes, decompressBytes, type Compressed, type Decompressed, type PartReport } from "./files.js";
export { inspectBytes, inspectFrame, type InspectReport, type FrameReport, type StreamReport, type TensorReport } from "./inspect.js";
export type { TensorDtype, TensorEntry, ElementKind } from "./tensor.js";

const fsMessage = (file: string, e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code === "ENOENT" ? `${file}: no such file` : err.code === "EISDIR" ? `${file}: is a directory` : `${file}: ${err.message}`;
};

export const readBytes = (file: string): Effect.Effect<Uint8Array, IoError> =>
  Effect.tryPromise({
    try: async () => new Uint8Array(await readFile(file)),
    catch: (e) => new IoError({ reason: "read-failed", message: fsMessage(file, e) }),
  });

export const writeBytes = (file: string, bytes: Uint8Array): Effect.Effect<void, IoError> =>
  Effect.tryPromise({
    try: () => writeFile(file, bytes),
    catch: (e) => new IoError({ reason: "write-failed", message: fsMessage(file, e) }),
  });

/** Runs a throwing IO/codec function: its IoError/CodecError become typed failures, anything else a defect. */
const attempt = <A>(f: () => A): Effect.Effect<A, IoError | CodecError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f());
    } catch (e) {
      return e instanceof IoError || e instanceof CodecError ? Effect.fail(e) : Effect.die(e);
    }
  });

export const compress = (format: SourceFormat, input: Uint8Array, bf16: PipelineNode): Effect.Effect<Compressed, IoError | CodecError> =>
  attempt(() => compressBytes(format, input, bf16));
export const decompress = (input: Uint8Array, cap = DEFAULT_CAP): Effect.Effect<Decompressed, IoError | CodecError> =>
  attempt(() => decompressBytes(input, cap));
export const inspect = (input: Uint8Array, cap = DEFAULT_CAP): Effect.Effect<InspectReport, IoError | CodecError> =>
  attempt(() => inspectBytes(input, cap));
