/** `evocodec compress [--pipeline P] IN -o OUT`: a raw file to a bare frame, .npy/.safetensors to a container. */
import type { Command } from "commander";
import { Effect } from "effect";
import { describe } from "../codec/index.js";
import { compress, formatFromPath, readBytes, writeBytes } from "../io/index.js";
import { action, formatBytes, formatMs, formatRatio, out, resolvePipeline } from "./common.js";

interface Options {
  readonly output: string;
  readonly pipeline?: string;
  readonly db?: string;
  readonly raw?: boolean;
  readonly verbose?: boolean;
}

const run = (input: string, opts: Options) =>
  Effect.gen(function* () {
    const chosen = yield* resolvePipeline(opts.pipeline, opts.db);
    const bytes = yield* readBytes(input);
    const format = opts.raw ? "raw" : formatFromPath(input);
    const t0 = performance.now();
    const result = yield* compress(format, bytes, chosen.node);
    const ms = performance.now() - t0;
    yield* writeBytes(opts.output, result.output);
    const what = format === "raw" ? `pipeline ${chosen.label} = ${describe(result.parts[0].pipeline)}` : `${format}, ${result.parts.length} tensor(s)`;
    const mbs = bytes.length / 1e6 / Math.max(ms / 1e3, 1e-9);
    out(
      `${input} -> ${opts.output}: ${formatBytes(bytes.length)} -> ${formatBytes(result.output.length)} bytes, ` +
        `ratio ${formatRatio(bytes.length, result.output.length)}, ${formatMs(ms)} (${mbs.toFixed(1)} MB/s), ${what}`,
    );
    if (opts.verbose && format !== "raw")
      for (const p of result.parts)
        out(`  ${p.name} ${p.dtype?.name} [${p.shape?.join(", ")}]: ${formatBytes(p.inputBytes)} -> ${formatBytes(p.frameBytes)} (${formatRatio(p.inputBytes, p.frameBytes)}) ${describe(p.pipeline)}`);
  });

export const registerCompress = (program: Command): void => {
  program
    .command("compress")
    .description("compress a file: raw bytes (.bf16 or any extension) to a frame, .npy/.safetensors to a container")
    .argument("<in>", "input file")
    .requiredOption("-o, --output <file>", "compressed output (.evc)")
    .option("-p, --pipeline <pipeline>", "built-in name (see `evocodec pipelines`), JSON pipeline, a JSON file, or a genome: `best`, `best:RUN`, a hash or prefix (default: default)")
    .option("--db <file>", "results database for genome references", "results/evocodec.db")
    .option("--raw", "treat the input as raw bytes whatever its extension")
    .option("-v, --verbose", "list every tensor of a container")
    .addHelpText("after", "\nbf16 tensors (and raw input) use the chosen pipeline; other dtypes get one suited to them.")
    .action(action(run));
};
