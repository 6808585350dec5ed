#!/usr/bin/env bash
# Makes sure the system has what evocodec needs beyond npm: liblzma headers (the xz binding builds
# from source) and a Python with the Apex-sandbox modules that generated code uses (Debian's
# /usr/bin/python3 with Debian packages; no PyPI here). Installs them when root with apt.
set -euo pipefail
PY="${EVOCODEC_PYTHON:-/usr/bin/python3}"
MODULES="import numpy, zstd, zstandard, lz4.block, brotli, fastapi, uvicorn, multipart, pyflakes"
if [ -x "$PY" ] && "$PY" -c "$MODULES" 2>/dev/null && [ -f /usr/include/lzma.h ]; then exit 0; fi
PKGS="liblzma-dev pkg-config python3 python3-numpy python3-zstd python3-zstandard python3-lz4 python3-brotli python3-fastapi python3-uvicorn python3-multipart python3-pyflakes"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "evocodec: installing Debian Python packages for $PY ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS >/dev/null
  "$PY" -c "$MODULES"
else
  echo "evocodec: missing system packages (liblzma headers or Python modules for $PY); install: sudo apt-get install $PKGS (or set EVOCODEC_PYTHON)" >&2
  exit 1
fi
