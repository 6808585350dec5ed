/**
 * Named built-in pipelines (`evocodec pipelines`, `compress --pipeline NAME`, the demo). An entry is
 * listed only while every primitive it uses is registered, so this file holds at every stage of the
 * registry; test/cli.test.ts checks that each listed entry parses.
 */
import { primitiveByName } from "../../primitives/index.js";
import type { PipelineJson } from "./pipeline.js";

export interface BuiltinPipeline {
  readonly json: PipelineJson;
  readonly summary: string;
}

const zstd = (level: number): PipelineJson => ({ op: "zstd", level });
const bf16Fields = (sign: PipelineJson, exponent: PipelineJson, mantissa: PipelineJson): PipelineJson => ({
  op: "bf16-fields",
  next: [sign, exponent, mantissa],
});

/**
 * What `compress` uses for bf16 when no pipeline is given: rANS on bf16 elements, sign+exponent
 * under the same column of the best-matching earlier row, then the mantissas under that row's
 * mantissa where the sign+exponent repeats.
 */
const DEFAULT_BF16: BuiltinPipeline = {
  json: { op: "rans", symbol: "bf16", context: "rowref" },
  summary: "rANS on bf16: sign+exponent under the best-matching earlier row, mantissas under that row's where the sign+exponent repeats",
};

/**
 * A pipeline made for numpy: each row against its best-matching earlier row (sign XOR, exponent and
 * mantissa differences), sign+exponent residuals as rank digits four a byte, mantissas split by
 * whether the sign+exponent repeats, zstd 1 on every stream. A little larger than `default`,
 * several times faster in Python.
 */
export const ROWREF_TUPLES_JSON: PipelineJson = {
  op: "row-ref-delta",
  next: [{ op: "bf16-se-m-ctx", next: [{ op: "rank-tuples", width: 2, tuple: "4", next: [zstd(1), zstd(1)] }, zstd(1), zstd(1)] }],
};

const CANDIDATES: Readonly<Record<string, BuiltinPipeline>> = {
  "apex-baseline": { json: zstd(3), summary: "zstd level 3 on the raw bytes (the Apex reference)" },
  "lzma-baseline": { json: { op: "xz", preset: 9, extreme: "on" }, summary: "xz preset 9 extreme on the raw bytes" },
  "byte-planes-zstd": { json: { op: "byte-planes", width: 2, next: [zstd(19), zstd(19)] }, summary: "low/high byte planes, zstd 19 each" },
  "bf16-fields-zstd": { json: bf16Fields(zstd(3), zstd(3), zstd(3)), summary: "bf16-fields (sign | exponent | mantissa), zstd 3 per stream" },
  "bf16-fields-zstd19": { json: bf16Fields(zstd(19), zstd(19), zstd(1)), summary: "bf16-fields; zstd 19 on sign and exponent, zstd 1 on the near-random mantissa" },
  "rowref-tuples": {
    json: ROWREF_TUPLES_JSON,
    summary: "row-ref-delta, sign+exponent as rank digits 4 a byte, mantissas split by a repeated sign+exponent; zstd 1 (fast in numpy)",
  },
  default: DEFAULT_BF16,
};

const ops = (json: PipelineJson): string[] => [json.op, ...(json.next ?? []).flatMap(ops)];

export const BUILTIN_PIPELINES: Readonly<Record<string, BuiltinPipeline>> = Object.fromEntries(
  Object.entries(CANDIDATES).filter(([, b]) => ops(b.json).every((op) => primitiveByName(op) !== undefined)),
);

export const DEFAULT_PIPELINE_JSON: PipelineJson = DEFAULT_BF16.json;
