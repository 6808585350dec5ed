/**
 * Runs a server-target solution as the validator does: `python solution.py --host 127.0.0.1
 * --port <free port>`, wait for GET /health, then per file POST the bytes as multipart field
 * `file` to /compress and the answer to /decompress, timing both calls (wall time on the client).
 * With the baseline, both servers run side by side and take each file in turn (runServers).
 * The servers' process groups are stopped when the scope closes, whatever happened.
 */
import { randomBytes } from "node:crypto";
import { request } from "node:http";
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

/** A multipart/form-data body holding bytes as field `file`, built before the clock starts (a
 * validator holds its request ready too). */
const multipart = (bytes: Uint8Array, name: string): { body: Buffer; contentType: string } => {
  // random, so it occurs in no sample (2^-96 per position)
  const boundary = `----evocodec${randomBytes(12).toString("hex")}`;
  const filename = name.replace(/["\r\n]/g, "_");
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head, "latin1"), bytes, Buffer.from(`\r\n--${boundary}--\r\n`, "latin1")]), contentType: `multipart/form-data; boundary=${boundary}` };
};

/** POST as a lean client does: node:http writes the prepared body at once. (fetch with FormData
 * streams a Blob in small chunks: it added 5-15 ms per round trip of a 1 MB sample to every
 * solution's time, which lowered scores by about 1% and hid how much slower a codec is than zstd.) */
const post = (url: string, bytes: Uint8Array, name: string, timeoutMs: number): Promise<Posted> =>
  new Promise((resolve, reject) => {
    const { body, contentType } = multipart(bytes, name);
    const t0 = performance.now();
    const req = request(url, { method: "POST", headers: { "content-type": contentType, "content-length": body.length }, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: new Uint8Array(Buffer.concat(parts)), seconds: (performance.now() - t0) / 1000 }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on("error", reject);
    req.end(body);
  });

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

/** A sample through a started server; a failed request is a crash (with the server's last words) once the server is gone. */
const serve = async (child: GroupChild, base: string, s: Sample, opts: ServerOptions): Promise<FileRun> => {
  try {
    return await roundTrip(base, s, opts);
  } catch (e) {
    await Promise.race([child.exited, new Promise((r) => setTimeout(r, 500))]);
    if (child.hasExited()) {
      const exit = await child.exited;
      throw crashed(child, `server died on ${s.name} (exit ${exit.code ?? exit.signal})`);
    }
    throw crashed(child, `request for ${s.name} failed: ${(e as Error).message}`);
  }
};

/** A solution file and how its failures are reported (the baseline's say "baseline-failed"). */
export interface ServedSolution {
  readonly file: string;
  readonly failure?: (e: VerifyError) => VerifyError;
}

/**
 * Every sample through freshly started servers, one per solution, all running side by side: each
 * sample goes through every server in turn before the next sample, so a shared machine's drift in
 * speed (other jobs, frequency) lands on the solution and the baseline alike instead of on
 * whichever ran in the slower minute. Fails only when a server dies or never starts.
 */
export const runServers = (solutions: readonly ServedSolution[], samples: readonly Sample[], opts: ServerOptions): Effect.Effect<FileRun[][], VerifyError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const servers = yield* Effect.forEach(solutions, (s) => startServer(s.file, opts));
      const bases = servers.map(({ port }) => `http://127.0.0.1:${port}`);
      const blame = (i: number, e: unknown): VerifyError => {
        const error = e instanceof VerifyError ? e : new VerifyError({ reason: "solution-crashed", message: String(e) });
        return solutions[i].failure?.(error) ?? error;
      };
      return yield* Effect.tryPromise({
        try: async () => {
          for (let i = 0; i < servers.length; i++) await waitHealthy(servers[i].child, bases[i], opts.startTimeoutMs).catch((e) => Promise.reject(blame(i, e)));
          const out: FileRun[][] = servers.map(() => []);
          for (const s of samples)
            for (let i = 0; i < servers.length; i++) out[i].push(await serve(servers[i].child, bases[i], s, opts).catch((e) => Promise.reject(blame(i, e))));
          return out;
        },
        catch: (e) => (e instanceof VerifyError ? e : new VerifyError({ reason: "solution-crashed", message: String(e) })),
      });
    }),
  );

/** Every sample through a freshly started server; fails only when the server itself dies or never starts. */
export const runServerTarget = (solution: string, samples: readonly Sample[], opts: ServerOptions): Effect.Effect<FileRun[], VerifyError> =>
  runServers([{ file: solution }], samples, opts).pipe(Effect.map(([runs]) => runs));
