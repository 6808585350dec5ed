# ---- evocodec Python core: errors, varints, bit packing, frame parsing and the universal codec ----
# Frame layout (docs/FORMAT.md): b"EVC" | version | pipeline (pre-order: id varint, param varints)
# | for each leaf in pre-order: decoded length varint, payload length varint | payloads.

MAGIC = b"EVC"
VERSION = 1
DEFAULT_CAP = 1 << 31


def _keep_freed_memory():
    """glibc gives freed blocks over 128 KiB back to the kernel (mmap threshold, heap trimming), so
    every large numpy temporary page-faults afresh; in VMs a fault can cost more than the arithmetic
    on its page (a 1 MB temporary: ~3 ms). Keep freed memory for reuse: blocks up to 32 MiB come
    from the heap, which is never trimmed. One arena for all threads: a server's threads would
    otherwise each fault in their own (rowref-tuples through HTTP: 1.65-1.86x the baseline's time
    per file with it, 1.72-2.26x without). No effect (and no error) off glibc."""
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
        libc.mallopt(-8, 1)  # M_ARENA_MAX
    except Exception:
        pass


_keep_freed_memory()


class CodecError(Exception):
    """Any refused frame or input; `reason` is a short literal such as 'truncated' or 'corrupt-payload'."""

    def __init__(self, reason, message):
        Exception.__init__(self, "%s: %s" % (reason, message))
        self.reason = reason


class Info(object):
    __slots__ = ("cap", "n")

    def __init__(self, cap, n):
        self.cap = cap
        self.n = n


def expect_length(who, out, n):
    if out.size != n:
        raise CodecError("length-mismatch", "%s: decoded %d bytes, frame declares %d" % (who, out.size, n))
    return out


def as_u8(x):
    if isinstance(x, np.ndarray):
        return np.ascontiguousarray(x).view(np.uint8).reshape(-1)
    return np.frombuffer(bytes(x), np.uint8)


_U64 = np.uint64


