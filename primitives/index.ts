/**
 * The primitive registry: every primitive evocodec knows, by stable wire id.
 * Ids are never reused; a changed kernel gets a new id. Keep each section sorted by id.
 */
import type { Primitive } from "../src/codec/primitive.js";
// backends (ids 1-15)
import zstd from "./backends/zstd.js";
// splits (ids 16-31)
import bytePlanes from "./splits/byte-planes.js";
import bf16Fields from "./splits/bf16-fields.js";
import fp16Fields from "./splits/fp16-fields.js";
import fp32Fields from "./splits/fp32-fields.js";
import sparse from "./splits/sparse.js";
import bf16SeM from "./splits/bf16-se-m.js";
// transforms (ids 32-63)
import delta from "./transforms/delta.js";
import xorPrev from "./transforms/xor-prev.js";
import signFold from "./transforms/sign-fold.js";
import zigzag from "./transforms/zigzag.js";
import bitShuffle from "./transforms/bit-shuffle.js";

export const PRIMITIVES: readonly Primitive[] = [
  // backends
  zstd,
  // splits
  bytePlanes,
  bf16Fields,
  fp16Fields,
  fp32Fields,
  sparse,
  bf16SeM,
  // transforms
  delta,
  xorPrev,
  signFold,
  zigzag,
  bitShuffle,
];

const byIdMap = new Map(PRIMITIVES.map((p) => [p.id, p]));
const byNameMap = new Map(PRIMITIVES.map((p) => [p.name, p]));
if (byIdMap.size !== PRIMITIVES.length || byNameMap.size !== PRIMITIVES.length)
  throw new Error("primitive registry: duplicate id or name");

export const primitiveById = (id: number): Primitive | undefined => byIdMap.get(id);
export const primitiveByName = (name: string): Primitive | undefined => byNameMap.get(name);
