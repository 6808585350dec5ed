/** `evocodec pipelines [--json]`: the built-in pipelines with their JSON and summary. */
import type { Command } from "commander";
import { Effect } from "effect";
import { BUILTIN_PIPELINES } from "../codec/builtins.js";
import { canonicalString, describe, parsePipeline, toJson } from "../codec/index.js";
import { action, out } from "./common.js";

const run = (opts: { readonly json?: boolean }) =>
  Effect.sync(() => {
    const entries = Object.entries(BUILTIN_PIPELINES).map(([name, b]) => ({ name, summary: b.summary, node: parsePipeline(b.json) }));
    if (opts.json) {
      out(JSON.stringify(entries.map((e) => ({ name: e.name, summary: e.summary, json: toJson(e.node) })), null, 2));
      return;
    }
    for (const e of entries) {
      out(`${e.name}: ${e.summary}`);
      out(`  ${describe(e.node)}`);
      out(`  ${canonicalString(e.node)}`);
    }
  });

export const registerPipelines = (program: Command): void => {
  program
    .command("pipelines")
    .description("list the built-in pipelines (names usable with compress --pipeline)")
    .option("--json", "print them as JSON (name, summary, canonical pipeline JSON)")
    .action(action(run));
};
