/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0):
 *   "\x93NUMPY" | major u8 | minor u8 | header length (u16 LE for v1, u32 LE for v2/v3)
 *   | header: repr of {'descr': ..., 'fortran_order': bool, 'shape': tuple} (latin-1; UTF-8 in v3),
 *     space-padded, ending in '\n' | data: prod(shape) * itemsize bytes
 * The data is opaque bytes to evocodec (C or Fortran order alike), so any dtype whose element size
 * the descr states works; object arrays (pickles) have no fixed size and are refused.
 */
import { ioFail } from "./errors.js";
import { parsePyLiteral, type PyValue } from "./pyliteral.js";
import { tensorBytes, type ElementKind, type TensorDtype } from "./tensor.js";

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const; // "\x93NUMPY"

export interface NpyHeader {
  readonly version: readonly [number, number];
  /** Bytes before the data: magic, version, length field, dict and padding. */
  readonly headerLength: number;
  readonly dtype: TensorDtype;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  readonly dataBytes: number;
}

const SIZES: Record<string, readonly number[] | "any"> = {
  b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8, 10, 12, 16], c: [8, 16, 20, 24, 32],
  m: [8], M: [8], S: "any", a: "any", U: "any", V: "any",
};

/** Itemsize of a simple descr such as '<f4', '|S10', '<U3', '<M8[ns]'. */
const simpleItemsize = (descr: string): number => {
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(\[\w+\])?$/.exec(descr);
  if (!m) return ioFail("unsupported-dtype", `npy: dtype '${descr}' is not understood`);
  const [, , code, digits] = m;
  if (code === "O") return ioFail("unsupported-dtype", "npy: object arrays hold pickles of no fixed size");
  if (code === "?") return 1;
  const allowed = SIZES[code];
  const n = digits === "" ? NaN : Number(digits);
  if (allowed === undefined || !Number.isSafeInteger(n) || (allowed !== "any" && !allowed.includes(n)))
    return ioFail("unsupported-dtype", `npy: dtype '${descr}' is not understood`);
  return code === "U" ? 4 * n : n;
};

/** Itemsize of a descr: a string, or a structured list of (name, descr[, shape]) fields. */
const itemsize = (descr: PyValue, depth = 0): number => {
  if (typeof descr === "string") return simpleItemsize(descr);
  if (!Array.isArray(descr) || depth > 16) return ioFail("unsupported-dtype", `npy: descr ${JSON.stringify(descr)} is not understood`);
  let total = 0;
  for (const field of descr as readonly PyValue[]) {
    if (!Array.isArray(field) || field.length < 2 || field.length > 3)
      ioFail("unsupported-dtype", "npy: a structured field must be (name, dtype[, shape])");
    const [, type, sub] = field as readonly PyValue[];
    const subShape = sub === undefined ? [] : sub;
    if (!Array.isArray(subShape)) ioFail("unsupported-dtype", "npy: a field's shape must be a tuple");
    total += tensorBytes(subShape as number[], itemsize(type, depth + 1), "npy field");
    if (!Number.isSafeInteger(total)) ioFail("unsupported-dtype", "npy: structured dtype too large");
  }
  return total;
};

/** Native (little-endian) 2-byte unsigned/void elements are taken as bf16 bit patterns. */
const elementKind = (descr: PyValue): ElementKind => {
  if (typeof descr !== "string" || descr.startsWith(">")) return "other";
  const code = descr.replace(/^[<|=]/, "");
  return code === "u2" || code === "V2" ? "bf16" : code === "f2" ? "f16" : code === "f4" ? "f32" : "other";
};

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 2 ** 24;

/** Parses the header at the start of `file`; `fileLength` (when known) must equal header + data. */
export const parseNpyHeader = (file: Uint8Array, fileLength?: number): NpyHeader => {
  if (file.length < 10 || NPY_MAGIC.some((b, i) => file[i] !== b))
    ioFail(file.length < 10 ? "truncated" : "bad-magic", "npy: not a .npy file (no \\x93NUMPY magic)");
  const major = file[6];
  const minor = file[7];
  if (major < 1 || major > 3 || minor !== 0) ioFail("unsupported-version", `npy: format version ${major}.${minor} (reads 1.0, 2.0, 3.0)`);
  const prefix = major === 1 ? 10 : 12;
  if (file.length < prefix) ioFail("truncated", "npy: file ends inside the header length");
  const declared = major === 1 ? u16(file, 8) : u32(file, 8);
  const headerLength = prefix + declared;
  if (headerLength > (fileLength ?? file.length) || headerLength > file.length)
    ioFail("truncated", `npy: header of ${headerLength} bytes, file has ${fileLength ?? file.length}`);
  let text = "";
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(file.subarray(prefix, headerLength));
  } catch {
    ioFail("bad-header", "npy: the v3 header is not valid UTF-8");
  }
  const dict = parsePyLiteral(text, "npy header");
  if (!(dict instanceof Map)) return ioFail("bad-header", "npy: the header is not a dictionary");
  const keys = [...dict.keys()].sort().join(",");
  if (keys !== "descr,fortran_order,shape") ioFail("bad-header", `npy: header keys are {${keys}}, expected descr, fortran_order, shape`);
  const descr = dict.get("descr")!;
  const fortranOrder = dict.get("fortran_order");
  const shape = dict.get("shape");
  if (typeof fortranOrder !== "boolean") ioFail("bad-header", "npy: fortran_order is not a bool");
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number"))
    return ioFail("bad-header", "npy: shape is not a tuple of integers");
  const dims = shape as number[];
  const size = itemsize(descr);
  const dataBytes = tensorBytes(dims, size, "npy");
  if (fileLength !== undefined && headerLength + dataBytes !== fileLength)
    ioFail("size-mismatch", `npy: shape (${dims.join(", ")}) of ${size}-byte elements needs ${dataBytes} data bytes, file has ${fileLength - headerLength}`);
  return {
    version: [major, minor],
    headerLength,
    dtype: { name: typeof descr === "string" ? descr : JSON.stringify(descr), kind: elementKind(descr), itemsize: size },
    fortranOrder: fortranOrder as boolean,
    shape: dims,
    dataBytes,
  };
};
