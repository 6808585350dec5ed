/**
 * PNG pictures of report pages through headless Chromium (Debian's `chromium` package): the page
 * is written to a file, Chromium loads it from disk with networking, sync and updates off, in a
 * throw-away profile, and screenshots a window of the given size.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ReportError } from "./errors.js";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** $EVOCODEC_CHROMIUM, else the first Chromium found in the usual places; throws chromium-missing. */
export const findChromium = (): string => {
  const env = process.env.EVOCODEC_CHROMIUM;
  if (env !== undefined) {
    if (existsSync(env)) return env;
    throw new ReportError({ reason: "chromium-missing", message: `EVOCODEC_CHROMIUM=${env} does not exist` });
  }
  const found = CANDIDATES.find((c) => existsSync(c));
  if (!found)
    throw new ReportError({
      reason: "chromium-missing",
      message: "--png needs a headless Chromium and none was found: install Debian's package (apt-get install -y chromium) or set EVOCODEC_CHROMIUM",
    });
  return found;
};

/** Renders `html` in a window of width x height and writes the picture to `png`. */
export const screenshot = (html: string, png: string, width: number, height: number, chromium: string = findChromium()): void => {
  const work = mkdtempSync(path.join(tmpdir(), "evocodec-shot-"));
  try {
    const page = path.join(work, "page.html");
    writeFileSync(page, html);
    const out = path.resolve(png);
    rmSync(out, { force: true });
    const r = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        `--user-data-dir=${path.join(work, "profile")}`,
        `--screenshot=${out}`,
        `--window-size=${Math.round(width)},${Math.round(height)}`,
        pathToFileURL(page).href,
      ],
      { encoding: "utf8", timeout: 120_000 },
    );
    if (r.error) throw new ReportError({ reason: "render-failed", message: `${chromium}: ${r.error.message}` });
    if (!existsSync(out) || statSync(out).size === 0)
      throw new ReportError({ reason: "render-failed", message: `${chromium} wrote no ${out} (exit ${r.status}): ${(r.stderr ?? "").trim().split("\n").pop() ?? ""}` });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
