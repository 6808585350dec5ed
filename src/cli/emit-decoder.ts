/** `evocodec emit-decoder -o decoder.py`: the standalone Python universal decoder. */
import type { Command } from "commander";
import { Effect } from "effect";
import { PRIMITIVES } from "../../primitives/index.js";
import { writeBytes } from "../io/index.js";
import { decoderModuleSource } from "../python/module.js";
import { action, formatBytes, out } from "./common.js";

const run = (opts: { readonly output: string }) =>
  Effect.gen(function* () {
    const source = new TextEncoder().encode(decoderModuleSource());
    yield* writeBytes(opts.output, source);
    out(`wrote ${opts.output}: ${formatBytes(source.length)} bytes, ${PRIMITIVES.length} primitives; run: python3 ${opts.output} FRAME OUT`);
  });

export const registerEmitDecoder = (program: Command): void => {
  program
    .command("emit-decoder")
    .description("write the standalone Python decoder of every frame (python3 decoder.py FRAME OUT)")
    .requiredOption("-o, --output <file>", "where to write decoder.py")
    .action(action(run));
};
