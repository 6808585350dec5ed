/**
 * Piscina worker: gates and evaluates one genome on the shared corpus. Whatever the genome does
 * wrong in a kernel comes back as a reply; hangs and memory blow-ups are the pool's business
 * (it aborts the task, which terminates this thread, or the thread dies at its heap limit).
 */
import { workerData } from "piscina";
import { parsePipeline } from "../src/codec/pipeline.js";
import { evaluatePipeline, EvaluationFailure } from "./fitness.js";
import { useNativeGuard } from "../primitives/backends/native-guard.js";
import { gate } from "./gate.js";
import { corpusViews, loadExtraPrimitives, markStarted, type EvalReply, type EvalTask } from "./protocol.js";

const ready = loadExtraPrimitives((workerData as { extraPrimitives?: string[] } | undefined)?.extraPrimitives ?? []);

/** Gate samples: the start of a few corpus files, so real-data paths are checked as well. */
const GATE_SAMPLE_FILES = 3;
const GATE_SAMPLE_BYTES = 16384;

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export default async function evaluate(task: EvalTask): Promise<EvalReply> {
  await ready;
  useNativeGuard(task.nativeGuard);
  markStarted(task);
  const files = corpusViews(task.corpus);
  let pipeline;
  try {
    pipeline = parsePipeline(task.genome);
  } catch (e) {
    return { kind: "failed", reason: "throw", message: describeError(e) };
  }
  if (task.gate) {
    const samples = files.slice(0, GATE_SAMPLE_FILES).map((f) => f.bytes.slice(0, GATE_SAMPLE_BYTES));
    const verdict = gate(task.genome, samples, { seed: task.gateSeed });
    if (!verdict.ok) return { kind: "gate-failed", message: describeError(verdict.counterexample.error), counterexample: verdict.counterexample };
  }
  try {
    return { kind: "ok", files: evaluatePipeline(pipeline, files, task.repeats, task.giveUpSec) };
  } catch (e) {
    if (e instanceof EvaluationFailure) return { kind: "failed", reason: e.reason, message: e.message };
    return { kind: "failed", reason: "throw", message: describeError(e) };
  }
}
