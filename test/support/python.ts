/**
 * Runs the generated Python codec (the real interpreter, numpy and all) over a batch of cases in
 * one process: each case either decodes a frame or encodes bytes with a pipeline JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decoderModuleSource } from "../../src/python/module.js";
import { defaultPython } from "../../src/python/interpreter.js";

export type PyCase = { readonly decode: Uint8Array } | { readonly encode: Uint8Array; readonly pipeline: unknown };
export type PyResult = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string; readonly message: string };

const DRIVER = `
import sys, json, base64, traceback
sys.path.insert(0, sys.argv[1])
import decoder
out = []
for case in json.load(sys.stdin):
    try:
        if "decode" in case:
            b = decoder.decode(base64.b64decode(case["decode"]))
        else:
            b = decoder.encode(case["pipeline"], base64.b64decode(case["encode"]))
        out.append({"ok": True, "bytes": base64.b64encode(b).decode()})
    except decoder.CodecError as e:
        out.append({"ok": False, "reason": e.reason, "message": str(e)})
    except Exception as e:
        out.append({"ok": False, "reason": "crash", "message": traceback.format_exc()})
json.dump(out, sys.stdout)
`;

let moduleDir: string | undefined;
/** Writes the universal decoder once per test process and returns its folder. */
export const decoderDir = (): string => {
  if (!moduleDir) {
    moduleDir = mkdtempSync(path.join(tmpdir(), "evocodec-py-"));
    writeFileSync(path.join(moduleDir, "decoder.py"), decoderModuleSource());
    writeFileSync(path.join(moduleDir, "driver.py"), DRIVER);
  }
  return moduleDir;
};

export const runPython = (cases: readonly PyCase[]): PyResult[] => {
  const dir = decoderDir();
  const input = JSON.stringify(
    cases.map((c) =>
      "decode" in c ? { decode: Buffer.from(c.decode).toString("base64") } : { encode: Buffer.from(c.encode).toString("base64"), pipeline: c.pipeline },
    ),
  );
  const r = spawnSync(defaultPython(), [path.join(dir, "driver.py"), dir], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python driver failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as Array<{ ok: boolean; bytes?: string; reason?: string; message?: string }>).map((x) =>
    x.ok ? { ok: true, bytes: new Uint8Array(Buffer.from(x.bytes!, "base64")) } : { ok: false, reason: x.reason!, message: x.message! },
  );
};
