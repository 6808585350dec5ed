/**
 * The primitive registry: every primitive evocodec knows, by stable wire id.
 * Ids are never reused; a changed kernel gets a new id. Keep each section sorted by id.
 */
import type { Primitive } from "../src/codec/primitive.js";
// backends (ids 1-15)
import store from "./backends/store.js";
import zstd from "./backends/zstd.js";
import lz4 from "./backends/lz4.js";
import brotli from "./backends/brotli.js";
import deflate from "./backends/deflate.js";
import xz from "./backends/xz.js";
import rans from "./backends/rans.js";
// splits (ids 16-31)
import bytePlanes from "./splits/byte-planes.js";
import bf16Fields from "./splits/bf16-fields.js";
import fp16Fields from "./splits/fp16-fields.js";
import fp32Fields from "./splits/fp32-fields.js";
import sparse from "./splits/sparse.js";
import bf16SeM from "./splits/bf16-se-m.js";
import rowEq from "./splits/row-eq.js";
import lowBits from "./splits/low-bits.js";
import bf16SeMCtx from "./splits/bf16-se-m-ctx.js";
import rankTuples from "./splits/rank-tuples.js";
// transforms (ids 32-63)
import delta from "./transforms/delta.js";
import xorPrev from "./transforms/xor-prev.js";
import transpose from "./transforms/transpose.js";
import signFold from "./transforms/sign-fold.js";
import zigzag from "./transforms/zigzag.js";
import bitShuffle from "./transforms/bit-shuffle.js";
import rankRemap from "./transforms/rank-remap.js";
import columnReorder from "./transforms/column-reorder.js";
import rowXor from "./transforms/row-xor.js";
import columnRef from "./transforms/column-ref.js";
import rowRefXor from "./transforms/row-ref-xor.js";
import rowRefDelta from "./transforms/row-ref-delta.js";

export const PRIMITIVES: readonly Primitive[] = [
  // backends
  store,
  zstd,
  lz4,
  brotli,
  deflate,
  xz,
  rans,
  // splits
  bytePlanes,
  bf16Fields,
  fp16Fields,
  fp32Fields,
  sparse,
  bf16SeM,
  rowEq,
  lowBits,
  bf16SeMCtx,
  rankTuples,
  // transforms
  delta,
  xorPrev,
  transpose,
  signFold,
  zigzag,
  bitShuffle,
  rankRemap,
  columnReorder,
  rowXor,
  columnRef,
  rowRefXor,
  rowRefDelta,
];

/**
 * Ids whose wire format was replaced: frames holding them were written by an earlier evocodec and
 * decode only there. They stay reserved (never reused) and decoders name them in the error.
 */
export const RETIRED_IDS: ReadonlyMap<number, string> = new Map([
  [7, "rans, the layout of evocodec before 2026-12 (order-0 nested tables, per-row lanes); now id 8"],
]);

const byIdMap = new Map(PRIMITIVES.map((p) => [p.id, p]));
const byNameMap = new Map(PRIMITIVES.map((p) => [p.name, p]));
if (byIdMap.size !== PRIMITIVES.length || byNameMap.size !== PRIMITIVES.length)
  throw new Error("primitive registry: duplicate id or name");
for (const p of PRIMITIVES) if (RETIRED_IDS.has(p.id)) throw new Error(`primitive registry: ${p.name} uses retired id ${p.id}`);

export const primitiveById = (id: number): Primitive | undefined => byIdMap.get(id);
export const primitiveByName = (name: string): Primitive | undefined => byNameMap.get(name);

/**
 * Adds a primitive at run time: test-only fault injectors (a kernel that hangs or throws), loaded
 * by search worker threads from a module path. Real primitives belong in PRIMITIVES above, which
 * this does not change (generators, calibration and emitted decoders never see extras).
 */
export const registerPrimitive = (p: Primitive): void => {
  const taken = byIdMap.get(p.id) ?? byNameMap.get(p.name);
  if (taken === p) return;
  if (RETIRED_IDS.has(p.id)) throw new Error(`primitive registry: id ${p.id} is retired`);
  if (taken) throw new Error(`primitive registry: id ${p.id} or name "${p.name}" is taken by ${taken.name}`);
  byIdMap.set(p.id, p);
  byNameMap.set(p.name, p);
};
