/**
 * File IO: .npy / .safetensors parsing and validation, the .evc container, per-dtype pipelines,
 * built-in pipelines, the synthetic generator and samples/, and docs/FORMAT.md freshness.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { BUILTIN_PIPELINES, DEFAULT_PIPELINE_JSON } from "../src/codec/builtins.js";
import { CodecError, canonicalString, parsePipeline, type PipelineJson, type PipelineNode } from "../src/codec/index.js";
import { primitiveByName } from "../primitives/index.js";
import { dtypeCandidates, pipelineForDtype } from "../src/io/choose.js";
import {
  compressBytes,
  decompressBytes,
  inspectBytes,
  IoError,
  parseContainer,
  parseLayout,
  writeContainer,
  type IoErrorReason,
  type TensorDtype,
} from "../src/io/index.js";
import { parsePyLiteral } from "../src/io/pyliteral.js";
import { generateTensor, SAMPLE_SPECS, sampleFileName } from "../src/data/synthetic.js";
import { SAMPLES_DIR } from "../src/data/samples-dir.js";
import { FORMAT_DOC, withPrimitiveTable } from "../src/docs/format-doc.js";
import { check, equalBytes } from "./support/roundtrip.js";
import { mixedSafetensors, noise, npyFile, NPY_NAMES, safetensorsFile, safetensorsFromHeader, tempDir, writeNpyFixtures } from "./support/files.js";

const bf16 = parsePipeline(DEFAULT_PIPELINE_JSON);

const refuses = (f: () => unknown, reason: IoErrorReason | CodecError["reason"], what: string): void => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof IoError || e instanceof CodecError)) throw e;
    assert.equal(e.reason, reason, `${what}: ${e.message}`);
    return;
  }
  assert.fail(`${what}: accepted`);
};

const onlyTypedErrors = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof IoError || e instanceof CodecError)) throw e;
  }
};

const roundTrip = (format: "npy" | "safetensors" | "raw", file: Uint8Array, what: string) => {
  const c = compressBytes(format, file, bf16);
  equalBytes(decompressBytes(c.output).output, file, `${what} round trip`);
  return c;
};

describe("npy", () => {
  const dir = tempDir();
  writeNpyFixtures(dir);
  const fixture = (name: (typeof NPY_NAMES)[number]) => new Uint8Array(readFileSync(path.join(dir, `${name}.npy`)));

  for (const name of NPY_NAMES.filter((n) => n !== "object"))
    it(`${name}: parses to numpy's sizes and round-trips byte for byte`, () => {
      const file = fixture(name);
      const layout = parseLayout("npy", file, file.length);
      assert.equal(layout.headerLength + layout.dataBytes, file.length);
      const c = roundTrip("npy", file, name);
      assert.equal(c.parts.length, 1);
    });

  it("reads shape, dtype and order as numpy wrote them", () => {
    const cases: [string, string, number[], number, string][] = [
      ["bf16-as-uint16", "<u2", [64, 96], 2, "bf16"],
      ["float32", "<f4", [33, 17], 4, "f32"],
      ["float16", "<f2", [7, 9, 5], 2, "f16"],
      ["scalar-0d", "<f8", [], 8, "other"],
      ["empty", "<f4", [0, 4], 4, "f32"],
      ["big-endian", ">f4", [10], 4, "other"],
      ["unicode", "<U3", [2], 12, "other"],
      ["datetime", "<M8[ns]", [2], 8, "other"],
      ["complex", "<c16", [4], 16, "other"],
    ];
    for (const [name, dtype, shape, itemsize, kind] of cases) {
      const t = parseLayout("npy", fixture(name as (typeof NPY_NAMES)[number])).tensors[0];
      assert.deepEqual([t.dtype.name, t.shape, t.dtype.itemsize, t.dtype.kind], [dtype, shape, itemsize, kind], name);
    }
    assert.equal(parseLayout("npy", fixture("structured")).tensors[0].dtype.itemsize, 4 + 24 + 3);
    assert.equal(parseLayout("npy", fixture("v3-header")).tensors[0].dtype.itemsize, 8);
  });

  it("bf16 tensors get the given pipeline, other dtypes their own", () => {
    // the same tree of primitives (an `auto` parameter is resolved by the encoder, so params may differ)
    const ops = (n: PipelineNode): string => `${n.prim.name}(${n.children.map(ops).join(",")})`;
    assert.equal(ops(compressBytes("npy", fixture("bf16-as-uint16"), bf16).parts[0].pipeline), ops(bf16));
    assert.equal(compressBytes("npy", fixture("float32"), bf16).parts[0].pipeline.prim.name, pipelineForDtype({ name: "<f4", kind: "f32", itemsize: 4 }, bf16).prim.name);
  });

  it("refuses object arrays, bad sizes and malformed headers with a reason", () => {
    refuses(() => compressBytes("npy", fixture("object"), bf16), "unsupported-dtype", "object array");
    const good = fixture("float32");
    refuses(() => compressBytes("npy", good.subarray(0, good.length - 1), bf16), "size-mismatch", "missing data byte");
    refuses(() => compressBytes("npy", new Uint8Array([...good, 0]), bf16), "size-mismatch", "extra data byte");
    refuses(() => compressBytes("npy", good.subarray(0, 40), bf16), "truncated", "cut inside the header");
    refuses(() => compressBytes("npy", good.subarray(0, 5), bf16), "truncated", "cut inside the magic");
    refuses(() => compressBytes("npy", new Uint8Array([0x94, ...good.subarray(1)]), bf16), "bad-magic", "bad magic");
    const v4 = good.slice();
    v4[6] = 4;
    refuses(() => compressBytes("npy", v4, bf16), "unsupported-version", "version 4.0");
    refuses(() => compressBytes("npy", npyFile("{'descr': '<f4', 'shape': (0,)}"), bf16), "bad-header", "missing key");
    refuses(() => compressBytes("npy", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'x': 1}"), bf16), "bad-header", "extra key");
    refuses(() => compressBytes("npy", npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': (0,)}"), bf16), "bad-header", "non-bool order");
    refuses(() => compressBytes("npy", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"), bf16), "bad-header", "negative dim");
    refuses(() => compressBytes("npy", npyFile("{'descr': '<q9', 'fortran_order': False, 'shape': ()}"), bf16), "unsupported-dtype", "unknown dtype");
    refuses(() => compressBytes("npy", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2**40,)}"), bf16), "bad-header", "expression");
    refuses(
      () => compressBytes("npy", npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999)}"), bf16),
      "size-mismatch",
      "shape past 2^53",
    );
    assert.equal(compressBytes("npy", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }"), bf16).parts.length, 1);
  });

  it("the Python literal parser handles the header subset and nothing else", () => {
    const d = parsePyLiteral(`{'a': (1, 2,), "b": [True, None, u'x\\'y', 3L], 'c': ()}`, "t") as ReadonlyMap<string, unknown>;
    assert.deepEqual([...d.entries()], [["a", [1, 2]], ["b", [true, null, "x'y", 3]], ["c", []]]);
    for (const bad of ["{'a': 1", "{'a' 1}", "{1: 2}", "{'a': 1.5}", "{'a': 1}}", "'unterminated", "{'a': 1, 'a': 2}", "[".repeat(100)])
      refuses(() => parsePyLiteral(bad, "t"), "bad-header", bad);
  });
});

describe("safetensors", () => {
  it("mixed dtypes round-trip byte for byte, one frame per tensor in data order", () => {
    const file = mixedSafetensors();
    const c = roundTrip("safetensors", file, "mixed");
    assert.deepEqual(c.parts.map((p) => p.name), ["layer.0.weight", "layer.0.norm", "embed.half", "ids", "mask", "empty", "odd.bf16"]);
    const kinds = Object.fromEntries(c.parts.map((p) => [p.name, p.pipeline.prim.name]));
    assert.equal(kinds["layer.0.weight"], bf16.prim.name);
    assert.equal(kinds["odd.bf16"], bf16.prim.name, "bf16 keeps the given pipeline even when it expands");
    if (primitiveByName("store")) assert.equal(kinds.ids, "store", "a tiny non-bf16 tensor is stored rather than expanded");
    const inspected = inspectBytes(c.output);
    assert.equal(inspected.kind, "container");
    if (inspected.kind === "container") assert.deepEqual(inspected.tensors.map((t) => t.frame.decodedBytes), c.parts.map((p) => p.inputBytes));
  });

  it("tensors stored out of name order, zero tensors, and unpadded JSON round-trip", () => {
    const data = noise(40, 9);
    const shuffled = safetensorsFromHeader(
      { b: { dtype: "U8", shape: [30], data_offsets: [10, 40] }, a: { dtype: "BF16", shape: [5], data_offsets: [0, 10] } },
      data,
      false,
    );
    assert.deepEqual(roundTrip("safetensors", shuffled, "shuffled").parts.map((p) => p.name), ["a", "b"]);
    roundTrip("safetensors", safetensorsFile([]), "no tensors");
    roundTrip("safetensors", safetensorsFile([], { only: "metadata" }), "only metadata");
  });

  it("refuses bad offsets, sizes, dtypes and headers with a reason", () => {
    const t = (offsets: [number, number], dtype = "U8", shape = [offsets[1] - offsets[0]]) => ({ dtype, shape, data_offsets: offsets });
    const file = (header: unknown, n: number) => safetensorsFromHeader(header, noise(n, 3));
    const cases: [string, Uint8Array, IoErrorReason][] = [
      ["overlap", file({ a: t([0, 6]), b: t([4, 10]) }, 10), "bad-offsets"],
      ["hole", file({ a: t([0, 4]), b: t([6, 10]) }, 10), "bad-offsets"],
      ["not from 0", file({ a: t([2, 10]) }, 10), "bad-offsets"],
      ["past the end", file({ a: t([0, 12]) }, 10), "bad-offsets"],
      ["bytes after the data", file({ a: t([0, 8]) }, 10), "trailing-bytes"],
      ["begin > end", file({ a: { dtype: "U8", shape: [0], data_offsets: [5, 4] } }, 10), "bad-offsets"],
      ["span vs shape", file({ a: t([0, 10], "F32", [2]) }, 10), "size-mismatch"],
      ["unknown dtype", file({ a: t([0, 10], "F4", [20]) }, 10), "unsupported-dtype"],
      ["bad shape", file({ a: t([0, 10], "U8", [-10] as number[]) }, 10), "bad-header"],
      ["bad metadata", file({ __metadata__: { a: 1 } }, 0), "bad-header"],
      ["array header", file([1, 2], 0), "bad-header"],
      ["header past the file", new Uint8Array([255, 0, 0, 0, 0, 0, 0, 0, 123, 125]), "truncated"],
      ["huge header length", new Uint8Array([0, 0, 0, 0, 0, 0, 0, 255, 123, 125]), "truncated"],
      ["short file", new Uint8Array([2, 0, 0]), "truncated"],
      ["not JSON", new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 123, 123]), "bad-header"],
      ["not UTF-8", new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe]), "bad-header"],
    ];
    for (const [what, bytes, reason] of cases) refuses(() => compressBytes("safetensors", bytes, bf16), reason, what);
  });
});

describe("container", () => {
  const file = mixedSafetensors();
  const container = compressBytes("safetensors", file, bf16).output;

  it("raw input compresses to a bare frame; containers start with EVT", () => {
    const raw = compressBytes("raw", noise(1001, 4), bf16).output;
    assert.deepEqual([...raw.subarray(0, 4)], [0x45, 0x56, 0x43, 1]);
    assert.deepEqual([...container.subarray(0, 5)], [0x45, 0x56, 0x54, 1, 2]);
    assert.equal(parseContainer(container).frames.length, 7);
  });

  it("every truncation is refused with a typed error", () => {
    for (let n = 0; n < container.length; n++) {
      try {
        decompressBytes(container.subarray(0, n));
      } catch (e) {
        if (e instanceof IoError || e instanceof CodecError) continue;
        throw e;
      }
      assert.fail(`truncated to ${n} bytes: accepted`);
    }
  });

  it("refuses a frame count, header or frame that disagrees with the tensors", () => {
    const { layout, header, frames } = parseContainer(container);
    refuses(() => parseContainer(writeContainer("safetensors", header, frames.slice(1))), "size-mismatch", "one frame short");
    refuses(() => parseContainer(writeContainer("npy", header, frames)), "bad-magic", "wrong source format");
    const swapped = [frames[1], frames[0], ...frames.slice(2)];
    refuses(() => decompressBytes(writeContainer("safetensors", header, swapped)), "size-mismatch", "frames swapped");
    refuses(() => parseContainer(new Uint8Array([...container, 0])), "trailing-bytes", "extra byte");
    const v2 = container.slice();
    v2[3] = 2;
    refuses(() => parseContainer(v2), "unsupported-version", "version 2");
    assert.equal(layout.tensors.length, frames.length);
  });

  it("parsing, decompressing and inspecting random or mutated bytes throws only IoError/CodecError", () => {
    const prefix = fc.constantFrom([], [0x45, 0x56, 0x54], [0x45, 0x56, 0x54, 1, 1], [0x45, 0x56, 0x54, 1, 2], [0x45, 0x56, 0x43, 1]);
    const random = fc.tuple(prefix, fc.uint8Array({ maxLength: 200 })).map(([p, b]) => new Uint8Array([...p, ...b]));
    const mutated = fc
      .array(fc.tuple(fc.nat(container.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })
      .chain((edits) =>
        fc.nat(container.length).map((cut) => {
          const b = container.slice(0, Math.max(cut, 5));
          for (const [at, v] of edits) if (at < b.length) b[at] = v;
          return b;
        }),
      );
    check(
      fc.property(fc.oneof(random, mutated), (bytes) => {
        onlyTypedErrors(() => parseContainer(bytes));
        onlyTypedErrors(() => decompressBytes(bytes));
        onlyTypedErrors(() => inspectBytes(bytes));
      }),
      300,
    );
  });
});

describe("pipelines", () => {
  const ops = (j: PipelineJson): string[] => [j.op, ...(j.next ?? []).flatMap(ops)];

  it("every built-in parses, uses registered primitives, and default is the default", () => {
    for (const [name, b] of Object.entries(BUILTIN_PIPELINES)) {
      assert.doesNotThrow(() => parsePipeline(b.json), name);
      assert.ok(b.summary.length > 0, name);
    }
    assert.deepEqual(BUILTIN_PIPELINES.default.json, DEFAULT_PIPELINE_JSON);
    assert.deepEqual(BUILTIN_PIPELINES["apex-baseline"].json, { op: "zstd", level: 3 });
    const needs: Record<string, string> = { "lzma-baseline": "xz", "byte-planes-zstd": "byte-planes", "bf16-fields-zstd": "bf16-fields" };
    for (const [name, op] of Object.entries(needs)) assert.equal(name in BUILTIN_PIPELINES, primitiveByName(op) !== undefined, name);
  });

  it("a dtype gets its first candidate whose primitives are registered (no silent demotion)", () => {
    const dtypes: TensorDtype[] = [
      { name: "F16", kind: "f16", itemsize: 2 },
      { name: "F32", kind: "f32", itemsize: 4 },
      { name: "I64", kind: "other", itemsize: 8 },
      { name: "U8", kind: "other", itemsize: 1 },
      { name: "<c16", kind: "other", itemsize: 16 },
    ];
    for (const d of dtypes) {
      const firstRegistered = dtypeCandidates(d).find((j) => ops(j).every((o) => primitiveByName(o)))!;
      assert.equal(canonicalString(pipelineForDtype(d, bf16)), canonicalString(parsePipeline(firstRegistered)), d.name);
    }
  });
});

describe("synthetic data and samples", () => {
  it("samples/ holds exactly what the generator produces, each at most 64 KiB", () => {
    for (const spec of SAMPLE_SPECS) {
      const file = new Uint8Array(readFileSync(path.join(SAMPLES_DIR, sampleFileName(spec))));
      assert.ok(file.length <= 64 * 1024, spec.name);
      equalBytes(file, generateTensor(spec).bytes, `${spec.name} (run npm run samples)`);
    }
  });

  it("specials appear when asked: zeros, NaN payloads, infinities, subnormals", () => {
    const t = generateTensor({ name: "t", style: "gradients", rows: 64, cols: 128, seed: 5, specials: true });
    const v = new Uint16Array(t.bytes.buffer);
    const has = (p: (x: number) => boolean) => v.some(p);
    assert.equal(t.bytes.length, 64 * 128 * 2);
    assert.ok(has((x) => (x & 0x7fff) === 0), "zero");
    assert.ok(has((x) => (x & 0x7f80) === 0x7f80 && (x & 0x7f) !== 0), "NaN");
    assert.ok(has((x) => (x & 0x7fff) === 0x7f80), "inf");
    assert.ok(has((x) => (x & 0x7f80) === 0 && (x & 0x7f) !== 0), "subnormal");
    const plain = new Uint16Array(generateTensor({ name: "t", style: "activations", rows: 64, cols: 128, seed: 5, specials: false }).bytes.buffer);
    assert.ok(!plain.some((x) => (x & 0x7f80) === 0x7f80), "no NaN/inf without specials");
  });
});

describe("docs/FORMAT.md", () => {
  it("its primitive table matches the registry (run npm run docs)", () => {
    const doc = readFileSync(FORMAT_DOC, "utf8");
    assert.equal(withPrimitiveTable(doc), doc);
  });
});
