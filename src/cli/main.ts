/**
 * CLI entry (bin/evocodec.js imports this). Exit codes: 0 ok; 1 a refused input (CodecError,
 * IoError) or a failed check, reported as one line `evocodec: <reason>: <message>`; 2 a usage error.
 * No stack traces unless EVOCODEC_DEBUG is set.
 */
import { CommanderError } from "commander";
import { CodecError } from "../codec/index.js";
import { IoError } from "../io/index.js";
import { oneLine, UsageError } from "./common.js";
import { buildProgram } from "./program.js";

const report = (e: unknown): number => {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander printed it already
  if (e instanceof CodecError || e instanceof IoError) {
    process.stderr.write(`evocodec: ${e.reason}: ${oneLine(e.message)}\n`);
    return 1;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`evocodec: usage: ${oneLine(e.message)}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`evocodec: internal-error: ${oneLine(message)}\n`);
  if (process.env.EVOCODEC_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return 1;
};

/**
 * A reader that stops early (`evocodec inspect F | head`) closes the pipe; the next write fails with
 * EPIPE, emitted on stdout as an unhandled 'error' event (a stack trace). Stop quietly instead, with
 * status 0, as Unix tools do on SIGPIPE (which Node ignores).
 */
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

export const main = async (argv: readonly string[]): Promise<number> => {
  try {
    await buildProgram().parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    return report(e);
  }
};

process.exitCode = await main(process.argv);
