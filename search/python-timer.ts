/**
 * Measured Python time of a genome: the generated numpy codec (the code an emitted solution runs)
 * encodes and decodes a few corpus files in one long-lived interpreter, as in a solution server.
 * The per-primitive cost model (python-cost.ts) predicts every file of every genome; these
 * measurements on a sample of files correct it per genome (model time x measured / predicted on
 * the sample), because a kernel's cost depends on the data it sees (rans on a sign+exponent stream
 * of 50 symbols vs raw bf16 of thousands), which a calibration on one slice cannot know.
 *
 * The run is also a cross-language check: the Python round trip must give back the input, so a
 * genome whose numpy kernels disagree with TypeScript never wins.
 *
 * A scoped service: the interpreter starts with the layer and is killed when its scope closes, or
 * when one call overruns its time limit (the next request starts a fresh one).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Context, Data, Effect, Layer } from "effect";
import type { PipelineJson } from "../src/codec/pipeline.js";
import { pythonCodecSource } from "../src/python/module.js";

export interface SampleFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface FileTiming {
  readonly name: string;
  readonly bytes: number;
  readonly encodeSec: number;
  readonly decodeSec: number;
}

/** mismatch: the Python round trip did not give the input back; error: the codec raised; timeout: a call overran. */
export type PythonTimingReason = "mismatch" | "error" | "timeout" | "crash";

export class PythonTimingError extends Data.TaggedError("PythonTimingError")<{
  readonly reason: PythonTimingReason;
  readonly message: string;
}> {}

export interface PythonTimerApi {
  /** The sample files, in measuring order. */
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
  /** Encode + decode of every sample file (minimum over a few repeats within the repeat budget). */
  readonly time: (genome: PipelineJson) => Effect.Effect<readonly FileTiming[], PythonTimingError>;
}

export interface PythonTimerOptions {
  readonly python: string;
  readonly samples: readonly SampleFile[];
  /** A single encode or decode call longer than this kills the interpreter: the genome is too slow. */
  readonly callTimeoutMs: number;
  /** Repeats go on while the genome's measuring time stays under this (at least one pass). */
  readonly repeatBudgetSec: number;
}

/** Up to `count` files at evenly spread size ranks (smallest and largest included): the model is corrected across sizes. */
export const timingSamples = <F extends SampleFile>(files: readonly F[], count = 3): F[] => {
  const bySize = [...files].sort((a, b) => a.bytes.length - b.bytes.length || a.name.localeCompare(b.name));
  if (bySize.length <= count) return bySize;
  const picks = new Set(Array.from({ length: count }, (_, i) => Math.round((i * (bySize.length - 1)) / Math.max(1, count - 1))));
  return [...picks].map((i) => bySize[i]);
};

const DRIVER = `
import json, sys, time
sys.path.insert(0, sys.argv[1])
import evocodec_module as codec
samples = [open(p, "rb").read() for p in sys.argv[2:]]
out = sys.stdout
out.write('{"ready": true}\\n')
out.flush()
for line in sys.stdin:
    job = json.loads(line)
    try:
        best = [[float("inf"), float("inf")] for _ in samples]
        start = time.perf_counter()
        passes = 0
        while passes == 0 or (passes < 3 and time.perf_counter() - start < job["budget"]):
            for i, data in enumerate(samples):
                out.write('{"call": %d}\\n' % i)
                out.flush()
                t0 = time.perf_counter()
                frame = codec.encode(job["pipeline"], data)
                t1 = time.perf_counter()
                back = codec.decode(frame)
                t2 = time.perf_counter()
                if back != data:
                    raise AssertionError("file %d: the Python round trip differs from the input" % i)
                best[i][0] = min(best[i][0], t1 - t0)
                best[i][1] = min(best[i][1], t2 - t1)
            passes += 1
        out.write(json.dumps({"ok": True, "times": best}) + "\\n")
    except AssertionError as e:
        out.write(json.dumps({"ok": False, "reason": "mismatch", "message": str(e)}) + "\\n")
    except Exception as e:
        out.write(json.dumps({"ok": False, "reason": "error", "message": "%s: %s" % (type(e).__name__, e)}) + "\\n")
    out.flush()
`;

type Reply = { readonly ready: true } | { readonly call: number } | { readonly ok: true; readonly times: [number, number][] } | { readonly ok: false; readonly reason: PythonTimingReason; readonly message: string };

