/**
 * `evocodec overnight` and `evocodec report` as real child processes on a small synthetic corpus:
 * a night killed with SIGKILL after its first checkpoint and restarted with the same command
 * resumes the same run and ends with a verified best_solution.py, its verification and SUMMARY.md;
 * SIGTERM stops cleanly with the status recorded; a second signal exits at once; the report of
 * the night's run is one self-contained page with the charts, the tree and the table.
 * Never asserts on timings (2 shared cores): waits are generous upper bounds.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateTensor, sampleFileName, type SyntheticSpec } from "../src/data/synthetic.js";
import { checkpointIntervalMs, fasterCandidate, finalReserveMs, nextClockTime, parseClock, shouldCheckpoint } from "../src/overnight/policy.js";
import { defaultOut } from "../src/cli/overnight.js";
import { openQueries } from "../results/store.js";
import { tempDir } from "./support/files.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, "..", "src", "cli", "main.js");

const dir = tempDir("evocodec-overnight-");
const corpus = path.join(dir, "corpus");

const SPECS: SyntheticSpec[] = [
  { name: "act-32x256", style: "activations", rows: 32, cols: 256, seed: 21, specials: false },
  { name: "grad-32x256", style: "gradients", rows: 32, cols: 256, seed: 22, specials: false },
  { name: "spec-16x512", style: "activations", rows: 16, cols: 512, seed: 23, specials: true },
];

interface Child {
  readonly proc: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const start = (args: readonly string[]): Child => {
  const proc = spawn(process.execPath, [MAIN, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  return { proc, output: () => out, exited };
};

const children: Child[] = [];
const launch = (args: readonly string[]): Child => {
  const c = start(args);
  children.push(c);
  return c;
};

/** Polls until `ready` holds; fails (with the child's output) after `ms` or when the child exits first. */
const waitFor = async (child: Child, ready: () => boolean, what: string, ms = 150_000): Promise<void> => {
  const deadline = Date.now() + ms;
  let gone = false;
  void child.exited.then(() => (gone = true));
  while (!ready()) {
    if (gone && !ready()) assert.fail(`the process exited before ${what}:\n${child.output()}`);
    if (Date.now() > deadline) assert.fail(`no ${what} after ${ms / 1000} s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

const exitWithin = async (child: Child, ms: number, what: string) => {
  const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms).unref());
  const result = await Promise.race([child.exited, timer]);
  if (result === "timeout") assert.fail(`${what}: still running after ${ms / 1000} s:\n${child.output()}`);
  return result;
};

const logOf = (out: string): string => (existsSync(path.join(out, "overnight.log")) ? readFileSync(path.join(out, "overnight.log"), "utf8") : "");
const stateOf = (out: string) => JSON.parse(readFileSync(path.join(out, "overnight.json"), "utf8")) as { run?: number; status: string; starts: string[]; best?: { scope: string } };

const runInfo = (out: string) => {
  const q = openQueries(path.join(out, "evocodec.db"), { readonly: true });
  try {
    const runs = q.runs();
    return { runs: runs.map((r) => r.id), status: runs[0]?.status as string | undefined, generations: runs[0] ? q.generations(runs[0].id).length : 0 };
  } finally {
    q.close();
  }
};

const nightArgs = (out: string, extra: readonly string[] = []) => [
  "overnight", "--data", corpus, "--budget", "20m", "--generations", "6", "--population", "4", "--workers", "1",
  "--no-calibrate", "--verify-files", "2", "--checkpoint-every", "1s", "--out", out, ...extra,
];

before(() => {
  mkdirSync(corpus, { recursive: true });
  for (const spec of SPECS) writeFileSync(path.join(corpus, sampleFileName(spec)), generateTensor(spec).bytes);
});

after(() => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("overnight policy", () => {
  it("checkpoints the first generation, then only real gains spaced by the interval", () => {
    assert.ok(shouldCheckpoint({ hash: "a", score: 0.2 }, undefined, 0, 60_000));
    const last = { hash: "a", score: 0.2, at: 1_000 };
    assert.ok(!shouldCheckpoint({ hash: "a", score: 0.3 }, last, 1e9, 60_000), "same genome");
    assert.ok(!shouldCheckpoint({ hash: "b", score: 0.2009 }, last, 1e9, 60_000), "gain below 0.5%");
    assert.ok(!shouldCheckpoint({ hash: "b", score: 0.21 }, last, 30_000, 60_000), "too soon");
    assert.ok(shouldCheckpoint({ hash: "b", score: 0.21 }, last, 61_000, 60_000));
  });

  it("spaces checkpoints by a twentieth of the night, at most 5 minutes, and keeps a final reserve", () => {
    assert.equal(checkpointIntervalMs(8 * 3_600_000), 5 * 60_000);
    assert.equal(checkpointIntervalMs(60_000), 3_000);
    assert.equal(finalReserveMs(8 * 3_600_000), 10 * 60_000);
    assert.equal(finalReserveMs(60_000), 15_000);
  });

  it("after a checkpoint over the time cap, picks the best-scored unverified genome predicted under the limit", () => {
    const row = (genome: string, score: number, predictedPySec?: number) => ({ genome, generation: 0, score, fitness: predictedPySec === undefined ? {} : { predictedPySec } });
    const ranked = [row("slow", 0.44, 0.027), row("verified-fast", 0.42, 0.008), row("unknown", 0.415), row("fast", 0.41, 0.01), row("faster", 0.35, 0.004)];
    assert.equal(fasterCandidate(ranked, new Set(["slow", "verified-fast"]), 0.027 * (2 / 2.9))?.genome, "fast");
    assert.equal(fasterCandidate(ranked, new Set(["slow", "verified-fast", "fast"]), 0.012)?.genome, "faster");
    assert.equal(fasterCandidate(ranked, new Set(), 0.001), undefined);
  });

  it("reads clock times and finds the next one", () => {
    assert.deepEqual(parseClock("07:00"), { hours: 7, minutes: 0 });
    assert.deepEqual(parseClock("7"), { hours: 7, minutes: 0 });
    assert.equal(parseClock("25:00"), undefined);
    assert.equal(parseClock("7am"), undefined);
    const evening = new Date(2030, 0, 10, 22, 15).getTime();
    assert.equal(nextClockTime({ hours: 7, minutes: 0 }, evening), new Date(2030, 0, 11, 7, 0).getTime());
    assert.equal(nextClockTime({ hours: 23, minutes: 0 }, evening), new Date(2030, 0, 10, 23, 0).getTime());
  });
});

describe("overnight default folder", () => {
  it("continues the unfinished night on the same data, else starts a new dated folder", () => {
    const root = path.join(dir, "results-root");
    const night = (name: string, data: string, status: string) => {
      mkdirSync(path.join(root, name), { recursive: true });
      const state = { version: 1, startedAt: `2030-01-0${name.length % 9}T20:00:00.000Z`, deadline: "", data, target: "apex-server", starts: [], status, checkpoints: [] };
      writeFileSync(path.join(root, name, "overnight.json"), JSON.stringify(state));
    };
    assert.match(defaultOut("/data/a", root), /overnight-\d{4}-\d{2}-\d{2}$/);
    night("overnight-2030-01-01", "/data/a", "stopped");
    night("overnight-2030-01-02", "/data/b", "running");
    assert.equal(defaultOut("/data/a", root), path.join(root, "overnight-2030-01-01"));
    night("overnight-2030-01-01", "/data/a", "finished");
    const fresh = defaultOut("/data/a", root);
    assert.ok(!fresh.endsWith("2030-01-01") && !fresh.endsWith("2030-01-02"), fresh);
  });
});

describe("evocodec overnight (child processes)", () => {
  const night = path.join(dir, "night");
  let killedAt: ReturnType<typeof runInfo> = { runs: [], status: undefined, generations: 0 };

  it("is killed with SIGKILL after its first checkpoint", async () => {
    const c = launch(nightArgs(night));
    await waitFor(c, () => existsSync(path.join(night, "best_solution.py")) && /checkpoint: measured/.test(logOf(night)), "first verified checkpoint");
    c.proc.kill("SIGKILL");
    const exit = await exitWithin(c, 30_000, "SIGKILL");
    assert.equal(exit.signal, "SIGKILL");
    killedAt = runInfo(night);
    assert.equal(killedAt.runs.length, 1);
    assert.equal(killedAt.status, "running", "a killed run cannot mark itself");
    assert.ok(JSON.parse(readFileSync(path.join(night, "best_verification.json"), "utf8")).bit_exact);
  });

  it("resumes the same run when restarted with the same command, and finishes the night", async () => {
    const c = launch(nightArgs(night));
    const exit = await exitWithin(c, 180_000, "restarted night");
    assert.equal(exit.code, 0, c.output());
    const after = runInfo(night);
    assert.deepEqual(after.runs, killedAt.runs, "same run, no new one");
    assert.equal(after.status, "done");
    assert.ok(after.generations > killedAt.generations, `generations ${killedAt.generations} -> ${after.generations}`);
    assert.match(logOf(night), /resuming the night/);
    assert.match(logOf(night), /search run \d+ resumed/);
    const state = stateOf(night);
    assert.equal(state.status, "finished");
    assert.equal(state.starts.length, 2);
    assert.equal(state.run, killedAt.runs[0]);
    assert.equal(state.best?.scope, "full");
    const verification = JSON.parse(readFileSync(path.join(night, "best_verification.json"), "utf8"));
    assert.equal(verification.bit_exact, true);
    assert.equal(verification.files.length, SPECS.length, "the final verification covers the whole data");
    assert.ok(verification.mean_score > 0 && verification.baseline_mean_score > 0);
    const solution = readFileSync(path.join(night, "best_solution.py"), "utf8");
    assert.match(solution, new RegExp(`"genome":"${verification.genome}"`));
    const summary = readFileSync(path.join(night, "SUMMARY.md"), "utf8");
    assert.match(summary, /\*\*Finished\*\*/);
    assert.match(summary, /1 restart/);
    assert.match(summary, /Verified \(measured, whole data/);
    assert.match(summary, /best_solution\.py/);
    assert.ok(existsSync(path.join(night, "report.html")));
  });

  it("says so and exits 0 when the finished night's command runs again", async () => {
    const c = launch(nightArgs(night));
    const exit = await exitWithin(c, 60_000, "finished night");
    assert.equal(exit.code, 0, c.output());
    assert.match(c.output(), /this night finished/);
  });

  it("stops cleanly on SIGTERM: run interrupted, night stopped, summary written", async () => {
    const out = path.join(dir, "stopped");
    const c = launch(nightArgs(out));
    await waitFor(c, () => /gen 0:/.test(logOf(out)), "generation 0");
    c.proc.kill("SIGTERM");
    const exit = await exitWithin(c, 90_000, "SIGTERM");
    assert.equal(exit.code, 143, c.output());
    assert.equal(runInfo(out).status, "interrupted");
    assert.equal(stateOf(out).status, "stopped");
    assert.match(logOf(out), /SIGTERM: stopping/);
    assert.match(readFileSync(path.join(out, "SUMMARY.md"), "utf8"), /\*\*Stopped\*\*.*SIGTERM/);
  });

  it("exits at once on a second signal", async () => {
    const out = path.join(dir, "stopped");
    const c = launch(nightArgs(out));
    await waitFor(c, () => /search run \d+ resumed/.test(logOf(out)), "the resumed search");
    c.proc.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 30));
    c.proc.kill("SIGINT");
    const exit = await exitWithin(c, 30_000, "second SIGINT");
    const log = logOf(out);
    if (/SIGINT again: exiting at once/.test(log)) assert.equal(exit.code, 130, c.output());
    else {
      // the first stop was over before the second signal came: it found the process done or in Node's teardown
      assert.match(log, /stopped; rerun the same command/, c.output());
      assert.ok(exit.code === 130 || exit.signal === "SIGINT", `${exit.code} ${exit.signal}`);
    }
  });

  it("--max-slowdown keeps no solution over the cap and follows a slow checkpoint with faster genomes", async () => {
    const capped = path.join(dir, "capped");
    const c = launch([...nightArgs(capped, ["--max-slowdown", "0.001"]).filter((a, i, all) => !(all[i - 1] === "--generations" || a === "--generations")), "--generations", "1"]);
    const exit = await exitWithin(c, 180_000, "capped night");
    assert.equal(exit.code, 0, c.output());
    const log = logOf(capped);
    assert.match(log, /time per file, over --max-slowdown 0\.001; not kept/);
    // the first checkpoint, then faster genomes of the run while any is predicted to fit (none at this cap)
    assert.match(log, /checkpoint: no unverified genome of the run is predicted to be fast enough/);
    assert.ok(!existsSync(path.join(capped, "best_solution.py")), "nothing met the cap");
    assert.equal(stateOf(capped).best, undefined);
  });

  it("refuses a folder that holds a night on other data", () => {
    const other = path.join(dir, "other-data");
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, "x_8x8.bf16"), new Uint8Array(128));
    const r = spawnSync(process.execPath, [MAIN, ...nightArgs(night).map((a) => (a === corpus ? other : a))], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^evocodec: other-night: /);
  });

  it("refuses --budget together with --until (usage, exit 2)", () => {
    const r = spawnSync(process.execPath, [MAIN, "overnight", "--data", corpus, "--budget", "1h", "--until", "07:00"], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /exactly one of --budget/);
  });

  describe("evocodec report of the night's run", () => {
    const report = (...args: string[]) => spawnSync(process.execPath, [MAIN, "report", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env } });
    const db = () => path.join(night, "evocodec.db");

    it("writes one self-contained page with the charts, the tree, the lineage and the per-file table", () => {
      const file = path.join(dir, "report.html");
      const r = report("latest", "--db", db(), "-o", file, "--score-to-beat", "0.2");
      assert.equal(r.status, 0, r.stderr);
      const html = readFileSync(file, "utf8");
      assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, "no external src/href");
      assert.doesNotMatch(html, /<script|<link|@import|url\(/i, "no scripts, stylesheets or fetched resources");
      for (const id of ["score-chart", "pareto-chart", "genome-tree", "lineage"]) assert.match(html, new RegExp(`<svg id="${id}"`), id);
      assert.match(html, /class="axis"/);
      assert.ok((html.match(/class="tick-label"/g) ?? []).length >= 8, "charts have tick labels");
      assert.match(html, /apex-baseline/);
      assert.match(html, /score to beat 0\.2000/);
      assert.match(html, /<table id="files-table">/);
      for (const spec of SPECS) assert.match(html, new RegExp(sampleFileName(spec).replace(".", "\\.")));
      assert.match(html, /<table id="verifications-table">/);
      assert.match(html, /class="tree-node kind-/);
    });

    it("reports a missing run as one line and exit 1", () => {
      const r = report("99", "--db", db(), "-o", path.join(dir, "none.html"));
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^evocodec: (not-found|read-failed): .*no run 99/);
    });

    it("--png says clearly when Chromium is missing", () => {
      const r = spawnSync(process.execPath, [MAIN, "report", "latest", "--db", db(), "-o", path.join(dir, "r2.html"), "--png", path.join(dir, "png-none")], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, EVOCODEC_CHROMIUM: path.join(dir, "no-such-chromium") },
      });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^evocodec: chromium-missing: /);
    });

    const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].some((c) => existsSync(c));
    it("--png writes both charts as PNG pictures", { skip: chromium ? false : "no headless Chromium here" }, () => {
      const pngs = path.join(dir, "png");
      const r = report("latest", "--db", db(), "-o", path.join(dir, "r3.html"), "--png", pngs);
      assert.equal(r.status, 0, r.stderr);
      for (const name of ["score-per-generation.png", "pareto-front.png"]) {
        const bytes = readFileSync(path.join(pngs, name));
        assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name);
        assert.equal(bytes.readUInt32BE(16), 760, `${name} width`);
      }
    });
  });
});
