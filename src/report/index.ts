/**
 * `evocodec report`: a run of the results database as one self-contained HTML page (charts,
 * pipeline tree, lineage, per-file table), and optionally PNG pictures of its two charts.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Effect } from "effect";
import { openQueries } from "../../results/store.js";
import { CHART_SIZE, paretoChart, scoreChart } from "./charts.js";
import { chooseReportRun, loadReportData, type ReportData, type ReportOptions } from "./data.js";
import { ReportError } from "./errors.js";
import { chartPage, renderReport } from "./html.js";
import { screenshot } from "./png.js";

export { ReportError, type ReportErrorReason } from "./errors.js";
export { findChromium, screenshot } from "./png.js";
export { renderReport } from "./html.js";
export type { ReportData, ReportOptions } from "./data.js";

const fail = (reason: ReportError["reason"]) => (e: unknown): ReportError =>
  e instanceof ReportError ? e : new ReportError({ reason, message: e instanceof Error ? e.message : String(e) });

/** The data of run `ref` (an id or `latest`) in database `db`, read without writing to it. */
export const loadReport = (db: string, ref: string, opts: ReportOptions = {}): ReportData => {
  if (!existsSync(db)) throw new ReportError({ reason: "not-found", message: `no results database at ${db}` });
  const q = openQueries(db, { readonly: true });
  try {
    return loadReportData(q, chooseReportRun(q, ref), opts);
  } finally {
    q.close();
  }
};

/** Writes atomically (temporary file, then rename), so a reader never sees half a page. */
export const writeAtomic = (file: string, content: string): void => {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
};

/** About how tall the page renders (for a whole-page screenshot). */
export const pageHeight = (html: string, data: ReportData): number => {
  const heights = [...html.matchAll(/<svg id="(?:genome-tree|lineage)"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  const tableRows = data.files.length + 2 + Math.min(30, data.verifications.length) + (data.verifications.length ? 3 : 0);
  // charts are drawn up to 860 px wide, so taller than their nominal size
  const chart = (CHART_SIZE.height * 860) / CHART_SIZE.width;
  return Math.round(320 + 2 * chart + 130 + heights.reduce((a, h) => a + h + 140, 0) + tableRows * 33 + 260);
};

export interface WrittenReport {
  readonly file: string;
  readonly pngs: readonly string[];
  readonly data: ReportData;
}

/** PNGs of the score chart and the Pareto chart in `dir` (score-per-generation.png, pareto-front.png). */
export const writeChartPngs = (data: ReportData, dir: string): string[] => {
  mkdirSync(dir, { recursive: true });
  const apex = data.baselines.find((b) => b.name === "apex-baseline");
  const charts: [string, string][] = [
    ["score-per-generation.png", scoreChart({ generations: data.generations, baseline: apex?.score, scoreToBeat: data.scoreToBeat })],
    ["pareto-front.png", paretoChart({ points: data.points, baselines: data.baselines, best: data.best?.hash })],
  ];
  return charts.map(([name, svg]) => {
    const file = path.join(dir, name);
    screenshot(chartPage(svg), file, CHART_SIZE.width, CHART_SIZE.height);
    return file;
  });
};

export const writeReport = (
  db: string,
  ref: string,
  output: string,
  opts: ReportOptions & { readonly png?: string } = {},
): Effect.Effect<WrittenReport, ReportError> =>
  Effect.gen(function* () {
    const data = yield* Effect.try({ try: () => loadReport(db, ref, opts), catch: fail("read-failed") });
    yield* Effect.try({ try: () => writeAtomic(output, renderReport(data)), catch: fail("write-failed") });
    const pngs = opts.png === undefined ? [] : yield* Effect.try({ try: () => writeChartPngs(data, opts.png!), catch: fail("render-failed") });
    return { file: output, pngs, data };
  });
