/** `npm run samples`: writes samples/*.bf16 from SAMPLE_SPECS (committed; test/io.test.ts checks they match). */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SAMPLES_DIR } from "./samples-dir.js";
import { generateTensor, SAMPLE_SPECS, sampleFileName } from "./synthetic.js";

mkdirSync(SAMPLES_DIR, { recursive: true });
for (const spec of SAMPLE_SPECS) {
  const file = path.join(SAMPLES_DIR, sampleFileName(spec));
  const t = generateTensor(spec);
  writeFileSync(file, t.bytes);
  process.stdout.write(`${file}: ${spec.style} [${spec.rows}, ${spec.cols}] bf16${spec.specials ? " with zeros, NaN, inf, subnormals" : ""}, ${t.bytes.length} bytes\n`);
}
