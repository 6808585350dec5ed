/**
 * `evocodec emit PIPELINE|GENOME|best --target T -o solution.py [--db FILE] [--python PATH] [--max-slowdown X]`:
 * a standalone Apex miner solution; the written file is checked with py_compile before reporting.
 */
import { spawnSync } from "node:child_process";
import type { Command } from "commander";
import { Effect } from "effect";
import { describe } from "../codec/index.js";
import { emit, EmitError, isTarget, TARGETS, usedPrimitives, writeSolution } from "../emit/index.js";
import { defaultPython } from "../python/interpreter.js";
import { DEFAULT_DB } from "../../results/store.js";
import { formatBytes, out, UsageError } from "./common.js";
import { typedAction } from "./typed-action.js";

interface EmitOptions {
  readonly target: string;
  readonly output: string;
  readonly db: string;
  readonly python?: string;
  readonly maxSlowdown?: string;
}

/** --max-slowdown: a number above 0 (a ratio of times per file). */
const slowdownCap = (v: string | undefined): Effect.Effect<number | undefined, UsageError> => {
  if (v === undefined) return Effect.succeed(undefined);
  const x = Number(v);
  return Number.isFinite(x) && x > 0 ? Effect.succeed(x) : Effect.fail(new UsageError({ message: `--max-slowdown must be a number above 0, got "${v}"` }));
};

/** The interpreter byte-compiles the file (syntax of the Python it will run on). */
const compiles = (python: string, file: string): Effect.Effect<void, EmitError> =>
  Effect.try({
    try: () => {
      const r = spawnSync(python, ["-m", "py_compile", file], { encoding: "utf8" });
      if (r.error || r.status !== 0) throw new Error(r.error?.message ?? r.stderr.trim().split("\n").pop());
    },
    catch: (e) => new EmitError({ reason: "write-failed", message: `${file} does not compile with ${python}: ${(e as Error).message}` }),
  });

const run = (spec: string, opts: EmitOptions) =>
  Effect.gen(function* () {
    if (!isTarget(opts.target)) return yield* Effect.fail(new UsageError({ message: `--target must be one of ${TARGETS.join(", ")}` }));
    const maxSlowdown = yield* slowdownCap(opts.maxSlowdown);
    const emitted = yield* emit(spec, opts.target, opts.db, maxSlowdown === undefined ? {} : { maxSlowdown });
    yield* writeSolution(opts.output, emitted.source);
    const python = opts.python ?? defaultPython();
    yield* compiles(python, opts.output);
    const node = emitted.resolved.node;
    out(`wrote ${opts.output} (${opts.target}, ${formatBytes(emitted.source.length)} bytes): ${describe(node)}`);
    out(`  genome ${emitted.genome}; ${emitted.resolved.provenance.source}; primitives: ${usedPrimitives(node).map((p) => p.name).join(", ")}`);
    out(`  check it: evocodec verify ${opts.output} --data DIR${opts.python ? ` --python ${opts.python}` : ""}`);
  });

export const registerEmit = (program: Command): void => {
  program
    .command("emit")
    .description("write a standalone Apex miner solution (Python) for a pipeline: built-in name, JSON, file, genome hash or `best`")
    .argument("<pipeline>", "built-in name, pipeline JSON, JSON file, genome hash (prefix) or `best` (best verified genome of the latest run)")
    .requiredOption("-o, --output <file>", "where to write solution.py")
    .option("--target <target>", `Apex interface: ${TARGETS.join(" | ")}`, "apex-server")
    .option("--db <file>", "results database (for genome hashes and `best`)", DEFAULT_DB)
    .option("--python <path>", "interpreter that byte-compiles the result (default: $EVOCODEC_PYTHON or /usr/bin/python3)")
    .option("--max-slowdown <x>", "with `best`: the best verified genome whose time per file was at most x times the baseline's in every verification")
    .action(typedAction(run));
};
