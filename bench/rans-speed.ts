/**
 * Speed and ratio of the rans backend next to zstd-3 measured in the same run, in TypeScript and in
 * the generated Python (numpy) kernels:
 *   node dist/bench/rans-speed.js [FILE.bf16] [--runs 7] [--corpus DIR] [--no-python]
 * Streams cut from the bf16 file: the sign+exponent field as u16 symbols (what bf16-se-m hands its
 * first child; as many bytes as the bf16 input) and the exponent plane as u8 symbols. TS speeds are
 * MB/s of the stream by this process's CPU time, Python times are ms of time.process_time(), each
 * the best of --runs runs after a warm-up. --corpus adds the aggregate ratio of
 * bf16-se-m -> [rans u16 rowref, store] over every .bf16 file of DIR (frames included) and zstd-3's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import rans from "../primitives/backends/rans.js";
import zstd from "../primitives/backends/zstd.js";
import { encodeFrame, parsePipeline } from "../src/codec/index.js";
import type { Params, Primitive } from "../src/codec/primitive.js";
import { decoderModuleSource } from "../src/python/module.js";
import { defaultPython } from "../src/python/interpreter.js";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const VALUED = new Set(["--runs", "--corpus"]);
const file = args.find((a, i) => !a.startsWith("--") && !VALUED.has(args[i - 1])) ?? "../shared/activations/fwd_hidden_L2_step0100_2048x320.bf16";
const runs = Number(option("runs") ?? 7);
const corpus = option("corpus");
const withPython = !args.includes("--no-python");

const raw = new Uint8Array(readFileSync(file));
const count = raw.length >> 1;
const se = new Uint8Array(2 * count);
const exponent = new Uint8Array(count);
for (let i = 0; i < count; i++) {
  const v = raw[2 * i] | (raw[2 * i + 1] << 8);
  se[2 * i] = (v >>> 7) & 0xff;
  se[2 * i + 1] = v >>> 15;
  exponent[i] = (v >>> 7) & 0xff;
}

interface Case {
  readonly label: string;
  readonly stream: "se" | "exponent" | "raw";
  readonly prim: Primitive;
  readonly params: Params;
}
const ransCase = (symbol: "u8" | "u16", context: string): Case => ({
  label: `rans ${symbol} ${context}`,
  stream: symbol === "u16" ? "se" : "exponent",
  prim: rans,
  params: { ...rans.defaults(), symbol, context },
});
const zstdCase = (stream: Case["stream"]): Case => ({ label: "zstd-3", stream, prim: zstd, params: { level: 3 } });
const CASES: Case[] = [
  zstdCase("raw"),
  zstdCase("se"),
  ransCase("u16", "rowref"),
  ransCase("u16", "above"),
  ransCase("u16", "none"),
  zstdCase("exponent"),
  ransCase("u8", "none"),
  ransCase("u8", "rowref"),
];
const STREAMS = { se, exponent, raw };

/** Best CPU milliseconds of `runs` calls after a warm-up long enough for the optimising compiler. */
const cpuMs = (run: () => void): number => {
  for (let i = 0, until = Date.now() + 600; i < 3 || Date.now() < until; i++) run();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    run();
    const u = process.cpuUsage(c);
    best = Math.min(best, (u.user + u.system) / 1e3);
  }
  return best;
};

interface Row {
  readonly c: Case;
  readonly bytes: number;
  readonly size: number;
  readonly encMBs: number;
  readonly decMBs: number;
  readonly params: Params;
  py?: { enc: number; dec: number; size: number };
}

const rows: Row[] = CASES.map((c) => {
  const input = STREAMS[c.stream];
  const { streams, params } = c.prim.encode(input, c.params);
  const info = { cap: 2 ** 31 - 1, decodedLength: input.length };
  const back = c.prim.decode(streams, params, info);
  if (back.length !== input.length || back.some((v, i) => v !== input[i])) throw new Error(`${c.label}: round trip failed`);
  const mb = input.length / 1e6;
  const enc = cpuMs(() => c.prim.encode(input, c.params));
  const dec = cpuMs(() => c.prim.decode(streams, params, info));
  return { c, bytes: input.length, size: streams[0].length, encMBs: mb / (enc / 1e3), decMBs: mb / (dec / 1e3), params };
});

