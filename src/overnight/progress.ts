/**
 * Output that suits a run of many hours: every event worth keeping goes to the log file with a
 * timestamp; the terminal gets the same lines plus, on a TTY, one live status line (generation,
 * candidates done, best score, time left), and otherwise plain lines only (one per generation, and
 * a progress line when a generation has been quiet for a while).
 */
import { appendFileSync } from "node:fs";
import { genomeHash, seedGenomes } from "../../search/genome.js";
import type { SearchEvent } from "../../search/run.js";
import { corpusText, GenerationTally, generationCounts, LiveStatus } from "../cli/live-status.js";
import { formatDuration } from "../cli/results-common.js";

/** Without a TTY, a generation that has printed nothing for this long gets a progress line. */
const QUIET_MS = 5 * 60_000;

const clock = (d = new Date()): string => d.toTimeString().slice(0, 8);

export class NightLog {
  private readonly terminal: LiveStatus;
  private lastLineAt = Date.now();
  constructor(
    readonly file: string,
    stream: NodeJS.WriteStream = process.stdout,
    readonly tty: boolean = Boolean(process.stdout.isTTY),
  ) {
    this.terminal = new LiveStatus(stream, tty);
  }

  /** A line for the log file (ISO timestamp) and the terminal (local time). */
  line(message: string): void {
    const now = new Date();
    appendFileSync(this.file, `${now.toISOString()} ${message}\n`);
    this.terminal.line(`${this.tty ? clock(now) : now.toISOString()} ${message}`);
    this.lastLineAt = now.getTime();
  }

  /** The live status line (TTY only; nothing elsewhere). */
  status(message: string): void {
    this.terminal.status(message);
  }

  /** How long since the last line (for quiet-period progress lines). */
  quietForMs(): number {
    return Date.now() - this.lastLineAt;
  }

  endStatus(): void {
    this.terminal.clear();
  }
}

const score = (x: number): string => x.toFixed(4);

const apexSeed = seedGenomes().find((s) => s.name === "apex-baseline");
const APEX_BASELINE = apexSeed ? genomeHash(apexSeed.genome) : undefined;

/** Turns the search's events into log lines and the live status, with the time left until `deadline`. */
export const searchReporter = (log: NightLog, deadline: number) => {
  const tally = new GenerationTally();
  let best: number | undefined;
  let baseline: number | undefined;
  const left = () => formatDuration(Math.max(0, deadline - Date.now()));
  const versus = () => {
    if (best === undefined || !baseline) return "";
    const gain = (best / baseline - 1) * 100;
    return ` (${gain >= 0 ? "+" : ""}${gain.toFixed(1)}% vs baseline)`;
  };
  const status = () => log.status(`${tally} best ${best === undefined ? "-" : score(best)}${versus()} | ${left()} left`);
  return (e: SearchEvent): void => {
    tally.see(e);
    switch (e.type) {
      case "calibrating":
        log.line(`calibrating the Python cost model (${e.primitives.length} primitive(s), once per machine and database)`);
        break;
      case "calibration-progress":
        log.status(`calibrating ${e.done}/${e.total} ${e.key}`);
        break;
      case "start":
        log.line(`search run ${e.run}${e.resumedFrom !== undefined ? " resumed" : " started"}: ${corpusText(e)}, seed ${e.config.seed}, ${e.workers} worker(s)`);
        break;
      case "generation-start":
        status();
        break;
      case "evaluated":
      case "failed":
        if (e.type === "evaluated" && e.hash === APEX_BASELINE) baseline = e.scored.score;
        if (!log.tty && log.quietForMs() > QUIET_MS) log.line(`gen ${tally.generation}: ${tally.done}/${tally.total} candidates done, ${left()} left`);
        status();
        break;
      case "generation":
        best = e.best.score;
        log.line(
          `gen ${e.generation}: best ${e.best.hash} score ${score(e.best.score)} ratio ${e.best.ratio.toFixed(4)} py ${(e.best.predictedPySec * 1000).toFixed(1)} ms/file | ` +
            `${generationCounts(e)} | ${left()} left`,
        );
        break;
      case "done":
        log.endStatus();
        break;
    }
  };
};
