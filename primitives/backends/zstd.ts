/**
 * zstd (id 2): terminal backend, native libzstd through zstd-napi (Python: zstandard).
 * Payload: exactly one standard zstd frame (RFC 8878) whose header carries the content size, and
 * nothing after it. The decoder checks the content size against the length the evocodec frame
 * declares before allocating, then decodes single-pass into a buffer of exactly that length (so
 * libzstd can neither write past it nor allocate a window).
 */
import * as zstd from "zstd-napi";
// the low-level binding is CommonJS with computed exports: only its default import carries them
import zstdBinding, { type DCtx } from "zstd-napi/binding.js";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";
import { guarded } from "./library.js";

const FRAME_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
let dctx: DCtx | undefined;

export default definePrimitive({
  id: 2,
  name: "zstd",
  kind: "backend",
  summary: "Zstandard, levels 1-22 (native libzstd)",
  layout: "one zstd frame (RFC 8878) with content size",
  params: { level: int(1, 22, 3, "compression level (>= 20 uses ultra mode)") },
  encode: (input, p) => ({ streams: [zstd.compress(input, { compressionLevel: p.level })], params: p }),
  decode: ([payload], _p, info) => {
    const n = info.decodedLength;
    if (payload.length < 4 || FRAME_MAGIC.some((m, i) => payload[i] !== m)) fail("corrupt-payload", "zstd: no frame magic");
    const frameBytes = guarded("zstd", () => zstdBinding.findFrameCompressedSize(payload));
    if (frameBytes !== payload.length) fail("corrupt-payload", `zstd: ${payload.length - frameBytes} bytes after the frame`);
    const contentSize = guarded("zstd", () => zstdBinding.getFrameContentSize(payload));
    if (contentSize !== n) fail("length-mismatch", `zstd: frame content size ${contentSize ?? "absent"}, frame declares ${n}`);
    const out = new Uint8Array(n);
    dctx ??= new zstdBinding.DCtx();
    const written = guarded("zstd", () => dctx!.decompress(out, payload));
    if (written !== n) fail("length-mismatch", `zstd: decoded ${written} bytes, frame declares ${n}`);
    return out;
  },
  python: `
import zstandard


def enc_zstd(data, p):
    # zstandard rather than the zstd module: the latter returns a non-frame for empty input
    return [np.frombuffer(zstandard.ZstdCompressor(level=p["level"]).compress(data.tobytes()), np.uint8)], p

def zstd_frame_bytes(payload):
    """Length of the zstd frame at the start of payload, from its block headers (zstandard has no API for it)."""
    at = zstandard.frame_header_size(payload)
    while True:
        if at + 3 > len(payload):
            raise CodecError("truncated", "zstd: frame ends inside a block header")
        header = int.from_bytes(payload[at:at + 3], "little")
        kind = (header >> 1) & 3
        if kind == 3:
            raise CodecError("corrupt-payload", "zstd: reserved block type")
        at += 3 + (1 if kind == 1 else header >> 3)
        if header & 1:
            return at + (4 if payload[4] & 4 else 0)

def dec_zstd(streams, p, info):
    payload = streams[0].tobytes()
    try:
        if payload[:4] != b"\\x28\\xb5\\x2f\\xfd":
            raise CodecError("corrupt-payload", "zstd: no frame magic")
        size = zstd_frame_bytes(payload)
        if size != len(payload):
            raise CodecError("corrupt-payload", "zstd: frame is %d bytes, payload %d" % (size, len(payload)))
        if zstandard.frame_content_size(payload) != info.n:
            raise CodecError("length-mismatch", "zstd: frame content size differs from the declared %d" % info.n)
        # with the content size known, zstandard decodes into a buffer of exactly that size
        out = zstandard.ZstdDecompressor().decompress(payload)
    except CodecError:
        raise
    except Exception as e:
        raise CodecError("corrupt-payload", "zstd: %s" % e)
    return expect_length("zstd", np.frombuffer(out, np.uint8), info.n)
`,
});
