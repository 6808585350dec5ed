/**
 * Cross-language conformance vectors: for every registered primitive (closed with `store` leaves so
 * the frame holds the primitive's own bytes) and every built-in pipeline, one frame made by the
 * TypeScript encoder and one made by the Python encoder, from one fixed input. They are committed
 * under test/vectors/ (regenerate with `npm run vectors` after a deliberate format change, which
 * also needs new primitive ids) and test/conformance.test.ts checks them both ways.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PRIMITIVES, primitiveByName } from "../../primitives/index.js";
import { BUILTIN_PIPELINES } from "../../src/codec/builtins.js";
import { parsePipeline, toJson, type PipelineJson, type PipelineNode } from "../../src/codec/index.js";
import { generateTensor } from "../../src/data/synthetic.js";

export const VECTOR_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "vectors");

export interface VectorCase {
  readonly name: string;
  readonly pipeline: PipelineJson;
}

export interface VectorManifest {
  readonly input: string;
  readonly cases: readonly (VectorCase & { readonly ts: string; readonly py: string })[];
}

/** A [24, 40] bf16 tensor with zeros, NaN payloads, inf and subnormals, plus an odd trailing byte. */
export const vectorInput = (): Uint8Array => {
  const t = generateTensor({ name: "vector", style: "activations", rows: 24, cols: 40, seed: 7, specials: true });
  const out = new Uint8Array(t.bytes.length + 1);
  out.set(t.bytes);
  out[t.bytes.length] = 0xab;
  return out;
};

const closedWithStore = (name: string): PipelineNode => {
  const prim = primitiveByName(name)!;
  const params = prim.defaults();
  const store = primitiveByName("store")!;
  return { prim, params, children: Array.from({ length: prim.arity(params) }, () => ({ prim: store, params: {}, children: [] })) };
};

/** Modes of a primitive its defaults do not reach (the same primitive id with other parameters). */
const MODES: Readonly<Record<string, unknown>> = {
  "rans-bf16se": { op: "rans", symbol: "bf16se" },
  "low-bits-4-rans-bf16se": { op: "low-bits", bits: 4, next: [{ op: "rans", symbol: "bf16se" }, { op: "store" }] },
};

export const vectorCases = (): VectorCase[] => [
  ...PRIMITIVES.map((p) => ({ name: `prim-${p.id}-${p.name}`, pipeline: toJson(closedWithStore(p.name)) })),
  ...Object.entries(BUILTIN_PIPELINES).map(([name, b]) => ({ name: `builtin-${name}`, pipeline: toJson(parsePipeline(b.json)) })),
  ...Object.entries(MODES).map(([name, json]) => ({ name: `mode-${name}`, pipeline: toJson(parsePipeline(json)) })),
];
