/**
 * The Python cost model: what a genome would cost inside an Apex solution, where the generated
 * numpy kernels (src/python/module.ts) run. Every primitive is calibrated once per machine by
 * running its real Python kernels on sample data at two sizes (32 KiB and 512 KiB; the median of a
 * few warm calls, as in a long-lived solution server), which gives a fixed cost per call and a
 * throughput (bytes of node input per second) for encode and decode. Parameters that change
 * speed (a zstd level) are measured one at a time over a small grid of values ("variants"), and a
 * node's cost is the default's cost scaled by each parameter's measured factor. Kernels that work
 * in steps (rans: a numpy call sequence per step of many lanes) also get a cost per step: their
 * step-setting parameters (rans lanes, blockRows) are not on the grid; a node pays its auto
 * schedule's time plus its extra steps at the measured per-step cost (see STEP_MODELS). The results
 * live in the database (python_calibration), keyed by machine and by a hash of the kernel source,
 * so a changed kernel is re-measured and nothing else is.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PRIMITIVES } from "../primitives/index.js";
import { parsePipeline, type PipelineJson, type PipelineNode } from "../src/codec/pipeline.js";
import type { Params, ParamSpec, Primitive } from "../src/codec/primitive.js";
import { pythonCodecSource } from "../src/python/module.js";
import type { CalibrationRow, Queries } from "../results/store.js";
import { SearchError } from "./errors.js";

export interface CostEntry {
  readonly encodeBps: number;
  readonly decodeBps: number;
  readonly encodeCallSec: number;
  readonly decodeCallSec: number;
}

export interface PythonCostModel {
  readonly machine: string;
  /** "calibrated" from measurements, or "nominal" fixed figures (tests, --no-calibrate). */
  readonly kind: "calibrated" | "nominal";
  /** By variant key: "zstd" (defaults) or "zstd{level=19}" (one parameter changed). */
  readonly entries: ReadonlyMap<string, CostEntry>;
}

export interface PythonSeconds {
  readonly encodeSec: number;
  readonly decodeSec: number;
  readonly totalSec: number;
}

/** Key of the codec's own per-frame work (header, varints, bookkeeping), beside the kernels. */
export const FRAME_KEY = "__frame__";

const NOMINAL: Record<Primitive["kind"] | typeof FRAME_KEY, CostEntry> = {
  backend: { encodeBps: 40e6, decodeBps: 200e6, encodeCallSec: 50e-6, decodeCallSec: 30e-6 },
  split: { encodeBps: 150e6, decodeBps: 150e6, encodeCallSec: 40e-6, decodeCallSec: 40e-6 },
  transform: { encodeBps: 200e6, decodeBps: 200e6, encodeCallSec: 30e-6, decodeCallSec: 30e-6 },
  [FRAME_KEY]: { encodeBps: 1e300, decodeBps: 1e300, encodeCallSec: 100e-6, decodeCallSec: 100e-6 },
};

/** A model without measurements: fixed throughputs per primitive kind (deterministic; for tests). */
export const nominalModel = (): PythonCostModel => ({ machine: "nominal", kind: "nominal", entries: new Map() });

// ---- variants

/** Values of an int parameter worth measuring: all of a small range, else ends, default and quartiles. */
const intGrid = (spec: Extract<ParamSpec, { kind: "int" }>): number[] => {
  const span = spec.max - spec.min;
  const raw =
    span <= 6
      ? Array.from({ length: span + 1 }, (_, i) => spec.min + i)
      : [spec.min, spec.max, spec.default, ...[0.25, 0.5, 0.75].map((q) => Math.round(spec.min + span * q))];
  return [...new Set(raw)].sort((a, b) => a - b);
};

export const variantKey = (prim: Primitive, param?: string, value?: number | string): string =>
  param === undefined ? prim.name : `${prim.name}{${param}=${value}}`;

// ---- step-driven kernels

/**
 * A kernel whose numpy code runs a loop of steps (each a fixed sequence of numpy calls over many
 * lanes): besides its per-byte cost it pays a fixed cost per step, and some parameters set the
 * number of steps (rans with 2 lanes on 320-column rows: ~40,000 steps instead of ~256, seconds
 * instead of milliseconds). Those parameters are left off the grid; a node costs its time with
 * them at their defaults (the auto schedule) plus its extra steps times a per-step cost, measured
 * as the time difference between two probe variants of known step counts (same bytes, same work
 * per byte, different steps).
 */
