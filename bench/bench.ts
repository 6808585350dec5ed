/**
 * `npm run bench`: what the primitives cost and what the codecs gain.
 *   node dist/bench/bench.js [--data DIR] [--quick]
 *
 * 1. Throughput (tinybench): every registered primitive with default parameters, encode and
 *    decode through a full frame (a split or transform closed with `store` leaves), in MB/s of the
 *    original bytes, on one fixed 1.3 MB corpus file (a synthetic tensor of the same shape when it
 *    is absent).
 * 2. Ratio (original / compressed) per corpus group (byte-level vocabulary, BPE, total) on every
 *    *.bf16 file of DIR (default ../shared/activations; a synthetic corpus when absent): zstd-3 on
 *    the raw bytes (the Apex baseline); bf16-fields with the best backend per stream and file; the
 *    order-0 entropy bound of the fields (sign, exponent, mantissa each coded by its own H0); the
 *    default pipeline, its encode and decode MB/s (and bytes / (encode + decode time)) next to
 *    zstd-3's in the same run, and its size against zstd-3. All timings come from a first pass over
 *    the files, before the untimed search of the best backends.
 * --quick: one iteration per task on the first 64 KiB of the throughput file (for tests).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import { PRIMITIVES, primitiveByName } from "../primitives/index.js";
import { decodeFrame, describe, encodeFrame, parsePipeline, type PipelineNode } from "../src/codec/index.js";
import { DEFAULT_PIPELINE_JSON } from "../src/codec/builtins.js";
import type { Encoded, Params, Primitive } from "../src/codec/primitive.js";
import { generateTensor } from "../src/data/synthetic.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DEFAULT_DATA = path.resolve(repoRoot, "..", "shared", "activations");
const THROUGHPUT_FILE = "fwd_hidden_L2_step0100_2048x320.bf16";
const QUICK_BYTES = 64 << 10;

interface CorpusFile {
  readonly name: string;
  readonly group: string;
  readonly bytes: Uint8Array;
}

const { values: args } = parseArgs({ options: { data: { type: "string" }, quick: { type: "boolean", default: false } } });
const quick = args.quick === true;

const synthetic = (name: string, style: "activations" | "gradients", seed: number): CorpusFile => ({
  name,
  group: "synthetic",
  bytes: generateTensor({ name, style, rows: 2048, cols: 320, seed, specials: false }).bytes,
});

const loadCorpus = (): { dir: string; files: CorpusFile[] } => {
  const dir = args.data ?? DEFAULT_DATA;
  if (!existsSync(dir)) {
    if (args.data !== undefined) throw new Error(`--data ${dir}: no such folder`);
    return { dir: "synthetic tensors (../shared/activations is absent)", files: [synthetic("synthetic-activations", "activations", 1), synthetic("synthetic-gradients", "gradients", 2)] };
  }
  const names = readdirSync(dir).filter((f) => f.endsWith(".bf16")).sort();
  if (names.length === 0) throw new Error(`${dir}: no *.bf16 files`);
  return {
    dir,
    files: names.map((name) => ({
      name,
      group: name.startsWith("bpe_") ? "bpe" : "byte-level",
      bytes: new Uint8Array(readFileSync(path.join(dir, name))),
    })),
  };
};

// ---- formatting ----

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
};
const mbps = (bytes: number, ms: number): string => (ms > 0 ? (bytes / 1e3 / ms).toFixed(1) : "-");
const ratio = (original: number, compressed: number): string => (compressed > 0 ? (original / compressed).toFixed(3) : "-");
const thousands = (n: number): string => n.toLocaleString("en-US");

// ---- throughput ----

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

const store = primitiveByName("store")!;
const closed = (prim: Primitive, params: Params): PipelineNode => ({
  prim,
  params,
  children: Array.from({ length: prim.arity(params) }, () => ({ prim: store, params: {}, children: [] })),
});

const throughput = (input: Uint8Array): string => {
  const bench = new Bench(
    quick ? { iterations: 1, time: 0, warmup: false } : { iterations: 3, time: 400, warmupIterations: 1, warmupTime: 0 },
  );
  const rows: string[][] = [];
  const errors: string[] = [];
  const measured: Array<{ prim: Primitive; row: string[] }> = [];
  for (const prim of PRIMITIVES) {
    const row = [prim.name, String(prim.id), prim.kind, "", "", ""];
    rows.push(row);
    try {
      const { frame } = encodeFrame(closed(prim, prim.defaults()), input);
      if (!same(decodeFrame(frame), input)) throw new Error("does not round-trip");
      row[5] = ratio(input.length, frame.length);
      bench.add(`${prim.name} encode`, () => void encodeFrame(closed(prim, prim.defaults()), input), { async: false });
      bench.add(`${prim.name} decode`, () => void decodeFrame(frame), { async: false });
      measured.push({ prim, row });
    } catch (e) {
      row[3] = row[4] = "error";
      errors.push(`${prim.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  bench.runSync();
  const medianMs = (name: string): number => {
    const r = bench.getTask(name)?.result;
    return r && "latency" in r ? r.latency.p50 : NaN;
  };
  for (const { prim, row } of measured) {
    row[3] = mbps(input.length, medianMs(`${prim.name} encode`));
    row[4] = mbps(input.length, medianMs(`${prim.name} decode`));
  }
  const out = table(["primitive", "id", "kind", "encode MB/s", "decode MB/s", "ratio"], rows);
  return errors.length ? `${out}\nerrors:\n  ${errors.join("\n  ")}` : out;
};

// ---- ratios ----

const STREAMS = ["sign", "exponent", "mantissa"] as const;

interface Candidate {
  readonly label: string;
  readonly node: PipelineNode;
}

/** Backends tried on each bf16-fields stream; rans (order-0) only once it is registered. */
const streamCandidates = (): Candidate[] => {
  const leaf = (name: string, params: Params = {}): Candidate[] => {
    const prim = primitiveByName(name);
    if (!prim) return [];
    return [{ label: [name, ...Object.values(params)].join("-"), node: { prim, params: { ...prim.defaults(), ...params }, children: [] } }];
  };
  const rans = primitiveByName("rans");
  return [
    ...leaf("zstd", { level: 1 }),
    ...leaf("zstd", { level: 3 }),
    ...leaf("zstd", { level: 19 }),
    ...leaf("xz"),
    ...leaf("brotli"),
    ...(rans ? leaf("rans", "context" in rans.params ? { context: "none" } : {}) : []),
    ...leaf("store"),
  ];
};

