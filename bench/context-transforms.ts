/**
 * Measurement (not a test): how each context transform changes the zstd-3 / zstd-19 sizes of the
 * raw bytes, the bf16 sign plane and the bf16 exponent plane of the activation corpus, and how fast
 * the TS kernels run.
 *
 *   node dist/bench/context-transforms.js [--dir ../shared/activations] [--levels 3,19] [--only name,...] [--speed-only]
 *
 * Placements, each through the real pipelines (sizes are what the frame's leaves hold):
 *   raw:  T(width 2) -> zstd                       (the transform's prefix included)
 *   pre:  T(width 2) -> bf16-fields -> zstd x 3     (sign / exponent planes of the transformed data)
 *   post: bf16-fields -> sign: T(width 1) -> zstd, exponent: T(width 1) -> zstd
 * row-eq is a split: its two outputs both go to zstd and are summed.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { decodeFrame, encodeFrame, parsePipeline, type PipelineJson, type StreamStat } from "../src/codec/index.js";
import { primitiveByName } from "../primitives/index.js";
import { detectPeriod } from "../primitives/kernels.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const dir = arg("dir", "../shared/activations");
const levels = arg("levels", "3,19").split(",").map(Number);
const only = arg("only", "");
const speedOnly = args.includes("--speed-only");
/** auto: every row length left to detectPeriod; known: the channel count from the file name. */
const periodModes = arg("periods", "auto,known").split(",");

/** A node builder: element width, the child, and the row length to state (0 = auto); undefined where it does not apply. */
type Build = (width: 1 | 2, next: PipelineJson, period: number) => PipelineJson | undefined;
interface Transform {
  readonly label: string;
  readonly node: Build;
  /** false when the output is not bf16 (a rank table, a split), so bf16-fields after it means nothing */
  readonly bf16Out?: boolean;
}

/** One transform; `periodKey` names its row-length parameter, `bf16` marks width-2-only ones. */
const t =
  (op: string, opts: { periodKey?: "cols" | "period"; bf16?: boolean; extra?: Record<string, number>; split?: boolean } = {}): Build =>
  (width, next, period) => {
    if (opts.bf16 && width !== 2) return undefined;
    return {
      op,
      ...(opts.bf16 ? {} : { width }),
      ...(opts.periodKey ? { [opts.periodKey]: period } : {}),
      ...opts.extra,
      next: opts.split ? [next, next] : [next],
    } as PipelineJson;
  };
const chain =
  (outer: Build, inner: Build): Build =>
  (width, next, period) => {
    const i = inner(width, next, period);
    return i && outer(width, i, period);
  };

const ALL_TRANSFORMS: readonly Transform[] = [
  { label: "none", node: (_w, next) => next },
  { label: "transpose", node: t("transpose", { periodKey: "cols" }) },
  { label: "rank-remap", node: t("rank-remap"), bf16Out: false },
  { label: "column-reorder", node: t("column-reorder", { periodKey: "cols", bf16: true }) },
  { label: "row-xor", node: t("row-xor", { periodKey: "period" }) },
  { label: "row-ref-xor w64", node: t("row-ref-xor", { periodKey: "period", bf16: true, extra: { window: 64 } }) },
  { label: "row-ref-xor w512", node: t("row-ref-xor", { periodKey: "period", bf16: true, extra: { window: 512 } }) },
  { label: "column-ref", node: t("column-ref", { periodKey: "cols" }) },
  { label: "row-eq", node: t("row-eq", { periodKey: "period", split: true }), bf16Out: false },
  // chains: reference first, then expose columns
  { label: "row-ref-xor>transpose", node: chain(t("row-ref-xor", { periodKey: "period", bf16: true }), t("transpose", { periodKey: "cols" })) },
  { label: "column-ref>transpose", node: chain(t("column-ref", { periodKey: "cols" }), t("transpose", { periodKey: "cols" })) },
  { label: "column-reorder>row-xor", node: chain(t("column-reorder", { periodKey: "cols", bf16: true }), t("row-xor", { periodKey: "period" })) },
];
const TRANSFORMS = ALL_TRANSFORMS.filter((x) => !only || x.label === "none" || only.split(",").some((o) => x.label.startsWith(o)));

