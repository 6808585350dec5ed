/**
 * The real CLI as a child process (node dist/src/cli/main.js) in a temp dir: round trips for every
 * input format, the emitted Python decoder, error lines and exit codes, and --help for every verb.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUILTIN_PIPELINES } from "../src/codec/builtins.js";
import { encodeFrame, parseFrame, parsePipeline } from "../src/codec/index.js";
import { SAMPLES_DIR } from "../src/data/samples-dir.js";
import { defaultPython } from "../src/python/interpreter.js";
import { equalBytes } from "./support/roundtrip.js";
import { mixedSafetensors, noise, npyFile, safetensorsFile, tempDir, writeNpyFixtures } from "./support/files.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, "..", "src", "cli", "main.js");
const BIN = path.resolve(here, "..", "..", "bin", "evocodec.js");
const VERBS = ["compress", "decompress", "inspect", "pipelines", "emit-decoder", "demo"];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const dir = tempDir("evocodec-cli-");
const cli = (...args: string[]): Run => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const at = (name: string) => path.join(dir, name);

/** The CLI with stdout read by a reader that closes the pipe after the first line, like `| head -1`. */
const cliFirstLine = (...args: string[]): Promise<{ status: number | null; first: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.includes("\n")) child.stdout.destroy();
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, first: stdout.split("\n")[0], stderr }));
  });
const read = (name: string) => new Uint8Array(readFileSync(at(name)));

const ok = (r: Run, what: string): Run => {
  assert.equal(r.status, 0, `${what}: exit ${r.status}, stderr: ${r.stderr}`);
  return r;
};

/** Exit 1 and exactly one stderr line `evocodec: <reason>: ...`, no stack trace. */
const refused = (r: Run, reason: string | RegExp, what: string): void => {
  assert.equal(r.status, 1, `${what}: exit ${r.status}, stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${what}: stderr has ${lines.length} lines: ${r.stderr}`);
  const m = /^evocodec: ([a-z-]+): /.exec(lines[0]);
  assert.ok(m, `${what}: stderr line: ${lines[0]}`);
  if (typeof reason === "string") assert.equal(m[1], reason, `${what}: ${lines[0]}`);
  else assert.match(m[1], reason, `${what}: ${lines[0]}`);
};

/** A zstd-only frame of `data` whose payload lost its zstd magic number: a corruption every decoder sees. */
const corruptZstdFrame = (data: Uint8Array): Uint8Array => {
  const frame = encodeFrame(parsePipeline({ op: "zstd", level: 3 }), data).frame;
  const payloadStart = parseFrame(frame).headerBytes;
  frame.fill(0, payloadStart, payloadStart + 4);
  return frame;
};

const roundTrip = (input: string, ...extra: string[]): Run => {
  const r = ok(cli("compress", input, "-o", `${input}.evc`, ...extra), `compress ${input}`);
  ok(cli("decompress", `${input}.evc`, "-o", `${input}.out`), `decompress ${input}`);
  equalBytes(read(`${input}.out`), read(input), `${input} round trip`);
  return r;
};

/** The .npy fixtures the CLI round-trips (io.test.ts covers every fixture in-process). */
const NPY_VIA_CLI = ["bf16-as-uint16", "float32", "float16", "int8", "scalar-0d", "empty", "fortran"] as const;

