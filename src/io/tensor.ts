/** What the IO layer knows about one tensor of a file: enough to pick a pipeline and check sizes. */
import { ioFail } from "./errors.js";

/** Element families that have their own pipelines; everything else is "other" (bytes of `itemsize`). */
export type ElementKind = "bf16" | "f16" | "f32" | "other";

export interface TensorDtype {
  /** The dtype as the file spells it (`<f4`, `BF16`, ...). */
  readonly name: string;
  readonly kind: ElementKind;
  /** Bytes per element (for structured npy dtypes, the record size). */
  readonly itemsize: number;
}

export interface TensorEntry {
  readonly name: string;
  readonly dtype: TensorDtype;
  readonly shape: readonly number[];
  /** Byte range of the tensor's data, relative to the file's data section. */
  readonly begin: number;
  readonly end: number;
}

/** Number of bytes a [shape] tensor of `itemsize` occupies, refusing products past 2^53. */
export const tensorBytes = (shape: readonly number[], itemsize: number, what: string): number => {
  let n = itemsize;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) ioFail("bad-header", `${what}: dimension ${d} is not a non-negative integer`);
    n *= d;
    if (!Number.isSafeInteger(n)) ioFail("size-mismatch", `${what}: shape [${shape.join(", ")}] is too large`);
  }
  return n;
};
