/**
 * Stream types: what the bytes flowing along a pipeline edge *mean*, so random generation and
 * mutation build pipelines that make sense (a 16-bit rANS on bf16 words, a byte backend on a byte
 * plane, `store` on packed mantissas). Types are about sense only: every pipeline is lossless by
 * construction, whatever it feeds where.
 *
 *   bf16   little-endian bfloat16 words (the root input)
 *   u16    generic 16-bit symbols (residuals, sign+exponent codes, permuted words)
 *   u8     bytes with per-byte meaning (exponent plane, byte planes)
 *   bits   packed bits (sign bits, bitmaps, bit planes)
 *   opaque already dense, compressed-like (packed mantissas); little left to model
 *
 * The table below is keyed by primitive name and reads the parameters it knows about; a primitive
 * registered later without an entry falls back to "any input -> u8 outputs" (backends: any input),
 * so nothing breaks when the registry grows.
 */
import type { Params, Primitive } from "../src/codec/primitive.js";
import type { PipelineNode } from "../src/codec/pipeline.js";

export type StreamType = "bf16" | "u16" | "u8" | "bits" | "opaque";
export const STREAM_TYPES: readonly StreamType[] = ["bf16", "u16", "u8", "bits", "opaque"];
/** The type of the bytes a genome is applied to. */
export const ROOT_TYPE: StreamType = "bf16";

export interface Signature {
  /** Input types on which the primitive, with these parameters, makes sense. */
  readonly accepts: readonly StreamType[];
  /** Types of the output streams (one per child; [] for backends) for an accepted input type. */
  readonly outputs: (input: StreamType) => readonly StreamType[];
}

const ANY = STREAM_TYPES;
const WORDS: readonly StreamType[] = ["bf16", "u16"];
const NUMERIC: readonly StreamType[] = ["bf16", "u16", "u8"];
const SYMBOLS: readonly StreamType[] = ["bf16", "u16", "u8", "bits"];

const num = (p: Params, key: string): number | undefined => (typeof p[key] === "number" ? (p[key] as number) : undefined);
const label = (p: Params, keys: readonly string[]): string | undefined => {
  for (const k of keys) if (p[k] !== undefined) return String(p[k]).toLowerCase();
  return undefined;
};

/** Element width in bytes from a `width` int or a `symbol`-like enum ("u8", "u16", "16", ...); 2 when absent. */
const elementWidth = (p: Params): number => {
  const w = num(p, "width");
  if (w !== undefined) return w;
  const s = label(p, ["symbol", "symbols", "alphabet", "element", "bits"]);
  if (s === undefined) return 2;
  if (/32|^4$/.test(s)) return 4;
  return /16|^2$|word/.test(s) ? 2 : 1;
};

const backend = (accepts: readonly StreamType[]): Signature => ({ accepts, outputs: () => [] });
const split = (accepts: readonly StreamType[], outputs: (input: StreamType) => readonly StreamType[]): Signature => ({ accepts, outputs });
const transform = (accepts: readonly StreamType[], output: (input: StreamType) => StreamType): Signature => ({
  accepts,
  outputs: (t) => [output(t)],
});

/** By element width (a `width` int or a `symbol`-like enum; 2 when the primitive has neither). */
const byWidth = (two: Signature, one: Signature, four?: Signature) => (p: Params): Signature => {
  const w = elementWidth(p);
  return w === 2 ? two : w === 1 || four === undefined ? one : four;
};
const bytes = transform(["u8"], () => "u8");
/** Arithmetic on whole elements (delta, rank): the float meaning of words is gone, u16 symbols remain. */
const arithmetic = byWidth(transform(WORDS, () => "u16"), bytes);
/** XOR with another element keeps every bit in place, so bf16 field structure survives. */
const xorLike = byWidth(transform(WORDS, (t) => t), bytes);
/** A permutation of whole elements: the element type survives. */
const permutation = byWidth(transform(WORDS, (t) => t), transform(["u8", "bits"], (t) => t));
const fields = (accepts: readonly StreamType[]): Signature => split(accepts, () => ["bits", "u8", "opaque"]);

