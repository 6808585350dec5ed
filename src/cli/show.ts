/**
 * `evocodec show GENOME|best [--run R] [--json]`: a genome's tree with the bytes every node saw
 * and produced over the corpus, its timings (measured TS, predicted Python) and its lineage.
 * `--json` prints only the canonical pipeline JSON, which `compress --pipeline` accepts.
 */
import type { Command } from "commander";
import { Effect } from "effect";
import { parsePipeline, type PipelineNode } from "../codec/index.js";
import { lookupGenome } from "../../results/resolve.js";
import { StoreError, sumNodeStats, type Queries } from "../../results/store.js";
import { predictPythonSeconds, storedModel } from "../../search/python-cost.js";
import { apexScore } from "../../search/selection.js";
import { defaultPython } from "../python/interpreter.js";
import { DB_HELP, describeGenome, ms, positiveInt, ratioText, resultsAction, withQueries } from "./results-common.js";

interface Options {
  readonly run?: number;
  readonly json?: boolean;
  readonly db?: string;
  readonly python?: string;
}

/** Parameters that differ from their defaults. */
const params = (n: PipelineNode): string =>
  Object.entries(n.params)
    .filter(([k, v]) => v !== n.prim.params[k]?.default)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

/** Tree lines: each node with its input and payload bytes summed over the corpus files. */
const treeLines = (root: PipelineNode, stats: { inputBytes: number; payloadBytes: number }[] | undefined): string[] => {
  const rows: [string, string][] = [];
  let i = 0;
  const walk = (n: PipelineNode, prefix: string, label: string, last: boolean, top: boolean) => {
    const s = stats?.[i++];
    const head = top ? "" : `${prefix}${last ? "└─ " : "├─ "}`;
    const name = `${head}${label ? label + ": " : ""}${n.prim.name}${params(n) ? " " + params(n) : ""}`;
    rows.push([name, s ? `${s.inputBytes.toLocaleString("en-US")} -> ${s.payloadBytes.toLocaleString("en-US")}` : ""]);
    const names = n.prim.outputNames(n.params);
    const childPrefix = top ? "" : prefix + (last ? "   " : "│  ");
    n.children.forEach((c, k) => walk(c, childPrefix, names[k] ?? `s${k}`, k === n.children.length - 1, false));
  };
  walk(root, "", "", true, true);
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`.trimEnd());
};

const lineageLines = (q: Queries, hash: string, preferRun: number | undefined): string[] => {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (h: string, depth: number) => {
    const rows = q.lineageOf(h);
    const row = rows.find((r) => r.run === preferRun) ?? rows[0];
    const indent = "  ".repeat(depth + 1);
    if (!row) {
      out.push(`${indent}${h} (no lineage recorded)`);
      return;
    }
    const from = row.parents.length ? ` of ${row.parents.join(" x ")}` : "";
    out.push(`${indent}${h} <- ${row.operator}${from} (run ${row.run}, generation ${row.generation})`);
    seen.add(h);
    if (depth >= 7) {
      if (row.parents.length) out.push(`${indent}  ...`);
      return;
    }
    for (const p of row.parents) if (!seen.has(p)) walk(p, depth + 1);
  };
  walk(hash, 0);
  return out;
};

const run = (ref: string, opts: Options) =>
  withQueries(opts.db, (q) => {
    const found = lookupGenome(q, opts.run !== undefined && ref === "best" ? `best:${opts.run}` : ref);
    if (!found) throw new StoreError({ reason: "not-found", message: `no genome "${ref}" in ${q.path}` });
    if (opts.json) {
      process.stdout.write(JSON.stringify(found.genome, null, 2) + "\n");
      return;
    }
    const o = (x = "") => process.stdout.write(x + "\n");
    const row = q.genome(found.hash)!;
    const root = parsePipeline(found.genome);
    o(`genome ${found.hash}: ${row.size} node(s), gate ${row.gate ?? "not run"}, first seen ${row.firstSeen}${row.firstRun ? ` in run ${row.firstRun}` : ""}`);
    o(`  ${describeGenome(found.genome)}`);
    o(`  ${JSON.stringify(found.genome)}`);
    const run = found.run ?? opts.run ?? row.firstRun ?? undefined;
    const runRow = run !== undefined ? q.run(run) : undefined;
    const fp = [runRow?.corpusFp, ...q.corporaOf(found.hash)].find((c) => c !== undefined && q.evaluationsOfGenome(found.hash, c).length > 0);
    const files = fp ? q.evaluationsOfGenome(found.hash, fp) : [];
    o();
    if (files.length === 0) {
      o("not evaluated on any corpus");
      treeLines(root, undefined).forEach((l) => o(l));
    } else if (!files.every((f) => f.ok)) {
      const failure = q.failureOf(found.hash);
      o(`failed on corpus ${fp}: ${failure ? `${failure.reason}: ${failure.message}` : "see failures"}`);
      treeLines(root, undefined).forEach((l) => o(l));
    } else {
      const original = files.reduce((a, f) => a + f.originalBytes, 0);
      const compressed = files.reduce((a, f) => a + (f.compressedBytes ?? 0), 0);
      const model = storedModel(q, opts.python ?? defaultPython());
      const py = files.map((f) => predictPythonSeconds(model, root, (f.streams ?? []).map((s) => s.inputBytes)));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const score = mean(files.map((f, i) => apexScore(f.compressedBytes! / Math.max(1, f.originalBytes), py[i].totalSec)));
      o(`corpus ${fp}: ${files.length} file(s), ${original.toLocaleString("en-US")} -> ${compressed.toLocaleString("en-US")} bytes, ratio ${ratioText(compressed / original)}`);
      o(`streams (bytes in -> payload bytes, summed over the corpus):`);
      treeLines(root, sumNodeStats(files)).forEach((l) => o(l));
      const enc = files.reduce((a, f) => a + (f.encodeSec ?? 0), 0);
      const dec = files.reduce((a, f) => a + (f.decodeSec ?? 0), 0);
      const measurements = Math.min(...files.map((f) => f.measurements));
      o(`TypeScript (measured, min of ${measurements}): encode ${ms(enc)} ms, decode ${ms(dec)} ms over the corpus`);
      o(
        `Python (predicted, ${model.kind === "calibrated" ? "calibrated on this machine" : "nominal figures: not calibrated here"}): ` +
          `encode ${ms(mean(py.map((p) => p.encodeSec)))} ms, decode ${ms(mean(py.map((p) => p.decodeSec)))} ms per file; Apex score ${score.toFixed(4)}`,
      );
    }
    o();
    o("lineage:");
    lineageLines(q, found.hash, run).forEach((l) => o(l));
  }).pipe(Effect.asVoid);

export const registerShow = (program: Command): void => {
  program
    .command("show")
    .description("a genome from the results database: tree, per-stream sizes, timings, lineage")
    .argument("<genome>", "genome hash (or a unique prefix), or best (the top of the latest run's leaderboard)")
    .option("--run <id>", "with best: the best of this run", positiveInt("--run"))
    .option("--json", "print only the pipeline JSON (what compress --pipeline accepts)")
    .option("--db <file>", DB_HELP)
    .option("--python <path>", "interpreter whose calibration predicts Python time")
    .action(resultsAction(run));
};
