/**
 * Genomes: pipelines in canonical JSON (every parameter explicit, keys in declaration order), so
 * equal pipelines are equal strings and hash alike. Also the tree helpers the operators share and
 * random generation that respects stream types (search/types.ts) and size limits.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { PRIMITIVES, primitiveByName } from "../primitives/index.js";
import { DEFAULT_PIPELINE_JSON, ROWREF_TUPLES_JSON } from "../src/codec/builtins.js";
import { CodecError } from "../src/codec/errors.js";
import { canonicalString, parsePipeline, toJson, type PipelineJson, type PipelineNode } from "../src/codec/pipeline.js";
import type { Params, ParamSpec, Primitive, PrimitiveKind } from "../src/codec/primitive.js";
import type { Rng } from "./rng.js";
import { accepts, outputTypes, ROOT_TYPE, type StreamType } from "./types.js";

export type Genome = PipelineJson;

/** Size bounds for generated and mutated genomes. Depth counts nodes: a lone backend has depth 1. */
export interface Limits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}
export const DEFAULT_LIMITS: Limits = { maxDepth: 6, maxNodes: 14 };

export const resolveLimits = (opts?: Partial<Limits>): Limits => ({
  maxDepth: Math.max(1, opts?.maxDepth ?? DEFAULT_LIMITS.maxDepth),
  maxNodes: Math.max(1, opts?.maxNodes ?? DEFAULT_LIMITS.maxNodes),
});

/** Parses any pipeline JSON (object or JSON text) into its canonical form; throws CodecError if invalid. */
export const canonicalize = (json: unknown): Genome => {
  if (typeof json === "string") {
    try {
      json = JSON.parse(json);
    } catch (e) {
      throw new CodecError({ reason: "bad-pipeline", message: `genome is not JSON: ${(e as Error).message}` });
    }
  }
  return toJson(parsePipeline(json));
};

/** First 16 hex chars of sha256 of the canonical string of a typed tree (any primitives, registered or not). */
export const nodeHash = (node: PipelineNode): string => createHash("sha256").update(canonicalString(node)).digest("hex").slice(0, 16);

/** nodeHash of the parsed genome: spelling (omitted defaults, key order) does not matter. */
export const genomeHash = (g: Genome): string => nodeHash(parsePipeline(g));

/** Node count (the parsimony measure). */
export const genomeSize = (g: Genome): number => 1 + (g.next ?? []).reduce((n, c) => n + genomeSize(c), 0);
export const genomeDepth = (g: Genome): number => 1 + Math.max(0, ...(g.next ?? []).map(genomeDepth));

export const nodeSize = (n: PipelineNode): number => 1 + n.children.reduce((s, c) => s + nodeSize(c), 0);
export const nodeDepth = (n: PipelineNode): number => 1 + Math.max(0, ...n.children.map(nodeDepth));
export const withinLimits = (n: PipelineNode, limits: Limits): boolean => nodeSize(n) <= limits.maxNodes && nodeDepth(n) <= limits.maxDepth;

// ---------------------------------------------------------------------------------------------
// Tree positions

/** A node of a tree with where it sits: its path of child indices, input type and depth (root 1). */
export interface Site {
  readonly path: readonly number[];
  readonly node: PipelineNode;
  readonly input: StreamType;
  readonly depth: number;
}

/** Every node in pre-order, with the type of the stream it receives. */
export const sites = (root: PipelineNode, input: StreamType = ROOT_TYPE): Site[] => {
  const out: Site[] = [];
  const walk = (node: PipelineNode, t: StreamType, path: number[], depth: number) => {
    out.push({ path, node, input: t, depth });
    const outs = outputTypes(node.prim, node.params, t);
    node.children.forEach((c, i) => walk(c, outs[i], [...path, i], depth + 1));
  };
  walk(root, input, [], 1);
  return out;
};

/** A copy of `root` with the subtree at `path` replaced (structure shared elsewhere). */
export const replaceAt = (root: PipelineNode, path: readonly number[], sub: PipelineNode): PipelineNode => {
  if (path.length === 0) return sub;
  const [i, ...rest] = path;
  return { ...root, children: root.children.map((c, j) => (j === i ? replaceAt(c, rest, sub) : c)) };
};

export const makeNode = (prim: Primitive, params: Params, children: readonly PipelineNode[] = []): PipelineNode => ({ prim, params, children });

// ---------------------------------------------------------------------------------------------
// Random generation

