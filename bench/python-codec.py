"""`npm run bench:python -- SOLUTION.py [DATA] [--repeat N] [--files]`: the Python codec of an emitted
solution timed without HTTP, next to zstd-3 on the same bytes in the same run: the Apex baseline
itself (`zstd.compress(data, 3)` of the `zstd` module) and, for reference, `zstandard` level 3 (the
same library through another binding, often several times faster on large inputs). Per file the
fastest of N compress and decompress calls (default 3), then the mean per file, the time ratios and
the size. DATA: a folder of *.bf16 files (default ../shared/activations).
`evocodec verify` gives the times through HTTP, as the validator sees them; this is the codec's share.
Interpreter: $EVOCODEC_PYTHON, else /usr/bin/python3 (it needs numpy, zstd and zstandard)."""
import argparse
import glob
import importlib.util
import os
import time

import zstandard
import zstd


def fastest(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="time a solution's Python codec against zstd-3")
    parser.add_argument("solution")
    parser.add_argument("data", nargs="?", default=os.path.join(here, "..", "..", "shared", "activations"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", action="store_true", help="a line per file")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("solution", args.solution)
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    files = sorted(glob.glob(os.path.join(args.data, "*.bf16")))
    if not files:
        raise SystemExit("%s: no *.bf16 files" % args.data)
    zc, zd = zstandard.ZstdCompressor(level=3), zstandard.ZstdDecompressor()
    enc = dec = ztime = zstandard_time = original = compressed = 0.0
    if args.files:
        print("%-45s %10s %8s %8s %8s %8s" % ("file", "bytes", "enc ms", "dec ms", "zstd ms", "zstandard"))
    for path in files:
        data = open(path, "rb").read()
        blob = solution.compress_bytes(data)
        if solution.decompress_bytes(blob) != data:
            raise SystemExit("%s: the round trip is not bit-exact" % path)
        e = fastest(lambda: solution.compress_bytes(data), args.repeat)
        d = fastest(lambda: solution.decompress_bytes(blob), args.repeat)
        z = fastest(lambda: zstd.decompress(zstd.compress(data, 3)), args.repeat)
        zz = fastest(lambda: zd.decompress(zc.compress(data)), args.repeat)
        enc, dec, ztime, zstandard_time = enc + e, dec + d, ztime + z, zstandard_time + zz
        original, compressed = original + len(data), compressed + len(blob)
        if args.files:
            print("%-45s %10d %8.2f %8.2f %8.2f %8.2f" % (os.path.basename(path), len(data), e * 1e3, d * 1e3, z * 1e3, zz * 1e3))
    n = len(files)
    print("%d files, fastest of %d: encode %.2f + decode %.2f = %.2f ms per file; zstd-3 %.2f ms (%.1fx); size %.4f of the original"
          % (n, args.repeat, enc / n * 1e3, dec / n * 1e3, (enc + dec) / n * 1e3, ztime / n * 1e3, (enc + dec) / ztime, compressed / original))
    print("zstd-3 is the Apex baseline (module zstd); zstandard level 3 took %.2f ms per file (%.1fx)"
          % (zstandard_time / n * 1e3, (enc + dec) / zstandard_time))


if __name__ == "__main__":
    main()
