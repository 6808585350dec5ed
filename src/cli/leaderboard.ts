/** `evocodec leaderboard [--run R] [--limit N] [--json]`: the best genomes of a run by Apex score. */
import type { Command } from "commander";
import { Effect } from "effect";
import { table } from "./common.js";
import { chooseRun, COST_HEADERS, costCells, DB_HELP, describeGenome, positiveInt, resultsAction, RUN_OPTION, withQueries } from "./results-common.js";

interface Options {
  readonly run?: number;
  readonly limit?: number;
  readonly json?: boolean;
  readonly db?: string;
}

const num = (x: unknown): number => (typeof x === "number" ? x : NaN);

const run = (opts: Options) =>
  withQueries(opts.db, (q) => {
    const r = chooseRun(q, opts.run);
    const rows = q.leaderboard(r.id, opts.limit ?? 20);
    if (opts.json) {
      process.stdout.write(
        JSON.stringify(
          { run: r.id, status: r.status, objective: r.config.objective, entries: rows.map((x, i) => ({ rank: i + 1, hash: x.genome, score: x.score, ratio: x.ratio, generation: x.generation, fitness: x.fitness, pipeline: JSON.parse(x.canonical) })) },
          null,
          2,
        ) + "\n",
      );
      return;
    }
    process.stdout.write(`run ${r.id} (${r.status}, objective ${String(r.config.objective)}, seed ${r.seed}, started ${r.startedAt})\n`);
    const lines = table(
      ["#", "genome", "score", ...COST_HEADERS, "nodes", "gen", "pipeline"],
      rows.map((x, i) => [
        String(i + 1),
        x.genome,
        x.score.toFixed(4),
        ...costCells(x.ratio, num(x.fitness.predictedPySec), num(x.fitness.encodeSec) + num(x.fitness.decodeSec)),
        String(x.fitness.size ?? "-"),
        String(x.generation),
        describeGenome(JSON.parse(x.canonical)),
      ]),
    );
    process.stdout.write(lines.join("\n") + "\n");
  }).pipe(Effect.asVoid);

export const registerLeaderboard = (program: Command): void => {
  program
    .command("leaderboard")
    .description("the best genomes of a search run, by Apex score (predicted Python time)")
    .option(...RUN_OPTION)
    .option("-n, --limit <n>", "how many (default 20)", positiveInt("--limit"))
    .option("--json", "print as JSON (with each pipeline)")
    .option("--db <file>", DB_HELP)
    .addHelpText("after", "\nscore: mean Apex score over the corpus files; ratio: compressed/original; py: predicted Python compress+decompress per file; ts: measured TS encode+decode over the corpus.")
    .action(resultsAction(run));
};
