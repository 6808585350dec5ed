/** Shared assertions: every codec test states its property through these, with seeds printed on failure. */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Params, Primitive } from "../../src/codec/primitive.js";
import { decodeFrame, encodeFrame, type PipelineNode } from "../../src/codec/index.js";
import { adversarialBytes } from "./data.js";

export const equalBytes = (actual: Uint8Array, expected: Uint8Array, what: string): void => {
  if (actual.length !== expected.length) assert.fail(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++)
    if (actual[i] !== expected[i]) assert.fail(`${what}: first difference at byte ${i} (${actual[i]} != ${expected[i]}) of ${actual.length}`);
};

/** fc.assert with the defaults the suite uses; fast-check prints seed and path on failure. */
export const check = <T>(prop: fc.IAsyncProperty<T> | fc.IProperty<T>, numRuns = 100) =>
  fc.assert(prop as fc.IProperty<T>, { numRuns, verbose: 1 });

/** A pipeline made of one node (leaf) or a node whose outputs all go to `store`-like leaf. */
export const node = (prim: Primitive, params: Params, children: PipelineNode[] = []): PipelineNode => ({ prim, params, children });

/** Encode then decode through a full frame equals the input, for adversarial inputs and any params. */
export const assertRoundTrip = (
  build: (p: Params) => PipelineNode,
  params: fc.Arbitrary<Params>,
  data: fc.Arbitrary<Uint8Array> = adversarialBytes,
  numRuns = 100,
): void =>
  check(
    fc.property(params, data, (p, input) => {
      const { frame } = encodeFrame(build(p), input);
      equalBytes(decodeFrame(frame), input, "round trip");
    }),
    numRuns,
  );
