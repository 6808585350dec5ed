/**
 * Backends on damaged payloads, in TypeScript and Python: a truncated or extended payload, or a
 * frame lying about the decoded length, is always refused with CodecError; a flipped bit is either
 * refused or (formats without a checksum) decodes to exactly the declared length; never another
 * exception. A payload that decodes far past the declared length is refused without decoding it
 * all. Covers every registered backend.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { PRIMITIVES, primitiveByName } from "../primitives/index.js";
import { encodeFrame } from "../src/codec/index.js";
import { ByteWriter } from "../src/codec/bytes.js";
import { CodecError } from "../src/codec/errors.js";
import type { Params, Primitive } from "../src/codec/primitive.js";
import { adversarialBytes } from "./support/data.js";
import { check, node } from "./support/roundtrip.js";
import { runPython } from "./support/python.js";

const BACKENDS = PRIMITIVES.filter((p) => p.kind === "backend");
const CAP = 2 ** 31 - 1;

type Damage =
  | { readonly kind: "flip"; readonly bits: readonly number[] }
  | { readonly kind: "truncate"; readonly keep: number }
  | { readonly kind: "extend"; readonly tail: Uint8Array }
  | { readonly kind: "lie"; readonly delta: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), bits: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant("extend" as const), tail: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("lie" as const), delta: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -1e6, max: 1e6 })).filter((d) => d !== 0) }),
);

interface Damaged {
  readonly payload: Uint8Array;
  readonly declared: number;
  /** False when the damaged payload may still decode (a bit flip in a format without a checksum). */
  readonly mustFail: boolean;
}

/** Applies the damage to a payload that decodes to n bytes; null when it cannot apply (nothing to flip or cut). */
const apply = (payload: Uint8Array, n: number, d: Damage): Damaged | null => {
  switch (d.kind) {
    case "flip": {
      if (payload.length === 0) return null;
      const out = payload.slice();
      for (const b of d.bits) out[(b >>> 3) % out.length] ^= 1 << (b & 7);
      return { payload: out, declared: n, mustFail: false };
    }
    case "truncate":
      return payload.length === 0 ? null : { payload: payload.slice(0, d.keep % payload.length), declared: n, mustFail: true };
    case "extend": {
      const out = new Uint8Array(payload.length + d.tail.length);
      out.set(payload);
      out.set(d.tail, payload.length);
      return { payload: out, declared: n, mustFail: true };
    }
    case "lie":
      return { payload, declared: n + d.delta >= 0 ? n + d.delta : n - d.delta, mustFail: true };
  }
};

const varintBytes = (v: number): number => new ByteWriter(8).varint(v).length;

/** A one-leaf frame holding `payload` that declares `declared` decoded bytes (for the Python decoder). */
const leafFrame = (prim: Primitive, params: Params, declared: number, payload: Uint8Array): Uint8Array => {
  const { frame, headerBytes } = encodeFrame(node(prim, params), new Uint8Array(0));
  const tree = frame.subarray(0, headerBytes - varintBytes(0) - varintBytes(frame.length - headerBytes));
  return new ByteWriter(tree.length + payload.length + 16).bytes(tree).varint(declared).varint(payload.length).bytes(payload).finish();
};

/** What decoding the damaged payload in TS gives: "ok" with exactly the declared length, or the CodecError reason. */
const decodeTs = (prim: Primitive, params: Params, d: Damaged): string => {
  try {
    const out = prim.decode([d.payload], params, { cap: CAP, decodedLength: d.declared });
    assert.equal(out.length, d.declared, `${prim.name} returned ${out.length} bytes for a declared ${d.declared}`);
    return "ok";
  } catch (e) {
    if (e instanceof CodecError) return e.reason;
    throw new Error(`${prim.name} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of CodecError`);
  }
};

const cases = (prim: Primitive) => fc.tuple(prim.arbitrary, adversarialBytes, damage);

describe("backends refuse damaged payloads with CodecError in TypeScript", () => {
  for (const prim of BACKENDS)
    it(prim.name, () =>
      check(
        fc.property(cases(prim), ([params, input, dmg]) => {
          const d = apply(prim.encode(input, params).streams[0], input.length, dmg);
          if (d === null) return;
          const got = decodeTs(prim, params, d);
          if (d.mustFail) assert.notEqual(got, "ok", `${prim.name} accepted a payload damaged by ${dmg.kind}`);
        }),
        150,
      ),
    );
});

describe("backends refuse damaged payloads with CodecError in Python", () => {
  for (const prim of BACKENDS)
    it(prim.name, () => {
      const damaged = fc
        .sample(cases(prim), { numRuns: 120, seed: 1000 + prim.id })
        .map(([params, input, dmg]) => ({ params, dmg, d: apply(prim.encode(input, params).streams[0], input.length, dmg) }))
        .filter((c): c is { params: Params; dmg: Damage; d: Damaged } => c.d !== null);
      const results = runPython(damaged.map(({ params, d }) => ({ decode: leafFrame(prim, params, d.declared, d.payload) })));
      results.forEach((r, i) => {
        const { dmg, d } = damaged[i];
        const what = `${prim.name}, case #${i} (${dmg.kind}, ${d.payload.length}-byte payload, declares ${d.declared})`;
        if (r.ok) {
          assert.ok(!d.mustFail, `${what}: Python accepted it`);
          assert.equal(r.bytes.length, d.declared, `${what}: Python decoded ${r.bytes.length} bytes`);
        } else assert.notEqual(r.reason, "crash", `${what}: Python raised something else than CodecError:\n${r.message}`);
      });
    });
});

describe("backends stop at the declared length", () => {
  // 4 MiB of zeros shrinks to a few KiB or less: a small declared length must be refused without
  // producing (or trusting a header for) the whole output.
  const zeros = new Uint8Array(4 << 20);
  const bombs = BACKENDS.map((prim) => ({ prim, params: prim.defaults(), payload: prim.encode(zeros, prim.defaults()).streams[0] }));
  for (const { prim, params, payload } of bombs)
    it(`${prim.name}: a payload of 4 MiB declared as 1000 bytes is refused in TS`, () =>
      assert.notEqual(decodeTs(prim, params, { payload, declared: 1000, mustFail: true }), "ok"));
  it("and in Python", () =>
    runPython(bombs.map(({ prim, params, payload }) => ({ decode: leafFrame(prim, params, 1000, payload) }))).forEach((r, i) =>
      assert.ok(!r.ok && r.reason !== "crash", `${bombs[i].prim.name}: ${r.ok ? "accepted" : r.message}`),
    ));
});

describe("xz", () => {
  it("is a real LZMA encoder (not a literal-only one) at every preset", () => {
    const xz = primitiveByName("xz")!;
    const text = new TextEncoder().encode("evocodec discovers lossless codecs for bf16 tensors. ".repeat(2000));
    const sizes = [0, 6].map((preset) => xz.encode(text, { preset, extreme: "off" }).streams[0].length);
    assert.ok(sizes.every((s) => s * 50 < text.length), `xz sizes ${sizes} for ${text.length} bytes of repeated text`);
  });
});
