/**
 * sparse (id 20): separate the zero elements from the rest, for tensors with many exact zeros.
 * Input: n bytes = count = floor(n/width) elements plus t = n mod width trailing bytes; an element
 * is zero when all its bytes are.
 * Outputs:
 *   0 bitmap: one byte p = 8*ceil(count/8) - count (the padding bits, 0..7), then ceil(count/8)
 *             bytes with bit i (MSB-first) set when element i is nonzero; padding bits are 0;
 *   1 values: the nonzero elements in order (width bytes each), then the t trailing bytes.
 * The decoder takes count from the bitmap, nnz from its popcount, t = len(values) - nnz*width and
 * refuses t outside [0, width), set padding bits, a listed element that is zero, or an output
 * over the cap (the bitmap expands up to 8*width times).
 * width is any of 1..4; 1, 2 and 4 are the ones explored.
 */
import fc from "fast-check";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";

export default definePrimitive({
  id: 20,
  name: "sparse",
  kind: "split",
  summary: "zero-element bitmap | the nonzero elements",
  layout: "0: padding-bit count byte + nonzero bitmap (MSB-first) | 1: nonzero elements (+ n mod width tail bytes)",
  params: { width: int(1, 4, 2, "element width in bytes") },
  arity: () => 2,
  outputNames: () => ["bitmap", "values"],
  arbitrary: fc.record({ width: fc.constantFrom(1, 2, 4) }),
  encode: (input, p) => {
    const w = p.width;
    const count = Math.floor(input.length / w);
    const tail = input.length - count * w;
    const bitmap = new Uint8Array(1 + ((count + 7) >>> 3));
    bitmap[0] = (8 - (count & 7)) & 7;
    let nnz = 0;
    for (let i = 0, s = 0; i < count; i++, s += w) {
      let any = 0;
      for (let b = 0; b < w; b++) any |= input[s + b];
      if (any !== 0) {
        bitmap[1 + (i >>> 3)] |= 0x80 >>> (i & 7);
        nnz++;
      }
    }
    const values = new Uint8Array(nnz * w + tail);
    let o = 0;
    for (let i = 0, s = 0; i < count; i++, s += w)
      if (bitmap[1 + (i >>> 3)] & (0x80 >>> (i & 7))) for (let b = 0; b < w; b++) values[o++] = input[s + b];
    values.set(input.subarray(count * w), o);
    return { streams: [bitmap, values], params: p };
  },
  decode: ([bitmap, values], p, info) => {
    const w = p.width;
    if (bitmap.length === 0) fail("length-mismatch", "sparse: empty bitmap stream");
    const pad = bitmap[0];
    const bytes = bitmap.length - 1;
    if (pad > 7 || (bytes === 0 && pad !== 0)) fail("corrupt-payload", `sparse: ${pad} padding bits for ${bytes} bitmap bytes`);
    const count = bytes * 8 - pad;
    if (bytes > 0 && (bitmap[bytes] & ((1 << pad) - 1)) !== 0) fail("corrupt-payload", "sparse: padding bits set");
    let nnz = 0;
    for (let k = 1; k <= bytes; k++) {
      let x = bitmap[k];
      x = x - ((x >>> 1) & 0x55);
      x = (x & 0x33) + ((x >>> 2) & 0x33);
      nnz += (x + (x >>> 4)) & 0x0f;
    }
    const tail = values.length - nnz * w;
    if (tail < 0 || tail >= w) fail("length-mismatch", `sparse: ${values.length} value bytes for ${nnz} nonzero elements of ${w}`);
    if (count * w + tail > info.cap) fail("size-cap", `sparse: ${count * w + tail} bytes over cap ${info.cap}`);
    const out = new Uint8Array(count * w + tail);
    let s = 0;
    for (let i = 0, d = 0; i < count; i++, d += w) {
      if ((bitmap[1 + (i >>> 3)] & (0x80 >>> (i & 7))) === 0) continue;
      let any = 0;
      for (let b = 0; b < w; b++) any |= out[d + b] = values[s++];
      if (any === 0) fail("corrupt-payload", `sparse: element ${i} is marked nonzero but is zero`);
    }
    out.set(values.subarray(s), count * w);
    return out;
  },
  python: `
def _sparse_elements(data, w):
    # (elements as one opaque w-byte item each, for fast masked copies; nonzero mask)
    count = data.size // w
    columns = data[:count * w].reshape(count, w)
    nonzero = columns[:, 0].copy()
    for j in range(1, w):
        nonzero |= columns[:, j]
    return data[:count * w].view("V%d" % w), nonzero != 0

def enc_sparse(data, p):
    w = p["width"]
    elements, nonzero = _sparse_elements(data, w)
    head = np.array([(8 - elements.size % 8) % 8], np.uint8)
    bitmap = np.concatenate([head, np.packbits(nonzero)])
    values = np.concatenate([elements[nonzero].view(np.uint8), data[elements.size * w:]])
    return [bitmap, values], p

def dec_sparse(streams, p, info):
    bitmap, values = streams
    w = p["width"]
    if bitmap.size == 0:
        raise CodecError("length-mismatch", "sparse: empty bitmap stream")
    pad = int(bitmap[0])
    nbytes = bitmap.size - 1
    if pad > 7 or (nbytes == 0 and pad != 0):
        raise CodecError("corrupt-payload", "sparse: %d padding bits for %d bitmap bytes" % (pad, nbytes))
    count = nbytes * 8 - pad
    if nbytes and int(bitmap[-1]) & ((1 << pad) - 1):
        raise CodecError("corrupt-payload", "sparse: padding bits set")
    if count * w > info.cap:
        raise CodecError("size-cap", "sparse: %d bytes over cap %d" % (count * w, info.cap))
    nonzero = np.unpackbits(bitmap[1:], count=count).astype(bool)
    nnz = int(np.count_nonzero(nonzero))
    tail = values.size - nnz * w
    if tail < 0 or tail >= w:
        raise CodecError("length-mismatch", "sparse: %d value bytes for %d nonzero elements of %d" % (values.size, nnz, w))
    if count * w + tail > info.cap:
        raise CodecError("size-cap", "sparse: %d bytes over cap %d" % (count * w + tail, info.cap))
    listed, listed_nonzero = _sparse_elements(values[:nnz * w], w)
    if not listed_nonzero.all():
        raise CodecError("corrupt-payload", "sparse: an element marked nonzero is zero")
    out = np.zeros(count * w + tail, np.uint8)
    out[:count * w].view(listed.dtype)[nonzero] = listed
    out[count * w:] = values[nnz * w:]
    return out
`,
});
