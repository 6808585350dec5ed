/** What every verb shares: typed failures, running an Effect as a commander action, pipeline arguments, number formatting. */
import { existsSync } from "node:fs";
import { Cause, Data, Effect, Exit } from "effect";
import { BUILTIN_PIPELINES } from "../codec/builtins.js";
import { CodecError, parsePipeline, type PipelineNode } from "../codec/index.js";
import { IoError, readBytes } from "../io/index.js";
import { isGenomeRef, resolveGenome } from "../../results/resolve.js";
import { DEFAULT_DB } from "../../results/store.js";

/** A misuse the argument parser cannot see (exit 2, like commander's own usage errors). */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

export type VerbError = CodecError | IoError | UsageError;

/** Adapts an Effect-returning verb to a commander action: a failure is thrown for main.ts to report. */
export const action =
  <A extends unknown[]>(verb: (...args: A) => Effect.Effect<void, VerbError>) =>
  async (...args: A): Promise<void> => {
    const exit = await Effect.runPromiseExit(verb(...args));
    if (Exit.isFailure(exit)) throw Cause.squash(exit.cause);
  };

export const out = (line = ""): void => {
  process.stdout.write(line + "\n");
};

const badPipeline = (message: string) => new CodecError({ reason: "bad-pipeline", message });

const parseJsonText = (text: string, where: string): Effect.Effect<unknown, CodecError> =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => badPipeline(`${where}: invalid JSON (${(e as Error).message})`) });

export interface ChosenPipeline {
  readonly node: PipelineNode;
  /** How the user named it: a built-in name, "json" or the file path. */
  readonly label: string;
}

/**
 * --pipeline: a built-in name, a JSON string, a path to a JSON file, or a genome of the results
 * database (`best`, `best:RUN`, a hash or a prefix of one); absent means `default`.
 */
export const resolvePipeline = (arg: string | undefined, db: string = DEFAULT_DB): Effect.Effect<ChosenPipeline, CodecError | IoError> =>
  Effect.gen(function* () {
    const name = arg ?? "default";
    const isJson = name.trimStart().startsWith("{");
    let json: unknown = undefined;
    if (Object.hasOwn(BUILTIN_PIPELINES, name)) json = BUILTIN_PIPELINES[name].json;
    else if (isJson) json = yield* parseJsonText(name, "--pipeline");
    else if (existsSync(name)) json = yield* parseJsonText(new TextDecoder().decode(yield* readBytes(name)), name);
    else if (isGenomeRef(name))
      json = yield* Effect.try({ try: () => resolveGenome(name, db), catch: (e) => badPipeline((e as Error).message) });
    if (json === undefined)
      return yield* Effect.fail(
        badPipeline(`"${name}" is not a built-in pipeline (${Object.keys(BUILTIN_PIPELINES).join(", ")}), a JSON object, a JSON file or a genome in ${db}`),
      );
    const node = yield* Effect.try({
      try: () => parsePipeline(json),
      catch: (e) => (e instanceof CodecError ? e : badPipeline(String(e))),
    });
    return { node, label: isJson ? "json" : name };
  });

/**
 * Errors print as one line. Schema failures (bad pipeline parameters) arrive as Effect's
 * multi-line tree; keep its head, the key path and the innermost message.
 */
export const oneLine = (message: string): string => {
  const lines = message
    .split("\n")
    .map((l) => l.replace(/^[\s\u2500-\u257f]+/, "").trim())
    .filter((l) => l.length > 0);
  if (lines.length <= 1) return lines[0] ?? "";
  const head = lines[0].split(": ")[0];
  const keys = lines.filter((l) => /^\[.*\]$/.test(l)).join("");
  return `${head}: ${keys ? keys + " " : ""}${lines[lines.length - 1]}`;
};

export const formatBytes = (n: number): string => n.toLocaleString("en-US");
export const formatRatio = (original: number, compressed: number): string => (compressed === 0 ? "-" : `${(original / compressed).toFixed(3)}x`);
export const formatMs = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0)) + " ms";

/** Left-aligned text columns (numbers right-aligned), two spaces apart. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-\d.,x]+$|^-$/.test(r[i])));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
};
