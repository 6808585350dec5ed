/**
 * The primitive registry: every primitive evocodec knows, by stable wire id.
 * Ids are never reused; a changed kernel gets a new id. Keep each section sorted by id.
 */
import type { Primitive } from "../src/codec/primitive.js";
// backends (ids 1-15)
import zstd from "./backends/zstd.js";
// splits (ids 16-31)
import bf16Fields from "./splits/bf16-fields.js";
// transforms (ids 32-63)

export const PRIMITIVES: readonly Primitive[] = [
  // backends
  zstd,
  // splits
  bf16Fields,
  // transforms
];

const byIdMap = new Map(PRIMITIVES.map((p) => [p.id, p]));
const byNameMap = new Map(PRIMITIVES.map((p) => [p.name, p]));
if (byIdMap.size !== PRIMITIVES.length || byNameMap.size !== PRIMITIVES.length)
  throw new Error("primitive registry: duplicate id or name");

export const primitiveById = (id: number): Primitive | undefined => byIdMap.get(id);
export const primitiveByName = (name: string): Primitive | undefined => byNameMap.get(name);
