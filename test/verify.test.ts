/**
 * The local referee on real files of ../shared/activations with the real interpreter: emitted
 * solutions pass through every Apex interface (real HTTP server on loopback, real CLI runs), the
 * server glue keeps its contract (400 / 500 / keeps serving), and broken solutions (a flipped byte,
 * an HTTP 500, a dying server) fail with a clear one-line message, non-zero exit and no orphan.
 * Timings are never asserted (shared cores); sizes and bit exactness are.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Effect, Either } from "effect";
import { solutionSource, TARGETS, type Target } from "../src/emit/solution.js";
import { defaultPython } from "../src/python/interpreter.js";
import { referee, verdict, type VerifyReport } from "../src/verify/referee.js";
import { reportJson } from "../src/verify/report.js";
import { recordReport } from "../src/verify/record.js";
import { genomeHash } from "../search/genome.js";
import { spawnGroup } from "../src/verify/process.js";
import { openQueries } from "../results/store.js";
import { verificationsOf } from "../results/verifications.js";
import { tempDir } from "./support/files.js";
import { ACTIVATIONS, hasActivations, patchSolution, pipelineCodec, testPipelines, writeSolution } from "./support/solutions.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, "..", "src", "cli", "main.js");
const python = defaultPython();
const dir = tempDir("evocodec-verify-");
const skip = hasActivations() ? false : `no ${ACTIVATIONS} (the development corpus); referee tests need real files`;

const verify = (solution: string, target: Target, limit: number, baseline: boolean): Promise<VerifyReport> =>
  Effect.runPromise(referee({ solution, data: ACTIVATIONS, python, target, limit, baseline }));

const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });

/** No process still runs the given file (the referee stops what it starts, even on failure). */
const assertNoProcessRuns = (file: string): void => {
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" });
  assert.ok(!ps.stdout.split("\n").some((l) => l.includes(file)), `a process still runs ${file}`);
};

const assertPasses = (r: VerifyReport, files: number): void => {
  assert.equal(verdict(r), undefined, verdict(r)?.message);
  assert.equal(r.result.files.length, files);
  assert.ok(r.result.bitExact);
  for (const f of r.result.files) assert.ok(f.compressedBytes !== null && f.compressedBytes > 0 && f.compressedBytes < f.originalBytes, f.file);
};

describe("emitted solutions pass the referee through every interface", { skip }, () => {
  for (const p of testPipelines())
    for (const target of TARGETS) {
      // the baseline runs once per target, beside bf16-fields, to keep the suite short
      const withBaseline = p.label === "bf16-fields";
      it(`${p.label} via ${target}${withBaseline ? ", smaller than the baseline's output" : ""}`, async () => {
        const file = writeSolution(dir, `${p.label}-${target}`, pipelineCodec(p.json), target);
        const files = withBaseline || target === "apex-server" ? 2 : 1;
        const r = await verify(file, target, files, withBaseline);
        assertPasses(r, files);
        if (withBaseline) {
          assert.ok(r.baseline?.bitExact);
          assert.equal(r.baseline?.files.length, files);
          assert.ok(r.result.meanRatio < r.baseline!.meanRatio, `ratio ${r.result.meanRatio} vs baseline ${r.baseline!.meanRatio}`);
        }
        assertNoProcessRuns(file);
      });
    }
});

