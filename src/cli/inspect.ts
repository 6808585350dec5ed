/** `evocodec inspect FILE [--json]`: the pipeline tree of a frame (per tensor for a container) with stream sizes. */
import type { Command } from "commander";
import { Effect } from "effect";
import { inspect, readBytes, type FrameReport, type StreamReport } from "../io/index.js";
import { action, formatBytes, formatRatio, out, table } from "./common.js";

const label = (s: StreamReport): string => {
  const params = Object.entries(s.params).map(([k, v]) => `${k}=${v}`);
  return params.length ? `${s.op}(${params.join(", ")})` : s.op;
};

const treeRows = (s: StreamReport, depth: number): string[][] => [
  [`${"  ".repeat(depth)}${s.stream === null ? "" : s.stream + ": "}${label(s)}`, formatBytes(s.decodedBytes), formatBytes(s.payloadBytes), formatRatio(s.decodedBytes, s.payloadBytes)],
  ...s.children.flatMap((c) => treeRows(c, depth + 1)),
];

const printFrame = (f: FrameReport, indent: string): void => {
  out(`${indent}frame ${formatBytes(f.frameBytes)} bytes (header ${f.headerBytes}), decodes to ${formatBytes(f.decodedBytes)} bytes, ratio ${formatRatio(f.decodedBytes, f.frameBytes)}`);
  out(`${indent}pipeline ${f.summary}`);
  for (const line of table(["stream", "decoded", "payload", "ratio"], treeRows(f.tree, 0))) out(indent + line);
};

const run = (file: string, opts: { readonly json?: boolean }) =>
  Effect.gen(function* () {
    const report = yield* inspect(yield* readBytes(file));
    if (opts.json) return out(JSON.stringify(report, null, 2));
    if (report.kind === "frame") return printFrame(report.frame, "");
    const decoded = report.headerBytes + report.tensors.reduce((a, t) => a + t.frame.decodedBytes, 0);
    out(
      `container (${report.format}): ${formatBytes(report.fileBytes)} bytes, header ${formatBytes(report.headerBytes)} bytes, ` +
        `${report.tensors.length} tensor(s), restores ${formatBytes(decoded)} bytes, ratio ${formatRatio(decoded, report.fileBytes)}`,
    );
    for (const t of report.tensors) {
      out(`\ntensor "${t.name}" ${t.dtype} [${t.shape.join(", ")}]`);
      printFrame(t.frame, "  ");
    }
  });

export const registerInspect = (program: Command): void => {
  program
    .command("inspect")
    .description("show the pipeline tree of a frame (or of each tensor of a container) with decoded and payload sizes")
    .argument("<file>", "compressed file (.evc)")
    .option("--json", "print the report as JSON")
    .action(action(run));
};
