/**
 * rank-tuples (id 25): code `width`-byte symbols as small digits packed several to a byte, so a
 * byte-oriented Huffman coder (zstd's literals) pays a fraction of a bit for a very common symbol
 * instead of at least one bit. For skewed symbols (sign+exponent residuals after row-ref-xor, where
 * one value often covers more than half) this gains 15-20 % over coding the symbols one a byte.
 * Ranking: the symbols at positions 0, s, 2s, ... (s = max(1, count >> 13), about 8192 of them) are
 * counted; the values seen there, by descending count then ascending value, get ranks 0, 1, ...
 * With `tuple` = T digits a byte, a digit has b = 8/T bits and K = 2^b - 1 direct ranks: a symbol of
 * rank < K is its rank, anything else is digit K (an escape).
 * Input n bytes: count = floor(n/width) LE symbols, then t = n - count*width tail bytes.
 * Outputs:
 *   0 tuples:  varint count | varint t | varint S | the S seen values in rank order (width bytes LE)
 *              | varint B | B unseen values (width bytes LE) | ceil(count/T) bytes, symbol i's digit
 *              in bits (i mod T)*b.. of byte floor(i/T) (padding digits 0) | the t tail bytes;
 *   1 escapes: one byte per digit K, in order: rank - K when the value is seen and rank - K < 255,
 *              else 255 (its value is then the next of the B values).
 * The decoder checks t < width, S <= 2^(8*width) with distinct values, every rank < S, the escape
 * count against the digits and the 255s against B, zero padding digits, and count*width against the cap.
 */
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../src/codec/bytes.js";
import { fail } from "../../src/codec/errors.js";
import { definePrimitive, oneOf } from "../../src/codec/primitive.js";
import { u16View } from "../kernels.js";
import { widthArbitrary, widthParam } from "../matrix.js";

const TUPLES = ["2", "4", "8"] as const;
const SAMPLE_SHIFT = 13;
const UNSEEN = 255;

const symbols = (input: Uint8Array, width: number, count: number): Uint8Array | Uint16Array =>
  width === 2 ? u16View(input) : input.subarray(0, count);

/** Values seen in the sample, most frequent first (ties: smaller value first). */
const rankedSample = (x: Uint8Array | Uint16Array, count: number, width: number): number[] => {
  const step = Math.max(1, count >>> SAMPLE_SHIFT);
  const freq = new Uint32Array(1 << (8 * width));
  for (let i = 0; i < count; i += step) freq[x[i]]++;
  const seen: number[] = [];
  for (let v = 0; v < freq.length; v++) if (freq[v] > 0) seen.push(v);
  return seen.sort((a, b) => freq[b] - freq[a] || a - b);
};

