/**
 * Emitted miner solutions for tests: the pipelines worth emitting with the primitives registered
 * right now, files written to a temp folder, and a driver that imports a solution module in the
 * real interpreter and calls its functions (compress_bytes, decompress_bytes, pack_array, unpack_array)
 * under numpy 2's promotion rules where the interpreter's numpy can emulate them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parsePipeline, type PipelineJson } from "../../src/codec/index.js";
import { BUILTIN_PIPELINES } from "../../src/codec/builtins.js";
import { solutionSource, type SolutionCodec, type Target } from "../../src/emit/solution.js";
import { defaultPython } from "../../src/python/interpreter.js";
import { primitiveByName } from "../../primitives/index.js";

/** ../shared/activations beside the repository (this file runs from dist/test/support/). */
export const ACTIVATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "activations");
export const hasActivations = (): boolean => existsSync(ACTIVATIONS);

const zstd = (level = 3): PipelineJson => ({ op: "zstd", level });
const fields = (...next: PipelineJson[]): PipelineJson => ({ op: "bf16-fields", next });

export interface TestPipeline {
  readonly label: string;
  readonly json: PipelineJson;
}

/** zstd only, bf16-fields, and (once registered) a rans and a transpose pipeline. */
export const testPipelines = (): TestPipeline[] => [
  { label: "zstd-only", json: zstd(3) },
  { label: "bf16-fields", json: fields(zstd(3), zstd(3), zstd(1)) },
  ...(primitiveByName("rans") ? [{ label: "rans", json: fields({ op: "rans" }, { op: "rans" }, zstd(1)) }] : []),
  ...(primitiveByName("transpose") ? [{ label: "transpose", json: { op: "transpose", next: [fields(zstd(3), zstd(3), zstd(1))] } }] : []),
  // row references and rank digits: the pipeline built for numpy speed
  ...(BUILTIN_PIPELINES["rowref-tuples"] ? [{ label: "rowref-tuples", json: BUILTIN_PIPELINES["rowref-tuples"].json }] : []),
];

/** Which of the primitives the tests want are not registered yet (the tests cover what is). */
export const missingPrimitives = (): string[] => ["rans", "transpose"].filter((n) => !primitiveByName(n));

export const pipelineCodec = (json: PipelineJson): SolutionCodec => ({ kind: "pipeline", pipeline: parsePipeline(json) });

export const writeSolution = (dir: string, name: string, codec: SolutionCodec, target: Target): string => {
  const file = path.join(dir, `${name}.py`);
  writeFileSync(file, solutionSource(codec, target));
  return file;
};

export type SolutionFn = "compress_bytes" | "decompress_bytes" | "pack_array" | "unpack_array";
export type CallResult = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly message: string };

/**
 * numpy 2 promotes scalars by NEP 50; numpy 1.24 can emulate that (np._set_promotion_state), and
 * "weak_and_warn" warns wherever a result would differ, so the calls run with those warnings as errors.
 */
const DRIVER = `
import base64, importlib.util, json, sys, warnings
import numpy as np
if hasattr(np, "_set_promotion_state"):
    np._set_promotion_state("weak_and_warn")
    warnings.simplefilter("error", UserWarning)
spec = importlib.util.spec_from_file_location("solution", sys.argv[1])
solution = importlib.util.module_from_spec(spec)
spec.loader.exec_module(solution)
out = []
for fn, data in json.load(sys.stdin):
    try:
        r = getattr(solution, fn)(base64.b64decode(data))
        out.append({"ok": True, "bytes": base64.b64encode(r).decode()})
    except Exception as e:
        out.append({"ok": False, "message": "%s: %s" % (type(e).__name__, e)})
json.dump(out, sys.stdout)
`;

/** Calls functions of a solution module (imported, not run) in one interpreter process. */
export const callSolution = (file: string, calls: readonly (readonly [SolutionFn, Uint8Array])[]): CallResult[] => {
  const input = JSON.stringify(calls.map(([fn, data]) => [fn, Buffer.from(data).toString("base64")]));
  const r = spawnSync(defaultPython(), ["-c", DRIVER, file], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`solution driver failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { ok: boolean; bytes?: string; message?: string }[]).map((x) =>
    x.ok ? { ok: true, bytes: new Uint8Array(Buffer.from(x.bytes!, "base64")) } : { ok: false, message: x.message! },
  );
};

/** Replaces `find` (which must occur) in a solution file: a deliberately broken variant. */
export const patchSolution = (source: string, find: string, replace: string): string => {
  if (!source.includes(find)) throw new Error(`patchSolution: "${find}" not in the solution`);
  return source.replace(find, replace);
};
