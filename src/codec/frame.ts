/**
 * Frame v1 (docs/FORMAT.md):
 *   "EVC" | version u8 | pipeline | per leaf (pre-order): decoded length varint, payload length varint | payloads
 * The pipeline is pre-order: primitive id varint, then its parameters as varints in declaration
 * order (enums as their index); children follow their parent. Resolved parameters are written
 * (an `auto` period is stored as the detected value), so decoding needs nothing but the frame.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import { CodecError, fail } from "./errors.js";
import type { Params, Primitive } from "./primitive.js";
import { leaves, MAX_DEPTH, type PipelineNode } from "./pipeline.js";
import { primitiveById, RETIRED_IDS } from "../../primitives/index.js";

export const MAGIC = [0x45, 0x56, 0x43] as const; // "EVC"
export const FORMAT_VERSION = 1;
/** Default bound on any buffer a decode may allocate (overridable per call). */
export const DEFAULT_CAP = 2 ** 31 - 1;

/** What one node saw while encoding: its input size and, for leaves, the payload size. */
export interface StreamStat {
  readonly node: PipelineNode;
  readonly inputBytes: number;
  readonly payloadBytes: number;
  readonly children: readonly StreamStat[];
}

export interface EncodeResult {
  readonly frame: Uint8Array;
  /** The pipeline with parameters as resolved by the encoders (what the frame records). */
  readonly resolved: PipelineNode;
  readonly stats: StreamStat;
  readonly headerBytes: number;
}

const writeParams = (w: ByteWriter, prim: Primitive, params: Params): void => {
  for (const [k, spec] of Object.entries(prim.params)) {
    const v = params[k];
    w.varint(spec.kind === "enum" ? spec.values.indexOf(v as string) : (v as number));
  }
};

const readParams = (r: ByteReader, prim: Primitive): Params => {
  const out: Record<string, number | string> = {};
  for (const [k, spec] of Object.entries(prim.params)) {
    const v = r.varint();
    if (spec.kind === "enum") {
      if (v >= spec.values.length) fail("bad-params", `${prim.name}.${k}: enum index ${v} of ${spec.values.length}`);
      out[k] = spec.values[v];
    } else {
      if (v < spec.min || v > spec.max) fail("bad-params", `${prim.name}.${k} = ${v} outside [${spec.min}, ${spec.max}]`);
      out[k] = v;
    }
  }
  return out;
};

interface Leaf {
  readonly node: PipelineNode;
  readonly decodedLength: number;
  readonly payload: Uint8Array;
}

const encodeNode = (node: PipelineNode, input: Uint8Array, out: Leaf[]): { resolved: PipelineNode; stat: StreamStat } => {
  const { streams, params } = node.prim.encode(input, node.params);
  if (node.prim.kind === "backend") {
    const resolved = { prim: node.prim, params, children: [] };
    out.push({ node: resolved, decodedLength: input.length, payload: streams[0] });
    return { resolved, stat: { node: resolved, inputBytes: input.length, payloadBytes: streams[0].length, children: [] } };
  }
  if (streams.length !== node.children.length)
    fail("bad-pipeline", `${node.prim.name} produced ${streams.length} streams for ${node.children.length} children`);
  const kids = node.children.map((c, i) => encodeNode(c, streams[i], out));
  const resolved = { prim: node.prim, params, children: kids.map((k) => k.resolved) };
  const stats = kids.map((k) => k.stat);
  return {
    resolved,
    stat: { node: resolved, inputBytes: input.length, payloadBytes: stats.reduce((a, s) => a + s.payloadBytes, 0), children: stats },
  };
};

const writeTree = (w: ByteWriter, node: PipelineNode): void => {
  w.varint(node.prim.id);
  writeParams(w, node.prim, node.params);
  node.children.forEach((c) => writeTree(w, c));
};

/** Encodes `input` with the pipeline. Throws CodecError (the Effect API wraps this). */
export const encodeFrame = (pipeline: PipelineNode, input: Uint8Array): EncodeResult => {
  const found: Leaf[] = [];
  const { resolved, stat } = encodeNode(pipeline, input, found);
  const w = new ByteWriter(64);
  w.byte(MAGIC[0]).byte(MAGIC[1]).byte(MAGIC[2]).byte(FORMAT_VERSION);
  writeTree(w, resolved);
  for (const leaf of found) w.varint(leaf.decodedLength).varint(leaf.payload.length);
  const header = w.finish();
  // the frame in memory of its exact size, the payloads copied once
  const frame = new Uint8Array(found.reduce((sum, leaf) => sum + leaf.payload.length, header.length));
  frame.set(header);
  let at = header.length;
  for (const leaf of found) {
    frame.set(leaf.payload, at);
    at += leaf.payload.length;
  }
  return { frame, resolved, stats: stat, headerBytes: header.length };
};

