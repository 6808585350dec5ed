import { Either, ParseResult, Schema } from "effect";
import type { Params, Primitive } from "./primitive.js";
import { CodecError } from "./errors.js";
import { primitiveByName } from "../../primitives/index.js";

/**
 * A pipeline is a tree: splits have one child per output stream, transforms one child, backends
 * none. JSON form: `{"op": "bf16-fields", "next": [{"op": "zstd", "level": 19}, ...]}` with
 * parameters as sibling keys of `op` (omitted ones take their defaults).
 */
export interface PipelineJson {
  readonly op: string;
  readonly next?: readonly PipelineJson[];
  readonly [param: string]: unknown;
}

export interface PipelineNode {
  readonly prim: Primitive;
  readonly params: Params;
  readonly children: readonly PipelineNode[];
}

export const MAX_DEPTH = 32;

const badPipeline = (message: string) => new CodecError({ reason: "bad-pipeline", message });

/** Validates JSON (any shape) into a typed tree, filling defaults; fails with CodecError. */
export const parsePipeline = (json: unknown, path = "$", depth = 0): PipelineNode => {
  if (depth > MAX_DEPTH) throw badPipeline(`${path}: deeper than ${MAX_DEPTH}`);
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw badPipeline(`${path}: a pipeline node must be an object with "op"`);
  const { op, next, ...rawParams } = json as Record<string, unknown>;
  if (typeof op !== "string") throw badPipeline(`${path}: missing "op"`);
  const prim = primitiveByName(op);
  if (!prim) throw new CodecError({ reason: "unknown-primitive", message: `${path}: unknown primitive "${op}"` });
  for (const k of Object.keys(rawParams))
    if (!(k in prim.params)) throw badPipeline(`${path}: ${op} has no parameter "${k}" (has: ${Object.keys(prim.params).join(", ") || "none"})`);
  const decoded = Schema.decodeUnknownEither(prim.schema)(rawParams);
  if (Either.isLeft(decoded))
    throw new CodecError({
      reason: "bad-params",
      message: `${path} (${op}): ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`,
    });
  const params = decoded.right;
  const kids = next === undefined ? [] : next;
  if (!Array.isArray(kids)) throw badPipeline(`${path}: "next" must be an array`);
  const arity = prim.arity(params);
  if (kids.length !== arity)
    throw badPipeline(`${path}: ${op} ${prim.kind === "backend" ? "is terminal and takes no" : `needs ${arity}`} children, got ${kids.length}`);
  return { prim, params, children: kids.map((k, i) => parsePipeline(k, `${path}.next[${i}]`, depth + 1)) };
};

/** Canonical JSON: every parameter explicit, keys in declaration order; equal pipelines print equal. */
export const toJson = (node: PipelineNode): PipelineJson => {
  const out: Record<string, unknown> = { op: node.prim.name };
  for (const k of Object.keys(node.prim.params)) out[k] = node.params[k];
  if (node.children.length > 0) out.next = node.children.map(toJson);
  return out as PipelineJson;
};

export const canonicalString = (node: PipelineNode): string => JSON.stringify(toJson(node));

/** Leaves (backends) in pre-order: the order of payloads in a frame. */
export const leaves = (node: PipelineNode): PipelineNode[] =>
  node.children.length === 0 ? [node] : node.children.flatMap(leaves);

/** One-line form for tables: bf16-fields(zstd(level=19), rans, store). */
export const describe = (node: PipelineNode): string => {
  const ps = Object.entries(node.params)
    .filter(([k, v]) => v !== node.prim.params[k].default)
    .map(([k, v]) => `${k}=${v}`);
  const inner = [...ps, ...node.children.map(describe)];
  return inner.length ? `${node.prim.name}(${inner.join(", ")})` : node.prim.name;
};
