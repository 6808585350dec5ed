/**
 * `evocodec report RUN|latest [--db FILE] [-o report.html] [--png DIR]`: one self-contained HTML
 * page about a search run (score per generation, Pareto front, the best genome's tree and lineage,
 * per-file table); `--png DIR` also writes the two charts as PNGs through headless Chromium.
 */
import type { Command } from "commander";
import { Effect } from "effect";
import { writeReport } from "../report/index.js";
import { DEFAULT_DB } from "../../results/store.js";
import { out, UsageError } from "./common.js";
import { typedAction } from "./typed-action.js";

interface ReportCliOptions {
  readonly db: string;
  readonly output: string;
  readonly png?: string;
  readonly scoreToBeat?: string;
  readonly title?: string;
  readonly python?: string;
}

const run = (ref: string, opts: ReportCliOptions) =>
  Effect.gen(function* () {
    const scoreToBeat = opts.scoreToBeat === undefined ? undefined : Number(opts.scoreToBeat);
    if (scoreToBeat !== undefined && !(scoreToBeat >= 0 && scoreToBeat <= 1))
      return yield* Effect.fail(new UsageError({ message: `--score-to-beat must be a score between 0 and 1, got "${opts.scoreToBeat}"` }));
    const written = yield* writeReport(opts.db, ref, opts.output, { png: opts.png, scoreToBeat, title: opts.title, python: opts.python });
    const d = written.data;
    out(`wrote ${opts.output}: run ${d.run.id} (${d.run.status}), ${d.generations.length} generation(s), ${d.points.length} kept genome(s)` + (d.best ? `, best ${d.best.hash} score ${d.best.score.toFixed(4)}` : ""));
    for (const p of written.pngs) out(`wrote ${p}`);
  });

export const registerReport = (program: Command): void => {
  program
    .command("report")
    .description("a self-contained HTML report of a search run: charts, Pareto front, best genome's tree and lineage, per-file table")
    .argument("[run]", "run id or `latest` (the newest run with a finished generation)", "latest")
    .option("--db <file>", "results database", DEFAULT_DB)
    .option("-o, --output <file>", "where to write the page", "report.html")
    .option("--png <dir>", "also write score-per-generation.png and pareto-front.png there (needs headless Chromium)")
    .option("--score-to-beat <score>", "draw the current top score as a reference line")
    .option("--title <text>", "page title (default: evocodec run N)")
    .option("--python <path>", "interpreter whose calibration predicts per-file Python time")
    .addHelpText(
      "after",
      `
The page has no external references (inline CSS and SVG, no scripts): open it from disk or mail it.

Examples:
  evocodec report latest -o report.html
  evocodec report 3 --db results/overnight-2025-01-01/evocodec.db -o r.html --png charts/`,
    )
    .action(typedAction(run));
};
