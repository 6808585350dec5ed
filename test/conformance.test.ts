/**
 * Committed conformance vectors keep TypeScript and Python byte-compatible across versions:
 * frames made by either encoder (test/vectors/) decode to the same input in both languages, the
 * TypeScript encoder still writes its committed frames byte for byte, and every registered
 * primitive has a vector (a new primitive must add one: `npm run vectors`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PRIMITIVES, registerPrimitive, RETIRED_IDS } from "../primitives/index.js";
import { CodecError, decodeFrame, encodeFrame, parsePipeline } from "../src/codec/index.js";
import { FORMAT_VERSION, MAGIC } from "../src/codec/frame.js";
import { equalBytes } from "./support/roundtrip.js";
import { runPython } from "./support/python.js";
import { VECTOR_DIR, vectorInput, type VectorManifest } from "./support/vectors.js";

const manifest = JSON.parse(readFileSync(path.join(VECTOR_DIR, "manifest.json"), "utf8")) as VectorManifest;
const input = new Uint8Array(readFileSync(path.join(VECTOR_DIR, manifest.input)));
const frame = (file: string) => new Uint8Array(readFileSync(path.join(VECTOR_DIR, file)));

describe("conformance vectors", () => {
  it("the committed input is the generator's", () => equalBytes(input, vectorInput(), "test/vectors/input.bin"));

  it("every registered primitive has a vector", () => {
    const covered = new Set(manifest.cases.map((c) => c.name));
    const missing = PRIMITIVES.filter((p) => !covered.has(`prim-${p.id}-${p.name}`)).map((p) => p.name);
    assert.deepEqual(missing, [], `primitives without a conformance vector (run npm run vectors): ${missing.join(", ")}`);
  });

  it("TypeScript decodes the frames of both encoders", () => {
    for (const c of manifest.cases) {
      equalBytes(decodeFrame(frame(c.ts)), input, `${c.name}: TS decode of the TS frame`);
      equalBytes(decodeFrame(frame(c.py)), input, `${c.name}: TS decode of the Python frame`);
    }
  });

  it("Python decodes the frames of both encoders", () => {
    const results = runPython(manifest.cases.flatMap((c) => [{ decode: frame(c.ts) }, { decode: frame(c.py) }]));
    manifest.cases.forEach((c, i) => {
      for (const [k, who] of [[0, "TS"], [1, "Python"]] as const) {
        const r = results[2 * i + k];
        if (!r.ok) assert.fail(`${c.name}: Python decode of the ${who} frame failed: ${r.message}`);
        equalBytes(r.bytes, input, `${c.name}: Python decode of the ${who} frame`);
      }
    });
  });

  it("the TypeScript encoder still writes the committed frames byte for byte", () => {
    for (const c of manifest.cases) equalBytes(encodeFrame(parsePipeline(c.pipeline), input).frame, frame(c.ts), `${c.name}: TS frame`);
  });
});

describe("retired primitive ids", () => {
  // a frame whose root node is id 7 (rans before its layout changed), with a backend-like tail
  const retired = new Uint8Array([...MAGIC, FORMAT_VERSION, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

  it("stay reserved: no registered primitive takes one", () => {
    for (const p of PRIMITIVES) assert.ok(!RETIRED_IDS.has(p.id), `${p.name} uses retired id ${p.id}`);
    assert.throws(() => registerPrimitive({ ...PRIMITIVES[0], id: 7, name: "reuse-of-7" }), /retired/);
  });

  it("are refused by both decoders with unknown-primitive, naming what they were", () => {
    assert.throws(() => decodeFrame(retired), (e: unknown) => e instanceof CodecError && e.reason === "unknown-primitive" && /retired \(rans/.test(e.message));
    const [py] = runPython([{ decode: retired }]);
    assert.ok(!py.ok && py.reason === "unknown-primitive" && /retired \(rans/.test(py.message), JSON.stringify(py));
  });
});
