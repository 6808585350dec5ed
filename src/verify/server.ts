/**
 * Runs a server-target solution as the validator does: `python solution.py --host 127.0.0.1
 * --port <free port>`, wait for GET /health, then per file POST the bytes as multipart field
 * `file` to /compress and the answer to /decompress, timing both calls (wall time on the client).
 * The server's process group is stopped when the scope closes, whatever happened.
 */
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { Effect } from "effect";
import { VerifyError } from "./errors.js";
import { lastLine, spawnGroup, type GroupChild } from "./process.js";
import { differenceMessage, type FileRun } from "./result.js";
import type { Sample } from "./samples.js";
import { median } from "./score.js";

export interface ServerOptions {
  readonly python: string;
  /** Round trips per file; the reported times are their medians. */
  readonly repeat: number;
  readonly startTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });

const crashed = (child: GroupChild, what: string): VerifyError =>
  new VerifyError({ reason: "solution-crashed", message: `${what}${child.output() ? `: ${lastLine(child.output())}` : ""}` });

const waitHealthy = async (child: GroupChild, base: string, timeoutMs: number): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.hasExited()) {
      const exit = await child.exited;
      throw crashed(child, `server exited during startup (code ${exit.code ?? exit.signal})`);
    }
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.ok) {
        if (JSON.parse(body)?.status === "healthy") return;
        throw new VerifyError({ reason: "solution-crashed", message: `GET /health answered ${body.slice(0, 200)}, expected {"status": "healthy"}` });
      }
    } catch (e) {
      if (e instanceof VerifyError) throw e;
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw crashed(child, `server not healthy after ${timeoutMs / 1000} s`);
};

interface Posted {
  readonly status: number;
  readonly body: Uint8Array;
  readonly seconds: number;
}

const post = async (url: string, bytes: Uint8Array, name: string, timeoutMs: number): Promise<Posted> => {
  const form = new FormData();
  form.append("file", new Blob([bytes.slice()]), name);
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", body: form, signal: AbortSignal.timeout(timeoutMs) });
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, body, seconds: (performance.now() - t0) / 1000 };
};

const detail = (p: Posted): string => {
  const text = Buffer.from(p.body).toString("utf8").slice(0, 300);
  try {
    return String(JSON.parse(text).detail ?? text);
  } catch {
    return text;
  }
};

const roundTrip = async (base: string, s: Sample, opts: ServerOptions): Promise<FileRun> => {
  const comp: number[] = [];
  const decomp: number[] = [];
  let compressedBytes: number | null = null;
  for (let r = 0; r < opts.repeat; r++) {
    const c = await post(`${base}/compress`, s.raw, s.name, opts.requestTimeoutMs);
    comp.push(c.seconds);
    const failed = (failure: FileRun["failure"], error: string): FileRun => ({
      file: s.name, originalBytes: s.raw.length, compressedBytes, compressSec: median(comp), decompressSec: median(decomp), bitExact: false, failure, error,
    });
    if (c.status !== 200) return failed("task-failed", `POST /compress answered HTTP ${c.status}: ${detail(c)}`);
    compressedBytes = c.body.length;
    const d = await post(`${base}/decompress`, c.body, `${s.name}.evc`, opts.requestTimeoutMs);
    decomp.push(d.seconds);
    if (d.status !== 200) return failed("task-failed", `POST /decompress answered HTTP ${d.status}: ${detail(d)}`);
    const diff = differenceMessage(d.body, s.raw);
    if (diff) return failed("not-bit-exact", diff);
  }
  return { file: s.name, originalBytes: s.raw.length, compressedBytes, compressSec: median(comp), decompressSec: median(decomp), bitExact: true };
};

const startServer = (solution: string, opts: ServerOptions) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const port = await freePort();
      return { port, child: spawnGroup(opts.python, [solution, "--host", "127.0.0.1", "--port", String(port)]) };
    }),
    ({ child }) => Effect.promise(() => child.stop()),
  );

/** Every sample through a freshly started server; fails only when the server itself dies or never starts. */
export const runServerTarget = (solution: string, samples: readonly Sample[], opts: ServerOptions): Effect.Effect<FileRun[], VerifyError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { port, child } = yield* startServer(solution, opts);
      const base = `http://127.0.0.1:${port}`;
      return yield* Effect.tryPromise({
        try: async () => {
          await waitHealthy(child, base, opts.startTimeoutMs);
          const out: FileRun[] = [];
          for (const s of samples) {
            try {
              out.push(await roundTrip(base, s, opts));
            } catch (e) {
              await Promise.race([child.exited, new Promise((r) => setTimeout(r, 500))]);
              if (child.hasExited()) {
                const exit = await child.exited;
                throw crashed(child, `server died on ${s.name} (exit ${exit.code ?? exit.signal})`);
              }
              throw crashed(child, `request for ${s.name} failed: ${(e as Error).message}`);
            }
          }
          return out;
        },
        catch: (e) => (e instanceof VerifyError ? e : new VerifyError({ reason: "solution-crashed", message: String(e) })),
      });
    }),
  );
