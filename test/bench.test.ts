/**
 * `npm run bench` in quick mode on a small generated corpus: it runs to the end and prints a
 * throughput row for every registered primitive and the ratio table's rows and columns (the
 * values are timings and ratios of throwaway data, so only their presence is checked).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { PRIMITIVES } from "../primitives/index.js";
import { generateTensor } from "../src/data/synthetic.js";
import { defaultPython } from "../src/python/interpreter.js";
import { pipelineCodec, writeSolution } from "./support/solutions.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const benchScript = path.join(repoRoot, "dist", "bench", "bench.js");

describe("npm run bench", () => {
  it("prints the throughput and ratio tables in quick mode", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "evocodec-bench-"));
    const files = [
      ["fwd_hidden_L1_step0001_64x48.bf16", "activations", 1],
      ["bwd_grad_L1_step0001_64x48.bf16", "gradients", 2],
      ["bpe_fwd_hidden_L1_step0001_48x64.bf16", "activations", 3],
    ] as const;
    for (const [name, style, seed] of files)
      writeFileSync(path.join(dir, name), generateTensor({ name, style, rows: 64, cols: 48, seed, specials: seed === 3 }).bytes);

    const run = spawnSync(process.execPath, [benchScript, "--quick", "--data", dir], { encoding: "utf8", timeout: 300_000 });
    assert.equal(run.status, 0, `bench exited with ${run.status}:\n${run.stderr}\n${run.stdout}`);
    const lines = run.stdout.split("\n");
    const row = (first: string) => lines.find((l) => l.split(/\s+/)[0] === first);

    assert.ok(row("primitive")?.includes("encode MB/s") && row("primitive")?.includes("decode MB/s"), "throughput header");
    for (const prim of PRIMITIVES) {
      const cells = row(prim.name)?.trim().split(/\s+/);
      assert.ok(cells, `no throughput row for ${prim.name}`);
      assert.deepEqual(cells.slice(1, 3), [String(prim.id), prim.kind], `${prim.name} row: ${cells.join(" ")}`);
      assert.ok(!cells.includes("error"), `${prim.name} failed in the bench:\n${run.stdout}`);
    }

    const header = row("group");
    for (const column of ["files", "original B", "zstd-3", "fields+best", "H0 bound", "default", "default vs zstd-3"])
      assert.ok(header?.includes(column), `ratio table lacks the column "${column}"`);
    for (const [group, count, bytes] of [["byte-level", 2, 2 * 64 * 48 * 2], ["bpe", 1, 48 * 64 * 2], ["total", 3, 3 * 64 * 48 * 2]] as const) {
      const cells = row(group)?.trim().split(/\s+/);
      assert.ok(cells, `no ratio row for ${group}`);
      assert.deepEqual(cells.slice(1, 3), [String(count), bytes.toLocaleString("en-US")], `${group} row: ${cells.join(" ")}`);
      assert.match(row(group)!, /smaller$/, `${group} row lacks the size against zstd-3`);
    }
    assert.ok(lines.some((l) => l.startsWith("default: ")), "the default pipeline is named");
  });
});

describe("npm run bench:python", () => {
  it("times an emitted solution's codec against zstd-3 on the built-in samples, per file and in the mean", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "evocodec-bench-python-"));
    const solution = writeSolution(dir, "fields", pipelineCodec({ op: "bf16-fields", next: [{ op: "zstd", level: 3 }, { op: "zstd", level: 3 }, { op: "store" }] }), "apex-server");
    const run = spawnSync(defaultPython(), [path.join(repoRoot, "bench", "python-codec.py"), solution, path.join(repoRoot, "samples"), "--repeat", "1", "--files"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, `bench:python exited with ${run.status}:\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /^activations-128x256\.bf16\s+65536\s/m, run.stdout);
    assert.match(run.stdout, /^3 files, fastest of 1: encode [\d.]+ \+ decode [\d.]+ = [\d.]+ ms per file; zstd-3 [\d.]+ ms \([\d.]+x\); size 0\.\d{4} of the original$/m, run.stdout);
  });
});
