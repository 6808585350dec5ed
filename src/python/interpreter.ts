/**
 * Which Python runs the generated code. Debian's /usr/bin/python3 carries the numpy/zstd packages;
 * the first python3 on PATH may not, so the choice is explicit: --python, then $EVOCODEC_PYTHON,
 * then /usr/bin/python3 if present, then python3.
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

export const defaultPython = (): string =>
  process.env.EVOCODEC_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

export const REQUIRED_MODULES = ["numpy", "zstd", "zstandard", "lz4.block", "brotli", "zlib", "lzma"] as const;

/** Null when the interpreter imports every module the generated code may use, else what is missing. */
export const checkPython = (python: string): string | null => {
  const r = spawnSync(python, ["-c", `import ${REQUIRED_MODULES.join(", ")}`], { encoding: "utf8" });
  if (r.error) return `${python}: ${r.error.message}`;
  return r.status === 0 ? null : `${python} lacks modules: ${r.stderr.trim().split("\n").pop()}`;
};
