# ==== Apex interface: HTTP server (the current validator protocol) ====
# GET /health -> {"status": "healthy"}; POST /compress and /decompress take the multipart field
# `file` and answer application/octet-stream. Empty upload -> 400, any failure -> 500 with a
# detail message; the server keeps serving either way.
import argparse
import sys
from typing import Optional

import numpy as np
import uvicorn
from fastapi import FastAPI, File, HTTPException, UploadFile
from fastapi.responses import Response

app = FastAPI(title="evocodec matrix compression")


@app.get("/health")
def health():
    return {"status": "healthy"}


async def _upload(file):
    data = await file.read() if file is not None else b""
    if not data:
        raise HTTPException(status_code=400, detail="empty upload: send the bytes as multipart field 'file'")
    return data


def _respond(what, codec, data):
    try:
        out = codec(data)
    except Exception as e:
        raise HTTPException(status_code=500, detail="%s failed: %s: %s" % (what, type(e).__name__, e))
    return Response(content=out, media_type="application/octet-stream")


@app.post("/compress")
async def compress_endpoint(file: Optional[UploadFile] = File(None)):
    return _respond("compress", compress_bytes, await _upload(file))


@app.post("/decompress")
async def decompress_endpoint(file: Optional[UploadFile] = File(None)):
    return _respond("decompress", decompress_bytes, await _upload(file))


def warm_up():
    """One round trip before serving, so no timed request pays first-call costs (lazy imports, caches).
    The sample is as large as a big activation (4 MiB), so the heap the codec's numpy temporaries
    need is already mapped (the first timed request otherwise pays its page faults, ~2x its time)."""
    rng = np.random.default_rng(0)
    sample = (rng.standard_normal(2048 * 1024).astype(np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()
    try:
        if decompress_bytes(compress_bytes(sample)) != sample:
            sys.stderr.write("solution: warning: warm-up round trip is not bit-exact\n")
    except Exception as e:
        sys.stderr.write("solution: warning: warm-up failed: %s: %s\n" % (type(e).__name__, e))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Apex matrix compression miner (HTTP server)")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    warm_up()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