describe("evocodec CLI", () => {
  writeFileSync(at("sample.bf16"), readFileSync(path.join(SAMPLES_DIR, "specials-64x512.bf16")));
  writeFileSync(at("odd.bin"), noise(777, 3));
  writeFileSync(at("empty.bf16"), new Uint8Array(0));
  writeFileSync(at("model.safetensors"), mixedSafetensors());
  // compressed inputs several tests read (inspect, the Python decoder, corruption)
  before(() => {
    ok(cli("compress", "sample.bf16", "-o", "sample.bf16.evc"), "compress sample");
    ok(cli("compress", "model.safetensors", "-o", "model.safetensors.evc"), "compress model");
  });

  it("--help works for the program and every verb", () => {
    const help = ok(cli("--help"), "--help").stdout;
    const verbs = [...help.matchAll(/^  ([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((v) => v !== "help");
    for (const verb of VERBS) assert.ok(verbs.includes(verb), `${verb} missing from --help`);
    for (const verb of verbs) assert.match(ok(cli(verb, "--help"), `${verb} --help`).stdout, new RegExp(`Usage: evocodec ${verb}`), verb);
  });

  it("bin/evocodec.js runs the CLI", () => {
    const r = spawnSync(BIN, ["--version"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });

  it("usage errors exit 2 with one line", () => {
    for (const args of [[], ["frobnicate"], ["compress", "x"], ["decompress", "x", "-o", "y", "--bogus"], ["demo", "--mib", "x"]]) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.status} ${r.stderr}`);
      if (args.length > 0) assert.match(r.stderr.split("\n")[0], /^evocodec: usage: /, args.join(" "));
    }
  });

  it("raw files round-trip: .bf16, odd length, empty, with named, JSON and file pipelines", () => {
    const r = roundTrip("sample.bf16");
    assert.match(r.stdout, /ratio \d+\.\d+x, [\d.]+ ms/);
    assert.deepEqual([...read("sample.bf16.evc").subarray(0, 4)], [0x45, 0x56, 0x43, 1], "a raw file compresses to a bare frame");
    roundTrip("odd.bin", "--pipeline", "apex-baseline");
    roundTrip("empty.bf16");
    writeFileSync(at("p.json"), JSON.stringify({ op: "bf16-fields", next: [{ op: "zstd" }, { op: "zstd", level: 5 }, { op: "zstd", level: 1 }] }));
    roundTrip("odd.bin", "-p", "p.json");
    assert.match(ok(cli("compress", "sample.bf16", "-o", "j.evc", "-p", '{"op":"zstd","level":1}'), "JSON pipeline").stdout, /pipeline json = zstd\(level=1\)/);
  });

  it(".npy (bf16 bits as uint16, float32, float16, int8, 0-d, empty, Fortran order) round-trips; object arrays are refused", () => {
    writeNpyFixtures(dir);
    for (const name of NPY_VIA_CLI) roundTrip(`${name}.npy`);
    refused(cli("compress", "object.npy", "-o", "object.evc"), "unsupported-dtype", "object array");
    roundTrip("object.npy", "--raw");
  });

  it(".safetensors with mixed dtypes round-trips; inspect lists every tensor", () => {
    roundTrip("model.safetensors", "-v");
    const report = JSON.parse(ok(cli("inspect", "model.safetensors.evc", "--json"), "inspect").stdout) as {
      kind: string;
      tensors: { name: string; dtype: string; frame: { tree: { op: string } } }[];
    };
    assert.equal(report.kind, "container");
    assert.deepEqual(report.tensors.map((t) => t.name), ["layer.0.weight", "layer.0.norm", "embed.half", "ids", "mask", "empty", "odd.bf16"]);
    assert.match(ok(cli("inspect", "model.safetensors.evc"), "inspect text").stdout, /tensor "layer.0.norm" F32 \[48\]/);
  });

  it("inspect shows the frame's tree with per-stream sizes", () => {
    type Report = {
      kind: string;
      frame: { decodedBytes: number; tree: { op: string; decodedBytes: number; children: { stream: string; decodedBytes: number; payloadBytes: number }[] } };
    };
    ok(cli("compress", "sample.bf16", "-o", "split.evc", "-p", "p.json"), "compress with a split");
    const report = JSON.parse(ok(cli("inspect", "split.evc", "--json"), "inspect").stdout) as Report;
    assert.equal(report.kind, "frame");
    assert.equal(report.frame.decodedBytes, 65536);
    assert.equal(report.frame.tree.decodedBytes, 65536);
    assert.equal(report.frame.tree.op, "bf16-fields");
    assert.ok(report.frame.tree.children.length === 3 && report.frame.tree.children.every((c) => c.stream && c.decodedBytes > 0 && c.payloadBytes > 0));
    const single = JSON.parse(ok(cli("inspect", "sample.bf16.evc", "--json"), "inspect the default").stdout) as Report;
    assert.equal(single.frame.tree.op, "rans", "the default pipeline is one rans node");
    assert.match(ok(cli("inspect", "sample.bf16.evc"), "inspect text").stdout, /decodes to 65,536 bytes/);
  });

  it("a reader that stops early (| head -1) ends the CLI quietly with status 0", async () => {
    // hundreds of tensors: inspect writes far more than a pipe buffer, so writes after the close fail
    const tensors = Array.from({ length: 400 }, (_, i) => ({ name: `layer.${i}.weight`, dtype: "BF16", shape: [8, 8], data: noise(128, i + 1) }));
    writeFileSync(at("many.safetensors"), safetensorsFile(tensors));
    ok(cli("compress", "many.safetensors", "-o", "many.evc", "--pipeline", "apex-baseline"), "compress");
    for (const args of [["inspect", "many.evc"], ["pipelines"], ["--help"]]) {
      const r = await cliFirstLine(...args);
      assert.equal(r.stderr, "", `${args.join(" ")}: stderr: ${r.stderr}`);
      assert.equal(r.status, 0, `${args.join(" ")}: exit ${r.status}`);
      assert.ok(r.first.length > 0, `${args.join(" ")}: no first line`);
    }
  });

  it("pipelines lists the built-ins, as text and JSON", () => {
    const list = JSON.parse(ok(cli("pipelines", "--json"), "pipelines").stdout) as { name: string; summary: string; json: { op: string } }[];
    assert.ok(list.some((p) => p.name === "default") && list.some((p) => p.name === "apex-baseline"));
    assert.ok(list.every((p) => p.summary && p.json.op));
    assert.match(ok(cli("pipelines"), "pipelines").stdout, /^apex-baseline: /m);
  });

  it("emit-decoder writes a decoder.py that decodes a compressed file and rejects a corrupt one in one line", () => {
    ok(cli("emit-decoder", "-o", "decoder.py"), "emit-decoder");
    const py = spawnSync(defaultPython(), [at("decoder.py"), at("sample.bf16.evc"), at("py.out")], { encoding: "utf8" });
    assert.equal(py.status, 0, py.stderr);
    equalBytes(read("py.out"), read("sample.bf16"), "python decode");
    const corrupt = read("sample.bf16.evc");
    writeFileSync(at("bad.evc"), corrupt.subarray(0, corrupt.length - 10));
    const bad = spawnSync(defaultPython(), [at("decoder.py"), at("bad.evc"), at("bad.out")], { encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.equal(bad.stderr.trimEnd().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, /^evocodec: /);
  });

  it("truncated and corrupt frames and containers exit 1 with a reason", () => {
    const frame = read("sample.bf16.evc");
    const container = read("model.safetensors.evc");
    const cases: [string, Uint8Array, string | RegExp][] = [
      ["frame cut in half", frame.subarray(0, frame.length >> 1), /truncated|length-mismatch/],
      ["frame missing its last byte", frame.subarray(0, frame.length - 1), /truncated|length-mismatch/],
      ["frame plus a byte", new Uint8Array([...frame, 7]), "trailing-bytes"],
      ["frame version 9", new Uint8Array([0x45, 0x56, 0x43, 9, ...frame.subarray(4)]), "unsupported-version"],
      ["frame with a corrupt payload", corruptZstdFrame(read("sample.bf16")), "corrupt-payload"],
      ["frame with an unknown primitive", new Uint8Array([...frame.subarray(0, 4), 0x7f, ...frame.subarray(5)]), "unknown-primitive"],
      ["container cut in half", container.subarray(0, container.length >> 1), /truncated|size-mismatch/],
      ["container in its header", container.subarray(0, 12), "truncated"],
      ["container plus a byte", new Uint8Array([...container, 0]), "trailing-bytes"],
      ["container version 7", new Uint8Array([...container.subarray(0, 3), 7, ...container.subarray(4)]), "unsupported-version"],
      ["not evocodec", new TextEncoder().encode("hello world"), "bad-magic"],
      ["empty", new Uint8Array(0), "truncated"],
    ];
    cases.forEach(([what, bytes, reason], i) => {
      writeFileSync(at("broken.evc"), bytes);
      refused(cli("decompress", "broken.evc", "-o", "broken.out"), reason, `decompress ${what}`);
      if (i % 4 === 0) refused(cli("inspect", "broken.evc"), reason, `inspect ${what}`);
    });
  });

  it("bad inputs, pipelines and outputs exit 1 with a reason", () => {
    refused(cli("compress", "missing.bf16", "-o", "x.evc"), "read-failed", "missing input");
    refused(cli("compress", "sample.bf16", "-o", path.join("no", "such", "dir.evc")), "write-failed", "unwritable output");
    refused(cli("compress", "sample.bf16", "-o", "x.evc", "-p", "no-such-pipeline"), "bad-pipeline", "unknown name");
    refused(cli("compress", "sample.bf16", "-o", "x.evc", "-p", "{not json"), "bad-pipeline", "bad JSON");
    refused(cli("compress", "sample.bf16", "-o", "x.evc", "-p", '{"op":"nope"}'), "unknown-primitive", "unknown primitive");
    refused(cli("compress", "sample.bf16", "-o", "x.evc", "-p", '{"op":"zstd","level":99}'), "bad-params", "bad level");
    writeFileSync(at("trunc.npy"), npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (100,), }", noise(99, 1)));
    refused(cli("compress", "trunc.npy", "-o", "x.evc"), "size-mismatch", "truncated npy");
  });

  it("demo compresses the samples with every built-in and verifies them in TS and Python", () => {
    const r = ok(cli("demo", "--mib", "0"), "demo");
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("samples/"));
    assert.equal(rows.length, 3 * Object.keys(BUILTIN_PIPELINES).length, r.stdout);
    assert.ok(rows.every((l) => /\byes\s+yes$/.test(l)), r.stdout);
  });
});
