/**
 * The search verbs as real child processes: a search killed with SIGKILL mid-generation resumes
 * with --resume and ends exactly where an uninterrupted run with the same seed ends, without a
 * lost or repeated evaluation; leaderboard, pareto and show read the results; every verb has --help.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openQueries } from "../results/store.js";
import { canonicalize, genomeHash } from "../search/genome.js";
import { tempDir } from "./support/files.js";
import { writeCorpus } from "./support/search.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "src", "cli", "main.js");
const dir = tempDir("evocodec-search-cli-");
const corpus = writeCorpus(path.join(dir, "corpus"));
const GENERATIONS = 5;
const searchArgs = (db: string) =>
  ["search", "--data", corpus, "--generations", String(GENERATIONS), "--population", "6", "--workers", "1", "--seed", "7", "--no-calibrate", "--exclude", "xz", "--db", db];

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ok = (r: ReturnType<typeof cli>, what: string) => {
  assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stderr}`);
  return r;
};

const membersByGeneration = (db: string, run: number): string[][] => {
  const q = openQueries(db);
  try {
    return q.generations(run).map((g) => q.members(run, g.idx).map((m) => m.genome));
  } finally {
    q.close();
  }
};
const count = (db: string, sql: string): number => {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
};

/** Polls until the run has committed a generation and some evaluations of the next one, then SIGKILLs it. */
const killMidGeneration = (db: string): Promise<{ generations: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...searchArgs(db)], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    let generations = -1;
    const timer = setInterval(() => {
      if (!existsSync(db)) return;
      try {
        const d = new Database(db, { readonly: true, fileMustExist: true });
        try {
          const committed = (d.prepare("SELECT COUNT(*) AS n FROM generations WHERE run = 1").get() as { n: number }).n;
          const inFlight = (
            d.prepare("SELECT COUNT(*) AS n FROM evaluations WHERE run = 1 AND genome NOT IN (SELECT child FROM lineage WHERE run = 1)").get() as { n: number }
          ).n;
          if (committed >= 1 && inFlight > 0 && committed < GENERATIONS - 1) {
            generations = committed;
            clearInterval(timer);
            child.kill("SIGKILL");
          }
        } finally {
          d.close();
        }
      } catch {
        // the schema may not be there yet
      }
    }, 40);
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      if (signal === "SIGKILL") resolve({ generations });
      else reject(new Error(`search ended before it could be killed (exit ${code}): ${stderr}`));
    });
  });

