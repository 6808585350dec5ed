/**
 * Quick speed check of primitives on one file, without tinybench: MB/s (of the input) of encode
 * and decode over batches of runs after a warm-up, as the median by wall time and by this
 * process's CPU time (the latter barely moves when other processes share the cores).
 *   node dist/bench/primitive-speed.js FILE [primitive-name[:json-params] ...]   (default: bf16 splits)
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { primitiveByName } from "../primitives/index.js";
import type { Params } from "../src/codec/primitive.js";

const [file, ...specs] = process.argv.slice(2);
if (!file) {
  console.error("usage: primitive-speed FILE [name[:json-params] ...]");
  process.exit(2);
}
const input = new Uint8Array(readFileSync(file));

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];

const speed = (run: () => void): string => {
  // warm up long enough for the optimising compiler, which lags on busy cores
  for (let i = 0, until = performance.now() + 1500; i < 20 || performance.now() < until; i++) run();
  const t0 = performance.now();
  run();
  const perBatch = Math.max(1, Math.ceil(20 / Math.max(performance.now() - t0, 0.01))); // ~20 ms batches
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let b = 0; b < 15; b++) {
    const w = performance.now();
    const c = process.cpuUsage();
    for (let i = 0; i < perBatch; i++) run();
    const used = process.cpuUsage(c);
    wall.push((performance.now() - w) / perBatch);
    cpu.push((used.user + used.system) / 1e3 / perBatch);
  }
  const mbps = (ms: number) => (input.length / 1e6 / (ms / 1e3)).toFixed(0);
  return `${mbps(median(wall))} wall / ${mbps(median(cpu))} cpu`.padStart(20);
};

for (const spec of specs.length ? specs : ["bf16-se-m", "bf16-fields"]) {
  const [name, json] = spec.split(/:(.*)/s);
  const prim = primitiveByName(name);
  if (!prim) throw new Error(`unknown primitive ${name}`);
  const params: Params = { ...prim.defaults(), ...(json ? JSON.parse(json) : {}) };
  const { streams } = prim.encode(input, params);
  const info = { cap: 2 ** 31 - 1, decodedLength: -1 };
  const enc = speed(() => prim.encode(input, params));
  const dec = speed(() => prim.decode(streams, params, info));
  console.log(`${spec.padEnd(26)} encode ${enc} MB/s  decode ${dec} MB/s  streams ${streams.map((s) => s.length).join("+")}`);
}