const TABLE: Readonly<Record<string, (p: Params) => Signature>> = {
  // backends: general-purpose coders take anything; rANS models symbols of its width (u16, bf16
  // and bf16se symbols are 2-byte words: bf16 and u16 streams)
  store: () => backend(ANY),
  zstd: () => backend(ANY),
  lz4: () => backend(ANY),
  brotli: () => backend(ANY),
  deflate: () => backend(ANY),
  xz: () => backend(ANY),
  rans: (p) => {
    const declared = ["symbol", "symbols", "alphabet", "width", "bits"].some((k) => p[k] !== undefined);
    if (!declared) return backend(SYMBOLS);
    return backend(elementWidth(p) === 2 ? WORDS : ["u8", "bits"]);
  },
  // splits
  "byte-planes": (p) => {
    const w = num(p, "width") ?? 2;
    return split(w === 2 ? WORDS : NUMERIC, () => Array.from({ length: w }, () => "u8" as const));
  },
  "bf16-fields": () => fields(["bf16"]),
  "fp16-fields": () => fields(WORDS),
  // there is no fp32 stream type: only hand-written genomes for fp32 data use it
  "fp32-fields": () => fields([]),
  sparse: byWidth(
    split(WORDS, (t) => ["bits", t]),
    split(["u8"], () => ["bits", "u8"]),
    split(NUMERIC, () => ["bits", "u8"]),
  ),
  "bf16-se-m": () => split(["bf16"], () => ["u16", "opaque"]),
  // mantissas beside a zero sign+exponent (after an XOR with a reference) are skewed; the rest near-random
  "bf16-se-m-ctx": () => split(["bf16"], () => ["u16", "u8", "opaque"]),
  // digits of the few commonest symbols packed a byte, the rest as escape bytes
  "rank-tuples": byWidth(split(WORDS, () => ["u8", "u8"]), split(["u8", "bits"], () => ["u8", "u8"])),
  // the high part keeps the element layout; the low bits are near-random
  "low-bits": byWidth(split(WORDS, (t) => [t, "opaque"]), split(["u8"], () => ["u8", "opaque"]), split([], () => ["u8", "opaque"])),
  "row-eq": byWidth(split(WORDS, (t) => ["bits", t]), split(["u8"], () => ["bits", "u8"])),
  // transforms
  delta: arithmetic,
  "rank-remap": arithmetic,
  zigzag: byWidth(transform(["u16"], () => "u16"), bytes),
  "sign-fold": () => transform(WORDS, () => "u16"),
  "xor-prev": xorLike,
  "row-xor": xorLike,
  "row-ref-xor": xorLike,
  // field-wise differences keep every field in place, like an XOR
  "row-ref-delta": () => transform(WORDS, (t) => t),
  transpose: permutation,
  "column-reorder": () => transform(["bf16"], () => "bf16"),
  // width 2 keeps the bf16 layout (sign and zigzagged exponent offsets in place, mantissa untouched)
  "column-ref": byWidth(transform(["bf16"], () => "bf16"), bytes),
  "bit-shuffle": byWidth(transform(WORDS, () => "bits"), transform(["u8", "bits"], () => "bits"), transform(NUMERIC, () => "bits")),
};

/** Fallback for a primitive with no entry: anything in, bytes out. */
const fallback = (prim: Primitive, p: Params): Signature =>
  prim.kind === "backend" ? backend(ANY) : split(ANY, () => Array.from({ length: prim.arity(p) }, () => "u8" as const));

export const hasTypeEntry = (name: string): boolean => name in TABLE;

/**
 * The signature of a primitive with parameters. Output lists always have exactly `arity` entries:
 * if the table disagrees with the primitive (it changed shape), every output is typed u8.
 */
export const signature = (prim: Primitive, params: Params): Signature => {
  const sig = TABLE[prim.name]?.(params) ?? fallback(prim, params);
  const arity = prim.arity(params);
  return {
    accepts: sig.accepts,
    outputs: (t) => {
      const out = sig.outputs(t);
      return out.length === arity ? out : Array.from({ length: arity }, () => "u8" as const);
    },
  };
};

export const accepts = (prim: Primitive, params: Params, input: StreamType): boolean => signature(prim, params).accepts.includes(input);

export const outputTypes = (prim: Primitive, params: Params, input: StreamType): readonly StreamType[] =>
  signature(prim, params).outputs(input);

/** Every place where a node receives a type it does not accept, as "$.next[1]: rans on opaque". */
export const typeErrors = (node: PipelineNode, input: StreamType = ROOT_TYPE, path = "$"): string[] => {
  const sig = signature(node.prim, node.params);
  const here = sig.accepts.includes(input) ? [] : [`${path}: ${node.prim.name} on ${input}`];
  const outs = sig.outputs(input);
  return [...here, ...node.children.flatMap((c, i) => typeErrors(c, outs[i], `${path}.next[${i}]`))];
};

export const wellTyped = (node: PipelineNode, input: StreamType = ROOT_TYPE): boolean => typeErrors(node, input).length === 0;
