import path from "node:path";
import { fileURLToPath } from "node:url";

/** samples/ at the repository root (this file runs from dist/src/data/). */
export const SAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "samples");
