# ==== codec for arrays that are not bf16-like (CLI interfaces only): zstd level 3 on their raw bytes ====
import zstandard


def compress_generic(data):
    return zstandard.ZstdCompressor(level=3).compress(data)


def decompress_generic(blob):
    return zstandard.ZstdDecompressor().decompress(blob)
