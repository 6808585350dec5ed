/**
 * `evocodec inspect`: the pipeline tree of a frame with, for every node, the bytes it decodes to
 * and the payload bytes beneath it. Inner streams are not recorded in the frame, so the frame is
 * decoded node by node to measure them (which also verifies it).
 */
import { CodecError, describe, DEFAULT_CAP, parseFrame, toJson, type ParsedFrame, type PipelineJson, type PipelineNode } from "../codec/index.js";
import { fail } from "../codec/errors.js";
import type { Params } from "../codec/primitive.js";
import { isContainer, parseContainer } from "./container.js";
import { ioFail } from "./errors.js";
import { isFrame } from "./files.js";
import type { TensorFormat } from "./layout.js";

export interface StreamReport {
  /** The name of the parent's output this node encodes (null at the root). */
  readonly stream: string | null;
  readonly op: string;
  readonly params: Params;
  readonly decodedBytes: number;
  readonly payloadBytes: number;
  readonly children: readonly StreamReport[];
}

export interface FrameReport {
  readonly frameBytes: number;
  readonly headerBytes: number;
  readonly decodedBytes: number;
  readonly pipeline: PipelineJson;
  readonly summary: string;
  readonly tree: StreamReport;
}

export interface TensorReport {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly frame: FrameReport;
}

export type InspectReport =
  | { readonly kind: "frame"; readonly fileBytes: number; readonly frame: FrameReport }
  | { readonly kind: "container"; readonly fileBytes: number; readonly format: TensorFormat; readonly headerBytes: number; readonly tensors: readonly TensorReport[] };

type Leaf = ParsedFrame["leaves"][number];

const measure = (node: PipelineNode, stream: string | null, next: () => Leaf, cap: number): { out: Uint8Array; report: StreamReport } => {
  const base = { stream, op: node.prim.name, params: node.params };
  if (node.prim.kind === "backend") {
    const leaf = next();
    const out = node.prim.decode([leaf.payload], node.params, { cap, decodedLength: leaf.decodedLength });
    if (out.length !== leaf.decodedLength) fail("length-mismatch", `${node.prim.name}: decoded ${out.length} bytes, frame declares ${leaf.decodedLength}`);
    return { out, report: { ...base, decodedBytes: out.length, payloadBytes: leaf.payload.length, children: [] } };
  }
  const names = node.prim.outputNames(node.params);
  const kids = node.children.map((c, i) => measure(c, names[i] ?? `s${i}`, next, cap));
  const out = node.prim.decode(kids.map((k) => k.out), node.params, { cap, decodedLength: -1 });
  if (out.length > cap) fail("size-cap", `${node.prim.name} produced ${out.length} bytes over cap ${cap}`);
  const children = kids.map((k) => k.report);
  return { out, report: { ...base, decodedBytes: out.length, payloadBytes: children.reduce((a, c) => a + c.payloadBytes, 0), children } };
};

export const inspectFrame = (frame: Uint8Array, cap = DEFAULT_CAP): FrameReport => {
  const parsed = parseFrame(frame, cap);
  let i = 0;
  let measured: { out: Uint8Array; report: StreamReport };
  try {
    measured = measure(parsed.pipeline, null, () => parsed.leaves[i++], cap);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError({ reason: "corrupt-payload", message: `decoder failed: ${(e as Error).message}` });
  }
  return {
    frameBytes: frame.length,
    headerBytes: parsed.headerBytes,
    decodedBytes: measured.out.length,
    pipeline: toJson(parsed.pipeline),
    summary: describe(parsed.pipeline),
    tree: measured.report,
  };
};

export const inspectBytes = (bytes: Uint8Array, cap = DEFAULT_CAP): InspectReport => {
  if (isFrame(bytes)) return { kind: "frame", fileBytes: bytes.length, frame: inspectFrame(bytes, cap) };
  if (!isContainer(bytes)) ioFail(bytes.length < 3 ? "truncated" : "bad-magic", "not an evocodec frame or container");
  const { layout, header, frames } = parseContainer(bytes);
  const tensors = layout.tensors.map((t, i) => {
    const frame = inspectFrame(frames[i], cap);
    if (frame.decodedBytes !== t.end - t.begin)
      ioFail("size-mismatch", `container: tensor "${t.name}" decodes to ${frame.decodedBytes} bytes, its header says ${t.end - t.begin}`);
    return { name: t.name, dtype: t.dtype.name, shape: t.shape, frame };
  });
  return { kind: "container", fileBytes: bytes.length, format: layout.format, headerBytes: header.length, tensors };
};