/** Bits of an order-0 code of the values (sum of -log2 of their frequencies). */
const order0Bits = (values: ArrayLike<number>, alphabet: number): number => {
  const counts = new Float64Array(alphabet);
  for (let i = 0; i < values.length; i++) counts[values[i]]++;
  let bits = 0;
  for (const c of counts) if (c > 0) bits -= c * Math.log2(c / values.length);
  return bits;
};

/** Order-0 entropy bound of the fields, in bytes (plus an odd tail byte). */
const fieldsBound = (b: Uint8Array): number => {
  const count = b.length >> 1;
  const sign = new Uint8Array(count);
  const exponent = new Uint8Array(count);
  const mantissa = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = b[2 * i] | (b[2 * i + 1] << 8);
    sign[i] = v >>> 15;
    exponent[i] = (v >>> 7) & 0xff;
    mantissa[i] = v & 0x7f;
  }
  return (order0Bits(sign, 2) + order0Bits(exponent, 256) + order0Bits(mantissa, 128)) / 8 + (b.length & 1);
};

interface FileResult {
  readonly file: CorpusFile;
  readonly zstd3: number;
  /** zstd-3 encode + decode time (the reference speed) */
  readonly zstd3Ms: number;
  readonly best: number;
  readonly winners: readonly string[];
  readonly bound: number;
  readonly defaultBytes: number;
  readonly encodeMs: number;
  readonly decodeMs: number;
}

/** A leaf that hands the frame writer a payload already encoded (the frame records the real backend). */
const encodedLeaf = (prim: Primitive, encoded: Encoded<Params>): PipelineNode => ({
  prim: { ...prim, encode: () => encoded },
  params: encoded.params,
  children: [],
});

/** Timing repeats per file (the minimum counts: shared cores only ever add time). */
const REPEATS = quick ? 1 : 3;

/** The frame of `pipeline` on `bytes`, checked to round-trip, and the fastest encode and decode of REPEATS. */
const timed = (pipeline: PipelineNode, bytes: Uint8Array, what: string): { frame: Uint8Array; encodeMs: number; decodeMs: number } => {
  let frame: Uint8Array = new Uint8Array(0);
  let encodeMs = Infinity;
  let decodeMs = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    let t = performance.now();
    frame = encodeFrame(pipeline, bytes).frame;
    encodeMs = Math.min(encodeMs, performance.now() - t);
    t = performance.now();
    const back = decodeFrame(frame);
    decodeMs = Math.min(decodeMs, performance.now() - t);
    if (!same(back, bytes)) throw new Error(`${what} does not round-trip`);
  }
  return { frame, encodeMs, decodeMs };
};

type Timed = ReturnType<typeof timed>;

/** zstd-3 and the default pipeline on a file, timed. */
const timeFile = (file: CorpusFile, defaultPipeline: PipelineNode): { zstd: Timed; dflt: Timed } => ({
  zstd: timed(parsePipeline({ op: "zstd", level: 3 }), file.bytes, `${file.name}: zstd-3`),
  dflt: timed(defaultPipeline, file.bytes, `${file.name}: the default pipeline`),
});