describe("search CLI", () => {
  const ref = path.join(dir, "reference.db");
  let refSummary: { run: number; evaluated: number; failed: number; generations: number };

  it("runs a search to the end and prints a JSON summary", () => {
    const r = ok(cli(...searchArgs(ref), "--json"), "reference search");
    refSummary = JSON.parse(r.stdout);
    assert.equal(refSummary.generations, GENERATIONS);
    assert.match(r.stderr, /gen 4: best [0-9a-f]{16}/, "progress lines go to stderr with --json");
    const seeds = (JSON.parse(r.stdout) as { seeds: { name: string; isDefault: boolean; scored: { score: number } }[] }).seeds;
    assert.ok(seeds.some((s) => s.name === "apex-baseline"), "the summary scores the Apex baseline seed");
    assert.equal(seeds.filter((s) => s.isDefault).length, 1, "exactly one seed is the built-in default pipeline");
  });

  it("resumes a run killed with SIGKILL mid-generation: same result, nothing evaluated twice or lost", async () => {
    const db = path.join(dir, "killed.db");
    const { generations } = await killMidGeneration(db);
    assert.ok(generations >= 1 && generations < GENERATIONS);
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM runs WHERE status = 'running'"), 1, "a killed run stays 'running'");
    // genomes tried: evaluated (ok or failed on the corpus) or refused by the gate
    const tried = (file: string) =>
      count(file, "SELECT COUNT(DISTINCT genome) AS n FROM evaluations") + count(file, "SELECT COUNT(*) AS n FROM failures WHERE reason IN ('gate', 'slow')");
    const before = tried(db);

    const r = ok(cli("search", "--resume", "1", "--db", db, "--workers", "1", "--json"), "resume");
    const resumed = JSON.parse(r.stdout) as { status: string; generations: number; evaluated: number; cached: number };
    assert.equal(resumed.status, "done");
    assert.equal(resumed.generations, GENERATIONS);
    assert.ok(resumed.cached > 0, "the interrupted generation's committed evaluations are cache hits");

    assert.equal(before + resumed.evaluated, tried(db), "every evaluation ran once: before the kill or after the resume");
    assert.equal(tried(db), tried(ref), "as many as the uninterrupted run");
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM evaluations"), count(ref, "SELECT COUNT(*) AS n FROM evaluations"));
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM failures"), count(ref, "SELECT COUNT(*) AS n FROM failures"));
    assert.deepEqual(membersByGeneration(db, 1), membersByGeneration(ref, refSummary.run), "the same generations as without the kill");
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM runs WHERE status = 'done'"), 1);
  });

  it("leaderboard, pareto and show read the results", () => {
    const board = JSON.parse(ok(cli("leaderboard", "--db", ref, "--json", "--limit", "3"), "leaderboard --json").stdout);
    assert.equal(board.entries.length, 3);
    const top = board.entries[0];
    assert.ok(board.entries.every((e: { score: number }, i: number) => i === 0 || e.score <= board.entries[i - 1].score));
    assert.match(ok(cli("leaderboard", "--db", ref), "leaderboard").stdout, new RegExp(`^\\s*1\\s+${top.hash}\\s`, "m"));

    const json = JSON.parse(ok(cli("show", "best", "--db", ref, "--json"), "show --json").stdout);
    assert.deepEqual(json, top.pipeline);
    assert.deepEqual(canonicalize(json), json, "show --json prints the canonical pipeline");
    assert.equal(genomeHash(json), top.hash);

    const shown = ok(cli("show", top.hash.slice(0, 8), "--db", ref), "show").stdout;
    assert.match(shown, new RegExp(`^genome ${top.hash}`));
    assert.match(shown, /streams \(bytes in -> payload bytes/);
    assert.match(shown, /TypeScript \(measured/);
    assert.match(shown, /Python \(predicted/);
    assert.match(shown, /lineage:\n\s+[0-9a-f]{16} <- /);

    assert.match(ok(cli("pareto", "--db", ref), "pareto").stdout, /on the front of \(ratio, predicted Python time\)/);

    const missing = cli("show", "ffffffff", "--db", ref);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^evocodec: not-found: no genome "ffffffff"/);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
    const noDb = cli("leaderboard", "--db", path.join(dir, "none.db"));
    assert.equal(noDb.status, 1);
    assert.match(noDb.stderr, /^evocodec: not-found: no results database/);
  });

  it("compress --pipeline takes `best` and genome hashes from the database", () => {
    const top = JSON.parse(ok(cli("leaderboard", "--db", ref, "--json", "--limit", "1"), "leaderboard").stdout).entries[0];
    const input = path.join(corpus, readdirSync(corpus)[0]);
    for (const refArg of ["best", top.hash.slice(0, 8)]) {
      const frame = path.join(dir, `by-${refArg}.evc`);
      const back = path.join(dir, `by-${refArg}.bf16`);
      ok(cli("compress", input, "-o", frame, "--pipeline", refArg, "--db", ref), `compress --pipeline ${refArg}`);
      ok(cli("decompress", frame, "-o", back), "decompress");
      assert.deepEqual(readFileSync(back), readFileSync(input));
      const shown = JSON.parse(ok(cli("inspect", frame, "--json"), "inspect").stdout);
      assert.ok(JSON.stringify(shown).includes(`"op":"${top.pipeline.op}"`), "the frame carries the genome's pipeline");
    }
    const unknown = cli("compress", input, "-o", path.join(dir, "x.evc"), "--pipeline", "best", "--db", path.join(dir, "none.db"));
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^evocodec: bad-pipeline: "best" is not/);
  });

  it("every search verb has --help, and bad options are usage errors", () => {
    for (const verb of ["search", "leaderboard", "pareto", "show"]) assert.match(ok(cli(verb, "--help"), `${verb} --help`).stdout, /^Usage: evocodec /);
    assert.equal(cli("search", "--data", corpus, "--budget", "ten").status, 2);
    assert.equal(cli("search", "--resume", "1", "--data", corpus).status, 2);
    assert.equal(cli("search").status, 2);
  });
});
