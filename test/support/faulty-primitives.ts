/**
 * Fault-injecting primitives for the search tests, registered at run time (never in the registry):
 * the pool workers load this module by path (`extraPrimitives`). All are identity transforms on
 * small inputs, so the gate's generated cases pass where noted, and misbehave on corpus-sized input.
 */
import { definePrimitive, type Primitive } from "../../src/codec/primitive.js";

/** Inputs above this many bytes trigger the fault (gate samples stay below it). */
export const FAULT_THRESHOLD = 40_000;

const identity = (id: number, name: string, fault: (input: Uint8Array) => void): Primitive =>
  definePrimitive({
    id,
    name,
    kind: "transform",
    summary: `test only: identity that ${name.replace("test-", "")}s`,
    layout: "the input, unchanged",
    params: {},
    encode: (input) => {
      fault(input);
      return { streams: [input.slice()], params: {} };
    },
    decode: ([s]) => s,
    python: "",
  });

/** Never returns, on any input (the gate itself hangs). */
export const hang = identity(9001, "test-hang", () => {
  for (;;);
});

/** Throws a plain Error on corpus-sized input. */
export const throwLarge = identity(9002, "test-throw", (input) => {
  if (input.length > FAULT_THRESHOLD) throw new Error("test-throw: injected failure");
});

/** Allocates JS objects without bound on corpus-sized input, until the worker's heap limit. */
export const oomLarge = identity(9003, "test-oom", (input) => {
  if (input.length <= FAULT_THRESHOLD) return;
  const hoard: number[][] = [];
  for (;;) hoard.push(Array.from({ length: 4096 }, (_, i) => i + hoard.length));
});

const FAULTY: readonly Primitive[] = [hang, throwLarge, oomLarge];
export default FAULTY;
