/** `npm run docs`: regenerates the primitive table in docs/FORMAT.md from the registry. */
import { readFileSync, writeFileSync } from "node:fs";
import { FORMAT_DOC, withPrimitiveTable } from "./format-doc.js";

const before = readFileSync(FORMAT_DOC, "utf8");
const after = withPrimitiveTable(before);
if (after !== before) writeFileSync(FORMAT_DOC, after);
process.stdout.write(`${FORMAT_DOC}: ${after === before ? "up to date" : "primitive table updated"}\n`);
