/**
 * `npm run report:screenshot [-- --db FILE] [--run N|latest] [--out PNG] [--width W]`: renders the
 * report of a real run in headless Chromium to a PNG (default docs/report-screenshot.png), for the
 * docs and for looking at the page as a person would. Run a search first, e.g.
 *   evocodec search --data ../shared/activations --budget 5m --db /tmp/x.db
 *   npm run report:screenshot -- --db /tmp/x.db
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderReport } from "./html.js";
import { loadReport, pageHeight } from "./index.js";
import { screenshot } from "./png.js";
import { DEFAULT_DB } from "../../results/store.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const { values } = parseArgs({
  options: {
    db: { type: "string", default: DEFAULT_DB },
    run: { type: "string", default: "latest" },
    out: { type: "string", default: path.join(repoRoot, "docs", "report-screenshot.png") },
    width: { type: "string", default: "1240" },
  },
});

try {
  const data = loadReport(values.db!, values.run!);
  const html = renderReport(data);
  const height = pageHeight(html, data);
  screenshot(html, values.out!, Number(values.width), height);
  process.stdout.write(`wrote ${values.out} (${values.width}x${height}): run ${data.run.id} of ${values.db}\n`);
} catch (e) {
  process.stderr.write(`report:screenshot: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
