/**
 * byte-planes (id 16): split a stream of `width`-byte elements into one stream per byte position.
 * Input: n bytes = count = floor(n/width) elements plus t = n mod width trailing bytes.
 * Outputs (k = width): plane j (0 <= j < width) holds byte j of every element in order, then,
 * when j < t, trailing byte j. So planes 0..t-1 have count+1 bytes and planes t.. have count.
 * The decoder takes count from the last plane (never extended, as t < width) and checks that the
 * planes have the lengths above for some t.
 * width is any of 2..8; 2, 4 and 8 (bf16/fp16, fp32, fp64 and pairs) are the ones explored.
 */
import fc from "fast-check";
import { definePrimitive, int } from "../../src/codec/primitive.js";
import { fail } from "../../src/codec/errors.js";

export default definePrimitive({
  id: 16,
  name: "byte-planes",
  kind: "split",
  summary: "width-byte elements -> one stream per byte position (byte shuffle)",
  layout: "plane j: byte j of every element, + trailing byte j when j < n mod width",
  params: { width: int(2, 8, 2, "element width in bytes = number of planes") },
  arity: (p) => p.width,
  outputNames: (p) => Array.from({ length: p.width }, (_, j) => `byte${j}`),
  arbitrary: fc.record({ width: fc.constantFrom(2, 4, 8) }),
  encode: (input, p) => {
    const w = p.width;
    const count = Math.floor(input.length / w);
    const tail = input.length - count * w;
    const planes = Array.from({ length: w }, (_, j) => {
      const plane = new Uint8Array(count + (j < tail ? 1 : 0));
      for (let i = 0, s = j; i < count; i++, s += w) plane[i] = input[s];
      if (j < tail) plane[count] = input[count * w + j];
      return plane;
    });
    return { streams: planes, params: p };
  },
  decode: (planes, p) => {
    const w = p.width;
    const count = planes[w - 1].length;
    let tail = 0;
    while (tail < w && planes[tail].length === count + 1) tail++;
    for (let j = tail; j < w; j++)
      if (planes[j].length !== count)
        fail("length-mismatch", `byte-planes: plane ${j} has ${planes[j].length} bytes, planes ${tail}.. need ${count}`);
    const out = new Uint8Array(count * w + tail);
    for (let j = 0; j < w; j++) {
      const plane = planes[j];
      for (let i = 0, d = j; i < count; i++, d += w) out[d] = plane[i];
      if (j < tail) out[count * w + j] = plane[count];
    }
    return out;
  },
  python: `
def arity_byte_planes(p):
    return p["width"]

def enc_byte_planes(data, p):
    w = p["width"]
    count = data.size // w
    tail = data[count * w:]
    elements = data[:count * w].reshape(count, w)
    return [np.concatenate([elements[:, j], tail[j:j + 1]]) for j in range(w)], p

def dec_byte_planes(planes, p, info):
    w = p["width"]
    count = planes[w - 1].size
    tail = 0
    while tail < w and planes[tail].size == count + 1:
        tail += 1
    for j in range(tail, w):
        if planes[j].size != count:
            raise CodecError("length-mismatch", "byte-planes: plane %d has %d bytes, planes %d.. need %d" % (j, planes[j].size, tail, count))
    elements = np.empty((count, w), np.uint8)
    for j in range(w):
        elements[:, j] = planes[j][:count]
    return np.concatenate([elements.reshape(-1), np.array([planes[j][count] for j in range(tail)], np.uint8)])
`,
});
