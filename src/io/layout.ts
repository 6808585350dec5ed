/** The formats evocodec reads, and the tensor layout of a file's header whatever its format. */
import path from "node:path";
import { parseNpyHeader } from "./npy.js";
import { parseSafetensorsHeader } from "./safetensors.js";
import type { TensorEntry } from "./tensor.js";

/** Formats with a header and tensors; anything else is "raw" (the whole file is one byte stream). */
export type TensorFormat = "npy" | "safetensors";
export type SourceFormat = "raw" | TensorFormat;

export const formatFromPath = (file: string): SourceFormat => {
  const ext = path.extname(file).toLowerCase();
  return ext === ".npy" ? "npy" : ext === ".safetensors" ? "safetensors" : "raw";
};

export interface TensorLayout {
  readonly format: TensorFormat;
  /** Bytes before the data section. */
  readonly headerLength: number;
  /** Tensors in data order; together they tile the data section. */
  readonly tensors: readonly TensorEntry[];
  readonly dataBytes: number;
}

/**
 * Parses and validates the header at the start of `bytes`. With `fileLength` the header must also
 * account for exactly that many bytes (used on input files; containers hold only the header).
 */
export const parseLayout = (format: TensorFormat, bytes: Uint8Array, fileLength?: number): TensorLayout => {
  if (format === "safetensors") return { format, ...parseSafetensorsHeader(bytes, fileLength) };
  const h = parseNpyHeader(bytes, fileLength);
  return {
    format,
    headerLength: h.headerLength,
    tensors: [{ name: "array", dtype: h.dtype, shape: h.shape, begin: 0, end: h.dataBytes }],
    dataBytes: h.dataBytes,
  };
};
