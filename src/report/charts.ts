/**
 * The report's two charts: the Apex score per generation (best and median of the survivors, with
 * the baseline and the score to beat as reference lines) and the Pareto front of compressed/original
 * against predicted Python time (every kept genome, the front, the best genome and the baselines).
 */
import type { Baseline, GenerationPoint, GenomePoint } from "./data.js";
import { autoScale, axes, escapeXml, frameOf, legend, linearScale, polyline, px, svgRoot } from "./svg.js";

export const SCORE_CHART_ID = "score-chart";
export const PARETO_CHART_ID = "pareto-chart";
export const CHART_SIZE = { width: 760, height: 380 } as const;

const dot = (x: number, y: number, r: number, cls: string, title?: string): string =>
  `<circle class="${cls}" cx="${px(x)}" cy="${px(y)}" r="${r}">${title ? `<title>${escapeXml(title)}</title>` : ""}</circle>`;

/** A horizontal reference line across the plot with its label at the right end. */
const referenceLine = (x0: number, x1: number, y: number, cls: string, label: string): string =>
  `<line class="${cls}" x1="${px(x0)}" y1="${px(y)}" x2="${px(x1)}" y2="${px(y)}"/>` +
  `<text class="ref-label ${cls}-label" x="${px(x1 - 4)}" y="${px(y - 5)}" text-anchor="end">${escapeXml(label)}</text>`;

export interface ScoreChartInput {
  readonly generations: readonly GenerationPoint[];
  readonly baseline?: number;
  readonly scoreToBeat?: number;
}

export const scoreChart = ({ generations, baseline, scoreToBeat }: ScoreChartInput): string => {
  const { width, height } = CHART_SIZE;
  const f = frameOf(width, height);
  const label = "Apex score per generation";
  if (generations.length === 0)
    return svgRoot(SCORE_CHART_ID, width, height, `<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no generation finished yet</text>`, label);
  const lastGen = generations[generations.length - 1].idx;
  const x = linearScale(0, Math.max(1, lastGen), [f.left, f.right], { integer: true, count: 8 });
  const ys = [...generations.flatMap((g) => [g.best, g.median]), ...(baseline !== undefined ? [baseline] : []), ...(scoreToBeat !== undefined ? [scoreToBeat] : [])].filter(Number.isFinite);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = Math.max((hi - lo) * 0.08, 0.002);
  const y = linearScale(Math.max(0, lo - pad), Math.min(1, hi + pad), [f.bottom, f.top], { count: 6 });
  const body: string[] = [axes(f, x, y, { title: label, x: "generation", y: "Apex score (predicted)" })];
  if (baseline !== undefined) body.push(referenceLine(f.left, f.right, y.at(baseline), "ref-baseline", `apex baseline (zstd 3) ${baseline.toFixed(4)}`));
  if (scoreToBeat !== undefined) body.push(referenceLine(f.left, f.right, y.at(scoreToBeat), "ref-beat", `score to beat ${scoreToBeat.toFixed(4)}`));
  body.push(`<path class="series-median" d="${polyline(generations.map((g) => [x.at(g.idx), y.at(g.median)]))}"/>`);
  body.push(`<path class="series-best" d="${polyline(generations.map((g) => [x.at(g.idx), y.at(g.best)]))}"/>`);
  if (generations.length <= 80)
    for (const g of generations) body.push(dot(x.at(g.idx), y.at(g.best), 3, "dot-best", `generation ${g.idx}: best ${g.best.toFixed(4)}, median ${g.median.toFixed(4)}`));
  const last = generations[generations.length - 1];
  const onLeft = x.at(last.idx) < (f.left + f.right) / 2;
  body.push(
    `<text class="value-label" x="${px(x.at(last.idx) + (onLeft ? 6 : -6))}" y="${px(y.at(last.best) - 9)}" text-anchor="${onLeft ? "start" : "end"}">${last.best.toFixed(4)}</text>`,
  );
  body.push(
    legend(f.right, 18, [
      { swatch: `<line class="series-best" x1="0" y1="0" x2="20" y2="0"/>`, text: "best" },
      { swatch: `<line class="series-median" x1="0" y1="0" x2="20" y2="0"/>`, text: "median of survivors" },
    ]),
  );
  return svgRoot(SCORE_CHART_ID, width, height, body.join("\n"), label);
};

export interface ParetoChartInput {
  readonly points: readonly GenomePoint[];
  readonly baselines: readonly Baseline[];
  readonly best?: string;
}

