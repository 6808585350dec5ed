/**
 * xz (id 6): terminal backend, one .xz stream (LZMA2, CRC64 check) from liblzma, presets 0-9 and
 * the extreme flag. TS: node-liblzma (native liblzma); Python: lzma. Same library, same output.
 * Payload: exactly one .xz stream (tukaani.org/xz/xz-file-format.txt): stream header, blocks each
 * filtered by LZMA2 alone, index, stream footer; no stream padding, nothing after it.
 *
 * The TS binding has no output or memory limit, so before decoding, the stream's structure is
 * walked (block headers and LZMA2 chunk headers are in the clear): the LZMA2 chunks' sizes, which
 * liblzma enforces while decoding, must add up to the declared length, and the dictionary must be
 * at most 64 MiB (presets 8 and 9; the decoder's memory bound). Python bounds the same natively
 * (max_length, memlimit).
 */
import { check as xzCheck, preset as xzPreset, unxzSync, xzSync } from "node-liblzma";
import { definePrimitive, int, oneOf } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { expectLength } from "../kernels.js";
import { asBuffer, guarded, readU32LE } from "./library.js";
import { uninterruptible } from "./native-guard.js";

const STREAM_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const HEADER_BYTES = 12;
const FOOTER_BYTES = 12;
/** Size of the block check field by check id (stream flags byte 1, low nibble). */
const CHECK_BYTES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const FILTER_LZMA2 = 0x21;
/** LZMA2 dictionary-size property of 64 MiB: 2 << (28 / 2 + 11). */
const MAX_DICT_PROPERTY = 28;
/** Output chunk of the liblzma binding for an output of about n bytes: few native calls, no excess for small n. */
const chunkSize = (n: number): number => Math.min(1 << 20, Math.max(64, n));

const corrupt = (what: string): never => fail("corrupt-payload", `xz: ${what}`);

/** Decoded length of a single-stream .xz payload, from its LZMA2 chunk headers; fails on anything else. */
export const xzDecodedLength = (b: Uint8Array): number => {
  if (b.length < HEADER_BYTES + FOOTER_BYTES + 8) corrupt(`${b.length} bytes is shorter than any stream`);
  if (STREAM_MAGIC.some((m, i) => b[i] !== m)) corrupt("no stream header magic");
  if (b[6] !== 0 || b[7] > 0x0f) corrupt("unsupported stream flags");
  const checkBytes = CHECK_BYTES[b[7]];
  if (b[b.length - 2] !== 0x59 || b[b.length - 1] !== 0x5a) corrupt("payload does not end with a stream footer");
  const indexStart = b.length - FOOTER_BYTES - (readU32LE(b, b.length - 8) + 1) * 4;
  if (indexStart < HEADER_BYTES) corrupt("index size in the footer exceeds the payload");
  let pos = HEADER_BYTES;
  let total = 0;
  while (pos < indexStart) {
    const blockStart = pos;
    if (b[pos] === 0) corrupt("index indicator before the index");
    const headerEnd = pos + (b[pos] + 1) * 4;
    if (headerEnd > indexStart) corrupt("block header runs into the index");
    let at = pos + 2;
    const vli = (): number => {
      let v = 0;
      for (let i = 0; i < 9 && at < headerEnd; i++) {
        const x = b[at++];
        v += (x & 0x7f) * 2 ** (7 * i);
        if (!(x & 0x80)) return v;
      }
      return corrupt("bad integer in a block header");
    };
    const flags = b[pos + 1];
    if (flags & 0x3c) corrupt("reserved block flags set");
    if ((flags & 3) !== 0) corrupt("filter chain other than LZMA2 alone");
    if (flags & 0x40) vli(); // compressed size (liblzma checks it)
    if (flags & 0x80) vli(); // uncompressed size (liblzma checks it)
    if (vli() !== FILTER_LZMA2 || vli() !== 1) corrupt("filter other than LZMA2");
    if (at >= headerEnd || b[at] > MAX_DICT_PROPERTY) corrupt("LZMA2 dictionary over 64 MiB");
    pos = headerEnd;
    for (;;) {
      if (pos >= indexStart) corrupt("LZMA2 data runs into the index");
      const control = b[pos];
      if (control === 0) break;
      if (control === 1 || control === 2) {
        const size = ((b[pos + 1] << 8) | b[pos + 2]) + 1;
        total += size;
        pos += 3 + size;
      } else if (control >= 0x80) {
        total += (control & 0x1f) * 65536 + ((b[pos + 1] << 8) | b[pos + 2]) + 1;
        pos += (control >= 0xc0 ? 6 : 5) + ((b[pos + 3] << 8) | b[pos + 4]) + 1;
      } else corrupt(`invalid LZMA2 chunk control byte ${control}`);
    }
    pos += 1;
    pos += ((4 - ((pos - blockStart) & 3)) & 3) + checkBytes; // block padding, check
  }
  if (pos !== indexStart) corrupt("blocks do not end where the index starts");
  return total;
};

export default definePrimitive({
  id: 6,
  name: "xz",
  kind: "backend",
  summary: "xz / LZMA2 (liblzma), presets 0-9, extreme",
  layout: "one .xz stream: LZMA2 filter, CRC64 check",
  params: {
    preset: int(0, 9, 6, "liblzma preset (7-9 only grow the dictionary past 8 MiB)"),
    extreme: oneOf(["off", "on"], "off", "liblzma's extreme flag: slower, sometimes slightly smaller"),
  },
  encode: (input, p) => ({
    streams: [
      uninterruptible(() =>
        xzSync(asBuffer(input), {
          preset: p.preset | (p.extreme === "on" ? xzPreset.EXTREME : 0),
          check: xzCheck.CRC64,
          chunkSize: chunkSize(input.length >> 1),
        }),
      ),
    ],
    params: p,
  }),
  decode: ([payload], _p, info) => {
    const declared = xzDecodedLength(payload);
    if (declared !== info.decodedLength) fail("length-mismatch", `xz: stream holds ${declared} bytes, frame declares ${info.decodedLength}`);
    const out = guarded("xz", () => uninterruptible(() => unxzSync(asBuffer(payload), { chunkSize: chunkSize(info.decodedLength) })));
    return expectLength("xz", out, info.decodedLength);
  },
  python: `
import lzma

# 64 MiB dictionary (presets 8-9) plus the decoder's own state: what the TS decoder admits
XZ_DECODER_MEMLIMIT = 65 << 20


def enc_xz(data, p):
    preset = p["preset"] | (lzma.PRESET_EXTREME if p["extreme"] == "on" else 0)
    out = lzma.compress(data.tobytes(), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=preset)
    return [np.frombuffer(out, np.uint8)], p

def dec_xz(streams, p, info):
    d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ, memlimit=XZ_DECODER_MEMLIMIT)
    try:
        out = d.decompress(streams[0].tobytes(), max_length=info.n + 1)
    except lzma.LZMAError as e:
        raise CodecError("corrupt-payload", "xz: %s" % e)
    out = expect_length("xz", np.frombuffer(out, np.uint8), info.n)
    if not d.eof or d.unused_data:
        raise CodecError("corrupt-payload", "xz: stream does not end exactly at the end of the payload")
    return out
`,
});
