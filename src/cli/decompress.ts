/** `evocodec decompress IN -o OUT`: a frame or container back to the original file, byte for byte. */
import type { Command } from "commander";
import { Effect } from "effect";
import { decompress, readBytes, writeBytes } from "../io/index.js";
import { action, formatBytes, formatMs, out } from "./common.js";

const run = (input: string, opts: { readonly output: string }) =>
  Effect.gen(function* () {
    const bytes = yield* readBytes(input);
    const t0 = performance.now();
    const result = yield* decompress(bytes);
    const ms = performance.now() - t0;
    yield* writeBytes(opts.output, result.output);
    out(`${input} -> ${opts.output}: ${formatBytes(bytes.length)} -> ${formatBytes(result.output.length)} bytes (${result.kind}), ${formatMs(ms)}`);
  });

export const registerDecompress = (program: Command): void => {
  program
    .command("decompress")
    .description("restore the original file from a frame or container")
    .argument("<in>", "compressed file (.evc)")
    .requiredOption("-o, --output <file>", "restored file")
    .action(action(run));
};