export const paretoChart = ({ points, baselines, best }: ParetoChartInput): string => {
  const { width, height } = CHART_SIZE;
  const f = frameOf(width, height);
  const label = "Pareto front";
  const all = [...points, ...baselines];
  if (all.length === 0)
    return svgRoot(PARETO_CHART_ID, width, height, `<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no genome scored yet</text>`, label);
  const ms = (p: { pySec: number }) => p.pySec * 1000;
  const x = autoScale(all.map(ms), [f.left, f.right]);
  // genomes that expand the data would squash the interesting part: the axis stops at the front,
  // the baselines and 1, and anything above is drawn at the top edge as a triangle
  const ratios = all.map((p) => p.ratio);
  const lo = Math.min(...ratios);
  const cap = Math.max(1, ...points.filter((p) => p.front).map((p) => p.ratio), ...baselines.map((b) => b.ratio));
  const hi = Math.min(Math.max(...ratios), cap);
  const pad = Math.max((hi - lo) * 0.06, 0.005);
  const y = linearScale(Math.max(0, lo - pad), hi + pad, [f.bottom, f.top], { count: 6 });
  const top = y.domain[1];
  const body: string[] = [
    axes(f, x, y, { title: label, x: `predicted Python time per file (ms${x.kind === "log" ? ", log scale" : ""})`, y: "compressed / original (lower is better)" }),
  ];
  const tip = (p: GenomePoint) => `${p.hash}: ratio ${p.ratio.toFixed(4)}, ${ms(p).toFixed(2)} ms, score ${p.score.toFixed(4)}`;
  for (const p of points.filter((q) => !q.front)) {
    if (p.ratio <= top) body.push(dot(x.at(ms(p)), y.at(p.ratio), 3, "dot-other", tip(p)));
    else {
      const cx = x.at(ms(p));
      const cy = f.top + 6;
      body.push(`<path class="dot-off" d="M${px(cx)},${px(cy - 5)} L${px(cx + 4.5)},${px(cy + 3)} L${px(cx - 4.5)},${px(cy + 3)} Z"><title>${escapeXml(`${tip(p)} (above the axis)`)}</title></path>`);
    }
  }
  const front = points.filter((p) => p.front).sort((a, b) => a.pySec - b.pySec);
  // a staircase: from each front genome, faster genomes are larger until the next one
  const steps: [number, number][] = [];
  front.forEach((p, i) => {
    if (i > 0) steps.push([x.at(ms(p)), y.at(front[i - 1].ratio)]);
    steps.push([x.at(ms(p)), y.at(p.ratio)]);
  });
  if (steps.length > 1) body.push(`<path class="front-line" d="${polyline(steps)}"/>`);
  for (const p of front) body.push(dot(x.at(ms(p)), y.at(p.ratio), 4.5, "dot-front", tip(p)));
  const bestPoint = points.find((p) => p.hash === best);
  if (bestPoint) {
    const bx = x.at(ms(bestPoint));
    const by = y.at(bestPoint.ratio);
    body.push(`<circle class="best-ring" cx="${px(bx)}" cy="${px(by)}" r="9"/>`);
    body.push(`<text class="best-label" x="${px(bx + 12)}" y="${px(by + 16)}">best ${bestPoint.score.toFixed(4)}</text>`);
  }
  baselines.forEach((b, i) => {
    const bx = x.at(ms(b));
    const by = y.at(b.ratio);
    const right = bx < (f.left + f.right) / 2;
    body.push(`<rect class="baseline-mark" x="${px(bx - 5)}" y="${px(by - 5)}" width="10" height="10"><title>${escapeXml(`${b.name} (${b.hash}): ratio ${b.ratio.toFixed(4)}, score ${b.score.toFixed(4)}`)}</title></rect>`);
    body.push(
      `<text class="baseline-label" x="${px(bx + (right ? 9 : -9))}" y="${px(by + (i % 2 ? 16 : -8))}" text-anchor="${right ? "start" : "end"}">${escapeXml(b.name)} ${b.score.toFixed(4)}</text>`,
    );
  });
  body.push(
    legend(f.right, 18, [
      { swatch: `<circle class="dot-other" cx="10" cy="0" r="3"/>`, text: "kept genome" },
      { swatch: `<line class="front-line" x1="0" y1="0" x2="20" y2="0"/><circle class="dot-front" cx="10" cy="0" r="4"/>`, text: "Pareto front" },
      { swatch: `<rect class="baseline-mark" x="5" y="-5" width="10" height="10"/>`, text: "baseline (seed)" },
      { swatch: `<circle class="best-ring" cx="10" cy="0" r="6"/>`, text: "best Apex score" },
    ]),
  );
  return svgRoot(PARETO_CHART_ID, width, height, body.join("\n"), label);
};
