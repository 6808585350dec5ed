/** Writes test/vectors/ (see test/support/vectors.ts). Run: npm run vectors. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encodeFrame, parsePipeline } from "../src/codec/index.js";
import { runPython } from "./support/python.js";
import { VECTOR_DIR, vectorCases, vectorInput, type VectorManifest } from "./support/vectors.js";

const input = vectorInput();
const cases = vectorCases();
const py = runPython(cases.map((c) => ({ encode: input, pipeline: c.pipeline })));
rmSync(VECTOR_DIR, { recursive: true, force: true });
mkdirSync(path.join(VECTOR_DIR, "ts"), { recursive: true });
mkdirSync(path.join(VECTOR_DIR, "py"), { recursive: true });
writeFileSync(path.join(VECTOR_DIR, "input.bin"), input);
const manifest: VectorManifest = {
  input: "input.bin",
  cases: cases.map((c, i) => {
    const r = py[i];
    if (!r.ok) throw new Error(`${c.name}: python encode failed: ${r.message}`);
    const ts = `ts/${c.name}.evc`;
    const pyFile = `py/${c.name}.evc`;
    writeFileSync(path.join(VECTOR_DIR, ts), encodeFrame(parsePipeline(c.pipeline), input).frame);
    writeFileSync(path.join(VECTOR_DIR, pyFile), r.bytes);
    return { ...c, ts, py: pyFile };
  }),
};
writeFileSync(path.join(VECTOR_DIR, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
console.log(`wrote ${manifest.cases.length} vector pairs to ${VECTOR_DIR}`);
