/** `evocodec pareto [--run R] [--json]`: the genomes of a run no other beats on both size and Python time. */
import type { Command } from "commander";
import { Effect } from "effect";
import type { Queries } from "../../results/store.js";
import { nonDominatedSort, type Scored } from "../../search/selection.js";
import { table } from "./common.js";
import { chooseRun, COST_HEADERS, costCells, DB_HELP, describeGenome, resultsAction, RUN_OPTION, withQueries } from "./results-common.js";

interface Options {
  readonly run?: number;
  readonly json?: boolean;
  readonly db?: string;
}

/** Every genome that was a member of any generation of the run, with its latest fitness. */
const everyMember = (q: Queries, run: number): Scored[] =>
  q.leaderboard(run, 1_000_000).map((x) => ({ ...(x.fitness as Omit<Scored, "genome">), hash: x.genome, genome: JSON.parse(x.canonical) }));

const run = (opts: Options) =>
  withQueries(opts.db, (q) => {
    const r = chooseRun(q, opts.run);
    const front = (nonDominatedSort(everyMember(q, r.id), (s) => [s.ratio, s.predictedPySec])[0] ?? []).sort((a, b) => a.ratio - b.ratio);
    if (opts.json) {
      process.stdout.write(JSON.stringify({ run: r.id, objectives: ["ratio", "predictedPySec"], front: front.map((s) => ({ ...s, pipeline: s.genome, genome: undefined })) }, null, 2) + "\n");
      return;
    }
    process.stdout.write(`run ${r.id}: ${front.length} genome(s) on the front of (ratio, predicted Python time), smallest first\n`);
    const lines = table(
      ["genome", ...COST_HEADERS, "apex", "pipeline"],
      front.map((s) => [
        s.hash,
        ...costCells(s.ratio, s.predictedPySec, s.encodeSec + s.decodeSec),
        (s.apexMean ?? 0).toFixed(4),
        describeGenome(s.genome),
      ]),
    );
    process.stdout.write(lines.join("\n") + "\n");
  }).pipe(Effect.asVoid);

export const registerPareto = (program: Command): void => {
  program
    .command("pareto")
    .description("the Pareto front of a search run: compression ratio vs predicted Python time")
    .option(...RUN_OPTION)
    .option("--json", "print as JSON")
    .option("--db <file>", DB_HELP)
    .action(resultsAction(run));
};