describe("the server glue keeps the Apex contract", { skip }, () => {
  it("health, empty upload 400, garbage 500 with a detail, and it keeps serving", async () => {
    const file = writeSolution(dir, "contract", pipelineCodec(testPipelines()[1].json), "apex-server");
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawnGroup(python, [file, "--host", "127.0.0.1", "--port", String(port)]);
    const base = `http://127.0.0.1:${port}`;
    const post = async (route: string, bytes: Uint8Array | null) => {
      const form = new FormData();
      if (bytes) form.append("file", new Blob([bytes.slice()]), "x");
      const res = await fetch(`${base}${route}`, { method: "POST", body: form });
      return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    };
    try {
      for (let i = 0; ; i++) {
        try {
          const h = await fetch(`${base}/health`);
          assert.deepEqual(await h.json(), { status: "healthy" });
          break;
        } catch (e) {
          if (i > 300 || child.hasExited()) throw new Error(`server did not start: ${child.output()} ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert.equal((await post("/compress", new Uint8Array(0))).status, 400);
      assert.equal((await post("/compress", null)).status, 400);
      const garbage = await post("/decompress", new Uint8Array([1, 2, 3, 4, 5]));
      assert.equal(garbage.status, 500);
      assert.match(JSON.parse(Buffer.from(garbage.body).toString()).detail, /decompress failed/);
      const data = new Uint8Array(readFileSync(path.join(ACTIVATIONS, "bpe_fwd_hidden_L1_step0400_512x256.bf16")));
      const c = await post("/compress", data);
      assert.equal(c.status, 200);
      const d = await post("/decompress", c.body);
      assert.equal(d.status, 200);
      assert.ok(Buffer.from(d.body).equals(Buffer.from(data)));
      // the glue parses multipart itself: a quoted boundary, a preamble, another field first, and
      // data holding CRLFs and a delimiter-like run of another boundary
      const tricky = data.slice(0, 6000);
      tricky.set(new TextEncoder().encode("\r\n--other\r\n\r\n"), 100);
      const boundary = "----evocodecQ";
      const text = (t: string) => new TextEncoder().encode(t);
      const body = Buffer.concat([
        text(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`),
        text(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        tricky,
        text(`\r\n--${boundary}--\r\n`),
      ]);
      const raw = await fetch(`${base}/compress`, { method: "POST", headers: { "content-type": `multipart/form-data; boundary="${boundary}"` }, body });
      assert.equal(raw.status, 200);
      const back = await post("/decompress", new Uint8Array(await raw.arrayBuffer()));
      assert.ok(Buffer.from(back.body).equals(Buffer.from(tricky)), "the file part, byte for byte");
      const plain = await fetch(`${base}/compress`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: tricky });
      assert.equal(plain.status, 400, "a body that is not multipart/form-data has no field 'file'");
    } finally {
      await child.stop();
    }
    assertNoProcessRuns(file);
  });
});

