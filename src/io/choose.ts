/**
 * Which pipeline a tensor gets when a file holds several dtypes: bf16 gets the pipeline the user
 * chose (or the default); other dtypes get the first of their candidates whose primitives are
 * registered with these parameters, and plain zstd when none is. test/io.test.ts checks that a
 * registered candidate is never skipped (so a parameter rename cannot silently demote it).
 * A non-bf16 tensor whose frame would be larger than its bytes stored as they are (small tensors:
 * biases, ids, masks) is stored instead; bf16 tensors always get the pipeline asked for.
 */
import { CodecError, encodeFrame, parsePipeline, type EncodeResult, type PipelineJson, type PipelineNode } from "../codec/index.js";
import { primitiveByName } from "../../primitives/index.js";
import type { TensorDtype } from "./tensor.js";

const zstd = (level: number): PipelineJson => ({ op: "zstd", level });
const FALLBACK = zstd(9);
const bytePlanes = (width: number): PipelineJson => ({ op: "byte-planes", width, next: Array.from({ length: width }, () => FALLBACK) });
const fields = (op: string): PipelineJson => ({ op, next: [zstd(19), zstd(19), zstd(3)] });

/** Candidates by element kind and size, best first. */
export const dtypeCandidates = (dtype: TensorDtype): readonly PipelineJson[] => {
  const fieldSplit = dtype.kind === "f16" ? [fields("fp16-fields")] : dtype.kind === "f32" ? [fields("fp32-fields")] : [];
  const planes = dtype.itemsize > 1 && dtype.itemsize <= 8 ? [bytePlanes(dtype.itemsize)] : [];
  return [...fieldSplit, ...planes, FALLBACK];
};

const chosen = new Map<string, PipelineNode>();

export const pipelineForDtype = (dtype: TensorDtype, bf16: PipelineNode): PipelineNode => {
  if (dtype.kind === "bf16") return bf16;
  const key = `${dtype.kind}/${dtype.itemsize}`;
  let node = chosen.get(key);
  if (!node) {
    for (const json of dtypeCandidates(dtype)) {
      try {
        node = parsePipeline(json);
        break;
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
      }
    }
    chosen.set(key, node!);
  }
  return node!;
};

/** Encodes one tensor's bytes with the pipeline for its dtype (or `store` when that is smaller). */
export const encodeTensor = (dtype: TensorDtype, data: Uint8Array, bf16: PipelineNode): EncodeResult => {
  const chosen = encodeFrame(pipelineForDtype(dtype, bf16), data);
  const store = primitiveByName("store");
  if (dtype.kind === "bf16" || !store) return chosen;
  const stored = encodeFrame({ prim: store, params: store.defaults(), children: [] }, data);
  return stored.frame.length < chosen.frame.length ? stored : chosen;
};
