/**
 * The report's hand-written charts and diagrams: nice ticks, log axes, and SVG that is complete
 * (axes, labels, series) and escapes what it prints. The whole page of a real run is tested in
 * overnight.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { paretoChart, scoreChart } from "../src/report/charts.js";
import { humanBytes, lineageSvg, treeSvg } from "../src/report/diagrams.js";
import { escapeXml, logTicks, niceStep, niceTicks } from "../src/report/svg.js";

describe("report charts", () => {
  it("puts ticks on 1-2-5 steps covering the data", () => {
    assert.equal(niceStep(1, 5), 0.2);
    assert.equal(niceStep(730, 6), 100);
    const t = niceTicks(0.163, 0.291, 6);
    assert.ok(t.domain[0] <= 0.163 && t.domain[1] >= 0.291);
    assert.deepEqual(t.ticks, [0.16, 0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3]);
    assert.deepEqual(niceTicks(0, 3, 8, true).ticks, [0, 1, 2, 3]);
    assert.deepEqual(niceTicks(5, 5).ticks.length > 1, true, "a single value still gets an axis");
    assert.deepEqual(logTicks(0.13, 1300).ticks, [0.1, 1, 10, 100, 1000, 10000]);
    assert.deepEqual(logTicks(2, 40).ticks, [1, 2, 5, 10, 20, 50, 100]);
  });

  it("draws the score chart with axes, both series, the baseline and the score to beat", () => {
    const svg = scoreChart({
      generations: [0, 1, 2].map((idx) => ({ idx, best: 0.25 + idx / 100, median: 0.2 + idx / 100, evaluated: 4, cached: 0, failed: 0, finishedAt: "" })),
      baseline: 0.165,
      scoreToBeat: 0.3,
    });
    assert.match(svg, /^<svg id="score-chart"/);
    for (const cls of ["axis", "tick-label", "axis-title", "series-best", "series-median", "ref-baseline", "ref-beat", "legend"]) assert.match(svg, new RegExp(`class="${cls}`), cls);
    assert.match(svg, />generation</);
    assert.match(svg, /score to beat 0\.3000/);
  });

  it("draws the Pareto front with the baselines labelled and outliers kept on the chart", () => {
    const point = (hash: string, ratio: number, ms: number, front: boolean) => ({ hash, ratio, pySec: ms / 1000, score: 0.2, front });
    const svg = paretoChart({
      points: [point("a", 0.7, 30, true), point("b", 0.72, 5, true), point("c", 1.4, 3, false), point("d", 0.8, 50, false)],
      baselines: [{ name: "apex-baseline", hash: "z", ratio: 0.83, pySec: 0.00013, score: 0.165 }],
      best: "a",
    });
    assert.match(svg, /log scale/);
    assert.match(svg, /class="front-line"/);
    assert.match(svg, /apex-baseline 0\.1650/);
    assert.match(svg, /class="best-ring"/);
    assert.match(svg, /class="dot-off"/, "the expanding genome is drawn at the top edge");
  });

  it("draws trees and lineage with escaped text, and empty placeholders", () => {
    const leaf = (op: string, stream: string) => ({ op, kind: "backend" as const, params: ["level=19"], stream, inputBytes: 1000, payloadBytes: 400, children: [] });
    const svg = treeSvg({ op: "split<&>", kind: "split", params: [], stream: "", inputBytes: 2000, payloadBytes: 800, children: [leaf("zstd", "hi"), leaf("zstd", "lo")] });
    assert.equal((svg.match(/class="tree-node/g) ?? []).length, 3);
    assert.equal((svg.match(/class="edge"/g) ?? []).length, 2);
    assert.match(svg, /split&lt;&amp;&gt;/);
    assert.match(svg, /1000 B → 400 B \(40\.0%\)/);
    assert.match(treeSvg(null), /no genome/);
    const lin = lineageSvg([
      { hash: "c".repeat(16), generation: 2, operator: "crossover", parents: ["a".repeat(16), "b".repeat(16)], score: 0.3 },
      { hash: "a".repeat(16), generation: 0, operator: "seed:apex-baseline", parents: [], score: 0.16 },
      { hash: "b".repeat(16), generation: 1, operator: "mutate", parents: [], score: null },
    ]);
    assert.equal((lin.match(/class="edge"/g) ?? []).length, 2);
    assert.match(lin, /is-best/);
    assert.match(lin, /is-seed/);
    assert.equal(humanBytes(1536), "1.50 KiB");
    assert.equal(escapeXml(`<a href="x">'`), "&lt;a href=&quot;x&quot;&gt;&#39;");
  });
});
