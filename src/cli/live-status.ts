/** The terminal side of a search's progress, shared by the `search` and `overnight` verbs. */
import type { SearchEvent } from "../../search/run.js";

const CLEAR_LINE = "\r\x1b[2K";

/** Plain lines plus, on a TTY, one status line rewritten in place and cleared before the next plain line. */
export class LiveStatus {
  private live = false;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    readonly tty: boolean,
  ) {}

  line(message: string): void {
    this.clear();
    this.stream.write(message + "\n");
  }

  /** The status line (TTY only; nothing elsewhere), cut to the terminal width so it never wraps. */
  status(message: string): void {
    if (!this.tty) return;
    this.stream.write(CLEAR_LINE + message.slice(0, (this.stream.columns ?? 120) - 1));
    this.live = true;
  }

  clear(): void {
    if (this.live) this.stream.write(CLEAR_LINE);
    this.live = false;
  }
}

/** Where the current generation stands, tallied from every search event. */
export class GenerationTally {
  generation = 0;
  done = 0;
  total = 0;

  see(e: SearchEvent): void {
    if (e.type === "generation-start") {
      this.generation = e.generation;
      this.done = 0;
      this.total = e.candidates;
    } else if (e.type === "evaluated" || e.type === "failed") this.done++;
  }

  /** "gen G [done/total]" */
  toString(): string {
    return `gen ${this.generation} [${this.done}/${this.total}]`;
  }
}

/** The start event's corpus and population, as both verbs print them. */
export const corpusText = (e: Extract<SearchEvent, { type: "start" }>): string =>
  `${e.corpus.files} files, ${e.corpus.bytes.toLocaleString("en-US")} bytes, population ${e.config.population}`;

/** A finished generation's counts and evaluation rate. */
export const generationCounts = (e: Extract<SearchEvent, { type: "generation" }>): string =>
  `evaluated ${e.evaluated} cached ${e.cached} failed ${e.failed} | ${e.progress.evalsPerSec.toFixed(2)} eval/s`;
