/**
 * The losslessness gate passes sound pipelines and catches broken primitives (built here with
 * definePrimitive, not registered) with a shrunk, replayable counterexample.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { decodeFrame, encodeFrame, parsePipeline, type PipelineNode } from "../src/codec/index.js";
import { definePrimitive } from "../src/codec/primitive.js";
import { primitiveByName } from "../primitives/index.js";
import { Rng } from "../search/rng.js";
import { randomGenome, seedGenomes } from "../search/genome.js";
import { gate, gateNode } from "../search/gate.js";
import { generateTensor } from "../src/data/synthetic.js";
import { node } from "./support/roundtrip.js";

const ACTIVATIONS = new URL("../../../shared/activations/", import.meta.url);
/** A small real corpus: the first 32 KiB of a few development files (generated tensors when absent). */
const corpus: Uint8Array[] = existsSync(ACTIVATIONS)
  ? readdirSync(ACTIVATIONS)
      .filter((f) => f.endsWith(".bf16"))
      .sort()
      .slice(0, 3)
      .map((f) => new Uint8Array(readFileSync(new URL(f, ACTIVATIONS)).subarray(0, 1 << 15)))
  : [1, 2, 3].map((seed) => generateTensor({ name: "t", style: seed === 2 ? "gradients" : "activations", rows: 64, cols: 256, seed, specials: seed === 3 }).bytes);

const zstd1 = (): PipelineNode => node(primitiveByName("zstd")!, { level: 1 });

/** An unregistered, parameterless test transform (TS only) with the given kernels. */
const testTransform = (
  id: number,
  name: string,
  summary: string,
  encode: (input: Uint8Array) => Uint8Array,
  decode: (stream: Uint8Array) => Uint8Array = (stream) => stream.slice(),
) =>
  definePrimitive({
    id,
    name,
    kind: "transform",
    summary,
    layout: "one stream (see summary)",
    params: {},
    encode: (input) => ({ streams: [encode(input)], params: {} }),
    decode: ([s]) => decode(s),
    python: "",
  });

/** A transform whose encoder is the identity and whose decoder breaks the streams `broken` selects. */
const faultyTransform = (id: number, broken: (stream: Uint8Array) => boolean) =>
  testTransform(
    id,
    `test-faulty-${id}`,
    "identity, except that decode flips bit 0 of the first byte of some streams",
    (input) => input.slice(),
    (s) => {
      const out = s.slice();
      if (broken(out)) out[0] ^= 1;
      return out;
    },
  );

const unhex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

describe("the gate passes sound pipelines", () => {
  it("every seed genome, on generated inputs and the corpus", () => {
    for (const { name, genome } of seedGenomes()) assert.deepEqual(gate(genome, corpus, { numRuns: 25 }), { ok: true }, name);
  });

  it("random genomes", () => {
    const rng = new Rng(12);
    for (let i = 0; i < 8; i++) {
      const g = randomGenome(rng);
      assert.deepEqual(gate(g, corpus.slice(0, 1), { numRuns: 25 }), { ok: true }, JSON.stringify(g));
    }
  });
});

describe("the gate catches broken primitives", () => {
  it("a decoder that flips a bit when the stream holds a 0x7f byte: shrunk counterexample", () => {
    const faulty = faultyTransform(240, (s) => s.includes(0x7f));
    const pipeline = node(faulty, {}, [zstd1()]);
    const result = gateNode(pipeline, corpus, { numRuns: 200, seed: 1 });
    assert.equal(result.ok, false);
    if (result.ok) return;
    const { input, seed, path, error } = result.counterexample;
    const bytes = unhex(input);
    assert.ok(bytes.includes(0x7f), `counterexample ${input} must contain 0x7f`);
    assert.equal(input, "7f", "shrinks to the single byte that triggers the fault");
    assert.equal(seed, 1);
    assert.ok(path.length > 0);
    assert.match(error, /first difference at byte 0/);
    // the same seed finds the same counterexample
    assert.deepEqual(gateNode(pipeline, corpus, { numRuns: 200, seed: 1 }), result);
  });

  it("a fault that only large inputs trigger is caught on the corpus and narrowed to a slice", () => {
    const big = new Uint8Array(corpus.reduce((n, c) => n + c.length, 0));
    corpus.reduce((at, c) => (big.set(c, at), at + c.length), 0);
    const faulty = faultyTransform(241, (s) => s.length > 20_000);
    const result = gateNode(node(primitiveByName("bf16-fields")!, {}, [zstd1(), node(faulty, {}, [zstd1()]), zstd1()]), [big], {
      numRuns: 30,
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    const bytes = unhex(result.counterexample.input);
    // the exponent plane has one byte per element: the smallest failing input is just over 40 000 bytes
    assert.ok(bytes.length > 40_000 && bytes.length < 50_000, `slice of ${bytes.length} bytes`);
    assert.match(result.counterexample.path, /^corpus\[0\]\[\d+:\d+\]$/);
    const [, from, to] = /\[(\d+):(\d+)\]$/.exec(result.counterexample.path)!.map(Number);
    assert.deepEqual(big.subarray(from, to), bytes);
  });

  it("a primitive that decodes from state kept by its last encode, not from the frame", () => {
    let last = new Uint8Array(0);
    const memo = testTransform(
      242,
      "test-memo",
      "cheats: remembers the last input instead of writing it",
      (input) => {
        last = input.slice();
        return new Uint8Array(0);
      },
      () => last.slice(),
    );
    const pipeline = node(memo, {}, [zstd1()]);
    // a naive encode-then-decode check is fooled...
    const probe = Uint8Array.of(1, 2, 3);
    encodeFrame(pipeline, probe);
    assert.deepEqual(memo.decode([new Uint8Array(0)], {}, { cap: 1 << 20, decodedLength: -1 }), probe);
    // ...the gate is not
    const result = gateNode(pipeline, [], { numRuns: 50 });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.counterexample.error, /decoded after encoding another input/);
  });

  it("an encoder that throws on some inputs fails the gate with its error", () => {
    const picky = testTransform(243, "test-picky", "refuses odd lengths", (input) => {
      if (input.length % 2) throw new Error("odd length refused");
      return input.slice();
    });
    const result = gateNode(node(picky, {}, [zstd1()]), [], { numRuns: 100, seed: 2 });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(unhex(result.counterexample.input).length, 1);
    assert.match(result.counterexample.error, /odd length refused/);
  });

  it("an encoder that writes into its input fails the gate, though its frames decode to what it left", () => {
    const scribbler = testTransform(244, "test-scribbler", "clears the low bit of every byte of its input, then copies it", (input) => {
      for (let i = 0; i < input.length; i++) input[i] &= 0xfe;
      return input.slice();
    });
    const result = gateNode(node(scribbler, {}, [zstd1()]), [], { numRuns: 100, seed: 3 });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.counterexample.error, /encoder changed its input/);
    const input = unhex(result.counterexample.input);
    assert.ok(input.length <= 2 && input.some((b) => b & 1), `shrunk to a byte with its low bit set: ${result.counterexample.input}`);
  });

  it("a registered pipeline goes through the shipped decoder (decodeFrame)", () => {
    const g = { op: "bf16-fields", next: [{ op: "zstd" }, { op: "zstd" }, { op: "zstd" }] };
    const frame = encodeFrame(parsePipeline(g), corpus[0]).frame;
    assert.deepEqual(decodeFrame(frame), corpus[0]);
    assert.deepEqual(gate(g, corpus, { numRuns: 10 }), { ok: true });
  });
});
