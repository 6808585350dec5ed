/**
 * Variation operators on genomes. Each works on the typed tree (parsePipeline), respects stream
 * types at the place it edits, and its result is re-parsed, so what comes out is always a valid
 * canonical genome within the limits, different from its parent(s) whenever any edit is possible.
 */
import { parsePipeline, toJson, type PipelineNode } from "../src/codec/pipeline.js";
import { PRIMITIVES, primitiveByName } from "../primitives/index.js";
import type { Params } from "../src/codec/primitive.js";
import {
  DEFAULT_LIMITS,
  genomeHash,
  makeNode,
  nearbyValues,
  nodeDepth,
  nodeSize,
  randomBackend,
  randomGenome,
  randomPrimitiveFor,
  randomSubtree,
  replaceAt,
  sites,
  tweakParam,
  withinLimits,
  type Genome,
  type Limits,
  type Site,
} from "./genome.js";
import type { Rng } from "./rng.js";
import { accepts, outputTypes, typeErrors, type StreamType } from "./types.js";

export type Operator = "tweak" | "replace" | "insert" | "delete" | "swap-backend" | "graft" | "crossover";
export const OPERATORS: readonly Operator[] = ["tweak", "replace", "insert", "delete", "swap-backend", "graft", "crossover"];

type Mutation = (root: PipelineNode, rng: Rng, limits: Limits) => PipelineNode | undefined;

const sameParams = (a: Params, b: Params): boolean => Object.keys({ ...a, ...b }).every((k) => a[k] === b[k]);

/**
 * Children for `prim(params)` on `input`: the old children reused in order where they accept the
 * new output types, random backends elsewhere (and for added outputs).
 */
const refit = (site: Site, prim: PipelineNode["prim"], params: Params, old: readonly PipelineNode[], rng: Rng): PipelineNode => {
  const outs = outputTypes(prim, params, site.input);
  const children = outs.map((t, i) => {
    const c = old[i];
    return c && accepts(c.prim, c.params, t) ? c : randomBackend(rng, t);
  });
  return makeNode(prim, params, children);
};

/**
 * `prim(params)` in front of the site's node: the node on the first output that accepts it,
 * `other(type)` on the rest; undefined if no output accepts it.
 */
const inFront = (site: Site, prim: PipelineNode["prim"], params: Params, other: (t: StreamType) => PipelineNode): PipelineNode | undefined => {
  const outs = outputTypes(prim, params, site.input);
  const at = outs.findIndex((t) => accepts(site.node.prim, site.node.params, t));
  return at < 0 ? undefined : makeNode(prim, params, outs.map((t, i) => (i === at ? site.node : other(t))));
};

const tweak: Mutation = (root, rng) => {
  const candidates = sites(root).filter((s) => Object.keys(s.node.prim.params).length > 0);
  if (candidates.length === 0) return undefined;
  const site = rng.pick(candidates);
  const { prim, params } = site.node;
  const key = rng.pick(Object.keys(prim.params));
  const value = tweakParam(prim, key, params[key], rng);
  if (value === undefined) return undefined;
  const next = { ...params, [key]: value };
  if (!accepts(prim, next, site.input)) return undefined;
  return replaceAt(root, site.path, refit(site, prim, next, site.node.children, rng));
};

/** Another primitive (any kind) that makes sense on the node's input; its children are reused where they fit. */
const replace: Mutation = (root, rng, limits) => {
  const site = rng.pick(sites(root));
  const kind = rng.pick(["backend", "transform", "split"] as const);
  const budget = limits.maxNodes - (nodeSize(root) - nodeSize(site.node)) - 1;
  if (kind !== "backend" && site.depth >= limits.maxDepth) return undefined;
  const found = randomPrimitiveFor(rng, kind, site.input, budget, (p) => p === site.node.prim);
  if (!found) return undefined;
  return replaceAt(root, site.path, refit(site, found.prim, found.params, site.node.children, rng));
};

/**
 * A stage in front of a node: a transform whose output the node accepts, or a split with the node
 * on its first output that the node accepts (random backends on the others), within the limits.
 */
const insert: Mutation = (root, rng, limits) => {
  const site = rng.pick(sites(root));
  const kind = rng.pick(["transform", "split"] as const);
  const budget = limits.maxNodes - nodeSize(root);
  const found = randomPrimitiveFor(rng, kind, site.input, budget, (p, params) =>
    !outputTypes(p, params, site.input).some((t) => accepts(site.node.prim, site.node.params, t)),
  );
  const stage = found && inFront(site, found.prim, found.params, (t) => randomBackend(rng, t));
  return stage && replaceAt(root, site.path, stage);
};

/** Removes a transform or split stage, keeping one child that accepts the stage's input. */
const remove: Mutation = (root, rng) => {
  const candidates = sites(root).filter((s) => s.node.children.length > 0);
  if (candidates.length === 0) return undefined;
  const site = rng.pick(candidates);
  const heirs = site.node.children.filter((c) => accepts(c.prim, c.params, site.input));
  if (heirs.length === 0) return undefined;
  return replaceAt(root, site.path, rng.pick(heirs));
};

/** Another backend (or the same one with other parameters) on a leaf. */
const swapBackend: Mutation = (root, rng) => {
  const leaves = sites(root).filter((s) => s.node.prim.kind === "backend");
  const site = rng.pick(leaves);
  const found = randomPrimitiveFor(rng, "backend", site.input, 0, (p, params) => p === site.node.prim && sameParams(params, site.node.params));
  if (!found) return undefined;
  return replaceAt(root, site.path, makeNode(found.prim, found.params));
};

