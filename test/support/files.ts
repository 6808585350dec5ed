/**
 * File fixtures for IO and CLI tests: .npy files written by the real numpy (every header version,
 * dtype families, 0-d, empty, Fortran order) and .safetensors files built here to the spec.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultPython } from "../../src/python/interpreter.js";

export const tempDir = (prefix = "evocodec-test-"): string => mkdtempSync(path.join(tmpdir(), prefix));

const NPY_FIXTURES = `
import os, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(7)

def save(name, arr, version=None, allow_pickle=False):
    with open(os.path.join(d, name + ".npy"), "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=allow_pickle)

save("bf16-as-uint16", (rng.standard_normal((64, 96)).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16))
save("float32", rng.standard_normal((33, 17)).astype(np.float32))
save("float16", rng.standard_normal((7, 9, 5)).astype(np.float16))
save("int8", rng.integers(-128, 128, size=1001, dtype=np.int8))
save("scalar-0d", np.array(3.5, dtype=np.float64))
save("empty", np.zeros((0, 4), dtype=np.float32))
save("fortran", np.asfortranarray(rng.standard_normal((6, 10)).astype(np.float32)))
save("v2-header", np.arange(12, dtype="<u2").reshape(3, 4), version=(2, 0))
save("v3-header", np.zeros(3, dtype=[("\\u03b1\\u03b2", "<f4"), ("n", "<i2", (2,))]), version=(3, 0))
save("big-endian", np.arange(10, dtype=">f4"))
save("unicode", np.array(["a", "bcd"], dtype="<U3"))
save("bool", np.array([True, False, True]))
save("datetime", np.array(["2020-01-01", "2021-06-30"], dtype="datetime64[ns]"))
save("complex", np.arange(4, dtype=np.complex128))
save("structured", np.zeros(5, dtype=[("a", "<i4"), ("b", "<f8", (3,)), ("c", [("x", "u1"), ("y", "<f2")])]))
save("object", np.array([1, "x", None], dtype=object), allow_pickle=True)
`;

/** The names written by NPY_FIXTURES (each `<dir>/<name>.npy`); "object" is the one evocodec refuses. */
export const NPY_NAMES = [
  "bf16-as-uint16", "float32", "float16", "int8", "scalar-0d", "empty", "fortran", "v2-header", "v3-header",
  "big-endian", "unicode", "bool", "datetime", "complex", "structured", "object",
] as const;

/** Writes the numpy fixtures into `dir` with the real numpy. */
export const writeNpyFixtures = (dir: string): void => {
  const r = spawnSync(defaultPython(), ["-c", NPY_FIXTURES, dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`numpy fixtures failed: ${r.stderr}`);
};

/** A version 1.0 .npy file with this header dict (Python literal) and data, built here without numpy. */
export const npyFile = (dict: string, data: Uint8Array = new Uint8Array(0)): Uint8Array => {
  const text = new TextEncoder().encode(dict + "\n");
  return new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8, ...text, ...data]);
};

export interface StTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

const u64le = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};

/** A .safetensors file from a header object (any JSON) and the data section, JSON space-padded to 8 bytes. */
export const safetensorsFromHeader = (header: unknown, data: Uint8Array, pad = true): Uint8Array => {
  let json = JSON.stringify(header);
  if (pad) json += " ".repeat((8 - (json.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  out.set(u64le(text.length));
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
};

/** A valid .safetensors file holding the tensors in this order. */
export const safetensorsFile = (tensors: readonly StTensor[], metadata?: Record<string, string>): Uint8Array => {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let at = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.data.length] };
    at += t.data.length;
  }
  const data = new Uint8Array(at);
  at = 0;
  for (const t of tensors) {
    data.set(t.data, at);
    at += t.data.length;
  }
  return safetensorsFromHeader(header, data);
};

/** Deterministic pseudo-random bytes. */
export const noise = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
};

/** A mixed-dtype safetensors model: bf16 weights, f32 norms, f16, i64 ids, u8 mask, an empty tensor. */
export const mixedSafetensors = (): Uint8Array =>
  safetensorsFile(
    [
      { name: "layer.0.weight", dtype: "BF16", shape: [32, 48], data: noise(32 * 48 * 2, 1) },
      { name: "layer.0.norm", dtype: "F32", shape: [48], data: noise(48 * 4, 2) },
      { name: "embed.half", dtype: "F16", shape: [5, 7], data: noise(70, 3) },
      { name: "ids", dtype: "I64", shape: [3], data: noise(24, 4) },
      { name: "mask", dtype: "U8", shape: [2, 9], data: noise(18, 5) },
      { name: "empty", dtype: "BF16", shape: [0, 16], data: new Uint8Array(0) },
      { name: "odd.bf16", dtype: "BF16", shape: [3], data: noise(6, 6) },
    ],
    { format: "pt", note: "mixed dtypes" },
  );
