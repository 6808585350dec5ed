/** The Apex score, NSGA-II fronts and crowding on handmade points, survivors, tournaments. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../search/rng.js";
import {
  apexScore,
  crowdingDistance,
  fitnessKey,
  nonDominatedSort,
  PARSIMONY_PER_NODE,
  selectSurvivors,
  tournament,
  type Scored,
} from "../search/selection.js";

const close = (a: number, b: number, what = "") => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);

let counter = 0;
const scored = (over: Partial<Scored>): Scored => ({
  hash: `h${(counter++).toString().padStart(4, "0")}`,
  genome: { op: "zstd", level: 3 },
  bytes: 1000,
  ratio: 0.8,
  encodeSec: 0.01,
  decodeSec: 0.01,
  predictedPySec: 0.05,
  size: 1,
  ...over,
});

/** A point for two-objective tests: objectives read from bytes and encodeSec. */
const pt = (name: string, x: number, y: number): Scored => scored({ hash: name, bytes: x, encodeSec: y });
const xy = (s: Scored) => [s.bytes, s.encodeSec];
const names = (fronts: Scored[][]) => fronts.map((f) => f.map((s) => s.hash).sort());

describe("apexScore", () => {
  it("is clip((1 - ratio) * (1 - time / 1.012), 0, 1)", () => {
    close(apexScore(0.5, 0), 0.5);
    close(apexScore(0, 0), 1);
    close(apexScore(1, 0), 0);
    close(apexScore(0.25, 0.506), 0.375, "half the time budget");
    close(apexScore(0.7, 0.1), 0.3 * (1 - 0.1 / 1.012));
    assert.equal(apexScore(1.2, 0), 0, "expansion clips to 0");
    assert.equal(apexScore(0.5, 2), 0, "over the time budget clips to 0");
    assert.equal(apexScore(-1, 0), 1, "clipped at 1");
    assert.equal(apexScore(Number.NaN, 0), 0);
  });

  it("costs about 1% per 10 ms", () => {
    const drop = 1 - apexScore(0.5, 0.01) / apexScore(0.5, 0);
    assert.ok(drop > 0.0098 && drop < 0.0099, `${drop}`);
  });
});

describe("fitnessKey", () => {
  it("apex: the aggregate score (or the per-file mean when given) minus parsimony per node", () => {
    const s = scored({ ratio: 0.6, predictedPySec: 0.02, size: 4 });
    close(fitnessKey(s, "apex"), apexScore(0.6, 0.02) - 4 * PARSIMONY_PER_NODE);
    close(fitnessKey({ ...s, apexMean: 0.3 }, "apex"), 0.3 - 4 * PARSIMONY_PER_NODE);
    close(fitnessKey(s, "pareto"), 0.4 - 4 * PARSIMONY_PER_NODE);
  });
});

describe("nonDominatedSort", () => {
  it("finds the fronts of handmade points", () => {
    const pop = [pt("A", 1, 5), pt("B", 2, 2), pt("C", 5, 1), pt("D", 3, 3), pt("E", 4, 4), pt("F", 6, 6), pt("G", 2, 6), pt("B2", 2, 2)];
    assert.deepEqual(names(nonDominatedSort(pop, xy)), [["A", "B", "B2", "C"], ["D", "G"], ["E"], ["F"]]);
  });

  it("with three objectives, a point better on one axis is never dominated", () => {
    const pop = [
      scored({ hash: "small", bytes: 100, encodeSec: 9, decodeSec: 9 }),
      scored({ hash: "fastEnc", bytes: 900, encodeSec: 1, decodeSec: 9 }),
      scored({ hash: "fastDec", bytes: 900, encodeSec: 9, decodeSec: 1 }),
      scored({ hash: "mid", bytes: 500, encodeSec: 5, decodeSec: 5 }),
      scored({ hash: "worse", bytes: 600, encodeSec: 6, decodeSec: 6 }),
      scored({ hash: "worst", bytes: 1000, encodeSec: 10, decodeSec: 10 }),
    ];
    assert.deepEqual(names(nonDominatedSort(pop, (s) => [s.bytes, s.encodeSec, s.decodeSec])), [
      ["fastDec", "fastEnc", "mid", "small"],
      ["worse"],
      ["worst"],
    ]);
  });

  it("puts everything in fronts exactly once", () => {
    const rng = new Rng(1);
    const pop = Array.from({ length: 60 }, (_, i) => pt(`p${i}`, rng.int(0, 20), rng.int(0, 20)));
    const fronts = nonDominatedSort(pop, xy);
    assert.equal(fronts.flat().length, 60);
    for (let r = 1; r < fronts.length; r++)
      for (const s of fronts[r]) {
        const [x, y] = xy(s);
        assert.ok(
          fronts[r - 1].some((t) => t.bytes <= x && t.encodeSec <= y && (t.bytes < x || t.encodeSec < y)),
          `${s.hash} in front ${r} is dominated by someone in front ${r - 1}`,
        );
      }
  });
});

