/** Rng determinism, canonical genomes and hashing, random generation within types and limits, seeds. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError, decodeFrame, encodeFrame, parsePipeline } from "../src/codec/index.js";
import { PRIMITIVES } from "../primitives/index.js";
import { Rng } from "../search/rng.js";
import { canonicalize, genomeDepth, genomeHash, genomeSize, randomGenome, seedGenomes, sites } from "../search/genome.js";
import { accepts, typeErrors } from "../search/types.js";
import { adversarialBytes } from "./support/data.js";
import { check, equalBytes } from "./support/roundtrip.js";

describe("Rng", () => {
  it("is deterministic: same seed, same sequence; state() resumes it", () => {
    const a = new Rng(1234);
    const b = new Rng(1234);
    const xs = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.notDeepEqual(Array.from({ length: 100 }, () => new Rng(1235).next()), xs.slice(0, 1));
    const resumed = new Rng(a.state());
    assert.deepEqual(Array.from({ length: 10 }, () => resumed.next()), Array.from({ length: 10 }, () => a.next()));
  });

  it("int is inclusive and covers its range; pick picks members", () => {
    const r = new Rng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(-2, 3);
      assert.ok(Number.isInteger(v) && v >= -2 && v <= 3);
      seen.add(v);
    }
    assert.equal(seen.size, 6);
    assert.equal(r.int(5, 5), 5);
    assert.ok(["a", "b"].includes(r.pick(["a", "b"])));
    assert.throws(() => r.pick([]));
    assert.throws(() => r.int(3, 2));
  });

  it("fork is deterministic per label, independent of the parent and of other labels", () => {
    const a = new Rng(99);
    const f1 = a.fork("mutate");
    const f2 = new Rng(99).fork("mutate");
    const g = new Rng(99).fork("select");
    const s1 = Array.from({ length: 20 }, () => f1.next());
    assert.deepEqual(Array.from({ length: 20 }, () => f2.next()), s1);
    assert.notDeepEqual(Array.from({ length: 20 }, () => g.next()), s1);
    assert.equal(a.state(), new Rng(99).state(), "fork does not advance the parent");
    assert.notDeepEqual(Array.from({ length: 20 }, () => a.next()), s1);
  });
});

describe("canonical genomes", () => {
  it("one pipeline written two ways (defaults omitted, key order, JSON text) has one hash", () => {
    const terse = { op: "bf16-fields", next: [{ op: "zstd", level: 19 }, { op: "zstd", level: 19 }, { op: "zstd" }] };
    const verbose = { next: [{ level: 19, op: "zstd" }, { op: "zstd", level: 19 }, { level: 3, op: "zstd" }], op: "bf16-fields" };
    assert.deepEqual(canonicalize(terse), canonicalize(verbose));
    assert.equal(JSON.stringify(canonicalize(terse)), JSON.stringify(canonicalize(verbose)));
    assert.equal(genomeHash(terse), genomeHash(verbose));
    assert.equal(genomeHash(canonicalize(JSON.stringify(verbose))), genomeHash(terse));
    assert.match(genomeHash(terse), /^[0-9a-f]{16}$/);
    assert.equal(genomeHash({ op: "zstd" }), genomeHash({ op: "zstd", level: 3 }));
  });

  it("different parameters or structure give different hashes", () => {
    assert.notEqual(genomeHash({ op: "zstd", level: 3 }), genomeHash({ op: "zstd", level: 4 }));
    const a = { op: "bf16-fields", next: [{ op: "zstd", level: 1 }, { op: "zstd", level: 19 }, { op: "zstd", level: 19 }] };
    const b = { op: "bf16-fields", next: [{ op: "zstd", level: 19 }, { op: "zstd", level: 1 }, { op: "zstd", level: 19 }] };
    assert.notEqual(genomeHash(a), genomeHash(b));
  });

  it("invalid pipelines throw CodecError", () => {
    for (const bad of [{ op: "nope" }, { op: "zstd", level: 99 }, { op: "zstd", speed: 1 }, { op: "bf16-fields" }, "{", 42, null])
      assert.throws(() => canonicalize(bad), (e: unknown) => e instanceof CodecError, JSON.stringify(bad));
  });

  it("size counts nodes, depth counts levels", () => {
    const g = canonicalize({ op: "bf16-fields", next: [{ op: "zstd" }, { op: "zstd" }, { op: "zstd" }] });
    assert.equal(genomeSize(g), 4);
    assert.equal(genomeDepth(g), 2);
    assert.equal(genomeSize(canonicalize({ op: "zstd" })), 1);
    assert.equal(genomeDepth(canonicalize({ op: "zstd" })), 1);
  });
});

describe("random genomes", () => {
  it("are canonical, well typed and within limits for any seed and limits", () =>
    check(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 20 }), (seed, maxDepth, maxNodes) => {
        const g = randomGenome(new Rng(seed), { maxDepth, maxNodes });
        assert.deepEqual(canonicalize(g), g);
        assert.ok(genomeDepth(g) <= maxDepth, `depth ${genomeDepth(g)} > ${maxDepth}`);
        assert.ok(genomeSize(g) <= maxNodes, `size ${genomeSize(g)} > ${maxNodes}`);
        assert.deepEqual(typeErrors(parsePipeline(g)), []);
      }),
      400,
    ));

  it("every node receives a stream type it accepts", () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++)
      for (const s of sites(parsePipeline(randomGenome(rng))))
        assert.ok(accepts(s.node.prim, s.node.params, s.input), `${s.node.prim.name} on ${s.input}`);
  });

  it("rANS with bf16 or bf16se symbols takes 16-bit words (bf16, u16), not bytes", () => {
    const rans = PRIMITIVES.find((p) => p.name === "rans")!;
    for (const symbol of ["bf16", "bf16se"]) {
      const params = { ...rans.defaults(), symbol };
      assert.ok(accepts(rans, params, "bf16") && accepts(rans, params, "u16"), symbol);
      assert.ok(!accepts(rans, params, "u8") && !accepts(rans, params, "opaque"), symbol);
    }
  });

  it("are deterministic: same seed, same genomes", () => {
    const run = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 30 }, () => genomeHash(randomGenome(rng)));
    };
    assert.deepEqual(run(11), run(11));
    assert.notDeepEqual(run(11), run(12));
  });

  it("explore every kind and, over many seeds, most registered primitives", () => {
    const rng = new Rng(2024);
    const used = new Set<string>();
    for (let i = 0; i < 600; i++) for (const s of sites(parsePipeline(randomGenome(rng)))) used.add(s.node.prim.name);
    const kinds = new Set(PRIMITIVES.filter((p) => used.has(p.name)).map((p) => p.kind));
    if (PRIMITIVES.some((p) => p.kind === "split")) assert.ok(kinds.has("split"));
    if (PRIMITIVES.some((p) => p.kind === "transform")) assert.ok(kinds.has("transform"));
    assert.ok(kinds.has("backend"));
    assert.ok(used.has("zstd") && used.has("bf16-fields"));
  });

  it("round-trip bytes through a frame", () =>
    check(
      fc.property(fc.integer(), adversarialBytes, (seed, input) => {
        const node = parsePipeline(randomGenome(new Rng(seed)));
        equalBytes(decodeFrame(encodeFrame(node, input).frame), input, "random genome");
      }),
      150,
    ));
});

describe("seed genomes", () => {
  const seeds = seedGenomes();
  it("start with the Apex baseline (zstd 3 on raw bytes) and include bf16-fields", () => {
    assert.deepEqual(seeds[0], { name: "apex-baseline", genome: { op: "zstd", level: 3 } });
    assert.ok(seeds.some((s) => s.name === "bf16-fields-zstd"));
  });

  it("are canonical, well typed, distinct and round-trip", () => {
    assert.equal(new Set(seeds.map((s) => s.name)).size, seeds.length);
    assert.equal(new Set(seeds.map((s) => genomeHash(s.genome))).size, seeds.length);
    const input = fc.sample(adversarialBytes, { numRuns: 20, seed: 3 });
    for (const { name, genome } of seeds) {
      assert.deepEqual(canonicalize(genome), genome, name);
      const node = parsePipeline(genome);
      assert.deepEqual(typeErrors(node), [], name);
      for (const b of input) equalBytes(decodeFrame(encodeFrame(node, b).frame), b, name);
    }
  });
});