export interface StepModel {
  /** Parameters whose cost is their number of steps. */
  readonly params: readonly string[];
  /** Steps of a node of these params on n input bytes (nested side streams excluded: they are fixed). */
  readonly steps: (n: number, p: Params) => number;
  /** Probe params (over the defaults) with few and with many steps. */
  readonly probes: { readonly few: Params; readonly many: Params };
}

/** The rans schedule (the format's, see primitives/backends/rans.ts): its step count. */
const RANS_TARGET_STEPS = 256;
const RANS_LANES_MAX = 65535;
/**
 * Periods assumed for `period` = 0, which the encoder detects on the data (unknown here): noise-like
 * streams find none or a tiny one (1-8), structured ones their row length (hundreds to thousands).
 * A node is charged the more expensive of the two, so an explicit schedule is never predicted
 * faster than it can run (few lanes cost on long rows, few block rows on short ones).
 */
const RANS_ASSUMED_PERIODS = [4, 512];

/** Steps of the rans schedule for n input bytes (the larger over the assumed periods when the period is auto). */
export const ransSteps = (n: number, p: Params): number => {
  const m = p.symbol === "u16" ? Math.floor(n / 2) : n;
  if (m === 0) return 0;
  const lanes = p.lanes as number;
  if (p.context === "none") return Math.ceil(m / (lanes || Math.min(RANS_LANES_MAX, Math.ceil(m / RANS_TARGET_STEPS))));
  if (p.period) return contextSteps(m, p.period as number, p);
  return Math.max(...RANS_ASSUMED_PERIODS.map((period) => contextSteps(m, Math.min(period, m), p)));
};

/** Steps of a context-mode schedule of m symbols in rows of `cols`. */
const contextSteps = (m: number, cols: number, p: Params): number => {
  const lanes = p.lanes as number;
  const rows = Math.ceil(m / cols);
  const blocked = p.context === "above";
  let autoRows: number;
  let autoLanes: number;
  if (rows >= RANS_TARGET_STEPS) {
    const perLevel = Math.ceil(rows / RANS_TARGET_STEPS);
    autoRows = blocked ? Math.ceil(rows / perLevel) : perLevel;
    autoLanes = Math.min(cols, RANS_LANES_MAX);
  } else {
    autoRows = blocked ? rows : 1;
    autoLanes = Math.min(RANS_LANES_MAX, Math.ceil(cols / Math.min(cols, Math.max(1, Math.floor(RANS_TARGET_STEPS / rows)))));
  }
  const b = Math.min((p.blockRows as number) || autoRows, rows);
  const sub = Math.ceil(cols / Math.min(lanes || autoLanes, cols));
  return (blocked ? b : Math.ceil(rows / b)) * sub;
};

export const STEP_MODELS: Readonly<Record<string, StepModel>> = {
  rans: {
    params: ["lanes", "blockRows"],
    steps: ransSteps,
    // 64-symbol rows (explicit: the step count must not depend on the data) coded whole or in 16 sub-steps
    probes: { few: { period: 64 }, many: { period: 64, lanes: 4 } },
  },
};

/** Per-step cost until measured (deterministic nominal models). */
const NOMINAL_STEP_SEC = 20e-6;

export const stepKey = (prim: Primitive): string => `${prim.name}{steps}`;

export interface Variant {
  readonly key: string;
  readonly prim: Primitive;
  readonly params: Params;
  /** A step probe (measured only to derive the per-step cost). */
  readonly probe?: "few" | "many";
}

/** The defaults plus every grid value of every parameter, one parameter changed at a time (plus the step probes). */
export const variantsOf = (prim: Primitive): Variant[] => {
  const defaults = prim.defaults();
  const steps = STEP_MODELS[prim.name];
  const out: Variant[] = [{ key: variantKey(prim), prim, params: defaults }];
  for (const [k, spec] of Object.entries(prim.params)) {
    if (steps?.params.includes(k)) continue;
    const values = spec.kind === "enum" ? spec.values : intGrid(spec);
    for (const v of values)
      if (v !== spec.default) out.push({ key: variantKey(prim, k, v), prim, params: { ...defaults, [k]: v } });
  }
  if (steps)
    for (const probe of ["few", "many"] as const)
      out.push({ key: variantKey(prim, "steps", probe), prim, params: { ...defaults, ...steps.probes[probe] }, probe });
  return out;
};

