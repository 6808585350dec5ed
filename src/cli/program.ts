/** The commander program: one file per verb, registered here. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { registerCompress } from "./compress.js";
import { registerDecompress } from "./decompress.js";
import { registerDemo } from "./demo.js";
import { registerEmit } from "./emit.js";
import { registerEmitDecoder } from "./emit-decoder.js";
import { registerInspect } from "./inspect.js";
import { registerLeaderboard } from "./leaderboard.js";
import { registerOvernight } from "./overnight.js";
import { registerPareto } from "./pareto.js";
import { registerPipelines } from "./pipelines.js";
import { registerReport } from "./report.js";
import { registerSearch } from "./search.js";
import { registerShow } from "./show.js";
import { registerVerify } from "./verify.js";

const packageJson = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "package.json");

export const buildProgram = (): Command => {
  const program = new Command("evocodec")
    .description("lossless codecs for bf16 tensors: compress, decompress, inspect, emit the Python decoder")
    .version((JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version)
    // errors go through main.ts (exit 2 for usage); set before the verbs so they inherit it
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`evocodec: usage: ${str.replace(/^error: /, "")}`) })
    .showSuggestionAfterError();
  registerCompress(program);
  registerDecompress(program);
  registerInspect(program);
  registerPipelines(program);
  registerEmitDecoder(program);
  registerEmit(program);
  registerVerify(program);
  registerSearch(program);
  registerLeaderboard(program);
  registerPareto(program);
  registerShow(program);
  registerReport(program);
  registerOvernight(program);
  registerDemo(program);
  return program;
};
