# ==== codec entry points: raw bf16 bytes <-> evocodec frame through PIPELINE ====
BF16_AWARE = True


def compress_bytes(data):
    """Raw bytes (bf16 little endian; any length works) -> evocodec frame."""
    return encode(PIPELINE, data)


def decompress_bytes(blob):
    """evocodec frame -> the exact original bytes (raises CodecError on a malformed frame)."""
    return decode(blob)