/** Hash of what a primitive's Python cost depends on: its kernel source and parameter specs. */
export const sourceHash = (prim: Primitive): string =>
  createHash("sha256").update(`${prim.id}|${prim.name}|${JSON.stringify(prim.params)}|${prim.python}`).digest("hex").slice(0, 16);

const FRAME_SOURCE_HASH = "frame-v1";

// ---- prediction

const timeAt = (e: CostEntry, n: number, dir: "encode" | "decode"): number =>
  dir === "encode" ? e.encodeCallSec + n / e.encodeBps : e.decodeCallSec + n / e.decodeBps;

/** Log-linear interpolation of a parameter's time between its measured grid values. */
const paramTime = (model: PythonCostModel, prim: Primitive, key: string, value: number | string, n: number, dir: "encode" | "decode", base: number): number => {
  const spec = prim.params[key];
  if (spec.kind === "enum") {
    const e = model.entries.get(variantKey(prim, key, value));
    return e ? timeAt(e, n, dir) : base;
  }
  const points = intGrid(spec)
    .map((v) => {
      const e = v === spec.default ? undefined : model.entries.get(variantKey(prim, key, v));
      return { v, t: v === spec.default ? base : e ? timeAt(e, n, dir) : undefined };
    })
    .filter((p): p is { v: number; t: number } => p.t !== undefined && p.t > 0);
  const v = value as number;
  const below = points.filter((p) => p.v <= v).pop();
  const above = points.find((p) => p.v >= v);
  if (!below && !above) return base;
  if (!below) return above!.t;
  if (!above || above.v === below.v) return below.t;
  const f = (v - below.v) / (above.v - below.v);
  return Math.exp(Math.log(below.t) * (1 - f) + Math.log(above.t) * f);
};

/** Seconds per step of a step-driven kernel. */
const stepSec = (model: PythonCostModel, prim: Primitive, dir: "encode" | "decode"): number => {
  const e = model.entries.get(stepKey(prim));
  return e ? (dir === "encode" ? e.encodeCallSec : e.decodeCallSec) : NOMINAL_STEP_SEC;
};

const nodeTime = (model: PythonCostModel, node: PipelineNode, n: number, dir: "encode" | "decode"): number => {
  const baseEntry = model.entries.get(node.prim.name) ?? NOMINAL[node.prim.kind];
  const base = timeAt(baseEntry, n, dir);
  const steps = STEP_MODELS[node.prim.name];
  let t = base;
  for (const [k, spec] of Object.entries(node.prim.params)) {
    const v = node.params[k];
    if (v === spec.default || base <= 0 || steps?.params.includes(k)) continue;
    t *= paramTime(model, node.prim, k, v, n, dir, base) / base;
  }
  if (!steps) return t;
  const auto: Record<string, number | string> = { ...node.params };
  for (const k of steps.params) auto[k] = node.prim.params[k].default;
  const extra = steps.steps(n, node.params) - steps.steps(n, auto);
  // fewer steps than the auto schedule save their cost, never the per-byte work
  return Math.max(t + extra * stepSec(model, node.prim, dir), t / 2);
};

const preorder = (n: PipelineNode): PipelineNode[] => [n, ...n.children.flatMap(preorder)];

/**
 * Predicted Python seconds to encode and decode one input with `genome`, from the bytes each node
 * received while encoding (`streamSizes`, pre-order, as in an evaluation's `streams`) plus the
 * frame's fixed cost.
 */
export const predictPythonSeconds = (model: PythonCostModel, genome: PipelineJson | PipelineNode, streamSizes: readonly number[]): PythonSeconds => {
  const root = "prim" in genome ? (genome as PipelineNode) : parsePipeline(genome);
  const nodes = preorder(root);
  if (nodes.length !== streamSizes.length)
    throw new RangeError(`predictPythonSeconds: ${streamSizes.length} stream sizes for ${nodes.length} nodes`);
  const frame = model.entries.get(FRAME_KEY) ?? NOMINAL[FRAME_KEY];
  let encodeSec = frame.encodeCallSec;
  let decodeSec = frame.decodeCallSec;
  nodes.forEach((node, i) => {
    encodeSec += nodeTime(model, node, streamSizes[i], "encode");
    decodeSec += nodeTime(model, node, streamSizes[i], "decode");
  });
  return { encodeSec, decodeSec, totalSec: encodeSec + decodeSec };
};

