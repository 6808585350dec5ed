#!/usr/bin/env bash
# Makes sure the Python that runs generated code has the Apex-sandbox modules evocodec uses.
# Debian's /usr/bin/python3 with Debian packages (no PyPI here); installs them when root with apt.
set -euo pipefail
PY="${EVOCODEC_PYTHON:-/usr/bin/python3}"
MODULES="import numpy, zstd, zstandard, lz4.block, brotli, fastapi, uvicorn, multipart, pyflakes"
if [ -x "$PY" ] && "$PY" -c "$MODULES" 2>/dev/null; then exit 0; fi
PKGS="python3 python3-numpy python3-zstd python3-zstandard python3-lz4 python3-brotli python3-fastapi python3-uvicorn python3-multipart python3-pyflakes"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "evocodec: installing Debian Python packages for $PY ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS >/dev/null
  "$PY" -c "$MODULES"
else
  echo "evocodec: $PY lacks the modules generated code needs; install: sudo apt-get install $PKGS (or set EVOCODEC_PYTHON)" >&2
  exit 1
fi