describe("crowdingDistance", () => {
  it("gives boundary points Infinity and inner points the normalised side lengths of their cuboid", () => {
    const front = [pt("A", 0, 10), pt("B", 2, 6), pt("C", 5, 5), pt("D", 10, 0)];
    const d = crowdingDistance(front, xy);
    assert.equal(d.get("A"), Infinity);
    assert.equal(d.get("D"), Infinity);
    close(d.get("B")!, (5 - 0) / 10 + (10 - 5) / 10, "B");
    close(d.get("C")!, (10 - 2) / 10 + (6 - 0) / 10, "C");
  });

  it("fronts of one or two points are all boundary", () => {
    assert.deepEqual([...crowdingDistance([pt("A", 1, 1), pt("B", 2, 0)], xy).values()], [Infinity, Infinity]);
  });
});

describe("selectSurvivors", () => {
  it("apex: best scores first, ties to the smaller genome, duplicates dropped", () => {
    const best = scored({ ratio: 0.3, size: 3 });
    const tieBig = scored({ ratio: 0.5, size: 5 });
    const tieSmall = scored({ ratio: 0.5, size: 2 });
    const slow = scored({ ratio: 0.3, predictedPySec: 0.5 });
    const worst = scored({ ratio: 0.9 });
    const out = selectSurvivors([worst, tieBig, slow, best, tieSmall, best], 3, "apex");
    assert.deepEqual(out.map((s) => s.hash), [best.hash, tieSmall.hash, tieBig.hash]);
    assert.equal(selectSurvivors([worst, best], 10, "apex").length, 2);
  });

  it("apex: a better genome's twins (the same compressed total) make room for every other genome", () => {
    const best = scored({ ratio: 0.3, bytes: 300 });
    const twin = scored({ ratio: 0.3, bytes: 300, predictedPySec: 0.06 });
    const other = scored({ ratio: 0.4, bytes: 400 });
    assert.deepEqual(selectSurvivors([twin, other, best], 2, "apex").map((s) => s.hash), [best.hash, other.hash]);
    assert.deepEqual(selectSurvivors([twin, other, best], 3, "apex").map((s) => s.hash), [best.hash, twin.hash, other.hash]);
  });

  it("apex: the per-file mean overrides the aggregate when given", () => {
    const a = scored({ ratio: 0.3, apexMean: 0.2 });
    const b = scored({ ratio: 0.5 });
    assert.equal(selectSurvivors([a, b], 1, "apex")[0].hash, b.hash);
  });

  it("pareto: whole fronts first, the last front cut by crowding, extremes kept", () => {
    const front1 = [pt("A", 0, 10), pt("B", 1, 9), pt("C", 5, 5), pt("D", 10, 0)];
    const front2 = [pt("E", 6, 11), pt("F", 11, 6)];
    const out = selectSurvivors([...front2, ...front1], 3, "pareto").map((s) => s.hash);
    // A and D are extremes (Infinity); C is less crowded than B
    assert.deepEqual([...out].sort(), ["A", "C", "D"]);
    const five = selectSurvivors([...front2, ...front1], 5, "pareto").map((s) => s.hash);
    assert.deepEqual(five.slice(0, 4).sort(), ["A", "B", "C", "D"]);
  });

  it("pareto: the apex-best always survives even from a dominated front", () => {
    const fast = Array.from({ length: 6 }, (_, i) => scored({ hash: `f${i}`, bytes: 100 + i, encodeSec: 0.001 * (6 - i), decodeSec: 0.001, ratio: 0.9 }));
    const apexBest = scored({ hash: "apex", bytes: 500, encodeSec: 1, decodeSec: 1, ratio: 0.2, predictedPySec: 0.01 });
    const out = selectSurvivors([...fast, apexBest], 3, "pareto");
    assert.equal(out.length, 3);
    assert.ok(out.some((s) => s.hash === "apex"));
  });
});

describe("tournament", () => {
  const pop = [scored({ ratio: 0.9 }), scored({ ratio: 0.4 }), scored({ ratio: 0.6 }), scored({ ratio: 0.7 })];

  it("is deterministic for a seed and returns members", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    for (let i = 0; i < 20; i++) assert.equal(tournament(pop, a, "apex").hash, tournament(pop, b, "apex").hash);
    assert.ok(pop.includes(tournament(pop, new Rng(1), "pareto")));
  });

  it("selects for fitness: big tournaments return the best, pairs favour it", () => {
    const rng = new Rng(6);
    assert.equal(tournament(pop, rng, "apex", 64).hash, pop[1].hash);
    let wins = 0;
    for (let i = 0; i < 4000; i++) if (tournament(pop, rng, "apex").hash === pop[1].hash) wins++;
    // with replacement: P(best in 2 draws) = 1 - (3/4)^2 = 0.4375
    assert.ok(wins > 1600 && wins < 1900, `${wins}`);
  });

  it("pareto: rank first, then crowding", () => {
    const dominated = scored({ hash: "dom", bytes: 10, encodeSec: 10, decodeSec: 10 });
    const front = [scored({ hash: "a", bytes: 1, encodeSec: 2, decodeSec: 1 }), scored({ hash: "b", bytes: 2, encodeSec: 1, decodeSec: 1 })];
    const rng = new Rng(3);
    for (let i = 0; i < 30; i++) assert.notEqual(tournament([dominated, ...front], rng, "pareto", 8).hash, "dom");
  });
});
