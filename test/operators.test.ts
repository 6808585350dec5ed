/** Every operator on random genomes yields a valid, canonical, well-typed genome within limits that round-trips. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeFrame, encodeFrame, parsePipeline } from "../src/codec/index.js";
import { Rng } from "../search/rng.js";
import { canonicalize, DEFAULT_LIMITS, genomeDepth, genomeHash, genomeSize, nearbyValues, randomGenome, seedGenomes, type Genome, type Limits } from "../search/genome.js";
import { int } from "../src/codec/primitive.js";
import { crossover, mutate, neighbours, OPERATORS, type Operator } from "../search/operators.js";
import { typeErrors } from "../search/types.js";
import { adversarialBytes } from "./support/data.js";
import { check, equalBytes } from "./support/roundtrip.js";

const limitsArb: fc.Arbitrary<Limits> = fc.record({ maxDepth: fc.integer({ min: 2, max: 7 }), maxNodes: fc.integer({ min: 3, max: 18 }) });

/** The contract of every operator's output. */
const assertValidChild = (child: Genome, parents: readonly Genome[], limits: Limits, input: Uint8Array): void => {
  assert.deepEqual(canonicalize(child), child, "canonical");
  const node = parsePipeline(child);
  assert.ok(genomeDepth(child) <= limits.maxDepth && genomeSize(child) <= limits.maxNodes, `limits: ${JSON.stringify(child)}`);
  assert.deepEqual(typeErrors(node), [], "well typed");
  assert.ok(!parents.some((p) => genomeHash(p) === genomeHash(child)), "differs from its parents");
  equalBytes(decodeFrame(encodeFrame(node, input).frame), input, `round trip of ${JSON.stringify(child)}`);
};

describe("mutate", () => {
  it("yields a valid genome that differs from its parent, for many seeds and limits", () =>
    check(
      fc.property(fc.integer(), limitsArb, adversarialBytes, (seed, limits, input) => {
        const rng = new Rng(seed);
        const parent = randomGenome(rng, limits);
        const { genome, operator } = mutate(parent, rng, limits);
        assert.ok(OPERATORS.includes(operator));
        assertValidChild(genome, [parent], limits, input);
      }),
      200,
    ));

  it("uses every mutation operator", () => {
    const rng = new Rng(77);
    const seen = new Map<Operator, number>();
    let g = seedGenomes()[0].genome;
    for (let i = 0; i < 1500; i++) {
      const r = mutate(g, rng);
      seen.set(r.operator, (seen.get(r.operator) ?? 0) + 1);
      g = rng.chance(0.1) ? seedGenomes()[0].genome : r.genome;
    }
    for (const op of ["tweak", "replace", "insert", "delete", "swap-backend", "graft"] as const) assert.ok((seen.get(op) ?? 0) > 10, `${op}: ${seen.get(op)}`);
  });

  it("inserts transforms and splits in front of a node, keeping it as a child", () => {
    const rng = new Rng(5);
    const root = canonicalize({ op: "rans", symbol: "bf16", context: "rowref" });
    const kinds = new Set<string>();
    for (let i = 0; i < 3000 && kinds.size < 2; i++) {
      const { genome, operator } = mutate(root, rng);
      if (operator !== "insert") continue;
      assert.ok((genome.next ?? []).some((c) => genomeHash(c) === genomeHash(root)), `${JSON.stringify(genome)} keeps the rans node`);
      kinds.add((genome.next ?? []).length > 1 ? "split" : "transform");
    }
    assert.deepEqual([...kinds].sort(), ["split", "transform"]);
  });

  it("evolves every seed genome for a while without leaving the limits", () => {
    const rng = new Rng(3);
    const input = fc.sample(adversarialBytes, { numRuns: 1, seed: 9 })[0];
    for (const { genome } of seedGenomes()) {
      let g = genome;
      for (let i = 0; i < 40; i++) {
        const child = mutate(g, rng).genome;
        assertValidChild(child, [g], DEFAULT_LIMITS, input);
        g = child;
      }
    }
  });

  it("is deterministic: same seed, same children and operators", () => {
    const run = () => {
      const rng = new Rng(42);
      let g = randomGenome(rng);
      return Array.from({ length: 50 }, () => {
        const r = mutate(g, rng);
        g = r.genome;
        return `${r.operator}:${genomeHash(g)}`;
      });
    };
    assert.deepEqual(run(), run());
  });

  it("respects very tight limits", () => {
    const rng = new Rng(8);
    const limits = { maxDepth: 1, maxNodes: 1 };
    for (let i = 0; i < 50; i++) {
      const { genome } = mutate({ op: "zstd", level: 3 }, rng, limits);
      assert.equal(genomeSize(genome), 1);
    }
  });

  it("still evolves a hand-written genome that breaks the type table, adding no type errors", () => {
    // bf16-fields receives u16 symbols here: lossless, but not what the table calls sensible
    const odd = canonicalize({ op: "sign-fold", next: [{ op: "bf16-fields", next: [{ op: "zstd" }, { op: "zstd" }, { op: "zstd" }] }] });
    const before = typeErrors(parsePipeline(odd)).length;
    assert.ok(before > 0);
    const rng = new Rng(4);
    for (let i = 0; i < 100; i++) {
      const { genome } = mutate(odd, rng);
      assert.ok(typeErrors(parsePipeline(genome)).length <= before);
    }
  });
});

