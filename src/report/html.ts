/**
 * The report page: one self-contained HTML file (inline CSS and SVG; no script, font, image or
 * stylesheet from anywhere else), readable offline and printable.
 */
import { CHART_SIZE, paretoChart, scoreChart } from "./charts.js";
import type { FileRow, ReportData } from "./data.js";
import { humanBytes, lineageSvg, treeSvg } from "./diagrams.js";
import { escapeXml as esc } from "./svg.js";

export const STYLE = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --card: #ffffff; --accent: #2563eb; --good: #15803d; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; }
.sub { color: var(--muted); margin: 0 0 18px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 0 0 18px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 20px; font-weight: 600; }
.card .d { color: var(--muted); font-size: 12px; }
.good { color: var(--good); } .bad { color: var(--bad); }
.charts { display: grid; grid-template-columns: 1fr; gap: 18px; }
.scroll { overflow-x: auto; }
svg.chart { width: 100%; max-width: 860px; height: auto; display: block; margin: 0 auto; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.pipeline { background: var(--bg); border-radius: 6px; padding: 8px 10px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 5px 7px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { white-space: normal; vertical-align: bottom; }
th { color: var(--muted); font-weight: 600; background: var(--bg); }
th:first-child, td:first-child { text-align: left; }
tr.mean td { font-weight: 600; border-top: 2px solid var(--line); }
.note { color: var(--muted); font-size: 12px; margin: 8px 0 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: var(--ink); }
.chart-bg { fill: #fff; }
.grid { stroke: #edf1f5; stroke-width: 1; }
.axis, .tick { stroke: #7b8794; stroke-width: 1; }
.tick-label { font-size: 11px; fill: var(--muted); }
.axis-title { font-size: 12px; fill: var(--muted); }
.chart-title { font-size: 14px; font-weight: 600; }
.series-best { fill: none; stroke: var(--accent); stroke-width: 2.2; }
.series-median { fill: none; stroke: #f59e0b; stroke-width: 1.8; stroke-dasharray: 6 4; }
.dot-best { fill: var(--accent); }
.value-label { font-size: 11px; font-weight: 600; fill: var(--accent); }
.ref-baseline { stroke: #6b7280; stroke-width: 1.4; stroke-dasharray: 3 3; }
.ref-beat { stroke: var(--bad); stroke-width: 1.4; stroke-dasharray: 8 3; }
.ref-label { font-size: 11px; fill: #4b5563; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.ref-beat-label { fill: var(--bad); }
.legend-box { fill: #fff; fill-opacity: .92; stroke: var(--line); }
.legend-text { font-size: 11px; }
.dot-other { fill: #9aa5b1; fill-opacity: .7; }
.dot-off { fill: none; stroke: #9aa5b1; stroke-width: 1.2; }
.dot-front { fill: var(--accent); stroke: #fff; stroke-width: 1; }
.front-line { fill: none; stroke: var(--accent); stroke-width: 1.6; }
.best-ring { fill: none; stroke: var(--good); stroke-width: 2.4; }
.best-label { font-size: 11px; font-weight: 600; fill: var(--good); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.baseline-mark { fill: #f97316; stroke: #9a3412; stroke-width: 1; }
.baseline-label { font-size: 11px; fill: #9a3412; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.empty { fill: var(--muted); font-size: 13px; }
.edge { fill: none; stroke: #9aa5b1; stroke-width: 1.6; stroke-linejoin: round; }
.edge-wrap { stroke-dasharray: 5 3; }
.edge-label { font-size: 11px; fill: var(--muted); paint-order: stroke; stroke: #fff; stroke-width: 4px; }
.tree-node rect { stroke-width: 1.4; }
.kind-split rect { fill: #e0ecff; stroke: #3b82f6; }
.kind-transform rect { fill: #f3e8ff; stroke: #9333ea; }
.kind-backend rect { fill: #dcfce7; stroke: #16a34a; }
.node-op { font-size: 13px; font-weight: 700; }
.node-params { font-size: 11px; fill: var(--muted); }
.node-bytes { font-size: 11px; }
.lineage-node rect { fill: #fff; stroke: #9aa5b1; stroke-width: 1.2; }
.lineage-node.is-best rect { fill: #dcfce7; stroke: var(--good); stroke-width: 2; }
.lineage-node.is-seed rect { fill: #fff7ed; stroke: #f97316; }
.lin-hash { font-size: 11px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.lin-op { font-size: 12px; font-weight: 600; }
.lin-score { font-size: 11px; fill: var(--muted); }
@media print { body { background: #fff; } section, .card { break-inside: avoid; } }
`;

const f4 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(4));
const msText = (sec: number | null | undefined): string => (sec === null || sec === undefined ? "–" : (sec * 1000).toFixed(sec * 1000 < 10 ? 2 : 1));
const pct = (a: number, b: number): string => (b > 0 ? `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%` : "–");
const signClass = (a: number, b: number): string => (a >= b ? "good" : "bad");

const card = (k: string, v: string, d = "", cls = ""): string =>
  `<div class="card"><div class="k">${esc(k)}</div><div class="v ${cls}">${esc(v)}</div><div class="d">${esc(d)}</div></div>`;

const duration = (from: string, to: string | null): string => {
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return "–";
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s` : `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
};

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

const fileTable = (rows: readonly FileRow[]): string => {
  if (rows.length === 0) return `<p class="note">The best genome has no stored evaluation on this corpus.</p>`;
  const measured = rows.some((r) => r.measured);
  const head = [
    "file", "bytes", "compressed", "ratio", "TS enc ms", "TS dec ms", "Py ms (pred.)", "score (pred.)", "baseline ratio", "baseline score", "vs baseline",
    ...(measured ? ["measured ms", "measured score"] : []),
  ];
  const line = (r: FileRow) =>
    [
      esc(r.file), r.originalBytes.toLocaleString("en-US"), r.compressedBytes.toLocaleString("en-US"), f4(r.ratio), msText(r.encodeSec), msText(r.decodeSec),
      msText(r.pySec), f4(r.score), f4(r.baseline?.ratio), f4(r.baseline?.score),
      r.baseline ? `<span class="${signClass(r.score, r.baseline.score)}">${pct(r.score, r.baseline.score)}</span>` : "–",
      ...(measured ? [msText(r.measured?.timeSec), r.measured ? (r.measured.bitExact ? f4(r.measured.score) : `<span class="bad">not exact</span>`) : "–"] : []),
    ];
  const m = (sel: (r: FileRow) => number | null | undefined) => mean(rows.map(sel).filter((v): v is number => v !== null && v !== undefined));
  const baseScore = m((r) => r.baseline?.score);
  const meanRow = [
    "mean", rows.reduce((a, r) => a + r.originalBytes, 0).toLocaleString("en-US"), rows.reduce((a, r) => a + r.compressedBytes, 0).toLocaleString("en-US"),
    f4(m((r) => r.ratio)), msText(m((r) => r.encodeSec)), msText(m((r) => r.decodeSec)), msText(m((r) => r.pySec)), f4(m((r) => r.score)),
    f4(m((r) => r.baseline?.ratio)), f4(baseScore), Number.isFinite(baseScore) ? pct(m((r) => r.score), baseScore) : "–",
    ...(measured ? [msText(m((r) => r.measured?.timeSec)), f4(m((r) => r.measured?.score))] : []),
  ];
  return (
    `<div class="scroll"><table id="files-table"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${line(r).map((c) => `<td>${c}</td>`).join("")}</tr>`).join("") +
    `<tr class="mean">${meanRow.map((c) => `<td>${c}</td>`).join("")}</tr></tbody></table></div>`
  );
};

const verificationTable = (d: ReportData): string => {
  if (d.verifications.length === 0) return "";
  const rows = d.verifications.slice(0, 30).map(
    (v) =>
      `<tr><td class="mono">${esc(v.genome)}</td><td>${esc(v.verifiedAt.replace("T", " ").slice(0, 19))}</td><td>${esc(v.target)}</td><td>${v.files.length}</td>` +
      `<td>${v.bitExact ? "yes" : '<span class="bad">no</span>'}</td><td>${f4(v.meanScore)}</td><td>${f4(v.baselineMeanScore)}</td><td>${f4(v.predictedScore)}</td><td>${msText(v.meanTimeSec)}</td></tr>`,
  );
  return (
    `<section><h2>Verified solutions (evocodec verify: the real Python solution through its Apex interface)</h2><div class="scroll"><table id="verifications-table">` +
    `<thead><tr><th>genome</th><th>verified at (UTC)</th><th>target</th><th>files</th><th>bit-exact</th><th>measured score</th><th>baseline score</th><th>predicted score</th><th>ms per file</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div></section>`
  );
};

/** The whole page. */
export const renderReport = (d: ReportData): string => {
  const apex = d.baselines.find((b) => b.name === "apex-baseline");
  const best = d.best;
  const run = d.run;
  const gens = d.generations.length;
  const cards = [
    card("run", `#${run.id}`, `${run.status}, ${duration(run.startedAt, run.finishedAt)}`),
    card("generations", String(gens), `population ${String(run.config.population ?? "?")}, seed ${run.seed}`),
    card("genomes evaluated", d.evaluations.genomes.toLocaleString("en-US"), `${d.evaluations.failures} failure(s)`),
    card("best score (pred.)", f4(best?.score), best ? `ratio ${best.ratio.toFixed(4)}, ${msText(best.pySec)} ms/file` : ""),
    ...(apex && best ? [card("vs apex baseline", pct(best.score, apex.score), `baseline ${apex.score.toFixed(4)}`, signClass(best.score, apex.score))] : []),
    ...(d.scoreToBeat !== undefined && best ? [card("vs score to beat", pct(best.score, d.scoreToBeat), `to beat ${d.scoreToBeat.toFixed(4)} (+1% to lead)`, signClass(best.score, d.scoreToBeat * 1.01))] : []),
  ];
  const data = Array.isArray(run.config.data) ? (run.config.data as string[]).join(", ") : String(run.config.data ?? "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(d.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${esc(d.title)}</h1>
<p class="sub">Corpus ${esc(data)}: ${d.corpus.files} file(s), ${humanBytes(d.corpus.bytes)} · objective ${esc(String(run.config.objective ?? "apex"))} · started ${esc(run.startedAt.replace("T", " ").slice(0, 19))} UTC · Python times ${d.modelKind === "calibrated" ? "predicted by the calibrated cost model" : "from nominal figures (run without calibration)"}</p>
<div class="cards">${cards.join("")}</div>
<section class="charts">
<div class="scroll">${scoreChart({ generations: d.generations, baseline: apex?.score, scoreToBeat: d.scoreToBeat })}</div>
<div class="scroll">${paretoChart({ points: d.points, baselines: d.baselines, best: best?.hash })}</div>
<p class="note">Scores are the Apex formula with the search's predicted Python time; the front holds the kept genomes no other beats on both size and predicted time. Hover a point for its genome.</p>
</section>
<section>
<h2>Best genome${best ? ` <span class="mono">${esc(best.hash)}</span> (generation ${best.generation}, ${best.size} node(s))` : ""}</h2>
${best ? `<p class="pipeline mono">${esc(best.description)}</p>` : ""}
<div class="scroll">${treeSvg(d.tree)}</div>
<p class="note">Each node: bytes it received → payload bytes of its subtree, summed over the corpus. Blue: splits, purple: transforms, green: backends; edges are labelled with the stream they carry.</p>
</section>
<section>
<h2>Lineage of the best genome</h2>
<div class="scroll">${lineageSvg(d.lineage.nodes)}</div>
<p class="note">Ancestors by generation, oldest left; each box names the operator that produced it.${d.lineage.truncated ? " Older ancestors are left out." : ""}</p>
</section>
<section>
<h2>Per file (best genome vs the Apex baseline, zstd level 3)</h2>
${fileTable(d.files)}
<p class="note">ratio = compressed/original; TS = measured in the search (TypeScript); Py = predicted time of the generated Python solution; measured = evocodec verify.</p>
</section>
${verificationTable(d)}
<footer>evocodec report · ${esc(d.db)} · generated ${esc(d.generatedAt.replace("T", " ").slice(0, 19))} UTC</footer>
</main>
</body>
</html>
`;
};

/** A page holding one chart alone, sized to it (for PNG export). */
export const chartPage = (svg: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE} body { background: #fff; margin: 0; } svg { display: block; }</style></head><body>${svg}</body></html>`;

export { CHART_SIZE };