/** A fresh random subtree in place of an existing one, within what the limits leave. */
const graft: Mutation = (root, rng, limits) => {
  const site = rng.pick(sites(root));
  const nodes = limits.maxNodes - (nodeSize(root) - nodeSize(site.node));
  const depth = limits.maxDepth - (site.depth - 1);
  if (nodes < 1 || depth < 1) return undefined;
  return replaceAt(root, site.path, randomSubtree(rng, site.input, depth, nodes, site.depth - 1));
};

const MUTATIONS: readonly { op: Operator; weight: number; run: Mutation }[] = [
  { op: "tweak", weight: 3, run: tweak },
  { op: "replace", weight: 2, run: replace },
  { op: "insert", weight: 2, run: insert },
  { op: "delete", weight: 1.5, run: remove },
  { op: "swap-backend", weight: 2, run: swapBackend },
  { op: "graft", weight: 1, run: graft },
];
const TOTAL_WEIGHT = MUTATIONS.reduce((s, m) => s + m.weight, 0);

const pickMutation = (rng: Rng) => {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const m of MUTATIONS) if ((r -= m.weight) < 0) return m;
  return MUTATIONS[MUTATIONS.length - 1];
};

/**
 * Accepts an edited tree when it is within the limits, adds no type errors beyond its parent's
 * (so a genome written by hand against the table still evolves) and re-parses as a pipeline.
 */
const accept = (child: PipelineNode | undefined, parentTypeErrors: number, limits: Limits, parentHashes: readonly string[]): Genome | undefined => {
  if (!child || !withinLimits(child, limits) || typeErrors(child).length > parentTypeErrors) return undefined;
  const genome = toJson(parsePipeline(toJson(child)));
  return parentHashes.includes(genomeHash(genome)) ? undefined : genome;
};

/**
 * Every genome one edit away from `g`, in a fixed order: first each parameter changed (each other
 * value of an enum, the nearby values of an int (nearbyValues), the default of a parameter that
 * has left it; the edited node keeps its children where they still fit, random backends elsewhere,
 * from `rng`), then each stage removed (a transform or split replaced by a child that takes its
 * input), then each stage inserted in front of a node (every transform and split with default
 * parameters that has an output the node takes; `store` on its other outputs). Results obey the
 * mutations' rules (limits, no new type errors, different from g).
 */
export const neighbours = (g: Genome, rng: Rng, limits: Limits = DEFAULT_LIMITS): Genome[] => {
  const root = parsePipeline(g);
  const errors = typeErrors(root).length;
  const hashes = [genomeHash(g)];
  const out = new Map<string, Genome>();
  const add = (edited: PipelineNode): void => {
    const genome = accept(edited, errors, limits, hashes);
    if (genome) out.set(genomeHash(genome), genome);
  };
  const all = sites(root);
  for (const site of all) {
    const { prim, params } = site.node;
    for (const [key, spec] of Object.entries(prim.params)) {
      const current = params[key];
      const values: (number | string)[] = spec.kind === "enum" ? spec.values.filter((v) => v !== current) : nearbyValues(spec, current as number);
      if (current !== spec.default && !values.includes(spec.default)) values.push(spec.default);
      for (const value of values) {
        const next = { ...params, [key]: value };
        if (accepts(prim, next, site.input)) add(replaceAt(root, site.path, refit(site, prim, next, site.node.children, rng)));
      }
    }
  }
  for (const site of all)
    for (const heir of site.node.children) if (accepts(heir.prim, heir.params, site.input)) add(replaceAt(root, site.path, heir));
  const store = primitiveByName("store")!;
  for (const site of all)
    for (const prim of PRIMITIVES) {
      if (prim.kind === "backend") continue;
      const params = prim.defaults();
      if (!accepts(prim, params, site.input)) continue;
      const stage = inFront(site, prim, params, () => makeNode(store, {}));
      if (stage) add(replaceAt(root, site.path, stage));
    }
  return [...out.values()];
};

const TRIES = 24;

/**
 * One random mutation. The result differs from `g` and fits `limits`; if no edit applies in a
 * couple of dozen tries (a degenerate registry) a fresh random genome is returned as a root graft.
 */
export const mutate = (g: Genome, rng: Rng, limits: Limits = DEFAULT_LIMITS): { genome: Genome; operator: Operator } => {
  const root = parsePipeline(g);
  const errors = typeErrors(root).length;
  const hashes = [genomeHash(g)];
  for (let i = 0; i < TRIES; i++) {
    const m = pickMutation(rng);
    const genome = accept(m.run(root, rng, limits), errors, limits, hashes);
    if (genome) return { genome, operator: m.op };
  }
  return { genome: randomGenome(rng, limits), operator: "graft" };
};

/**
 * Subtree crossover: a subtree of one parent replaces a subtree of the other whose input type it
 * accepts. Falls back to mutating `a` after a few failed tries (e.g. parents too alike).
 */
export const crossover = (a: Genome, b: Genome, rng: Rng, limits: Limits = DEFAULT_LIMITS): { genome: Genome; operator: Operator } => {
  const trees = [parsePipeline(a), parsePipeline(b)];
  const hashes = [genomeHash(a), genomeHash(b)];
  for (let i = 0; i < 8; i++) {
    const receiverIndex = rng.int(0, 1);
    const receiver = trees[receiverIndex];
    const donorSites = sites(trees[1 - receiverIndex]);
    const target = rng.pick(sites(receiver));
    const fits = donorSites.filter(
      (s) => accepts(s.node.prim, s.node.params, target.input) && target.depth - 1 + nodeDepth(s.node) <= limits.maxDepth,
    );
    if (fits.length === 0) continue;
    const donor = rng.pick(fits).node;
    const genome = accept(replaceAt(receiver, target.path, donor), typeErrors(receiver).length, limits, hashes);
    if (genome) return { genome, operator: "crossover" };
  }
  return mutate(a, rng, limits);
};