/** Parameters drawn (without fast-check's small-value bias) from what the primitive marks worth exploring. */
export const randomParams = (prim: Primitive, rng: Rng): Params => {
  if (Object.keys(prim.params).length === 0) return {};
  const [sampled] = fc.sample(prim.arbitrary, { seed: rng.int(0, 0x7fffffff), numRuns: 1, unbiased: true });
  return { ...prim.defaults(), ...sampled };
};

/**
 * Nearby admissible values of an int parameter, in a fixed order: one and two steps down and up
 * on narrow ranges (levels, bit counts), half and double on wide ones (windows, lane counts),
 * where a step of one changes nothing. An `auto` value (0 where the range starts at 0 and 0 is
 * the default) has no neighbours: 1 or 2 is not near "detect it".
 */
export const nearbyValues = (spec: ParamSpec, current: number): number[] => {
  if (spec.kind !== "int" || (current === 0 && spec.min === 0 && spec.default === 0)) return [];
  const wide = spec.max - spec.min > 64;
  const steps = wide ? [Math.floor(current / 2), current * 2] : [current - 1, current + 1, current - 2, current + 2];
  const out: number[] = [];
  for (const v of steps) if (v >= spec.min && v <= spec.max && v !== current && !out.includes(v)) out.push(v);
  return out;
};

/**
 * A different admissible value for one parameter: a nearby int (see nearbyValues), or a value
 * redrawn from the primitive's arbitrary (what it marks worth exploring); undefined if none exists.
 */
export const tweakParam = (prim: Primitive, key: string, current: number | string, rng: Rng): number | string | undefined => {
  const spec = prim.params[key];
  const near = typeof current === "number" ? nearbyValues(spec, current) : [];
  if (near.length > 0 && rng.chance(0.6)) return rng.pick(near);
  for (let i = 0; i < 4; i++) {
    const v = randomParams(prim, rng)[key];
    if (v !== current) return v;
  }
  if (spec.kind === "enum") {
    const others = spec.values.filter((v) => v !== current);
    return others.length ? rng.pick(others) : undefined;
  }
  if (spec.max === spec.min) return undefined;
  const v = rng.int(spec.min, spec.max - 1);
  return v >= (current as number) ? v + 1 : v;
};

export const primitivesOfKind = (kind: PrimitiveKind): readonly Primitive[] => PRIMITIVES.filter((p) => p.kind === kind);

const ATTEMPTS = 12;

/** A primitive of `kind` with random parameters that makes sense on `input` and fits `maxArity`; undefined if none found. */
export const randomPrimitiveFor = (
  rng: Rng,
  kind: PrimitiveKind,
  input: StreamType,
  maxArity = Infinity,
  exclude?: (prim: Primitive, params: Params) => boolean,
): { prim: Primitive; params: Params } | undefined => {
  const pool = primitivesOfKind(kind);
  if (pool.length === 0) return undefined;
  for (let i = 0; i < ATTEMPTS; i++) {
    const prim = rng.pick(pool);
    const params = randomParams(prim, rng);
    if (accepts(prim, params, input) && prim.arity(params) <= maxArity && !exclude?.(prim, params)) return { prim, params };
  }
  return undefined;
};

/** A random backend for `input`; zstd (always registered, takes anything) when nothing else fits. */
export const randomBackend = (rng: Rng, input: StreamType): PipelineNode => {
  const found = randomPrimitiveFor(rng, "backend", input);
  if (found) return makeNode(found.prim, found.params);
  const zstd = primitiveByName("zstd")!;
  return makeNode(zstd, randomParams(zstd, rng));
};

/**
 * A random well-typed subtree for a stream of type `input`, at most `maxDepth` deep and `maxNodes`
 * big. `level` is how deep it hangs in the whole tree: deeper subtrees close sooner.
 */
export const randomSubtree = (rng: Rng, input: StreamType, maxDepth: number, maxNodes: number, level = 0): PipelineNode => {
  if (maxDepth <= 1 || maxNodes <= 1) return randomBackend(rng, input);
  const pBackend = Math.min(0.9, 0.15 + 0.25 * level);
  const kind: PrimitiveKind = rng.chance(pBackend) ? "backend" : rng.chance(0.5) ? "split" : "transform";
  if (kind === "backend") return randomBackend(rng, input);
  const found = randomPrimitiveFor(rng, kind, input, maxNodes - 1);
  if (!found) return randomBackend(rng, input);
  const outs = outputTypes(found.prim, found.params, input);
  let remaining = maxNodes - 1;
  const children = outs.map((t, i) => {
    const still = outs.length - i;
    const fair = Math.max(1, Math.floor(remaining / still));
    const budget = still === 1 ? remaining : Math.max(1, Math.min(remaining - (still - 1), rng.int(1, 2 * fair)));
    const child = randomSubtree(rng, t, maxDepth - 1, budget, level + 1);
    remaining -= nodeSize(child);
    return child;
  });
  return makeNode(found.prim, found.params, children);
};