// ---- calibration

/** Identifies the machine and interpreter whose speed a calibration describes. */
export const machineId = (python: string): string => {
  const r = spawnSync(python, ["-c", "import sys, numpy; print(sys.version.split()[0], numpy.__version__)"], { encoding: "utf8" });
  const cpu = os.cpus()[0]?.model ?? "unknown-cpu";
  return createHash("sha256")
    .update([os.hostname(), cpu, os.cpus().length, os.arch(), python, r.stdout?.trim() ?? "?"].join("|"))
    .digest("hex")
    .slice(0, 16);
};

const DRIVER = `
import sys, json, time
sys.path.insert(0, sys.argv[1])
import evocodec_module as codec
np = codec.np
sample = np.fromfile(sys.argv[2], np.uint8)
job = json.load(sys.stdin)
small, large, budget = job["small"], job["large"], job["budget"]

def typical(f):
    times = []
    start = time.perf_counter()
    while len(times) < 9:
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    times.sort()
    return times[len(times) // 2]

def measure(pid, params, n):
    name, kind, spec, enc, dec, arity = codec.PRIMITIVES[pid]
    x = sample[:n].copy()
    streams, rp = enc(x, dict(params))
    streams = [codec.as_u8(s) for s in streams]
    info = codec.Info(codec.DEFAULT_CAP, n if kind == "backend" else None)
    return typical(lambda: enc(x, dict(params))), typical(lambda: dec(streams, rp, info))

for v in job["variants"]:
    try:
        es, ds = measure(v["id"], v["params"], small)
        el, dl = measure(v["id"], v["params"], large)
        out = {"key": v["key"], "small": [es, ds], "large": [el, dl]}
    except Exception as e:
        out = {"key": v["key"], "error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out) + "\\n")
    sys.stdout.flush()

pipeline = {"op": "zstd", "level": 1}
x = sample[:small].copy()
frame = codec.encode(pipeline, x)
fe = typical(lambda: codec.encode(pipeline, x))
fd = typical(lambda: codec.decode(frame))
ke, kd = measure(codec.BY_NAME["zstd"], {"level": 1}, small)
sys.stdout.write(json.dumps({"key": "${FRAME_KEY}", "frame": [max(fe - ke, 0.0), max(fd - kd, 0.0)]}) + "\\n")
`;

interface DriverLine {
  readonly key: string;
  readonly small?: [number, number];
  readonly large?: [number, number];
  readonly frame?: [number, number];
  readonly error?: string;
}

/** Fixed cost and throughput from times at two sizes (floored so noise never gives a negative or infinite figure). */
const fit = (small: number, large: number, tSmall: number, tLarge: number): { bps: number; call: number } => {
  const slope = Math.max((tLarge - tSmall) / (large - small), 1e-12);
  return { bps: 1 / slope, call: Math.max(tSmall - small * slope, 0) };
};

export interface CalibrationOptions {
  readonly python: string;
  /** Real data to run the kernels on (a slice of the corpus); at least `small` bytes. */
  readonly sample: Uint8Array;
  readonly onProgress?: (done: number, total: number, key: string) => void;
  /** Receives the rows of each primitive as soon as all its variants are measured (so an interrupted calibration keeps them). */
  readonly onPrimitive?: (rows: readonly Omit<CalibrationRow, "measuredAt">[]) => void;
  /** Measure only the variants of these keys (all by default). */
  readonly only?: readonly string[];
  readonly timeoutMs?: number;
  /** Aborting kills the Python process. */
  readonly signal?: AbortSignal;
}

/** Median seconds of encode and decode at the two calibration sizes. */
export interface Timing {
  readonly small: readonly [number, number];
  readonly large: readonly [number, number];
}

/** The two input sizes of a calibration on a sample of `length` bytes. */
export const calibrationSizes = (length: number): { readonly small: number; readonly large: number } => {
  const large = Math.min(length & ~1, 1 << 19);
  return { small: Math.min(32768, large >> 2) & ~1, large };
};