const zstd = (level: number): PipelineJson => ({ op: "zstd", level });
const payload = (s: StreamStat): number => s.payloadBytes;
const size = (json: PipelineJson, input: Uint8Array): { bytes: number; stats: StreamStat } => {
  const { frame, stats } = encodeFrame(parsePipeline(json), input);
  return { bytes: frame.length, stats };
};

interface Row {
  raw: number;
  preSign: number;
  preExp: number;
  postSign: number;
  postExp: number;
}
const zero = (): Row => ({ raw: 0, preSign: 0, preExp: 0, postSign: 0, postExp: 0 });

const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bf16"))
  .sort();
const groups = { "byte-level": (f: string) => !f.startsWith("bpe_"), bpe: (f: string) => f.startsWith("bpe_") };

const channelsOf = (file: string): number => Number(/x(\d+)\.bf16$/.exec(file)?.[1] ?? 0);

const measure = (): void => {
  const totals = new Map<string, Row>();
  const key = (mode: string, level: number, label: string, group: string) => `${mode}|${level}|${label}|${group}`;
  const add = (k: string, r: Partial<Row>) => {
    const sum = totals.get(k) ?? zero();
    for (const [f, v] of Object.entries(r)) if (v !== undefined) sum[f as keyof Row] += v;
    totals.set(k, sum);
  };
  let inputBytes = 0;
  const detected: string[] = [];
  for (const file of files) {
    const data = new Uint8Array(readFileSync(path.join(dir, file)));
    inputBytes += data.length;
    const group = groups.bpe(file) ? "bpe" : "byte-level";
    const cols = channelsOf(file);
    const fields = primitiveByName("bf16-fields")!.encode(data, {}).streams;
    detected.push(`| ${file} | ${cols} | ${detectPeriod(data, 2)} | ${detectPeriod(fields[1], 1)} | ${detectPeriod(fields[0], 1)} |`);
    for (const mode of periodModes) {
      // row lengths to state for the raw/bf16 data, the exponent plane and the packed sign plane
      const known = mode === "known";
      const [rawP, expP, signP] = known ? [cols, cols, cols % 8 === 0 ? cols / 8 : 0] : [0, 0, 0];
      for (const level of levels)
        for (const tr of TRANSFORMS) {
          const z = zstd(level);
          const raw = tr.node(2, z, rawP);
          const pre = tr.node(2, { op: "bf16-fields", next: [z, z, zstd(1)] }, rawP);
          const postSign = tr.node(1, z, signP);
          const postExp = tr.node(1, z, expP);
          const r: Partial<Row> = {};
          if (raw) r.raw = size(raw, data).bytes;
          if (pre && tr.bf16Out !== false) {
            let st = size(pre, data).stats;
            while (st.node.prim.name !== "bf16-fields") st = st.children[0];
            r.preSign = payload(st.children[0]);
            r.preExp = payload(st.children[1]);
          }
          if (postSign && postExp) {
            const { stats } = size({ op: "bf16-fields", next: [postSign, postExp, zstd(1)] }, data);
            r.postSign = payload(stats.children[0]);
            r.postExp = payload(stats.children[1]);
          }
          add(key(mode, level, tr.label, group), r);
          add(key(mode, level, tr.label, "all"), r);
        }
    }
    process.stderr.write(`${file}\n`);
  }
  console.log("\n## detectPeriod on the corpus (auto row lengths)");
  console.log("| file | channels | raw bf16 (width 2) | exponent plane (width 1) | sign plane (width 1, packed: channels/8 expected) |");
  console.log("|---|---|---|---|---|");
  detected.forEach((line) => console.log(line));
  console.log(`\ncorpus: ${files.length} files, ${inputBytes} bytes; sizes in bytes, (x) = relative to "none"`);
  console.log("raw: T(width 2) -> zstd; pre: T(width 2) -> bf16-fields -> planes; post: bf16-fields -> T(width 1) on the plane -> zstd");
  for (const mode of periodModes)
    for (const group of ["all", "byte-level", "bpe"])
      for (const level of levels) {
        console.log(`\n## row lengths ${mode === "known" ? "from the file names" : "auto (detectPeriod)"}; ${group} files; zstd-${level}`);
        console.log("| transform | raw | pre: sign | pre: exponent | post: sign | post: exponent |");
        console.log("|---|---|---|---|---|---|");
        const base = totals.get(key(mode, level, "none", group))!;
        for (const tr of TRANSFORMS) {
          const r = totals.get(key(mode, level, tr.label, group))!;
          const cell = (f: keyof Row) => (r[f] ? `${r[f]} (${(r[f] / base[f]).toFixed(3)})` : "-");
          console.log(`| ${tr.label} | ${cell("raw")} | ${cell("preSign")} | ${cell("preExp")} | ${cell("postSign")} | ${cell("postExp")} |`);
        }
      }
};

