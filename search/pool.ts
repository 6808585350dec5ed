/**
 * The evaluation pool: piscina worker threads (search/worker.ts) as a scoped Effect service.
 * Every evaluation has a timeout that really stops it: the Effect is interrupted, which aborts the
 * piscina task's AbortSignal, which terminates the thread running it (piscina starts a fresh one).
 * Workers have a heap limit, so a genome that blows memory kills only its own thread. Whatever
 * goes wrong with a candidate fails the Effect with a `CandidateFailure`; the run records it and
 * goes on. The pool is destroyed when the layer's scope closes.
 */
import { Context, Data, Duration, Effect, Layer, type Scope } from "effect";
import { Piscina } from "piscina";
import type { FailureReason, FileEvaluation } from "../results/store.js";
import { SearchError } from "./errors.js";
import type { EvalReply, EvalTask } from "./protocol.js";

/** Why one candidate could not be evaluated (the failures table's reasons). */
export class CandidateFailure extends Data.TaggedError("CandidateFailure")<{
  readonly reason: FailureReason;
  readonly message: string;
  readonly counterexample?: unknown;
}> {}

export interface PoolOptions {
  readonly workers: number;
  /** Per evaluation, from the moment it is submitted (callers submit at most `workers` at a time). */
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
        Effect.tryPromise({ try: (signal) => pool.run(task, { signal }), catch: classify }).pipe(
          Effect.timeoutFail({
            duration: Duration.millis(opts.timeoutMs),
            onTimeout: () => new CandidateFailure({ reason: "timeout", message: `evaluation took longer than ${opts.timeoutMs} ms` }),
          }),
          Effect.flatMap(fromReply),
        ),
    })),
  );

export class EvalPool extends Context.Tag("evocodec/EvalPool")<EvalPool, EvalPoolApi>() {
  static readonly layer = (opts: PoolOptions): Layer.Layer<EvalPool, SearchError> => Layer.scoped(EvalPool, makePool(opts));
}
