/**
 * The measured Python time of genomes (search/python-timer.ts): the real interpreter runs the
 * generated codec on sample files, a Python failure is a typed error, a call that overruns kills
 * the interpreter and the next genome gets a fresh one; and the search scores a genome with the
 * model corrected by what was measured.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Effect, Either } from "effect";
import { PythonTimer, timingSamples, type SampleFile } from "../search/python-timer.js";
import { scoreEvaluation } from "../search/run.js";
import { nominalModel } from "../search/python-cost.js";
import { generateTensor } from "../src/data/synthetic.js";
import type { FileEvaluation } from "../results/store.js";
import { defaultPython } from "../src/python/interpreter.js";

const sample = (name: string, rows: number, seed: number): SampleFile => ({
  name,
  bytes: generateTensor({ name, style: "activations", rows, cols: 256, seed, specials: true }).bytes,
});

const withTimer = <A, E>(samples: readonly SampleFile[], callTimeoutMs: number, f: (t: PythonTimer["Type"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      return yield* f(yield* PythonTimer);
    }).pipe(Effect.provide(PythonTimer.layer({ python: defaultPython(), samples, callTimeoutMs, repeatBudgetSec: 0.2 }))),
  );

describe("python timer", () => {
  it("samples the smallest, a middle and the largest file", () => {
    const files = [5, 1, 9, 3, 7].map((n) => ({ name: `f${n}`, bytes: new Uint8Array(n) }));
    assert.deepEqual(timingSamples(files).map((f) => f.name), ["f1", "f5", "f9"]);
    assert.deepEqual(timingSamples(files.slice(0, 2)).map((f) => f.name), ["f1", "f5"]);
  });

  it("times encode and decode of every sample in the real interpreter, and names a genome Python cannot run", async () => {
    const samples = [sample("a", 32, 1), sample("b", 96, 2)];
    const [timed, broken, again] = await withTimer(samples, 20_000, (t) =>
      Effect.all([
        t.time({ op: "bf16-se-m", next: [{ op: "rans", symbol: "u16" }, { op: "store" }] }),
        Effect.either(t.time({ op: "no-such-primitive" })),
        t.time({ op: "zstd", level: 3 }),
      ]),
    );
    assert.deepEqual(timed.map((f) => [f.name, f.bytes]), [["a", samples[0].bytes.length], ["b", samples[1].bytes.length]]);
    for (const f of timed) assert.ok(f.encodeSec > 0 && f.decodeSec > 0 && f.encodeSec < 5, JSON.stringify(f));
    assert.ok(Either.isLeft(broken) && broken.left.reason === "error" && /no-such-primitive/.test(broken.left.message), JSON.stringify(broken));
    assert.equal(again.length, 2, "the interpreter serves on after a failed genome");
  });

  it("a call that overruns its limit is a timeout, and the next genome runs in a fresh interpreter", async () => {
    const big: SampleFile = { name: "big", bytes: generateTensor({ name: "big", style: "gradients", rows: 2048, cols: 512, seed: 3, specials: false }).bytes };
    const [slow, fast] = await withTimer([big], 300, (t) =>
      Effect.all([Effect.either(t.time({ op: "xz", preset: 9, extreme: "on" })), t.time({ op: "store" })]),
    );
    assert.ok(Either.isLeft(slow) && slow.left.reason === "timeout", JSON.stringify(slow));
    assert.equal(fast.length, 1);
  });
});

describe("scoring with measured Python time", () => {
  const files: FileEvaluation[] = ["a", "b"].map((file, i) => ({
    file,
    ok: true,
    originalBytes: 1e6,
    compressedBytes: 6e5,
    encodeSec: 0.01,
    decodeSec: 0.01,
    measurements: 1,
    streams: [{ op: "zstd", inputBytes: 1e6 * (i + 1), payloadBytes: 6e5 }],
  }));
  const genome = { op: "zstd", level: 3 };

  it("scales the model by measured / predicted on the timed files, and charges the interface factor in the score", () => {
    const model = scoreEvaluation("h", genome, files, nominalModel());
    const timed = scoreEvaluation("h", genome, files, nominalModel(), {
      files: [{ name: "a", bytes: 1e6, encodeSec: (model.pyEncodeSec * 2) / 3, decodeSec: (model.pyDecodeSec * 2) / 3 }],
      error: null,
    });
    // file a is predicted below the mean (half the bytes of b): the factor follows file a's own prediction
    assert.ok(timed.pyMeasuredFactor !== undefined && timed.pyMeasuredFactor > 0);
    assert.ok(Math.abs(timed.predictedPySec - model.predictedPySec * timed.pyMeasuredFactor!) < 1e-12);
    const slowInterface = scoreEvaluation("h", genome, files, nominalModel(), undefined, 10);
    assert.equal(slowInterface.predictedPySec, model.predictedPySec, "the interface factor is not Python time");
    assert.ok(slowInterface.apexMean! < model.apexMean!, "but the score pays for it");
  });
});
