/**
 * Builds a standalone Apex miner solution (one readable Python file) from a pipeline:
 *   header comment (pipeline JSON, provenance) | imports (hoisted, deduplicated) |
 *   codec (core.py + only the primitives the pipeline uses) | PIPELINE + compress_bytes/decompress_bytes |
 *   the target's interface glue (src/emit/python/*.py).
 * The official baseline goes through the same glue with `zstd.compress(data, 3)` as its codec, so a
 * referee compares both through the identical interface path.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, toJson, type PipelineJson, type PipelineNode } from "../codec/index.js";
import type { Primitive } from "../codec/primitive.js";
import { pythonCodecSource } from "../python/module.js";
import { EmitError } from "./errors.js";

export const TARGETS = ["apex-server", "apex-cli", "apex-cli-batch"] as const;
export type Target = (typeof TARGETS)[number];

export const isTarget = (s: string): s is Target => (TARGETS as readonly string[]).includes(s);

/** What the solution compresses with: an evocodec pipeline, or the official baseline. */
export type SolutionCodec = { readonly kind: "pipeline"; readonly pipeline: PipelineNode } | { readonly kind: "baseline" };

/** Where the pipeline came from, printed in the header (figures as label -> value). */
export interface Provenance {
  readonly source: string;
  readonly genomeHash?: string;
  readonly runId?: string | number;
  readonly figures?: Readonly<Record<string, string | number>>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** The glue fragments live beside this file in the source tree (dist/ holds only compiled TS). */
const fragment = (name: string): string => readFileSync(path.join(repoRoot, "src", "emit", "python", `${name}.py`), "utf8");

const USAGE: Record<Target, string> = {
  "apex-server": "python solution.py [--host 0.0.0.0] [--port 8080]   (GET /health, POST /compress, POST /decompress)",
  "apex-cli": "python solution.py --compress|--decompress --input-file task.json",
  "apex-cli-batch": "python solution.py --compress|--decompress --input-file tasks.json   ({\"tasks\": [...]})",
};

const GLUE: Record<Target, readonly string[]> = {
  "apex-server": ["server"],
  "apex-cli": ["cli_tasks", "cli_single"],
  "apex-cli-batch": ["cli_tasks", "cli_batch"],
};

/** Modules of the Apex sandbox besides the standard library (../shared/APEX.md). */
export const SANDBOX_PACKAGES = [
  "numpy", "scipy", "torch", "fastapi", "starlette", "uvicorn", "multipart", "python_multipart",
  "zstd", "zstandard", "brotli", "lz4", "loguru", "pydantic",
] as const;
/** Standard-library modules generated code may import; extend when a kernel needs another one. */
export const STDLIB_ALLOWED = [
  "argparse", "array", "base64", "bisect", "bz2", "collections", "functools", "hashlib", "heapq", "io",
  "itertools", "json", "lzma", "math", "operator", "os", "struct", "sys", "threading", "time", "traceback",
  "typing", "zlib",
] as const;

/** The distinct primitives of a pipeline tree, by id. */
export const usedPrimitives = (node: PipelineNode): Primitive[] => {
  const seen = new Map<number, Primitive>();
  const walk = (n: PipelineNode): void => {
    seen.set(n.prim.id, n.prim);
    n.children.forEach(walk);
  };
  walk(node);
  return [...seen.values()].sort((a, b) => a.id - b.id);
};

const IMPORT_LINE = /^(?:import ([\w.]+)(?: as \w+)?|from ([\w.]+) import [\w, ]+)\s*$/;

/**
 * Moves every top-level import of the sections into one deduplicated block (standard library,
 * then sandbox packages), so fragments may each state their imports without pyflakes seeing
 * redefinitions, and refuses modules the sandbox does not have.
 */
export const hoistImports = (sections: readonly string[]): { imports: string; bodies: string[] } => {
  const found = new Map<string, string>(); // line -> root module
  const bodies = sections.map((s) =>
    s
      .split("\n")
      .filter((line) => {
        const m = IMPORT_LINE.exec(line);
        if (!m) return true;
        found.set(line.trim(), (m[1] ?? m[2]).split(".")[0]);
        return false;
      })
      .join("\n")
      .replace(/\n{4,}/g, "\n\n\n")
      .trim(),
  );
  const std: string[] = [];
  const pkg: string[] = [];
  for (const [line, root] of found) {
    if ((STDLIB_ALLOWED as readonly string[]).includes(root)) std.push(line);
    else if ((SANDBOX_PACKAGES as readonly string[]).includes(root)) pkg.push(line);
    else
      throw new EmitError({
        reason: "forbidden-import",
        message: `generated code imports "${root}", which is not in the Apex sandbox (or not in STDLIB_ALLOWED of src/emit/solution.ts)`,
      });
  }
  const order = (a: string, b: string) => Number(a.startsWith("from ")) - Number(b.startsWith("from ")) || a.localeCompare(b);
  return { imports: [std.sort(order).join("\n"), pkg.sort(order).join("\n")].filter((s) => s).join("\n\n"), bodies };
};

const comment = (text: string): string =>
  text
    .split("\n")
    .map((l) => (l ? `# ${l}` : "#"))
    .join("\n");

const header = (codec: SolutionCodec, target: Target, provenance: Provenance | undefined): string => {
  const lines = [
    `evocodec miner solution for the Apex "Matrix Compression" competition (target ${target}).`,
    `Run: ${USAGE[target]}`,
    "Generated by `evocodec emit`: standalone, lossless, imports only what the Apex sandbox provides,",
    "runs on numpy 1.24+ and 2.x.",
    "",
  ];
  if (codec.kind === "baseline") lines.push("Codec: the official baseline, zstd.compress(data, 3) (python `zstd` module).");
  else {
    lines.push(`Codec: ${describe(codec.pipeline)}`);
    if (provenance) lines.push(`Source: ${provenance.source}`);
    if (provenance?.genomeHash) lines.push(`Genome: ${provenance.genomeHash}${provenance.runId !== undefined ? ` (run ${provenance.runId})` : ""}`);
    for (const [k, v] of Object.entries(provenance?.figures ?? {})) lines.push(`  ${k}: ${v}`);
    lines.push(`${PIPELINE_PREFIX}${JSON.stringify(toJson(codec.pipeline))}`);
  }
  const meta: Omit<SolutionMeta, "pipeline"> = {
    target,
    codec: codec.kind,
    ...(provenance?.genomeHash ? { genome: provenance.genomeHash } : {}),
    ...(provenance?.runId !== undefined ? { run: provenance.runId } : {}),
  };
  return `#!/usr/bin/env python3\n${comment(lines.join("\n"))}\n#\n# ${META_PREFIX}${JSON.stringify(meta)}`;
};

/** The machine-readable last header line: what `verify` needs to label and record a solution. */
export interface SolutionMeta {
  readonly target: Target;
  readonly codec: SolutionCodec["kind"];
  readonly pipeline?: PipelineJson;
  readonly genome?: string;
  readonly run?: string | number;
}
const META_PREFIX = "evocodec-solution: ";
/** The canonical pipeline JSON on one line (paste it to `evocodec emit` to regenerate). */
const PIPELINE_PREFIX = "Pipeline JSON: ";

/** What the header of an emitted solution says about it (target, codec, genome, pipeline), if it has one. */
export const solutionMeta = (source: string): SolutionMeta | undefined => {
  const head = source.split("\n", 64);
  const value = (prefix: string): unknown => {
    const line = head.find((l) => l.startsWith(`# ${prefix}`));
    try {
      return line === undefined ? undefined : JSON.parse(line.slice(prefix.length + 2));
    } catch {
      return undefined;
    }
  };
  const meta = value(META_PREFIX) as Omit<SolutionMeta, "pipeline"> | undefined;
  if (!meta || typeof meta !== "object" || !isTarget(String(meta.target))) return undefined;
  const pipeline = value(PIPELINE_PREFIX) as PipelineJson | undefined;
  return { ...meta, ...(pipeline ? { pipeline } : {}) };
};

const codecSections = (codec: SolutionCodec, target: Target): string[] => {
  if (codec.kind === "baseline") return [fragment("baseline")];
  const pipelineLiteral = `# ==== the pipeline (canonical evocodec JSON, a valid Python literal) ====\nPIPELINE = ${JSON.stringify(toJson(codec.pipeline), null, 4)}`;
  return [
    `# ==== codec: evocodec core + the primitives this pipeline uses ====\n${pythonCodecSource(usedPrimitives(codec.pipeline))}`,
    pipelineLiteral,
    fragment("pipeline"),
    ...(target === "apex-server" ? [] : [fragment("generic")]),
  ];
};

/** The whole solution file for `target`. Throws EmitError (forbidden-import) — see index.ts for the Effect form. */
export const solutionSource = (codec: SolutionCodec, target: Target, provenance?: Provenance): string => {
  const { imports, bodies } = hoistImports([...codecSections(codec, target), ...GLUE[target].map(fragment)]);
  return [header(codec, target, provenance), imports, ...bodies].join("\n\n\n") + "\n";
};
