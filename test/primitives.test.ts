/**
 * Every registered primitive round-trips adversarial input through a full frame, in TS and in the
 * generated Python: a split or transform is closed with `zstd` leaves so the frame is complete.
 */
import { describe, it } from "node:test";
import fc from "fast-check";
import { PRIMITIVES, primitiveByName } from "../primitives/index.js";
import { decodeFrame, encodeFrame, toJson, type PipelineNode } from "../src/codec/index.js";
import type { Params, Primitive } from "../src/codec/primitive.js";
import { adversarialBytes } from "./support/data.js";
import { assertRoundTrip, equalBytes, node } from "./support/roundtrip.js";
import { runPython } from "./support/python.js";

const leaf = (): PipelineNode => node(primitiveByName("zstd")!, { level: 1 });
const closed = (prim: Primitive) => (p: Params): PipelineNode =>
  node(prim, p, Array.from({ length: prim.arity(p) }, leaf));

describe("every primitive round-trips in TypeScript", () => {
  for (const prim of PRIMITIVES)
    it(`${prim.name} (id ${prim.id})`, () => assertRoundTrip(closed(prim), prim.arbitrary, adversarialBytes, 60));
});

describe("every primitive is byte-compatible with its Python kernels", () => {
  for (const prim of PRIMITIVES)
    it(`${prim.name}: TS frames decode in Python, Python frames decode in TS`, () => {
      const samples = fc.sample(fc.tuple(prim.arbitrary, adversarialBytes), { numRuns: 25, seed: prim.id });
      const tsFrames = samples.map(([p, input]) => encodeFrame(closed(prim)(p), input));
      const results = runPython([
        ...tsFrames.map((r) => ({ decode: r.frame })),
        ...samples.map(([p, input]) => ({ encode: input, pipeline: toJson(closed(prim)(p)) })),
      ]);
      samples.forEach(([, input], i) => {
        const py = results[i];
        if (!py.ok) throw new Error(`python decode failed: ${py.message}`);
        equalBytes(py.bytes, input, `python decode of TS frame #${i}`);
        const enc = results[samples.length + i];
        if (!enc.ok) throw new Error(`python encode failed: ${enc.message}`);
        equalBytes(decodeFrame(enc.bytes), input, `TS decode of Python frame #${i}`);
      });
    });
});



