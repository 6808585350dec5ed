/**
 * `evocodec demo`: compresses the shipped samples and a generated synthetic set with every built-in
 * pipeline, checks each round trip in TypeScript and through the generated Python decoder, and
 * prints ratio and speed per file and pipeline.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { Effect } from "effect";
import { BUILTIN_PIPELINES } from "../codec/builtins.js";
import { decodeFrame, encodeFrame, parsePipeline } from "../codec/index.js";
import { SAMPLES_DIR } from "../data/samples-dir.js";
import { demoSpecs, generateTensor, SAMPLE_SPECS, sampleFileName } from "../data/synthetic.js";
import { checkPython, defaultPython } from "../python/interpreter.js";
import { decoderModuleSource } from "../python/module.js";
import { action, formatBytes, formatRatio, out, table, UsageError } from "./common.js";

interface Options {
  readonly python: string;
  readonly skipPython?: boolean;
  readonly mib: string;
  readonly json?: boolean;
}

interface DemoFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface DemoRow {
  readonly file: string;
  readonly pipeline: string;
  readonly inputBytes: number;
  readonly frameBytes: number;
  readonly encodeMBs: number;
  readonly decodeMBs: number;
  readonly tsOk: boolean;
  pythonOk: boolean | null;
  pythonError?: string;
}

/** Mean milliseconds per call, repeating short calls so the timer resolution does not dominate. */
const timeIt = <A>(f: () => A): { result: A; ms: number } => {
  const t0 = performance.now();
  const result = f();
  let ms = performance.now() - t0;
  if (ms < 20) {
    const runs = Math.min(50, Math.ceil(40 / Math.max(ms, 0.05)));
    const t1 = performance.now();
    for (let i = 0; i < runs; i++) f();
    ms = (performance.now() - t1) / runs;
  }
  return { result, ms };
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

const loadFiles = (mib: number): Effect.Effect<DemoFile[]> =>
  Effect.promise(async () => {
    const samples = await Promise.all(
      SAMPLE_SPECS.map(async (spec) => {
        const name = sampleFileName(spec);
        // samples/ is generated from these specs; regenerate if this install lacks it
        const bytes = await readFile(path.join(SAMPLES_DIR, name)).then((b) => new Uint8Array(b), () => generateTensor(spec).bytes);
        return { name: `samples/${name}`, bytes };
      }),
    );
    const synthetic = mib > 0 ? demoSpecs(mib).map((spec) => ({ name: `${spec.name}.bf16`, bytes: generateTensor(spec).bytes })) : [];
    return [...samples, ...synthetic];
  });

const PY_DRIVER = `
import sys, json
sys.path.insert(0, sys.argv[1])
import decoder
results = []
for frame_path, expected_path in json.load(sys.stdin):
    try:
        with open(frame_path, "rb") as f:
            got = decoder.decode(f.read())
        with open(expected_path, "rb") as f:
            ok = got == f.read()
        results.append({"ok": ok, "error": None if ok else "decoded bytes differ"})
    except Exception as e:
        results.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
json.dump(results, sys.stdout)
`;

/** Decodes every frame with the generated decoder in one Python process. */
const verifyInPython = (python: string, files: readonly DemoFile[], jobs: readonly { fileIndex: number; frame: Uint8Array }[]): { ok: boolean; error?: string }[] => {
  const dir = mkdtempSync(path.join(tmpdir(), "evocodec-demo-"));
  try {
    writeFileSync(path.join(dir, "decoder.py"), decoderModuleSource());
    writeFileSync(path.join(dir, "driver.py"), PY_DRIVER);
    files.forEach((f, i) => writeFileSync(path.join(dir, `input-${i}.bin`), f.bytes));
    const pairs = jobs.map((j, i) => {
      writeFileSync(path.join(dir, `frame-${i}.evc`), j.frame);
      return [path.join(dir, `frame-${i}.evc`), path.join(dir, `input-${j.fileIndex}.bin`)];
    });
    const r = spawnSync(python, [path.join(dir, "driver.py"), dir], { input: JSON.stringify(pairs), encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      const error = (r.error?.message ?? r.stderr.trim().split("\n").pop() ?? "python failed").slice(0, 200);
      return jobs.map(() => ({ ok: false, error }));
    }
    return (JSON.parse(r.stdout) as { ok: boolean; error: string | null }[]).map((x) => (x.ok ? { ok: true } : { ok: false, error: x.error ?? "" }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const run = (opts: Options) =>
  Effect.gen(function* () {
    const mib = Number(opts.mib);
    if (!Number.isFinite(mib) || mib < 0 || mib > 256) return yield* Effect.fail(new UsageError({ message: `--mib must be a number in [0, 256], got "${opts.mib}"` }));
    const files = yield* loadFiles(mib);
    const pipelines = Object.entries(BUILTIN_PIPELINES).map(([name, b]) => ({ name, node: parsePipeline(b.json) }));
    const rows: DemoRow[] = [];
    const jobs: { fileIndex: number; frame: Uint8Array }[] = [];
    files.forEach((file, fileIndex) => {
      for (const p of pipelines) {
        const enc = timeIt(() => encodeFrame(p.node, file.bytes).frame);
        const dec = timeIt(() => decodeFrame(enc.result));
        const mbs = (ms: number) => file.bytes.length / 1e3 / Math.max(ms, 1e-6);
        rows.push({
          file: file.name,
          pipeline: p.name,
          inputBytes: file.bytes.length,
          frameBytes: enc.result.length,
          encodeMBs: mbs(enc.ms),
          decodeMBs: mbs(dec.ms),
          tsOk: sameBytes(dec.result, file.bytes),
          pythonOk: null,
        });
        jobs.push({ fileIndex, frame: enc.result });
      }
    });
    let pythonNote = "";
    if (!opts.skipPython) {
      const missing = checkPython(opts.python);
      if (missing) pythonNote = `python-ok is "n/a": ${missing} (use --python)`;
      else
        verifyInPython(opts.python, files, jobs).forEach((r, i) => {
          rows[i].pythonOk = r.ok;
          if (r.error) rows[i].pythonError = r.error;
        });
    }
    const failed = rows.filter((r) => !r.tsOk || r.pythonOk === false);
    if (opts.json) out(JSON.stringify({ python: opts.skipPython ? null : opts.python, rows }, null, 2));
    else {
      const best = new Map<string, number>();
      for (const r of rows) best.set(r.file, Math.min(best.get(r.file) ?? Infinity, r.frameBytes));
      const cells = rows.map((r) => [
        r.file,
        r.pipeline,
        formatBytes(r.inputBytes),
        formatRatio(r.inputBytes, r.frameBytes) + (best.get(r.file) === r.frameBytes ? " *" : ""),
        r.encodeMBs.toFixed(1),
        r.decodeMBs.toFixed(1),
        r.tsOk ? "yes" : "NO",
        r.pythonOk === null ? "n/a" : r.pythonOk ? "yes" : "NO",
      ]);
      table(["file", "pipeline", "bytes", "ratio", "enc MB/s", "dec MB/s", "ts-ok", "python-ok"], cells).forEach((l) => out(l));
      out(`\n* best ratio for the file. Python decoder: ${opts.skipPython ? "skipped" : pythonNote || opts.python}`);
      for (const r of failed) out(`FAILED ${r.file} ${r.pipeline}: ${r.tsOk ? "" : "TS round trip differs; "}${r.pythonError ?? ""}`);
    }
    if (failed.length > 0) {
      process.stderr.write(`evocodec: demo: ${failed.length} round trip(s) failed\n`);
      process.exitCode = 1;
    }
  });

export const registerDemo = (program: Command): void => {
  program
    .command("demo")
    .description("compress the samples and a synthetic bf16 set with every built-in pipeline; check round trips in TS and Python")
    .option("--python <path>", "Python interpreter for the decoder check", defaultPython())
    .option("--skip-python", "do not run the Python decoder check")
    .option("--mib <n>", "size of each generated synthetic tensor in MiB (0: samples only)", "1")
    .option("--json", "print the rows as JSON")
    .action(action(run));
};