def _pack7(values):
    """pack_bits(values, 7) on the low 7 bits of each value, a group of 8 as one 64-bit word:
    pairs, quads and halves squeezed together in three shift-and-mask steps (no per-bit work)."""
    count = values.size
    groups = -(-count // 8)
    m = np.zeros(groups * 8, np.uint8)
    np.bitwise_and(values, 0x7F, out=m[:count], casting="unsafe")
    x = m.view(">u8").astype(np.uint64)
    x = (x & _U64(0x007F007F007F007F)) | ((x >> _U64(1)) & _U64(0x3F803F803F803F80))
    x = (x & _U64(0x00003FFF00003FFF)) | ((x >> _U64(2)) & _U64(0x0FFFC0000FFFC000))
    x = (x & _U64(0x000000000FFFFFFF)) | ((x >> _U64(4)) & _U64(0x00FFFFFFF0000000))
    return x.astype(">u8").view(np.uint8).reshape(groups, 8)[:, 1:].reshape(-1)[:(count * 7 + 7) // 8]


def _unpack7(packed, count):
    """Inverse of _pack7 as uint8 values (packed holds exactly ceil(7*count/8) bytes)."""
    groups = -(-count // 8)
    words = np.zeros((groups, 8), np.uint8)
    full = packed.size // 7
    words[:full, 1:] = packed[:full * 7].reshape(full, 7)
    if full < groups:
        words[full, 1:1 + packed.size - full * 7] = packed[full * 7:]
    x = words.reshape(-1).view(">u8").astype(np.uint64)
    x = (x & _U64(0x000000000FFFFFFF)) | ((x << _U64(4)) & _U64(0x0FFFFFFF00000000))
    x = (x & _U64(0x00003FFF00003FFF)) | ((x << _U64(2)) & _U64(0x3FFF00003FFF0000))
    x = (x & _U64(0x007F007F007F007F)) | ((x << _U64(1)) & _U64(0x7F007F007F007F00))
    return x.astype(">u8").view(np.uint8)[:count]


def _pack_byte_fractions(values, k):
    """pack_bits for k in 2, 4, 8 (whole values per byte) in byte arithmetic."""
    g = 8 // k
    n = values.size
    v = np.zeros(-(-n // g) * g, np.uint8)
    np.bitwise_and(values, (1 << k) - 1, out=v[:n], casting="unsafe")
    v = v.reshape(-1, g)
    out = v[:, 0] << np.uint8(8 - k) if g > 1 else v[:, 0].copy()
    for j in range(1, g):
        out |= v[:, j] << np.uint8(8 - k * (j + 1))
    return out


def pack_bits(values, k):
    """Low k bits (1..32) of each value, MSB-first, zero-padded to whole bytes (as the TS kernel)."""
    if k == 7:
        return _pack7(np.asarray(values))
    if k in (2, 4, 8):
        return _pack_byte_fractions(np.asarray(values), k)
    values = np.asarray(values, dtype=np.uint64)
    if k == 1:
        return np.packbits(values.astype(np.uint8) & 1)
    g = 8 // math.gcd(k, 8)  # values per whole-byte group
    if g * k <= 64:
        # each group of g values is one big-endian integer of g*k bits
        n, nb = values.size, g * k // 8
        groups = -(-n // g)
        v = np.zeros(groups * g, np.uint64)
        v[:n] = values & np.uint64((1 << k) - 1)
        v = v.reshape(groups, g)
        acc = np.zeros(groups, np.uint64)
        for j in range(g):
            acc |= v[:, j] << np.uint64(k * (g - 1 - j))
        out = acc.astype(">u8").view(np.uint8).reshape(groups, 8)[:, 8 - nb:]
        return out.reshape(-1)[:(n * k + 7) // 8]
    shifts = np.arange(k - 1, -1, -1, dtype=np.uint64)
    bits = ((values[:, None] >> shifts) & np.uint64(1)).astype(np.uint8)
    return np.packbits(bits.reshape(-1))


def unpack_bits(packed, count, k, dtype=np.uint32):
    """Inverse of pack_bits: `count` values of k bits as dtype, uint32 unless the caller's own type saves
    a conversion (packed must hold ceil(count*k/8) bytes)."""
    need = (count * k + 7) // 8
    if packed.size != need:
        raise CodecError("length-mismatch", "bit-packed stream has %d bytes, %d needed" % (packed.size, need))
    if k == 1:
        return np.unpackbits(packed, count=count).astype(dtype)
    if k == 7:
        return _unpack7(packed, count).astype(dtype)
    if k in (2, 4, 8):
        g = 8 // k
        vals = np.empty((need, g), dtype)
        for j in range(g):
            np.right_shift(packed, 8 - k * (j + 1), out=vals[:, j], casting="unsafe")
        vals &= vals.dtype.type((1 << k) - 1)
        return vals.reshape(-1)[:count]
    g = 8 // math.gcd(k, 8)
    if g * k <= 64:
        nb = g * k // 8
        groups = -(-count // g)
        padded = np.zeros(groups * nb, np.uint8)
        padded[:need] = packed
        buf = np.zeros((groups, 8), np.uint8)
        buf[:, 8 - nb:] = padded.reshape(groups, nb)
        acc = buf.view(">u8").reshape(groups)
        shifts = np.uint64(k) * np.arange(g - 1, -1, -1, dtype=np.uint64)
        vals = (acc[:, None] >> shifts) & np.uint64((1 << k) - 1)
        return vals.reshape(-1)[:count].astype(dtype)
    bits = np.unpackbits(packed, count=count * k).reshape(count, k).astype(np.uint32)
    weights = (np.uint32(1) << np.arange(k - 1, -1, -1, dtype=np.uint32))
    return (bits * weights).sum(axis=1, dtype=np.uint64).astype(dtype)


def element_view(data, width):
    """The whole little-endian elements of `width` bytes (1, 2 or 4) of a uint8 array, and the tail bytes."""
    count = data.size // width
    return data[:count * width].view(np.uint8 if width == 1 else "<u%d" % width), data[count * width:]


def mantissa_length(who, man, count, width, k):
    """Bytes of count packed k-bit mantissas in a float split's mantissa stream, after checking
    that the stream adds fewer than `width` tail bytes (mirrors outputWithTail)."""
    man_len = (count * k + 7) // 8
    if not 0 <= man.size - man_len < width:
        raise CodecError("length-mismatch", "%s: %d mantissa bytes for %d elements" % (who, man.size, count))
    return man_len


def split_float_fields(data, width, exp_bits, man_bits):
    """[sign bits, exponent bytes, packed mantissas + tail] of little-endian floats (mirrors splitFloatFields)."""
    v, tail = element_view(data, width)
    sign = np.packbits((v >> (8 * width - 1)).astype(np.uint8))
    exponent = ((v >> man_bits) & ((1 << exp_bits) - 1)).astype(np.uint8)
    return [sign, exponent, np.concatenate([pack_bits(v & ((1 << man_bits) - 1), man_bits), tail])]


def join_float_fields(who, streams, width, exp_bits, man_bits):
    """Inverse of split_float_fields (mirrors joinFloatFields)."""
    sign, exponent, man = streams
    count = exponent.size
    if sign.size != (count + 7) // 8:
        raise CodecError("length-mismatch", "%s: %d sign bytes for %d elements" % (who, sign.size, count))
    man_len = mantissa_length(who, man, count, width, man_bits)
    if count and int(exponent.max()) >> exp_bits:
        raise CodecError("corrupt-payload", "%s: exponent above %d bits" % (who, exp_bits))
    dtype = np.uint16 if width == 2 else np.uint32
    s = np.unpackbits(sign, count=count).astype(dtype)
    m = unpack_bits(man[:man_len], count, man_bits).astype(dtype)
    v = (s << (8 * width - 1)) | (exponent.astype(dtype) << man_bits) | m
    return np.concatenate([v.astype("<u%d" % width).view(np.uint8), man[man_len:]])


class Reader(object):
    def __init__(self, buf, what="frame"):
        self.buf = buf
        self.pos = 0
        self.what = what

    def remaining(self):
        return len(self.buf) - self.pos

    def byte(self):
        if self.pos >= len(self.buf):
            raise CodecError("truncated", "%s: unexpected end of input at byte %d" % (self.what, self.pos))
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self):
        result = 0
        for i in range(7):
            b = self.byte()
            result |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                return result
        raise CodecError("corrupt-payload", "%s: varint longer than 7 bytes" % self.what)

    def take(self, n):
        if n > self.remaining():
            raise CodecError("truncated", "%s: needs %d bytes at %d, only %d left" % (self.what, n, self.pos, self.remaining()))
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out


def write_varint(out, v):
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)


def _read_node(r, depth):
    if depth > 64:
        raise CodecError("bad-pipeline", "pipeline deeper than 64")
    pid = r.varint()
    prim = PRIMITIVES.get(pid)
    if prim is None:
        if pid in RETIRED:
            raise CodecError("unknown-primitive", "primitive id %d is retired (%s); decode with the evocodec that wrote it" % (pid, RETIRED[pid]))
        raise CodecError("unknown-primitive", "primitive id %d is not known to this decoder" % pid)
    name, kind, spec, enc, dec, arity = prim
    p = {}
    for key, pkind, lo, hi in spec:
        v = r.varint()
        if v < lo or v > hi:
            raise CodecError("bad-params", "%s.%s = %d outside [%d, %d]" % (name, key, v, lo, hi))
        p[key] = pkind[v] if pkind else v
    children = [_read_node(r, depth + 1) for _ in range(arity(p))]
    return (pid, p, children)


def _leaves(node, acc):
    if not node[2] and PRIMITIVES[node[0]][1] == "backend":
        acc.append(node)
    for c in node[2]:
        _leaves(c, acc)
    return acc


def parse_frame(frame):
    r = Reader(frame)
    if bytes(r.take(3)) != MAGIC:
        raise CodecError("bad-magic", "not an evocodec frame")
    version = r.byte()
    if version != VERSION:
        raise CodecError("unsupported-version", "frame version %d (this decoder reads %d)" % (version, VERSION))
    root = _read_node(r, 0)
    return r, root


def decode(frame, cap=DEFAULT_CAP):
    """Decode any evocodec frame of known primitives back to the original bytes."""
    frame = bytes(frame)
    r, root = parse_frame(frame)
    leaves = _leaves(root, [])
    sizes = []
    for _ in leaves:
        n = r.varint()
        if n > cap:
            raise CodecError("size-cap", "stream of %d bytes over cap %d" % (n, cap))
        m = r.varint()
        if m > r.remaining():
            raise CodecError("truncated", "payload of %d bytes, only %d left" % (m, r.remaining()))
        sizes.append((n, m))
    payloads = {}
    for leaf, (n, m) in zip(leaves, sizes):
        payloads[id(leaf)] = (n, np.frombuffer(r.take(m), np.uint8))
    if r.remaining():
        raise CodecError("trailing-bytes", "%d bytes after the last payload" % r.remaining())
    return _decode_node(root, payloads, cap).tobytes()


def _decode_node(node, payloads, cap):
    pid, p, children = node
    name, kind, spec, enc, dec, arity = PRIMITIVES[pid]
    if kind == "backend":
        n, payload = payloads[id(node)]
        out = dec([payload], p, Info(cap, n))
    else:
        streams = [_decode_node(c, payloads, cap) for c in children]
        out = dec(streams, p, Info(cap, None))
    out = as_u8(out)
    if out.size > cap:
        raise CodecError("size-cap", "%s produced %d bytes over cap %d" % (name, out.size, cap))
    return out


BY_NAME = {}


def _encode_node(node, data, out_leaves):
    name = node["op"]
    pid = BY_NAME.get(name)
    if pid is None:
        raise CodecError("unknown-primitive", "primitive %r" % name)
    pname, kind, spec, enc, dec, arity = PRIMITIVES[pid]
    p = {}
    for key, pkind, lo, hi in spec:
        p[key] = node.get(key, DEFAULTS[pid][key])
    streams, p = enc(data, p)
    header = bytearray()
    write_varint(header, pid)
    for key, pkind, lo, hi in spec:
        write_varint(header, pkind.index(p[key]) if pkind else int(p[key]))
    if kind == "backend":
        out_leaves.append((data.size, as_u8(streams[0])))
        return bytes(header)
    kids = node.get("next", [])
    if len(kids) != arity(p):
        raise CodecError("bad-pipeline", "%s needs %d children, got %d" % (name, arity(p), len(kids)))
    for child, s in zip(kids, streams):
        header += _encode_node(child, as_u8(s), out_leaves)
    return bytes(header)


def encode(pipeline, data):
    """Compress `data` (bytes or uint8 array) with a pipeline given as its JSON tree (dict)."""
    leaves = []
    tree = _encode_node(pipeline, as_u8(data), leaves)
    out = bytearray(MAGIC)
    out.append(VERSION)
    out += tree
    for n, payload in leaves:
        write_varint(out, n)
        write_varint(out, payload.size)
    for n, payload in leaves:
        out += memoryview(payload)
    return bytes(out)


_FUNDAMENTAL_SHARE = 0.7
_MATCH_SHARE = 0.5
_MIN_GAIN = 0.02


def detect_period(data, width):
    """Channel period of a flat [rows, cols] tensor; mirrors detectPeriod in primitives/kernels.ts
    (the smallest divisor of the best-gaining candidate that keeps enough of its gains)."""
    count = data.size // width
    sample = min(count, 1 << 15)
    span = np.arange(4, min(65536, sample >> 1) + 1)
    cands = span[count % span == 0].tolist()
    if not cands:
        return 1
    # features are bytes: sum |a - b| = 2 sum max(a, b) - sum a - sum b, exact in integers (int32
    # sums: sample * 255 < 2^31), sums of a and b from prefix sums
    if width == 2:
        v = data[:sample * 2].view("<u2")
        features = [((v >> 7) & 0xFF).astype(np.uint8), (v & 0xFF).astype(np.uint8)]
    else:
        features = [data[:sample]]
    top = np.empty(sample, np.uint8)

    def mean_difference(mag, prefix, p):
        t = top[:sample - p]
        np.maximum(mag[p:], mag[:-p], out=t)
        total = 2 * int(np.add.reduce(t, dtype=np.int32)) - int(prefix[sample] - prefix[p] + prefix[sample - p])
        return float(total) / (sample - p)

    def mismatches(mag, p):
        return float(np.count_nonzero(mag[p:] != mag[:-p])) / (sample - p)

    pick, best_gain = 1, _MIN_GAIN
    for mag in features:
        prefix = np.zeros(sample + 1, np.int64)
        np.cumsum(mag, out=prefix[1:])
        neighbour = mean_difference(mag, prefix, 1)
        if neighbour == 0:
            continue
        gains = [1 - mean_difference(mag, prefix, p) / neighbour for p in cands]
        b = max(range(len(gains)), key=lambda i: (gains[i], -i))
        if not gains[b] > best_gain:
            continue
        best_gain = gains[b]
        best = cands[b]
        neighbour_mismatches = mismatches(mag, 1)
        best_match_gain = 1 - mismatches(mag, best) / neighbour_mismatches
        # a divisor keeps most of the best's gain and half its exact-match gain (a column pattern
        # shifted by part of a row can be close in magnitude without matching)
        pick = next(d for d, g in zip(cands, gains)
                    if d == best or (best % d == 0 and g >= _FUNDAMENTAL_SHARE * gains[b]
                                     and 1 - mismatches(mag, d) / neighbour_mismatches >= _MATCH_SHARE * best_match_gain))
    return pick


# ---- matrix helpers shared by the context transforms (mirror primitives/matrix.ts) ----

def matrix_dtype(width):
    return np.uint8 if width == 1 else np.dtype("<u2")


def matrix_period(data, width, period):
    return period if period else detect_period(data, width)


def matrix_row_fallback(detected, count):
    """The detected period, or without one the largest divisor of count from 16 to 256 (withRowFallback)."""
    if detected > 1:
        return detected
    for c in range(min(256, count), 15, -1):
        if count % c == 0:
            return c
    return detected


def matrix_row_period(data, width, period):
    return period if period else matrix_row_fallback(detect_period(data, width), data.size // width)


def matrix_require_resolved(who, key, value):
    if value < 1:
        raise CodecError("bad-params", "%s: %s = 0 (auto) in a frame; encoders record the detected value" % (who, key))
    return value


def matrix_bits_for(max_value):
    return max(1, int(max_value).bit_length())


def matrix_expect_zero(who, b):
    if b.size and b.any():
        raise CodecError("corrupt-payload", "%s: nonzero padding" % who)


def matrix_varints(stream, who):
    """Reader over the first bytes of a uint8 stream (enough for a few varints)."""
    return Reader(bytes(stream[:32]), who)


# ---- row references (row-ref-xor, row-ref-delta; primitives/row-refs.ts)

def rowref_choose(grid, window):
    """Back-distance per row of the best-matching candidate row (0 = none); mirrors chooseReferences in primitives/row-refs.ts."""
    rows, period = grid.shape
    samples = min(period, 64)
    cols = (np.arange(samples, dtype=np.int64) * period) // samples
    high = np.ascontiguousarray(grid[:, cols] >> 8).astype(np.uint8)
    index = np.arange(rows, dtype=np.int64)
    best = np.full(rows, -(-samples // 4) - 1, np.int64)
    dist = np.zeros(rows, np.int64)

    def consider(cand):
        d = index - cand
        ok = (cand >= 0) & (d <= window)
        same = high == high[np.where(ok, cand, index)]
        if samples % 8:
            score = np.count_nonzero(same, axis=1)
        else:
            # 8 flags a word summed bytewise, then the word's bytes summed by one multiply
            words = same.view(np.uint64).sum(axis=1, dtype=np.uint64)
            score = ((words * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)
        better = ok & ((score > best) | ((score == best) & (d < dist)))
        best[better] = score[better]
        dist[better] = d[better]
    for d in range(1, min(8, rows - 1) + 1):
        consider(index - d)
    for k in range(min(16, samples // 2)):
        key = (high[:, 2 * k].astype(np.uint16) << 8) | high[:, 2 * k + 1]
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        for back in (1, 2):
            # in a stable sort, the entry back places earlier with the same key is the back-th nearest earlier row
            same = np.flatnonzero(sorted_keys[back:] == sorted_keys[:-back])
            cand = np.full(rows, -1, np.int64)
            cand[order[same + back]] = order[same]
            consider(cand)
    return dist


def rowref_encode(data, p, combine):
    """Rows combined with their chosen reference rows: combine(rows, reference rows) (encodeRowRefs)."""
    period = matrix_row_period(data, 2, p["period"])
    count = data.size // 2
    x = data[:count * 2].view("<u2")
    rows = count // period
    grid = x[:rows * period].reshape(rows, period)
    dist = rowref_choose(grid, p["window"])
    y = x.copy()
    has = np.flatnonzero(dist)
    y[:rows * period].reshape(rows, period)[has] = combine(grid[has], grid[has - dist[has]])
    head = bytearray()
    write_varint(head, rows)
    head += pack_bits(dist, matrix_bits_for(p["window"])).tobytes()
    head += bytes(len(head) % 2)
    return [np.concatenate([np.frombuffer(bytes(head), np.uint8), y.view(np.uint8), data[count * 2:]])], dict(p, period=period)


def rowref_decode(d, p, who, undo):
    """Inverse of rowref_encode: undo(stored rows, reference rows) gives the rows back (decodeRowRefs)."""
    period = matrix_require_resolved(who, "period", p["period"])
    window = p["window"]
    rd = matrix_varints(d, who)
    rows = rd.varint()
    k = matrix_bits_for(window)
    table_end = rd.pos + (rows * k + 7) // 8
    start = table_end + table_end % 2
    if start > d.size:
        raise CodecError("truncated", "%s: a %d-row distance table runs past the input" % (who, rows))
    matrix_expect_zero(who, d[table_end:start])
    table = d[rd.pos:table_end]
    if np.unpackbits(table)[rows * k:].any():
        raise CodecError("corrupt-payload", "%s: nonzero distance padding bits" % who)
    body = d[start:]
    count = body.size // 2
    if count // period != rows:
        raise CodecError("length-mismatch", "%s: %d rows stated, %d elements of period %d follow" % (who, rows, count, period))
    dist = unpack_bits(table, rows, k).astype(np.int64)
    index = np.arange(rows, dtype=np.int64)
    if ((dist > index) | (dist > window)).any():
        raise CodecError("corrupt-payload", "%s: a row refers before the start or beyond the window" % who)
    y = body[:count * 2].view("<u2")
    # a row's depth is the length of its reference chain (pointer doubling on the rows); rows of one
    # depth depend only on shallower ones, so each depth is one gather and undo over its rows
    parent = np.where(dist > 0, index - dist, rows)
    depth = np.append((dist > 0).astype(np.int64), 0)
    up = np.append(parent, rows)
    while True:
        live = np.flatnonzero(up[:rows] != rows)
        if not live.size:
            break
        depth[live] += depth[up[live]]
        up[live] = up[up[live]]
    depth = depth[:rows]
    order = np.argsort(depth, kind="stable")
    ends = np.cumsum(np.bincount(depth))
    acc = y[:rows * period].reshape(rows, period).copy()
    for level in range(1, ends.size):
        at = order[ends[level - 1]:ends[level]]
        acc[at] = undo(acc[at], acc[parent[at]])
    x = y.copy()
    x[:rows * period] = acc.reshape(-1)
    return np.concatenate([x.view(np.uint8), body[count * 2:]])


def column_modes(symbols, cols):
    """Most common byte per column of symbols seen as rows of cols (ties: smallest; empty: 0); mirrors columnModes."""
    n = symbols.size
    rows = -(-n // cols)
    padded = np.full(rows * cols, 256, np.int64)
    padded[:n] = symbols
    grid = padded.reshape(rows, cols)
    modes = np.zeros(cols, np.uint8)
    for c0 in range(0, cols, 256):
        span = min(256, cols - c0)
        keys = grid[:, c0:c0 + span] + np.arange(span, dtype=np.int64) * 257
        hist = np.bincount(keys.reshape(-1), minlength=span * 257).reshape(span, 257)[:, :256]
        modes[c0:c0 + span] = hist.argmax(axis=1)
    return modes


def bf16_column_modes(x, cols):
    """Per-column majority sign and modal exponent of bf16 elements x (uint16); mirrors bf16ColumnModes."""
    return column_modes((x >> 15).astype(np.uint8), cols), column_modes(((x >> 7) & 0xFF).astype(np.uint8), cols)
