/**
 * `.safetensors` files:
 *   N: u64 LE | N bytes of UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {str: str}}
 *   | data section: tensors at their offsets (relative to the section start)
 * As the format requires, the tensors must tile the data section exactly: sorted by offset, each
 * begins where the previous one ends, the first at 0 and the last at the end of the file.
 */
import { ioFail } from "./errors.js";
import { tensorBytes, type ElementKind, type TensorEntry } from "./tensor.js";

export interface SafetensorsHeader {
  /** 8 + N: the length field and the JSON (with its padding). */
  readonly headerLength: number;
  /** Tensors in data order (by offset). */
  readonly tensors: readonly TensorEntry[];
  readonly dataBytes: number;
}

const DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8, C64: 8,
};
const KINDS: Readonly<Record<string, ElementKind>> = { BF16: "bf16", F16: "f16", F32: "f32" };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

const tensorEntry = (name: string, info: unknown): TensorEntry => {
  const what = `safetensors: tensor "${name}"`;
  if (!isObject(info)) return ioFail("bad-header", `${what} is not an object`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_SIZES, dtype))
    return ioFail("unsupported-dtype", `${what} has dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_SIZES).join(", ")})`);
  if (!Array.isArray(shape) || !shape.every(isOffset)) return ioFail("bad-header", `${what}: shape is not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset) || offsets[0] > offsets[1])
    return ioFail("bad-offsets", `${what}: data_offsets must be [begin, end] with 0 <= begin <= end`);
  const [begin, end] = offsets as [number, number];
  const need = tensorBytes(shape, DTYPE_SIZES[dtype], what);
  if (end - begin !== need) ioFail("size-mismatch", `${what}: ${dtype} [${shape.join(", ")}] needs ${need} bytes, data_offsets span ${end - begin}`);
  return { name, dtype: { name: dtype, kind: KINDS[dtype] ?? "other", itemsize: DTYPE_SIZES[dtype] }, shape, begin, end };
};

/** Parses the header at the start of `file`; `fileLength` (when known) must equal header + data. */
export const parseSafetensorsHeader = (file: Uint8Array, fileLength?: number): SafetensorsHeader => {
  const total = fileLength ?? file.length;
  if (file.length < 8) ioFail("truncated", "safetensors: file shorter than its 8-byte header length");
  const lo = (file[0] | (file[1] << 8) | (file[2] << 16)) + file[3] * 2 ** 24;
  const hi = (file[4] | (file[5] << 8) | (file[6] << 16)) + file[7] * 2 ** 24;
  const n = hi * 2 ** 32 + lo;
  if (hi >= 2 ** 21 || 8 + n > total || 8 + n > file.length) ioFail("truncated", `safetensors: header of ${hi >= 2 ** 21 ? "over 2^53" : n} bytes, file has ${total}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(8, 8 + n)));
  } catch (e) {
    return ioFail("bad-header", `safetensors: header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) return ioFail("bad-header", "safetensors: header is not a JSON object");
  const tensors: TensorEntry[] = [];
  for (const [name, info] of Object.entries(json)) {
    if (name !== "__metadata__") tensors.push(tensorEntry(name, info));
    else if (!isObject(info) || !Object.values(info).every((v) => typeof v === "string"))
      ioFail("bad-header", "safetensors: __metadata__ must map strings to strings");
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of tensors) {
    if (t.begin !== at)
      ioFail("bad-offsets", `safetensors: tensor "${t.name}" starts at ${t.begin}, ${t.begin < at ? "overlapping the previous tensor, which ends" : "leaving a hole after the previous data, which ends"} at ${at}`);
    at = t.end;
  }
  if (fileLength !== undefined && 8 + n + at !== fileLength)
    ioFail(8 + n + at > fileLength ? "bad-offsets" : "trailing-bytes", `safetensors: tensors end at data byte ${at}, the data section has ${fileLength - 8 - n}`);
  return { headerLength: 8 + n, tensors, dataBytes: at };
};
