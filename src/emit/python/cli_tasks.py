# ==== Apex interface: CLI tasks (base64 .npy in, compressed blob / .npy out) ====
# A compressed blob is an array container:
#   b"EVA" | version u8 (1) | mode u8 | rest
#   modes 0-2: descr length u8 | descr (numpy dtype.str, ascii) | ndim u8 | dims (u64 LE each)
#              | order u8 (0 C, 1 Fortran) | body (the array's bytes, compressed)
#     0 generic:   any other plain dtype, body = compress_generic(bytes)
#     1 bf16-like: 2-byte little-endian integer/void elements (bf16 bit patterns), body = compress_bytes(bytes)
#     2 f32-bf16:  little-endian float32 whose low 16 bits are all zero (bf16 values widened),
#                  body = compress_bytes(high halves as u16 LE)
#   mode 3 npy:  anything a dtype string cannot carry (structured, object, not an array),
#                body = compress_generic(the whole .npy file), written back verbatim
import argparse
import base64
import io
import os
import struct

import numpy as np

CONTAINER_MAGIC = b"EVA"
CONTAINER_VERSION = 1
MODE_GENERIC, MODE_BF16, MODE_F32_BF16, MODE_NPY = 0, 1, 2, 3


def _plain_dtype(dt):
    return (dt.names is None and dt.subdtype is None and not dt.hasobject and dt.itemsize > 0
            and len(dt.str) < 256 and np.dtype(dt.str) == dt)


def _container(mode):
    return CONTAINER_MAGIC + bytes([CONTAINER_VERSION, mode])


def pack_array(npy):
    """.npy file bytes -> compressed blob."""
    try:
        arr = np.load(io.BytesIO(npy), allow_pickle=False)
    except Exception:
        arr = None
    if not isinstance(arr, np.ndarray) or not _plain_dtype(arr.dtype) or arr.ndim > 255:
        return _container(MODE_NPY) + compress_generic(npy)
    fortran = arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous
    raw = arr.tobytes(order="F" if fortran else "C")
    mode, body = MODE_GENERIC, None
    if BF16_AWARE and arr.dtype.itemsize == 2 and arr.dtype.kind in "uiV" and arr.dtype.str[0] != ">":
        mode, body = MODE_BF16, compress_bytes(raw)
    elif BF16_AWARE and arr.dtype.str == "<f4":
        words = np.frombuffer(raw, "<u4")
        if not (words & 0xFFFF).any():
            mode, body = MODE_F32_BF16, compress_bytes((words >> 16).astype("<u2").tobytes())
    if body is None:
        body = compress_generic(raw)
    descr = arr.dtype.str.encode("ascii")
    head = struct.pack("<B%dsB%dQB" % (len(descr), arr.ndim), len(descr), descr, arr.ndim, *arr.shape, fortran)
    return _container(mode) + head + body


def unpack_array(blob):
    """Compressed blob -> .npy file bytes (np.save format, allow_pickle=False)."""
    if len(blob) < 5 or blob[:3] != CONTAINER_MAGIC:
        raise ValueError("not an evocodec array container")
    if blob[3] != CONTAINER_VERSION:
        raise ValueError("array container version %d (this solution reads %d)" % (blob[3], CONTAINER_VERSION))
    mode = blob[4]
    if mode == MODE_NPY:
        return decompress_generic(blob[5:])
    if mode not in (MODE_GENERIC, MODE_BF16, MODE_F32_BF16):
        raise ValueError("unknown array container mode %d" % mode)
    pos = 6 + blob[5]
    dtype = np.dtype(blob[6:pos].decode("ascii"))
    ndim = blob[pos]
    shape = struct.unpack_from("<%dQ" % ndim, blob, pos + 1)
    pos += 1 + 8 * ndim
    order = "F" if blob[pos] else "C"
    body = blob[pos + 1:]
    if mode == MODE_BF16:
        raw = decompress_bytes(body)
    elif mode == MODE_F32_BF16:
        raw = (np.frombuffer(decompress_bytes(body), "<u2").astype("<u4") << 16).tobytes()
    else:
        raw = decompress_generic(body)
    arr = np.frombuffer(raw, dtype).reshape(shape, order=order)
    out = io.BytesIO()
    np.save(out, arr, allow_pickle=False)
    return out.getvalue()


def _write(path, data):
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def run_task(task):
    """One task object: compresses or decompresses according to the key it carries."""
    if "data_to_compress_base64" in task:
        _write(task["expected_output_filepath"], pack_array(base64.b64decode(task["data_to_compress_base64"])))
    elif "data_to_decompress_base64" in task:
        _write(task["expected_output_filepath"], unpack_array(base64.b64decode(task["data_to_decompress_base64"])))
    else:
        raise ValueError("task has neither data_to_compress_base64 nor data_to_decompress_base64")


def _arguments(description, argv):
    parser = argparse.ArgumentParser(description=description)
    op = parser.add_mutually_exclusive_group(required=True)
    op.add_argument("--compress", action="store_true")
    op.add_argument("--decompress", action="store_true")
    parser.add_argument("--input-file", required=True, help="task JSON")
    return parser.parse_args(argv)


def _check_operation(args, task):
    key = "data_to_compress_base64" if args.compress else "data_to_decompress_base64"
    if key not in task:
        raise ValueError("--%s task lacks %s" % ("compress" if args.compress else "decompress", key))