describe("neighbours (the local search's moves)", () => {
  it("remove a stage and insert one in front of a node (default parameters, store on its other outputs)", () => {
    const rans = { op: "rans", symbol: "bf16", context: "rowref" };
    const found = neighbours(canonicalize({ op: "low-bits", bits: 3, next: [rans, { op: "zstd" }] }), new Rng(2)).map((n) => JSON.stringify(n));
    assert.ok(found.includes(JSON.stringify(canonicalize(rans))), "the split removed, its rans child in its place");
    const inserted = canonicalize({ op: "low-bits", bits: 3, next: [{ op: "xor-prev", width: 2, next: [rans] }, { op: "zstd" }] });
    assert.ok(found.includes(JSON.stringify(inserted)), "xor-prev in front of the rans node");
    const split = canonicalize({ op: "low-bits", bits: 4, next: [rans, { op: "store" }] });
    assert.ok(neighbours(canonicalize(rans), new Rng(2)).some((n) => JSON.stringify(n) === JSON.stringify(split)), "low-bits(4) in front of the root");
  });

  /** The parameter edits that turn a into b: [path.key, from, to] for every differing parameter. */
  const edits = (a: Genome, b: Genome, at = "$"): [string, unknown, unknown][] => {
    const out: [string, unknown, unknown][] = [];
    if (a.op !== b.op) return [[at, a.op, b.op]];
    for (const k of Object.keys(a)) if (k !== "op" && k !== "next" && a[k] !== b[k]) out.push([`${at}.${k}`, a[k], b[k]]);
    (a.next ?? []).forEach((c, i) => b.next?.[i] && out.push(...edits(c, b.next[i], `${at}.next[${i}]`)));
    return out;
  };

  it("are valid genomes one edit away from their parent, all different", () =>
    check(
      fc.property(fc.integer(), limitsArb, adversarialBytes, (seed, limits, input) => {
        const rng = new Rng(seed);
        const parent = randomGenome(rng, limits);
        const found = neighbours(parent, rng, limits);
        assert.equal(new Set(found.map(genomeHash)).size, found.length, "distinct");
        for (const n of found.slice(0, 6)) {
          assertValidChild(n, [parent], limits, input);
          if (n.op === parent.op && (n.next ?? []).length === (parent.next ?? []).length) assert.ok(edits(parent, n).length >= 1);
        }
      }),
      100,
    ));

  it("of the default pipeline: the other word symbols and contexts, smaller windows, nothing from an auto value", () => {
    const g = canonicalize({ op: "rans", symbol: "bf16", context: "rowref" });
    const found = neighbours(g, new Rng(1));
    const changed = found.map((n) => edits(g, n).map(([k, , to]) => `${k.slice(2)}=${to}`).join(","));
    for (const want of ["symbol=u16", "symbol=bf16se", "context=none", "context=above", "window=32767"]) assert.ok(changed.includes(want), `${want} in ${changed}`);
    assert.ok(!changed.some((c) => /^(period|blockRows|lanes|precision)=/.test(c)), `auto parameters stay auto: ${changed}`);
    assert.ok(!changed.includes("symbol=u8"), "byte symbols do not fit bf16 words (search/types.ts)");
  });

  it("nearby ints: steps of one and two on narrow ranges, half and double on wide ones, none from auto", () => {
    assert.deepEqual(nearbyValues(int(1, 22, 3, "level"), 3), [2, 4, 1, 5]);
    assert.deepEqual(nearbyValues(int(1, 22, 3, "level"), 22), [21, 20]);
    assert.deepEqual(nearbyValues(int(1, 65535, 65535, "window"), 1000), [500, 2000]);
    assert.deepEqual(nearbyValues(int(0, 65535, 0, "lanes (0 = auto)"), 0), []);
    assert.deepEqual(nearbyValues(int(0, 65535, 0, "lanes (0 = auto)"), 64), [32, 128]);
  });
});

describe("crossover", () => {
  it("yields a valid genome different from both parents, for many seeds and limits", () =>
    check(
      fc.property(fc.integer(), limitsArb, adversarialBytes, (seed, limits, input) => {
        const rng = new Rng(seed);
        const a = randomGenome(rng, limits);
        const b = randomGenome(rng, limits);
        const { genome, operator } = crossover(a, b, rng, limits);
        assertValidChild(genome, operator === "crossover" ? [a, b] : [a], limits, input);
      }),
      200,
    ));

  it("mostly exchanges subtrees, and falls back to mutation on identical parents", () => {
    const rng = new Rng(10);
    let crossed = 0;
    for (let i = 0; i < 200; i++) if (crossover(randomGenome(rng), randomGenome(rng), rng).operator === "crossover") crossed++;
    assert.ok(crossed > 150, `crossed ${crossed}/200`);
    const same = { op: "zstd", level: 3 };
    const r = crossover(same, same, rng);
    assert.notEqual(r.operator, "crossover");
    assert.notEqual(genomeHash(r.genome), genomeHash(same));
  });

  it("takes subtrees from both parents", () => {
    const a = canonicalize({ op: "bf16-fields", next: [{ op: "zstd", level: 11 }, { op: "zstd", level: 12 }, { op: "zstd", level: 13 }] });
    const b = canonicalize({ op: "byte-planes", width: 2, next: [{ op: "zstd", level: 21 }, { op: "zstd", level: 22 }] });
    const rng = new Rng(1);
    const levels = new Set<number>();
    const collect = (g: Genome): void => {
      if (typeof g.level === "number") levels.add(g.level);
      (g.next ?? []).forEach(collect);
    };
    for (let i = 0; i < 100; i++) collect(crossover(a, b, rng).genome);
    for (const l of [11, 12, 13, 21, 22]) assert.ok(levels.has(l), `level ${l} never inherited`);
  });
});