describe("broken solutions fail verify with one clear line", { skip }, () => {
  const good = solutionSource(pipelineCodec(testPipelines()[1].json), "apex-server");
  const flipByte = (source: string) =>
    patchSolution(source, "    return decode(blob)\n", "    out = bytearray(decode(blob))\n    out[len(out) // 2] ^= 1\n    return bytes(out)\n");
  const write = (name: string, source: string) => {
    const file = path.join(dir, `${name}.py`);
    writeFileSync(file, source);
    return file;
  };

  it("a flipped byte in decode (apex-server, the CLI verb): exit 1 and one line, not-bit-exact", () => {
    const file = write("flipped-server", flipByte(good));
    const r = cli("verify", file, "--data", ACTIVATIONS, "--limit", "2", "--no-baseline", "--no-record");
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^evocodec: not-bit-exact: flipped-server\.py: 2 of 2 files not bit-exact \(first: .*differs at byte \d+/);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stdout, /FAIL/);
    assertNoProcessRuns(file);
  });

  it("a flipped byte in decode (apex-cli): not-bit-exact", async () => {
    const file = write("flipped-cli", flipByte(solutionSource(pipelineCodec(testPipelines()[1].json), "apex-cli")));
    const failure = verdict(await verify(file, "apex-cli", 1, false));
    assert.equal(failure?.reason, "not-bit-exact");
    assert.match(failure!.message, /^flipped-cli\.py: 1 of 1 files not bit-exact \(first: .*differs at byte \d+/);
  });

  it("an HTTP 500 on decompress: task-failed, and the server answered every file", async () => {
    const file = write("raises", patchSolution(good, "    return decode(blob)\n", '    raise ValueError("broken on purpose")\n'));
    const r = await verify(file, "apex-server", 2, false);
    const failure = verdict(r);
    assert.equal(failure?.reason, "task-failed");
    assert.match(failure!.message, /^raises\.py: 2 of 2 files failed \(first: .*HTTP 500: decompress failed: ValueError: broken on purpose\)/);
    const json = reportJson(r);
    assert.equal(json.bit_exact, false);
    assert.deepEqual(json.files.map((f) => ("failure" in f ? f.failure : undefined)), ["task-failed", "task-failed"]);
    assertNoProcessRuns(file);
  });

  it("a server that dies mid-run: solution-crashed, no orphan", async () => {
    const file = write("dies", patchSolution(
        patchSolution(good, "    warm_up()\n", "    warm_up()\n    global SERVING\n    SERVING = True\n"),
        "def compress_bytes(data):\n",
        "SERVING = False\n\n\ndef compress_bytes(data):\n    if SERVING:\n        import os\n        os._exit(3)\n",
      ));
    const r = await Effect.runPromise(Effect.either(referee({ solution: file, data: ACTIVATIONS, python, limit: 2, baseline: false })));
    assert.ok(Either.isLeft(r));
    assert.equal(r.left.reason, "solution-crashed");
    assert.match(r.left.message, /server died on .* \(exit 3\)/);
    assertNoProcessRuns(file);
  });

  it("a server that never starts: solution-crashed with its last output line", async () => {
    const file = write("nostart", patchSolution(good, "    warm_up()\n", '    raise RuntimeError("cannot bind on purpose")\n'));
    const r = await Effect.runPromise(Effect.either(referee({ solution: file, data: ACTIVATIONS, python, limit: 1, baseline: false })));
    assert.ok(Either.isLeft(r));
    assert.equal(r.left.reason, "solution-crashed");
    assert.match(r.left.message, /exited during startup .*RuntimeError: cannot bind on purpose/);
    assertNoProcessRuns(file);
  });
});

describe("verify --json and the verifications table", { skip }, () => {
  it("the JSON report has the documented fields, and is recorded next to the genome", async () => {
    const file = writeSolution(dir, "recorded", pipelineCodec(testPipelines()[1].json), "apex-server");
    const db = path.join(dir, "results.db");
    const report = await verify(file, "apex-server", 1, true);
    const json = reportJson(report);
    for (const k of ["mean_score", "baseline_mean_score", "bit_exact", "files", "threshold", "clears"]) assert.ok(k in json, k);
    assert.equal(json.bit_exact, true);
    assert.equal(json.files.length, 1);
    for (const k of ["file", "ratio", "time_sec", "score", "bit_exact", "baseline", "clears"]) assert.ok(k in json.files[0], k);
    const recorded = recordReport(report, db);
    assert.equal(recorded?.genome, genomeHash(testPipelines()[1].json));
    const q = openQueries(db);
    try {
      const rows = verificationsOf(q.db, recorded!.genome);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].bitExact, true);
      assert.equal(rows[0].target, "apex-server");
      assert.equal(rows[0].baselineMeanScore, report.baseline!.meanScore);
      assert.equal(rows[0].files.length, 1);
    } finally {
      q.close();
    }
  });
});

describe("the verify verb's summary", { skip }, () => {
  it("states the score and the time per file against the baseline's, each as a ratio", () => {
    const file = writeSolution(dir, "summary-rowref", pipelineCodec(testPipelines().at(-1)!.json), "apex-server");
    const r = cli("verify", file, "--data", ACTIVATIONS, "--limit", "2", "--no-record");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^score [\d.]+ vs baseline [\d.]+ \([\d.]+x\); to lead: >= [\d.]+ = max\(baseline\) \* 1\.01 -> (CLEARS|does not clear)$/m);
    assert.match(r.stdout, /^time [\d.]+ vs baseline [\d.]+ ms per file \([\d.]+x\)$/m);
    assert.match(r.stdout, /^bit-exact: 2 of 2 files$/m);
    assertNoProcessRuns(file);
  });
});