const measureFile = (file: CorpusFile, { zstd, dflt }: { zstd: Timed; dflt: Timed }, candidates: readonly Candidate[]): FileResult => {
  const fields = primitiveByName("bf16-fields")!;
  const picks = fields.encode(file.bytes, {}).streams.map((s) =>
    candidates
      .map((c) => ({ c, encoded: c.node.prim.encode(s, c.node.params) }))
      .reduce((a, b) => (b.encoded.streams[0].length < a.encoded.streams[0].length ? b : a)),
  );
  const bestPipeline: PipelineNode = { prim: fields, params: {}, children: picks.map((p) => encodedLeaf(p.c.node.prim, p.encoded)) };
  const best = encodeFrame(bestPipeline, file.bytes).frame;
  if (!same(decodeFrame(best), file.bytes)) throw new Error(`${file.name}: bf16-fields with the best backends does not round-trip`);
  return {
    file,
    zstd3: zstd.frame.length,
    zstd3Ms: zstd.encodeMs + zstd.decodeMs,
    best: best.length,
    winners: picks.map((p) => p.c.label),
    bound: fieldsBound(file.bytes),
    defaultBytes: dflt.frame.length,
    encodeMs: dflt.encodeMs,
    decodeMs: dflt.decodeMs,
  };
};

const ratios = (files: readonly CorpusFile[]): string => {
  const defaultPipeline = parsePipeline(DEFAULT_PIPELINE_JSON);
  const candidates = streamCandidates();
  // every timing first: the untimed search of the best backends (xz, brotli, zstd-19 on every
  // stream) leaves garbage and cold caches that slowed whatever was timed next by 10-20%
  const timings = files.map((f) => timeFile(f, defaultPipeline));
  const results = files.map((f, i) => measureFile(f, timings[i], candidates));
  const groups = [...new Set(files.map((f) => f.group))];
  const sum = (rs: readonly FileResult[], f: (r: FileResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const rows = [...groups.map((g) => [g, results.filter((r) => r.file.group === g)] as const), ["total", results] as const].map(
    ([group, rs]) => {
      const original = sum(rs, (r) => r.file.bytes.length);
      const zstd3 = sum(rs, (r) => r.zstd3);
      const dflt = sum(rs, (r) => r.defaultBytes);
      return [
        group,
        String(rs.length),
        thousands(original),
        ratio(original, zstd3),
        ratio(original, sum(rs, (r) => r.best)),
        ratio(original, sum(rs, (r) => r.bound)),
        ratio(original, dflt),
        `${mbps(original, sum(rs, (r) => r.encodeMs))} / ${mbps(original, sum(rs, (r) => r.decodeMs))}`,
        mbps(original, sum(rs, (r) => r.encodeMs + r.decodeMs)),
        mbps(original, sum(rs, (r) => r.zstd3Ms)),
        `${((1 - dflt / zstd3) * 100).toFixed(1)}% smaller`,
      ];
    },
  );
  const wins = STREAMS.map((name, i) => {
    const counts = new Map<string, number>();
    for (const r of results) counts.set(r.winners[i], (counts.get(r.winners[i]) ?? 0) + 1);
    return `${name}: ${[...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(", ")}`;
  });
  return [
    table(["group", "files", "original B", "zstd-3", "fields+best", "H0 bound", "default", "default enc/dec MB/s", "enc+dec MB/s", "zstd-3 enc+dec", "default vs zstd-3"], rows),
    "",
    `fields+best: bf16-fields, each stream of each file coded by the smallest of ${candidates.map((c) => c.label).join(", ")}`,
    `  winners (files): ${wins.join(" | ")}`,
    `H0 bound: sign, exponent and mantissa each at its order-0 entropy (per file)`,
    `default: ${describe(defaultPipeline)}; MB/s of original bytes, the fastest of ${REPEATS} per file; enc+dec = bytes / (encode + decode time)`,
  ].join("\n");
};

// ---- main ----

const main = (): void => {
  const started = performance.now();
  const corpus = loadCorpus();
  const named = corpus.files.find((f) => f.name === THROUGHPUT_FILE);
  const source = named ?? synthetic("synthetic 2048x320 activations", "activations", 1);
  const input = quick ? source.bytes.subarray(0, Math.min(source.bytes.length, QUICK_BYTES)) : source.bytes;
  console.log(`evocodec bench${quick ? " (quick)" : ""}: node ${process.version}, ${os.cpus().length} cores (timings are noisy on shared cores)`);
  console.log(
    `\nThroughput: MB/s of original bytes (median), default params, full frames (splits/transforms closed with store);\n` +
      `ratio = input / frame. Input: ${named ? named.name : source.name}${quick ? `, first ${input.length} bytes` : ""} (${thousands(input.length)} B)\n`,
  );
  console.log(throughput(input));
  console.log(`\nCompression ratio (original / compressed) on ${corpus.dir}\n`);
  console.log(ratios(corpus.files));
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
};

main();
