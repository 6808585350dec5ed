/**
 * The losslessness gate: no genome enters the population unless encode -> frame -> decode gives
 * back the input, first on generated adversarial inputs (fast-check, shrunk on failure), then on
 * every corpus file (a failing file is narrowed to a small failing slice, also by fast-check).
 *
 * Decoding is fresh: it sees only a copy of the frame bytes (pipeline, resolved parameters and
 * payloads are read back from it), and in a third of the generated runs a second input is encoded
 * between encoding and decoding the first, so a primitive that keeps state from its last encode fails.
 */
import fc from "fast-check";
import { CodecError } from "../src/codec/errors.js";
import { DEFAULT_CAP, decodeFrame, encodeFrame } from "../src/codec/frame.js";
import { parsePipeline, type PipelineNode } from "../src/codec/pipeline.js";
import type { Primitive } from "../src/codec/primitive.js";
import { primitiveById } from "../primitives/index.js";
import { adversarialBytes } from "./adversarial.js";
import { nodeHash, type Genome } from "./genome.js";

export interface GateOptions {
  /** Generated inputs to try (default 100). */
  readonly numRuns?: number;
  /** fast-check seed (default: derived from the pipeline's hash, so a genome always gets the same inputs). */
  readonly seed?: number;
  /** Wall-clock bound on shrinking a failing corpus file (default 20 s); the smallest slice found so far is reported. */
  readonly shrinkTimeMs?: number;
}

export interface Counterexample {
  /** The (shrunk) failing input, hex. */
  readonly input: string;
  readonly seed: number;
  /**
   * Generated phase: fast-check's path (with `seed`) replaying the case the input was reduced from
   * (the gate further drops and zeroes bytes while the failure persists). Corpus phase:
   * "corpus[i][from:to]", the failing slice of file i.
   */
  readonly path: string;
  readonly error: string;
}

export type GateResult = { readonly ok: true } | { readonly ok: false; readonly counterexample: Counterexample };

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const message = (e: unknown): string =>
  e instanceof CodecError ? `CodecError(${e.reason}): ${e.message}` : e instanceof Error ? e.message : String(e);

const collectPrimitives = (node: PipelineNode, into = new Map<number, Primitive>()): Map<number, Primitive> => {
  into.set(node.prim.id, node.prim);
  node.children.forEach((c) => collectPrimitives(c, into));
  return into;
};

/** A decoder that sees nothing but a private copy of the frame. */
const freshDecoder = (node: PipelineNode): ((frame: Uint8Array) => Uint8Array) => {
  const table = collectPrimitives(node);
  // Primitives not in the registry (the gate's tests build broken ones) decode from the node's own table.
  return (frame) => decodeFrame(frame.slice(), DEFAULT_CAP, (id) => table.get(id) ?? primitiveById(id));
};