export default definePrimitive({
  id: 25,
  name: "rank-tuples",
  kind: "split",
  summary: "8/16-bit symbols -> sampled-frequency ranks as 2/4/8 digits a byte | escape bytes",
  layout: "0: varint count | varint tail | varint S | S values by rank | varint B | B values | digits (T a byte) | tail; 1: escapes (rank - K, 255 = next of the B values)",
  params: {
    width: widthParam(),
    tuple: oneOf(TUPLES, "4", "digits a byte: 2 (15 direct ranks), 4 (3) or 8 (1: a zero flag)"),
  },
  arbitrary: fc.record({ width: widthArbitrary, tuple: fc.constantFrom(...TUPLES) }),
  arity: () => 2,
  outputNames: () => ["digits", "escapes"],
  encode: (input, p) => {
    const width = p.width;
    const T = Number(p.tuple);
    const bits = 8 / T;
    const K = (1 << bits) - 1;
    const count = Math.floor(input.length / width);
    const tail = input.length - count * width;
    const x = symbols(input, width, count);
    const seen = rankedSample(x, count, width);
    const rank = new Int32Array(1 << (8 * width)).fill(-1);
    seen.forEach((v, r) => (rank[v] = r));
    const digits = new Uint8Array(Math.ceil(count / T));
    const escapes = new Uint8Array(count);
    const unseen: number[] = [];
    let e = 0;
    for (let i = 0; i < count; i++) {
      const r = rank[x[i]];
      if (r >= 0 && r < K) {
        digits[(i / T) | 0] |= r << ((i % T) * bits);
        continue;
      }
      digits[(i / T) | 0] |= K << ((i % T) * bits);
      if (r >= 0 && r - K < UNSEEN) escapes[e++] = r - K;
      else {
        escapes[e++] = UNSEEN;
        unseen.push(x[i]);
      }
    }
    const head = new ByteWriter(16 + (seen.length + unseen.length) * width).varint(count).varint(tail).varint(seen.length);
    const value = (v: number) => (width === 2 ? head.byte(v & 0xff).byte(v >>> 8) : head.byte(v));
    seen.forEach(value);
    head.varint(unseen.length);
    unseen.forEach(value);
    head.bytes(digits).bytes(input.subarray(count * width));
    return { streams: [head.finish(), escapes.slice(0, e)], params: p };
  },
  decode: ([packed, escapes], p, info) => {
    const width = p.width;
    const T = Number(p.tuple);
    const bits = 8 / T;
    const K = (1 << bits) - 1;
    const r = new ByteReader(packed, "rank-tuples");
    const count = r.varint();
    const tail = r.varint();
    if (tail >= width) fail("corrupt-payload", `rank-tuples: ${tail} tail bytes for ${width}-byte symbols`);
    if (count * width + tail > info.cap) fail("size-cap", `rank-tuples: ${count} symbols over cap ${info.cap}`);
    const readValues = (n: number): Uint32Array => {
      const raw = r.take(n * width);
      return Uint32Array.from({ length: n }, (_, i) => (width === 2 ? raw[2 * i] | (raw[2 * i + 1] << 8) : raw[i]));
    };
    const seen = readValues(r.lengthWithin(Math.min(1 << (8 * width), r.remaining), "seen values"));
    if (new Set(seen).size !== seen.length) fail("corrupt-payload", "rank-tuples: a seen value is listed twice");
    const unseen = readValues(r.lengthWithin(r.remaining, "unseen values"));
    const digitBytes = Math.ceil(count / T);
    if (r.remaining !== digitBytes + tail) fail("length-mismatch", `rank-tuples: ${r.remaining} bytes for ${count} digits and ${tail} tail bytes`);
    const digits = r.take(digitBytes);
    const out = new Uint8Array(count * width + tail);
    const y = width === 2 ? new Uint16Array(out.buffer, 0, count) : out.subarray(0, count);
    let e = 0;
    let u = 0;
    for (let i = 0; i < count; i++) {
      const d = (digits[(i / T) | 0] >>> ((i % T) * bits)) & K;
      let v: number;
      if (d < K) {
        if (d >= seen.length) fail("corrupt-payload", `rank-tuples: rank ${d} of ${seen.length} seen values`);
        v = seen[d];
      } else {
        if (e >= escapes.length) fail("length-mismatch", `rank-tuples: more escape digits than the ${escapes.length} escape bytes`);
        const code = escapes[e++];
        if (code === UNSEEN) {
          if (u >= unseen.length) fail("corrupt-payload", `rank-tuples: more unseen escapes than the ${unseen.length} values`);
          v = unseen[u++];
        } else {
          if (code + K >= seen.length) fail("corrupt-payload", `rank-tuples: rank ${code + K} of ${seen.length} seen values`);
          v = seen[code + K];
        }
      }
      y[i] = v;
    }
    if (e !== escapes.length) fail("length-mismatch", `rank-tuples: ${escapes.length} escape bytes, ${e} escape digits`);
    if (u !== unseen.length) fail("corrupt-payload", `rank-tuples: ${unseen.length} unseen values, ${u} used`);
    if (count % T && digits[digitBytes - 1] >>> ((count % T) * bits)) fail("corrupt-payload", "rank-tuples: nonzero padding digits");
    out.set(r.take(tail), count * width);
    return out;
  },
  python: `

def arity_rank_tuples(p):
    return 2

def _tuple_unpack_table(tuple_size):
    """Byte value -> its digits, one per byte, as one integer of tuple_size bytes (little-endian)."""
    bits = 8 // tuple_size
    v = np.arange(256, dtype=np.uint64)
    table = np.zeros(256, np.uint64)
    for t in range(tuple_size):
        table |= ((v >> np.uint64(t * bits)) & np.uint64((1 << bits) - 1)) << np.uint64(8 * t)
    return table.astype({2: np.uint16, 4: np.uint32, 8: np.uint64}[tuple_size])

def enc_rank_tuples(data, p):
    width = p["width"]
    T = int(p["tuple"])
    bits = 8 // T
    K = (1 << bits) - 1
    count = data.size // width
    x = data[:count * width].view(matrix_dtype(width))
    step = max(1, count >> 13)
    freq = np.bincount(x[::step], minlength=1 << (8 * width))
    present = np.flatnonzero(freq)
    seen = present[np.argsort(-freq[present], kind="stable")]
    # digits: a symbol's rank when below K, else K (the direct ranks by comparison: cheaper than a lookup)
    digits = np.zeros(count + (-count) % T, np.uint8)
    view = digits[:count]
    view[:] = K
    for r in range(min(K, seen.size)):
        view -= (x == seen[r]).view(np.uint8) * np.uint8(K - r)
    esc_at = np.flatnonzero(view == K)
    rank = np.full(1 << (8 * width), 1 << 20, np.int64)
    rank[seen] = np.arange(seen.size)
    esc_values = x.take(esc_at)
    code = rank.take(esc_values) - K
    far = code >= 255
    escapes = np.where(far, 255, code).astype(np.uint8)
    # T digits (one per byte) -> one byte: fold the integer of T bytes onto its low byte
    if T == 8:
        packed = np.packbits(digits, bitorder="little")
    else:
        w = digits.view(np.uint16 if T == 2 else np.uint32)
        if T == 2:
            w = w | (w >> 4)
        else:
            w = w | (w >> 6)
            w |= w >> 12
        packed = w.astype(np.uint8)
    head = bytearray()
    write_varint(head, count)
    write_varint(head, data.size - count * width)
    write_varint(head, seen.size)
    head += seen.astype(matrix_dtype(width)).tobytes()
    unseen = esc_values[far]
    write_varint(head, unseen.size)
    head += unseen.astype(matrix_dtype(width)).tobytes()
    out = np.concatenate([np.frombuffer(bytes(head), np.uint8), packed, data[count * width:]])
    return [out, escapes], p

def dec_rank_tuples(streams, p, info):
    packed, escapes = streams
    width = p["width"]
    T = int(p["tuple"])
    bits = 8 // T
    K = (1 << bits) - 1
    dtype = matrix_dtype(width)
    r = Reader(bytes(packed[:16]), "rank-tuples")
    count = r.varint()
    tail = r.varint()
    if tail >= width:
        raise CodecError("corrupt-payload", "rank-tuples: %d tail bytes for %d-byte symbols" % (tail, width))
    if count * width + tail > info.cap:
        raise CodecError("size-cap", "rank-tuples: %d symbols over cap %d" % (count, info.cap))

    at = [r.pos]

    def values():
        # a varint, then that many values (the reader covers a few bytes from the current position)
        head = Reader(bytes(packed[at[0]:at[0] + 8]), "rank-tuples")
        n = head.varint()
        start = at[0] + head.pos
        if n * width > packed.size - start:
            raise CodecError("truncated", "rank-tuples: %d values run past the input" % n)
        at[0] = start + n * width
        return packed[start:at[0]].view(dtype).astype(np.int64)
    seen = values()
    if np.unique(seen).size != seen.size:
        raise CodecError("corrupt-payload", "rank-tuples: a seen value is listed twice")
    unseen = values()
    digit_bytes = -(-count // T)
    if packed.size - at[0] != digit_bytes + tail:
        raise CodecError("length-mismatch", "rank-tuples: %d bytes for %d digits and %d tail bytes" % (packed.size - at[0], count, tail))
    body = packed[at[0]:at[0] + digit_bytes]
    digits = _tuple_unpack_table(T).take(body).view(np.uint8)
    if digits[count:].any():
        raise CodecError("corrupt-payload", "rank-tuples: nonzero padding digits")
    digits = digits[:count]
    if seen.size < K and ((digits < K) & (digits >= seen.size)).any():
        raise CodecError("corrupt-payload", "rank-tuples: a rank beyond the %d seen values" % seen.size)
    direct = np.zeros(K + 1, dtype)
    direct[:min(K, seen.size)] = seen[:K]
    y = direct.take(digits)
    esc_at = np.flatnonzero(digits == K)
    if esc_at.size != escapes.size:
        raise CodecError("length-mismatch", "rank-tuples: %d escape bytes, %d escape digits" % (escapes.size, esc_at.size))
    far = escapes == 255
    if int(np.count_nonzero(far)) != unseen.size:
        raise CodecError("corrupt-payload", "rank-tuples: %d unseen values for %d unseen escapes" % (unseen.size, np.count_nonzero(far)))
    code = escapes.astype(np.int64) + K
    if (code[~far] >= seen.size).any():
        raise CodecError("corrupt-payload", "rank-tuples: an escape rank beyond the %d seen values" % seen.size)
    table = np.concatenate([seen, np.zeros(1, np.int64)])
    esc_values = table.take(np.where(far, seen.size, code))
    esc_values[far] = unseen
    y.put(esc_at, esc_values.astype(dtype))
    return np.concatenate([y.view(np.uint8), packed[packed.size - tail:]])
`,
});