/** One interpreter with the codec loaded and the samples read; replies line by line, queued until read. */
class Interpreter {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = "";
  private stderr = "";
  private readonly lines: Reply[] = [];
  private waiter: ((r: Reply | Error) => void) | null = null;
  private dead: Error | null = null;

  constructor(python: string, dir: string, files: readonly string[]) {
    this.child = spawn(python, [path.join(dir, "driver.py"), dir, ...files], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf("\n")) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.lines.push(JSON.parse(line) as Reply);
      }
      this.wake();
    });
    this.child.stderr.setEncoding("utf8").on("data", (c: string) => (this.stderr = (this.stderr + c).slice(-4000)));
    this.child.on("error", (e) => this.die(e));
    this.child.on("close", (code, signal) => this.die(new Error(`python exited (${code ?? signal})${this.stderr ? `: ${this.stderr.trim().split("\n").slice(-1)[0]}` : ""}`)));
    this.child.stdin.on("error", () => undefined); // a dead interpreter is reported by "close"
  }

  private wake(): void {
    const w = this.waiter;
    if (!w) return;
    const line = this.lines.shift();
    if (line !== undefined) {
      this.waiter = null;
      w(line);
    } else if (this.dead) {
      this.waiter = null;
      w(this.dead);
    }
  }

  private die(e: Error): void {
    if (!this.dead) this.dead = e;
    this.wake();
  }

  get alive(): boolean {
    return this.dead === null;
  }

  /** The next line, or an error if the interpreter dies or stays silent for \`timeoutMs\`. */
  next(timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        this.kill();
        reject(new PythonTimingError({ reason: "timeout", message: `a Python call took more than ${timeoutMs / 1000} s` }));
      }, timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      this.wake();
    });
  }

  send(job: unknown): void {
    this.lines.length = 0;
    this.child.stdin.write(JSON.stringify(job) + "\n");
  }

  kill(): void {
    if (!this.alive) return;
    this.dead = new Error("python was stopped");
    this.child.kill("SIGKILL");
  }
}

/** Importing numpy and the codec, reading the samples. */
const START_TIMEOUT_MS = 60_000;

export class PythonTimer extends Context.Tag("evocodec/PythonTimer")<PythonTimer, PythonTimerApi>() {
  static readonly layer = (opts: PythonTimerOptions): Layer.Layer<PythonTimer> =>
    Layer.scoped(
      PythonTimer,
      Effect.gen(function* () {
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => {
            const d = mkdtempSync(path.join(os.tmpdir(), "evocodec-pytime-"));
            writeFileSync(path.join(d, "evocodec_module.py"), pythonCodecSource());
            writeFileSync(path.join(d, "driver.py"), DRIVER);
            opts.samples.forEach((s, i) => writeFileSync(path.join(d, `sample-${i}.bin`), s.bytes));
            return d;
          }),
          (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true })),
        );
        const files = opts.samples.map((_, i) => path.join(dir, `sample-${i}.bin`));
        let interpreter: Interpreter | null = null;
        yield* Effect.addFinalizer(() => Effect.sync(() => interpreter?.kill()));
        const lock = yield* Effect.makeSemaphore(1);
        const measure = async (genome: PipelineJson): Promise<readonly FileTiming[]> => {
          if (!interpreter?.alive) {
            interpreter = new Interpreter(opts.python, dir, files);
            await interpreter.next(START_TIMEOUT_MS); // the codec imported and the samples read
          }
          const it = interpreter;
          it.send({ pipeline: genome, budget: opts.repeatBudgetSec });
          // one "call" line per file and pass, then the result: each must come within the call timeout
          for (;;) {
            const r = await it.next(opts.callTimeoutMs);
            if ("call" in r || "ready" in r) continue;
            if (!r.ok) throw new PythonTimingError({ reason: r.reason, message: r.message });
            return r.times.map(([encodeSec, decodeSec], i) => ({ name: opts.samples[i].name, bytes: opts.samples[i].bytes.length, encodeSec, decodeSec }));
          }
        };
        return {
          files: opts.samples.map((s) => ({ name: s.name, bytes: s.bytes.length })),
          time: (genome) =>
            lock.withPermits(1)(
              Effect.tryPromise({
                try: () => measure(genome),
                catch: (e) => (e instanceof PythonTimingError ? e : new PythonTimingError({ reason: "crash", message: e instanceof Error ? e.message : String(e) })),
              }),
            ),
        } satisfies PythonTimerApi;
      }),
    );
}