const expectSame = (actual: Uint8Array, expected: Uint8Array): void => {
  if (actual.length !== expected.length) throw new Error(`decoded ${actual.length} bytes, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++)
    if (actual[i] !== expected[i]) throw new Error(`first difference at byte ${i} of ${actual.length}: ${actual[i]} != ${expected[i]}`);
};

const seedOf = (node: PipelineNode): number => parseInt(nodeHash(node).slice(0, 8), 16) >>> 1;

/** Failing details of a fast-check run, or undefined when it passed. */
const firstFailure = <T>(details: fc.RunDetails<T>) =>
  details.failed && details.counterexample !== null ? { value: details.counterexample, details } : undefined;

/**
 * Greedy byte-level reduction after fast-check's own shrinking (which stays inside the generator's
 * structure, e.g. a whole tensor): drop chunks of halving size, then zero single bytes, while the
 * input still fails. Bounded by `budget` round trips.
 */
const reduceBytes = (input: Uint8Array, fails: (b: Uint8Array) => boolean, budget = 2000): Uint8Array => {
  let cur = input;
  let tries = 0;
  const attempt = (candidate: Uint8Array): boolean => tries++ < budget && fails(candidate);
  for (let chunk = cur.length >> 1 || 1; chunk >= 1 && tries < budget; chunk >>= 1)
    for (let at = 0; at < cur.length && tries < budget; ) {
      const candidate = new Uint8Array(cur.length - Math.min(chunk, cur.length - at));
      candidate.set(cur.subarray(0, at));
      candidate.set(cur.subarray(at + chunk), at);
      if (attempt(candidate)) cur = candidate;
      else at += chunk;
    }
  for (let i = 0; i < cur.length && tries < budget; i++) {
    if (cur[i] === 0) continue;
    const candidate = cur.slice();
    candidate[i] = 0;
    if (attempt(candidate)) cur = candidate;
  }
  return cur;
};

/** A second input encoded between encoding and decoding the first, in a third of the runs (it costs an encode). */
const DECOY = fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: adversarialBytes });

const WINDOW = 1 << 16;

/** Narrows a failing corpus file to a small failing slice: a failing 64 KiB window first, then fast-check shrinking of (start, length). */
const shrinkFile = (file: Uint8Array, fails: (b: Uint8Array) => boolean, seed: number, timeMs: number) => {
  let base = 0;
  let region = file;
  for (let at = 0; at < file.length && file.length > WINDOW; at += WINDOW / 2) {
    const w = file.subarray(at, Math.min(file.length, at + WINDOW));
    if (fails(w)) {
      base = at;
      region = w;
      break;
    }
  }
  const n = region.length;
  const slice = (start: number, len: number) => region.subarray(Math.min(start, n), Math.min(n, start + len));
  const details = fc.check(
    fc.property(fc.nat({ max: n }), fc.nat({ max: n }), (start, len) => !fails(slice(start, len))),
    { examples: [[0, n]], numRuns: 1, seed, interruptAfterTimeLimit: timeMs, markInterruptAsFailure: false },
  );
  const [start, len] = details.counterexample ?? [0, n];
  const found = slice(start, len);
  return { input: found, from: base + Math.min(start, n), to: base + Math.min(start, n) + found.length };
};

/** The gate on a typed tree, whose primitives need not be registered. */
export const gateNode = (node: PipelineNode, corpus: readonly Uint8Array[], opts: GateOptions = {}): GateResult => {
  const seed = opts.seed ?? seedOf(node);
  const decode = freshDecoder(node);
  const roundTrip = (input: Uint8Array, decoy?: Uint8Array): void => {
    // the encoder gets a copy: one that writes into its input (e.g. through Buffer#slice, a view)
    // must fail, and the input must stay as it was for the report
    const scratch = new Uint8Array(input);
    const { frame } = encodeFrame(node, scratch);
    if (Buffer.compare(scratch, input) !== 0) throw new Error("the encoder changed its input");
    if (decoy)
      try {
        encodeFrame(node, decoy);
      } catch {
        // the decoy only disturbs encoder state; its own failures are found when it is the input
      }
    expectSame(decode(frame), input);
  };

  const generated = fc.check(
    fc.property(adversarialBytes, DECOY, (input, decoy) => {
      roundTrip(input, decoy ?? undefined);
    }),
    { numRuns: opts.numRuns ?? 100, seed },
  );
  const bad = firstFailure(generated);
  if (bad) {
    const [shrunk, decoy] = bad.value;
    let error = message(bad.details.errorInstance);
    const failsAfterDecoy = (b: Uint8Array): boolean => {
      try {
        roundTrip(b, decoy ?? undefined);
        return false;
      } catch (e) {
        error = message(e);
        return true;
      }
    };
    const input = reduceBytes(shrunk, failsAfterDecoy);
    failsAfterDecoy(input); // the error of the reported input, not of the last reduction attempt
    const after = decoy ? ` (decoded after encoding another input: ${hex(decoy)})` : "";
    return { ok: false, counterexample: { input: hex(input), seed: bad.details.seed, path: bad.details.counterexamplePath ?? "", error: error + after } };
  }

  for (let i = 0; i < corpus.length; i++) {
    let error: string | undefined;
    const fails = (b: Uint8Array): boolean => {
      try {
        roundTrip(b);
        return false;
      } catch (e) {
        error = message(e);
        return true;
      }
    };
    if (!fails(corpus[i])) continue;
    const { input, from, to } = shrinkFile(corpus[i], fails, seed, opts.shrinkTimeMs ?? 20_000);
    fails(input); // the error of the reported slice, not of the last shrink attempt
    return { ok: false, counterexample: { input: hex(input), seed, path: `corpus[${i}][${from}:${to}]`, error: error! } };
  }
  return { ok: true };
};

/** The gate on a genome (registered primitives; throws CodecError if the genome does not parse). */
export const gate = (g: Genome, corpus: readonly Uint8Array[], opts?: GateOptions): GateResult => gateNode(parsePipeline(g), corpus, opts);
