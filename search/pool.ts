/**
 * The evaluation pool: piscina worker threads (search/worker.ts) as a scoped Effect service.
 * Every evaluation has a timeout that really stops it: the Effect is interrupted, which aborts the
 * piscina task's AbortSignal, which terminates the thread running it (piscina starts a fresh one).
 * Workers have a heap limit, so a genome that blows memory kills only its own thread. Whatever
 * goes wrong with a candidate fails the Effect with a `CandidateFailure`; the run records it and
 * goes on. The pool is destroyed when the layer's scope closes.
 *
 * Terminating a thread is only as safe as the native addon it is inside: node-liblzma (the xz
 * backend) aborts the whole process when its thread is terminated mid-call. Such calls run
 * `uninterruptible`, and a timeout waits until the worker is outside one before terminating it
 * (primitives/backends/native-guard.ts), so it may come late by one xz call.
 */
import { Context, Data, Duration, Effect, Fiber, Layer, type Scope } from "effect";
import { Piscina } from "piscina";
import type { FailureReason, FileEvaluation } from "../results/store.js";
import { newNativeGuard, whenTerminable } from "../primitives/backends/native-guard.js";
import { SearchError } from "./errors.js";
import { whenStarted, type EvalReply, type EvalTask } from "./protocol.js";

/** Why one candidate could not be evaluated (the failures table's reasons). */
export class CandidateFailure extends Data.TaggedError("CandidateFailure")<{
  readonly reason: FailureReason;
  readonly message: string;
  readonly counterexample?: unknown;
}> {}

export interface PoolOptions {
  readonly workers: number;
  /** Per evaluation, from the moment a worker starts on it. */
  readonly timeoutMs: number;
  /** Old-generation heap limit of each worker thread. */
  readonly memoryMb: number;
  /** Modules of extra primitives every worker registers before evaluating (tests). */
  readonly extraPrimitives?: readonly string[];
}

export interface EvalPoolApi {
  readonly workers: number;
  readonly evaluate: (task: EvalTask) => Effect.Effect<FileEvaluation[], CandidateFailure>;
}

const WORKER_URL = new URL("./worker.js", import.meta.url).href;

const classify = (e: unknown): CandidateFailure => {
  const err = e as { name?: string; code?: string; message?: string };
  if (err?.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap limit|allocation failed/i.test(err?.message ?? ""))
    return new CandidateFailure({ reason: "oom", message: `worker ran out of memory: ${err.message}` });
  if (err?.name === "AbortError") return new CandidateFailure({ reason: "timeout", message: "evaluation aborted" });
  return new CandidateFailure({ reason: "crash", message: `worker failed: ${err?.message ?? String(e)}` });
};

const fromReply = (reply: EvalReply): Effect.Effect<FileEvaluation[], CandidateFailure> => {
  switch (reply.kind) {
    case "ok":
      return Effect.succeed(reply.files);
    case "gate-failed":
      return Effect.fail(new CandidateFailure({ reason: "gate", message: reply.message, counterexample: reply.counterexample }));
    case "failed":
      return Effect.fail(new CandidateFailure({ reason: reply.reason, message: reply.message }));
  }
};

const makePool = (opts: PoolOptions): Effect.Effect<EvalPoolApi, SearchError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () =>
        new Piscina<EvalTask, EvalReply>({
          filename: WORKER_URL,
          minThreads: opts.workers,
          maxThreads: opts.workers,
          idleTimeout: 60_000,
          resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb },
          workerData: { extraPrimitives: [...(opts.extraPrimitives ?? [])] },
        }),
      catch: (e) => new SearchError({ reason: "pool", message: `cannot start workers: ${(e as Error).message}` }),
    }),
    (pool) => Effect.promise(() => pool.destroy()),
  ).pipe(
    Effect.map((pool) => ({
      workers: opts.workers,
      evaluate: (task: EvalTask) =>
        Effect.suspend(() => {
          const started = new Int32Array(new SharedArrayBuffer(4));
          const nativeGuard = newNativeGuard();
          return Effect.gen(function* () {
            const running = yield* Effect.fork(Effect.tryPromise({ try: (signal) => pool.run({ ...task, started, nativeGuard }, { signal }), catch: classify }));
            // the clock starts when a worker picks the task up (or it settles without starting)
            yield* Effect.race(Effect.promise(() => whenStarted(started)), Fiber.await(running).pipe(Effect.asVoid));
            const reply = yield* Fiber.join(running).pipe(
              Effect.timeoutFail({
                duration: Duration.millis(opts.timeoutMs),
                onTimeout: () => new CandidateFailure({ reason: "timeout", message: `evaluation took longer than ${opts.timeoutMs} ms` }),
              }),
              // on timeout (or interruption) the task's signal aborts, which terminates its thread,
              // once the thread is outside any native call that termination would turn into an abort
              Effect.onExit(() => Effect.promise(() => whenTerminable(nativeGuard)).pipe(Effect.zipRight(Fiber.interrupt(running)))),
            );
            return yield* fromReply(reply);
          }).pipe(
            // wake a still-pending waitAsync so nothing keeps the event loop alive
            Effect.ensuring(Effect.sync(() => Atomics.notify(started, 0))),
          );
        }),
    })),
  );

export class EvalPool extends Context.Tag("evocodec/EvalPool")<EvalPool, EvalPoolApi>() {
  static readonly layer = (opts: PoolOptions): Layer.Layer<EvalPool, SearchError> => Layer.scoped(EvalPool, makePool(opts));
}