/** Maps a wire id to its primitive; the registry by default, an explicit table in gate tests. */
export type PrimitiveLookup = (id: number) => Primitive | undefined;

const unknownId = (id: number): string => {
  const retired = RETIRED_IDS.get(id);
  return retired ? `primitive id ${id} is retired (${retired}); decode with the evocodec that wrote it` : `primitive id ${id} is not known to this decoder`;
};

const readTree = (r: ByteReader, depth: number, lookup: PrimitiveLookup): PipelineNode => {
  if (depth > MAX_DEPTH) fail("bad-pipeline", `pipeline deeper than ${MAX_DEPTH}`);
  const id = r.varint();
  const prim = lookup(id) ?? fail("unknown-primitive", unknownId(id));
  const params = readParams(r, prim);
  const children = Array.from({ length: prim.arity(params) }, () => readTree(r, depth + 1, lookup));
  return { prim, params, children };
};

export interface ParsedFrame {
  readonly pipeline: PipelineNode;
  readonly leaves: readonly Leaf[];
  readonly headerBytes: number;
}

/** Parses and validates the header and payload boundaries of a frame without decoding payloads. */
export const parseFrame = (frame: Uint8Array, cap = DEFAULT_CAP, lookup: PrimitiveLookup = primitiveById): ParsedFrame => {
  const r = new ByteReader(frame);
  if (frame.length < 4 || r.byte() !== MAGIC[0] || r.byte() !== MAGIC[1] || r.byte() !== MAGIC[2])
    fail(frame.length < 4 ? "truncated" : "bad-magic", "not an evocodec frame");
  const version = r.byte();
  if (version !== FORMAT_VERSION) fail("unsupported-version", `frame version ${version} (this decoder reads ${FORMAT_VERSION})`);
  const pipeline = readTree(r, 0, lookup);
  const nodes = leaves(pipeline);
  const sizes = nodes.map(() => {
    const decodedLength = r.varint();
    if (decodedLength > cap) fail("size-cap", `stream of ${decodedLength} bytes over cap ${cap}`);
    return { decodedLength, payloadLength: r.lengthWithin(r.remaining, "payload length") };
  });
  const headerBytes = r.pos;
  const found = nodes.map((node, i) => ({ node, decodedLength: sizes[i].decodedLength, payload: r.take(sizes[i].payloadLength) }));
  if (r.remaining > 0) fail("trailing-bytes", `${r.remaining} bytes after the last payload`);
  return { pipeline, leaves: found, headerBytes };
};

const decodeNode = (node: PipelineNode, next: () => Leaf, cap: number): Uint8Array => {
  let out: Uint8Array;
  if (node.prim.kind === "backend") {
    const leaf = next();
    out = node.prim.decode([leaf.payload], node.params, { cap, decodedLength: leaf.decodedLength });
    if (out.length !== leaf.decodedLength)
      fail("length-mismatch", `${node.prim.name}: decoded ${out.length} bytes, frame declares ${leaf.decodedLength}`);
  } else {
    const streams = node.children.map((c) => decodeNode(c, next, cap));
    out = node.prim.decode(streams, node.params, { cap, decodedLength: -1 });
  }
  if (out.length > cap) fail("size-cap", `${node.prim.name} produced ${out.length} bytes over cap ${cap}`);
  return out;
};

/** Decodes any frame of known primitives. Throws CodecError on anything malformed. */
export const decodeFrame = (frame: Uint8Array, cap = DEFAULT_CAP, lookup: PrimitiveLookup = primitiveById): Uint8Array => {
  const parsed = parseFrame(frame, cap, lookup);
  let i = 0;
  try {
    return decodeNode(parsed.pipeline, () => parsed.leaves[i++], cap);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    // A kernel indexing past a corrupt stream is still a corrupt frame, never a crash.
    throw new CodecError({ reason: "corrupt-payload", message: `decoder failed: ${(e as Error).message}` });
  }
};
