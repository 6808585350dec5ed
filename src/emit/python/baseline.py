# ==== codec: the official Apex baseline, literally zstd.compress(data, 3) with the `zstd` module ====
import zstd

BF16_AWARE = False


def compress_bytes(data):
    return zstd.compress(data, 3)


def decompress_bytes(blob):
    return zstd.decompress(blob)


compress_generic = compress_bytes
decompress_generic = decompress_bytes
