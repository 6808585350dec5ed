/**
 * SUMMARY.md: what a person reads in the morning. What ran and for how long, how far the search
 * got, the best measured (verified) solution against the baseline and the score to beat, and
 * where every file is.
 */
import type { ReportData } from "../report/data.js";
import { LEAD_MARGIN } from "../verify/score.js";
import { formatDuration } from "../cli/results-common.js";
import { NIGHT_FILES, type NightState } from "./state.js";

const f4 = (x: number): string => x.toFixed(4);
const gain = (a: number, b: number): string => (b > 0 ? `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%` : "n/a");
const local = (iso: string): string => new Date(iso).toLocaleString("en-GB", { hour12: false });

const statusLine = (s: NightState): string => {
  switch (s.status) {
    case "finished":
      return `**Finished** at ${local(s.endedAt ?? new Date().toISOString())}${s.statusDetail ? ` (${s.statusDetail})` : ""}.`;
    case "stopped":
      return `**Stopped** at ${local(s.endedAt ?? new Date().toISOString())} (${s.statusDetail ?? "signal"}); run the same command again to resume.`;
    case "failed":
      return `**Failed** at ${local(s.endedAt ?? new Date().toISOString())}: ${s.statusDetail ?? "see overnight.log"}. Run the same command again to resume.`;
    case "running":
      return `**Running** (last update ${local(new Date().toISOString())}). If the process is gone, it was killed: run the same command again to resume.`;
  }
};

export interface SummaryInput {
  readonly state: NightState;
  readonly report?: ReportData;
  /** The command that resumes or repeats this night. */
  readonly command: string;
}

export const summaryMarkdown = ({ state, report, command }: SummaryInput): string => {
  const o: string[] = [];
  const ended = state.endedAt ?? new Date().toISOString();
  o.push(`# Overnight search — ${local(state.startedAt).slice(0, 10)}`, "");
  o.push(statusLine(state), "");
  o.push("## What ran", "");
  o.push(`- Data: \`${state.data}\`${report ? ` (${report.corpus.files} files, ${report.corpus.bytes.toLocaleString("en-US")} bytes)` : ""}; target \`${state.target}\``);
  o.push(
    `- From ${local(state.startedAt)} to ${local(ended)} (${formatDuration(Date.parse(ended) - Date.parse(state.startedAt))}; deadline ${local(state.deadline)})` +
      (state.starts.length > 1 ? `, ${state.starts.length - 1} restart(s)` : ""),
  );
  if (report) {
    const evaluated = report.generations.reduce((a, g) => a + g.evaluated, 0);
    const failed = report.generations.reduce((a, g) => a + g.failed, 0);
    o.push(`- Search run ${report.run.id} (${report.run.status}): ${report.generations.length} generation(s), ${report.evaluations.genomes.toLocaleString("en-US")} genomes evaluated (${evaluated} in finished generations, ${failed} failed), population ${String(report.run.config.population ?? "?")}`);
  } else o.push("- The search had not started a run yet.");
  o.push(`- Checkpoints: ${state.checkpoints.length} verification(s), ${state.checkpoints.filter((c) => c.kept).length} kept as the best`);
  o.push("");

  o.push("## Best result", "");
  const apex = report?.baselines.find((b) => b.name === "apex-baseline");
  if (report?.best)
    o.push(
      `- Search (predicted): genome \`${report.best.hash}\`, score **${f4(report.best.score)}**, ratio ${f4(report.best.ratio)}` +
        (apex ? `; baseline ${f4(apex.score)} (${gain(report.best.score, apex.score)})` : "") +
        `\n  \`${report.best.description}\``,
    );
  const best = state.best;
  if (best) {
    o.push(
      `- Verified (measured, ${best.scope === "full" ? "whole data" : "subset"} of ${best.files} files, ${state.target}): genome \`${best.genome}\` (generation ${best.generation}), ` +
        `score **${f4(best.measuredScore)}**` +
        (best.baselineScore !== null ? ` vs baseline ${f4(best.baselineScore)} (**${gain(best.measuredScore, best.baselineScore)}**)` : ""),
    );
    if (state.scoreToBeat !== undefined) {
      const threshold = Math.max(state.scoreToBeat, best.baselineScore ?? 0) * LEAD_MARGIN;
      o.push(
        `- Score to beat ${f4(state.scoreToBeat)}: ${gain(best.measuredScore, state.scoreToBeat)}; leading needs ≥ ${f4(threshold)} → ` +
          (best.measuredScore >= threshold ? "**clears it**" : "does not clear it"),
      );
    }
  } else o.push("- No verified solution yet" + (state.checkpoints.some((c) => c.error) ? ` (last error: ${state.checkpoints.filter((c) => c.error).pop()!.error})` : "") + ".");
  o.push("");

  if (state.checkpoints.length > 0) {
    o.push("## Checkpoints", "", "| time | generation | genome | predicted | measured | baseline | files | kept |", "|---|---:|---|---:|---:|---:|---|---|");
    for (const c of state.checkpoints.slice(-20))
      o.push(
        `| ${local(c.at)} | ${c.generation} | \`${c.genome}\` | ${f4(c.predictedScore)} | ${c.measuredScore === undefined ? (c.error ? "error" : "-") : c.bitExact ? f4(c.measuredScore) : "not exact"} | ` +
          `${c.baselineScore === undefined ? "-" : f4(c.baselineScore)} | ${c.scope}${c.files ? ` (${c.files})` : ""} | ${c.kept ? "yes" : ""} |`,
      );
    o.push("");
  }

  o.push("## Files", "");
  o.push(`- \`${NIGHT_FILES.solution}\` — the verified best solution${best ? "" : " (not written yet)"}; \`${NIGHT_FILES.verification}\` — its verification`);
  o.push(`- \`${NIGHT_FILES.report}\` — charts, Pareto front, the best pipeline and its lineage, per-file table`);
  o.push(`- \`${NIGHT_FILES.log}\` — the night's log; \`${NIGHT_FILES.db}\` — the results database (\`evocodec leaderboard --db …\`)`);
  o.push("");
  o.push("## Next", "");
  o.push(`- Resume or repeat: \`${command}\``);
  o.push(`- Check again: \`evocodec verify ${NIGHT_FILES.solution} --data ${state.data}${state.scoreToBeat !== undefined ? ` --score-to-beat ${state.scoreToBeat}` : ""}\``);
  o.push("");
  return o.join("\n");
};