/** Runs the Python kernels of `variants` on the sample (then the frame's own cost); each variant's timing, null when it failed. */
const runDriver = (
  variants: readonly Variant[],
  opts: CalibrationOptions,
  onTiming: (v: Variant, t: Timing | null) => void,
  onFrame: (encodeSec: number, decodeSec: number) => void,
): Promise<void> => {
  const { small, large } = calibrationSizes(opts.sample.length);
  if (large < 1024) return Promise.reject(new SearchError({ reason: "calibration", message: "calibration needs at least 1 KiB of sample data" }));
  const dir = mkdtempSync(path.join(os.tmpdir(), "evocodec-calib-"));
  writeFileSync(path.join(dir, "evocodec_module.py"), pythonCodecSource());
  writeFileSync(path.join(dir, "driver.py"), DRIVER);
  writeFileSync(path.join(dir, "sample.bin"), opts.sample.subarray(0, large));
  const job = { small, large, budget: 0.25, variants: variants.map((v) => ({ key: v.key, id: v.prim.id, params: v.params })) };
  const byKey = new Map(variants.map((v) => [v.key, v]));
  return new Promise((resolve, reject) => {
    const child = spawn(opts.python, [path.join(dir, "driver.py"), dir, path.join(dir, "sample.bin")], { stdio: ["pipe", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 20 * 60_000);
    const abort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", abort, { once: true });
    let buffered = "";
    let stderr = "";
    let done = 0;
    const onLine = (line: string) => {
      const m = JSON.parse(line) as DriverLine;
      if (m.frame) return onFrame(m.frame[0], m.frame[1]);
      const v = byKey.get(m.key)!;
      opts.onProgress?.(++done, variants.length, m.key);
      onTiming(v, m.small && m.large ? { small: m.small, large: m.large } : null);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (e) => reject(new SearchError({ reason: "calibration", message: `${opts.python}: ${e.message}` })));
    child.on("close", (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", abort);
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) reject(new SearchError({ reason: "calibration", message: `python calibration exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}` }));
      else resolve();
    });
    child.stdin.end(JSON.stringify(job));
  });
};

/** Times arbitrary variants (e.g. whole nodes) with the calibration driver, by key. */
export const measurePython = async (variants: readonly Variant[], opts: CalibrationOptions): Promise<Map<string, Timing>> => {
  const out = new Map<string, Timing>();
  await runDriver(variants, opts, (v, t) => t && out.set(v.key, t), () => undefined);
  return out;
};

/** Seconds per step from the two probes' timings: their time difference over their step difference, at both sizes. */
const perStep = (model: StepModel, prim: Primitive, few: Timing, many: Timing, sizes: { small: number; large: number }): [number, number] => {
  const defaults = prim.defaults();
  const at = (dir: 0 | 1): number => {
    const rates = (["small", "large"] as const).map((size) => {
      const n = sizes[size];
      const extra = model.steps(n, { ...defaults, ...model.probes.many }) - model.steps(n, { ...defaults, ...model.probes.few });
      return (many[size][dir] - few[size][dir]) / Math.max(extra, 1);
    });
    return Math.max((rates[0] + rates[1]) / 2, 0);
  };
  return [at(0), at(1)];
};

/** Runs the Python kernels of `prims` and returns calibration rows (the frame row and the per-step rows included). */
export const calibrate = async (prims: readonly Primitive[], opts: CalibrationOptions): Promise<Omit<CalibrationRow, "measuredAt">[]> => {
  const only = opts.only && new Set(opts.only);
  const variants = prims.flatMap(variantsOf).filter((v) => !only || only.has(v.key));
  const sizes = calibrationSizes(opts.sample.length);
  const rows: Omit<CalibrationRow, "measuredAt">[] = [];
  const remaining = new Map<Primitive, number>();
  for (const v of variants) remaining.set(v.prim, (remaining.get(v.prim) ?? 0) + 1);
  const probes = new Map<string, Timing | null>();
  const add = (row: Omit<CalibrationRow, "measuredAt">) => rows.push(row);
  const onTiming = (v: Variant, t: Timing | null) => {
    const hash = sourceHash(v.prim);
    if (v.probe) {
      probes.set(v.key, t);
      const model = STEP_MODELS[v.prim.name];
      const few = probes.get(variantKey(v.prim, "steps", "few"));
      const many = probes.get(variantKey(v.prim, "steps", "many"));
      if (few !== undefined && many !== undefined) {
        const [enc, dec] = few && many ? perStep(model, v.prim, few, many, sizes) : [NOMINAL_STEP_SEC, NOMINAL_STEP_SEC];
        add({ primitive: stepKey(v.prim), sourceHash: hash, encodeBps: 1e300, decodeBps: 1e300, encodeCallSec: enc, decodeCallSec: dec });
      }
    } else if (!t) {
      // a kernel that fails on sample data keeps the nominal figures (stored, so it is not retried every run); the gate judges it
      const n = NOMINAL[v.prim.kind];
      add({ primitive: v.key, sourceHash: hash, encodeBps: n.encodeBps, decodeBps: n.decodeBps, encodeCallSec: n.encodeCallSec, decodeCallSec: n.decodeCallSec });
    } else {
      const e = fit(sizes.small, sizes.large, t.small[0], t.large[0]);
      const d = fit(sizes.small, sizes.large, t.small[1], t.large[1]);
      add({ primitive: v.key, sourceHash: hash, encodeBps: e.bps, decodeBps: d.bps, encodeCallSec: e.call, decodeCallSec: d.call });
    }
    const left = remaining.get(v.prim)! - 1;
    remaining.set(v.prim, left);
    if (left === 0) opts.onPrimitive?.(rows.filter((r) => r.primitive === v.prim.name || r.primitive.startsWith(`${v.prim.name}{`)));
  };
  const onFrame = (encodeSec: number, decodeSec: number) => {
    const row = { primitive: FRAME_KEY, sourceHash: FRAME_SOURCE_HASH, encodeBps: 1e300, decodeBps: 1e300, encodeCallSec: encodeSec, decodeCallSec: decodeSec };
    rows.push(row);
    opts.onPrimitive?.([row]);
  };
  await runDriver(variants, opts, onTiming, onFrame);
  return rows;
};

const toEntry = (r: CalibrationRow): CostEntry => ({
  encodeBps: r.encodeBps,
  decodeBps: r.decodeBps,
  encodeCallSec: r.encodeCallSec,
  decodeCallSec: r.decodeCallSec,
});

/** Primitives with no calibration for their current kernel source on this machine (or no per-step cost when they need one). */
const missingPrimitives = (rows: readonly CalibrationRow[]): Primitive[] => {
  const have = new Set(rows.map((r) => `${r.primitive}|${r.sourceHash}`));
  const needs = (p: Primitive) => [p.name, ...(STEP_MODELS[p.name] ? [stepKey(p)] : [])];
  return PRIMITIVES.filter((p) => needs(p).some((key) => !have.has(`${key}|${sourceHash(p)}`)));
};

const modelFrom = (machine: string, rows: readonly CalibrationRow[]): PythonCostModel => {
  const current = new Map(PRIMITIVES.map((p) => [p.name, sourceHash(p)]));
  const entries = new Map<string, CostEntry>();
  for (const r of rows) {
    const base = r.primitive === FRAME_KEY ? FRAME_KEY : r.primitive.replace(/\{.*$/, "");
    if (base === FRAME_KEY ? r.sourceHash === FRAME_SOURCE_HASH : current.get(base) === r.sourceHash) entries.set(r.primitive, toEntry(r));
  }
  return { machine, kind: entries.size > 0 ? "calibrated" : "nominal", entries };
};

/**
 * The calibrated model for this machine, measuring first whatever the database lacks (every
 * primitive on first use, afterwards only primitives whose kernels changed).
 */
export const ensureCalibration = async (
  q: Queries,
  opts: CalibrationOptions & { readonly force?: boolean; readonly onStart?: (prims: readonly Primitive[]) => void },
): Promise<PythonCostModel> => {
  const machine = machineId(opts.python);
  const rows = q.calibration(machine);
  const missing = opts.force ? [...PRIMITIVES] : missingPrimitives(rows);
  const needFrame = opts.force || !rows.some((r) => r.primitive === FRAME_KEY && r.sourceHash === FRAME_SOURCE_HASH);
  if (missing.length > 0 || needFrame) {
    opts.onStart?.(missing);
    await calibrate(missing, { ...opts, onPrimitive: (rows) => q.putCalibration(machine, rows) });
  }
  return modelFrom(machine, q.calibration(machine));
};

/** The stored model for this machine without measuring anything (nominal figures fill the gaps). */
export const storedModel = (q: Queries, python: string): PythonCostModel => {
  const machine = machineId(python);
  return modelFrom(machine, q.calibration(machine));
};