/** Encode and decode MB/s of each transform alone (width 2) on one ~1.3 MB file. */
const speed = (): void => {
  const file = files.find((f) => f.includes("2048x320")) ?? files[0];
  const data = new Uint8Array(readFileSync(path.join(dir, file)));
  console.log(`\n## TS speed on ${file} (${data.length} bytes), MB/s of CPU time (the machine is shared), median of 15 after warm-up; cols 0 = auto includes detectPeriod`);
  console.log("| transform | encode | decode | resolved params |");
  console.log("|---|---|---|---|");
  const cols = channelsOf(file);
  const cases: Array<[string, Record<string, number>]> = [
    ["transpose", { width: 2, cols }],
    ["transpose", { width: 2, cols: 0 }],
    ["rank-remap", { width: 2 }],
    ["column-reorder", { cols }],
    ["row-xor", { width: 2, period: cols }],
    ["row-ref-xor", { period: cols, window: 64 }],
    ["row-ref-xor", { period: cols, window: 512 }],
    ["row-ref-xor", { period: cols, window: 1024 }],
    ["column-ref", { width: 2, cols }],
    ["row-eq", { width: 2, period: cols }],
  ];
  for (const [op, params] of cases) {
    const prim = primitiveByName(op)!;
    const p = { ...prim.defaults(), ...params };
    const median = (f: () => void): number => {
      for (let i = 0; i < 40; i++) f(); // V8 reaches its steady tier late on these loops
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = process.cpuUsage();
        f();
        const used = process.cpuUsage(t0);
        times.push((used.user + used.system) / 1e6);
      }
      times.sort((a, b) => a - b);
      return data.length / 1e6 / times[7];
    };
    let enc = prim.encode(data, p);
    const encRate = median(() => (enc = prim.encode(data, p)));
    const decRate = median(() => prim.decode(enc.streams, enc.params, { cap: 1 << 30, decodedLength: -1 }));
    const back = prim.decode(enc.streams, enc.params, { cap: 1 << 30, decodedLength: -1 });
    if (back.length !== data.length || back.some((b, i) => b !== data[i])) throw new Error(`${op}: round trip failed`);
    console.log(`| ${op} ${JSON.stringify(params)} | ${encRate.toFixed(0)} | ${decRate.toFixed(0)} | ${JSON.stringify(enc.params)} |`);
  }
  // sanity: a whole frame through the public API
  const { frame } = encodeFrame(parsePipeline({ op: "row-ref-xor", next: [zstd(3)] }), data);
  if (decodeFrame(frame).length !== data.length) throw new Error("frame round trip failed");
};

speed();
if (!speedOnly) measure();