const PY_DRIVER = `
import json, sys, time
import numpy as np
import zstd
sys.path.insert(0, sys.argv[1])
import decoder
cases = json.load(sys.stdin)
runs = int(sys.argv[2])


class Info(object):
    pass


def best(fn):
    fn()
    out, t = None, float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        out = fn()
        t = min(t, time.process_time() - t0)
    return t * 1e3, out


res = []
for c in cases:
    data = np.fromfile(c["path"], np.uint8)
    if c["prim"] == "zstd":
        te, blob = best(lambda: zstd.compress(data.tobytes(), 3))
        td, back = best(lambda: zstd.decompress(blob))
        ok = back == data.tobytes()
        size = len(blob)
    else:
        p = dict(decoder.DEFAULTS[decoder.BY_NAME["rans"]], **c["params"])
        te, (streams, q) = best(lambda: decoder.enc_rans(data, p))
        info = Info()
        info.n, info.cap = data.size, 1 << 31
        td, back = best(lambda: decoder.dec_rans(streams, q, info))
        ok = bool(np.array_equal(back, data))
        size = int(streams[0].size)
    res.append({"enc": te, "dec": td, "size": size, "ok": ok})
json.dump(res, sys.stdout)
`;

if (withPython) {
  const dir = mkdtempSync(path.join(tmpdir(), "rans-speed-"));
  writeFileSync(path.join(dir, "decoder.py"), decoderModuleSource());
  writeFileSync(path.join(dir, "driver.py"), PY_DRIVER);
  for (const [name, bytes] of Object.entries(STREAMS)) writeFileSync(path.join(dir, `${name}.bin`), bytes);
  const input = JSON.stringify(CASES.map((c) => ({ path: path.join(dir, `${c.stream}.bin`), prim: c.prim.name, params: c.params })));
  const r = spawnSync(defaultPython(), [path.join(dir, "driver.py"), dir, String(runs)], { input, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  const py = JSON.parse(r.stdout) as Array<{ enc: number; dec: number; size: number; ok: boolean }>;
  py.forEach((p, i) => {
    if (!p.ok) throw new Error(`${CASES[i].label}: Python round trip failed`);
    rows[i].py = p;
  });
}

const f = (v: number, d = 1) => v.toFixed(d);
console.log(`${path.basename(file)}: ${raw.length} bytes, ${count} bf16 elements; best of ${runs} (CPU time)`);
console.log(
  ["stream".padEnd(9), "codec".padEnd(16), "ratio".padStart(7), "TS enc MB/s".padStart(12), "TS dec MB/s".padStart(12), "py enc ms".padStart(10), "py dec ms".padStart(10), "  resolved params"].join(" "),
);
for (const r of rows) {
  const { c } = r;
  const extra = c.prim === rans ? ["period", "blockRows", "lanes", "precision"].map((k) => `${k} ${r.params[k] as number}`).join(", ") : "";
  console.log(
    [
      c.stream.padEnd(9),
      c.label.padEnd(16),
      f(r.size / r.bytes, 4).padStart(7),
      f(r.encMBs).padStart(12),
      f(r.decMBs).padStart(12),
      (r.py ? f(r.py.enc) : "-").padStart(10),
      (r.py ? f(r.py.dec) : "-").padStart(10),
      `  ${extra}`,
    ].join(" "),
  );
}

if (corpus) {
  const pipe = parsePipeline({ op: "bf16-se-m", next: [{ op: "rans", symbol: "u16", context: "rowref" }, { op: "store" }] });
  const ref = parsePipeline({ op: "zstd", level: 3 });
  let total = 0;
  let coded = 0;
  let z3 = 0;
  const files = readdirSync(corpus).filter((n) => n.endsWith(".bf16"));
  for (const name of files) {
    const input = new Uint8Array(readFileSync(path.join(corpus, name)));
    total += input.length;
    coded += encodeFrame(pipe, input).frame.length;
    z3 += encodeFrame(ref, input).frame.length;
  }
  console.log(`corpus ${corpus}: ${files.length} files, bf16-se-m -> [rans u16 rowref, store] ${f(coded / total, 5)} of raw, zstd-3 ${f(z3 / total, 5)}`);
}