/** A random canonical genome on bf16 input within the limits (defaults: DEFAULT_LIMITS). */
export const randomGenome = (rng: Rng, opts?: Partial<Limits>): Genome => {
  const { maxDepth, maxNodes } = resolveLimits(opts);
  return toJson(parsePipeline(toJson(randomSubtree(rng, ROOT_TYPE, maxDepth, maxNodes))));
};

// ---------------------------------------------------------------------------------------------
// Seeds

const normalize = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The first admissible value among `candidates` for a parameter spec (enum labels matched loosely). */
const admissible = (spec: ParamSpec, candidates: readonly unknown[]): number | string | undefined => {
  for (const c of candidates) {
    if (spec.kind === "int" && typeof c === "number" && Number.isInteger(c) && c >= spec.min && c <= spec.max) return c;
    if (spec.kind === "enum" && (typeof c === "string" || typeof c === "number")) {
      const hit = spec.values.find((v) => normalize(v) === normalize(String(c)));
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
};

/**
 * A node for a seed, or undefined when its primitive (or a child) is not registered. `wanted` maps
 * parameter-name alternatives ("symbol|alphabet") to candidate values in preference order; names
 * or values the primitive does not have are left at their defaults.
 */
const seedNode = (
  name: string,
  wanted: Readonly<Record<string, readonly unknown[]>> = {},
  next: readonly (PipelineJson | undefined)[] = [],
): PipelineJson | undefined => {
  const prim = primitiveByName(name);
  if (!prim || next.some((c) => c === undefined)) return undefined;
  const params: Record<string, unknown> = {};
  for (const [keys, candidates] of Object.entries(wanted)) {
    const key = keys.split("|").find((k) => k in prim.params);
    if (key === undefined) continue;
    const v = admissible(prim.params[key], candidates);
    if (v !== undefined) params[key] = v;
  }
  return next.length ? { op: name, ...params, next: next as PipelineJson[] } : { op: name, ...params };
};

const ON = ["on", "yes", "true", "extreme", 1];

/**
 * The baselines every run starts from (only those whose primitives are registered), canonical:
 * apex-baseline is the Apex reference (zstd 3 on raw bytes).
 */
export const seedGenomes = (): { name: string; genome: Genome }[] => {
  const zstd = (level: number) => seedNode("zstd", { level: [level] });
  const store = () => seedNode("store") ?? zstd(1);
  const rans = (symbol: "u8" | "u16", context: readonly unknown[] = []) =>
    seedNode("rans", {
      "symbol|symbols|alphabet|width|bits": symbol === "u16" ? ["u16", 16, 2] : ["u8", 8, 1],
      "context|ctx|model": context,
    });
  // the Apex reference and the pipeline `compress` uses come first: small populations hold them too
  const candidates: [string, PipelineJson | undefined][] = [
    ["apex-baseline", zstd(3)],
    ["default", DEFAULT_PIPELINE_JSON],
    ["lzma-baseline", seedNode("xz", { preset: [9], extreme: ON })],
    ["byte-planes-zstd", seedNode("byte-planes", { width: [2] }, [zstd(1), zstd(19)])],
    ["bf16-fields-zstd", seedNode("bf16-fields", {}, [zstd(19), zstd(19), zstd(1)])],
    ["bf16-fields-rans", seedNode("bf16-fields", {}, [zstd(19), rans("u8"), store()])],
    ["bf16-se-m-zstd", seedNode("bf16-se-m", {}, [zstd(19), store()])],
    ["bf16-se-m-rans", seedNode("bf16-se-m", {}, [rans("u16", ["rowref", "row-ref", "row", "order1", "prev"]), store()])],
    ["rowref-tuples", ROWREF_TUPLES_JSON],
  ];
  const seen = new Set<string>();
  const out: { name: string; genome: Genome }[] = [];
  for (const [name, json] of candidates) {
    if (json === undefined) continue;
    let genome: Genome;
    try {
      genome = canonicalize(json);
    } catch {
      continue; // a registered primitive changed shape; the seed is skipped rather than breaking the run
    }
    const h = genomeHash(genome);
    if (seen.has(h)) continue;
    seen.add(h);
    out.push({ name, genome });
  }
  return out;
};
