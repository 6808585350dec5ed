/**
 * Hand-written SVG charts for the report: escaping, linear and log scales with "nice" ticks, and
 * a chart frame (grid, axes, tick labels, axis titles) that line and scatter charts draw into.
 * Output is plain SVG markup without namespaces, scripts or external references (inline in HTML).
 */

export const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** A number for an SVG attribute: two decimals at most. */
export const px = (v: number): string => String(Math.round(v * 100) / 100);

export interface Scale {
  readonly kind: "linear" | "log";
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly ticks: readonly number[];
  readonly at: (v: number) => number;
  readonly format: (v: number) => string;
}

/** The step of about `count` intervals over `span`: 1, 2 or 5 times a power of ten. */
export const niceStep = (span: number, count: number): number => {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  // rounded to the nearest of 1, 2, 5, 10 on a log scale (as d3 does)
  return (f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.SQRT2 ? 2 : 1) * p;
};

/** A domain widened to whole steps, and its ticks. A degenerate range is opened around its value. */
export const niceTicks = (min: number, max: number, count = 6, integer = false): { domain: [number, number]; ticks: number[] } => {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: [0, 0.5, 1] };
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.05;
    return niceTicks(min - pad, max + pad, count, integer);
  }
  let step = niceStep(max - min, count);
  if (integer) step = Math.max(1, Math.round(step));
  const lo = Number((Math.floor(min / step + 1e-9) * step).toPrecision(12));
  const hi = Number((Math.ceil(max / step - 1e-9) * step).toPrecision(12));
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return { domain: [lo, hi], ticks };
};

/** Ticks of a log axis: every decade, with 2 and 5 between them when there are few decades. */
export const logTicks = (min: number, max: number): { domain: [number, number]; ticks: number[] } => {
  const lo = 10 ** Math.floor(Math.log10(min));
  const hi = 10 ** Math.ceil(Math.log10(max));
  const decades = Math.round(Math.log10(hi / lo));
  const ticks: number[] = [];
  for (let d = lo; d <= hi * 1.0001; d *= 10) for (const m of decades <= 3 ? [1, 2, 5] : [1]) if (d * m <= hi * 1.0001) ticks.push(Number((d * m).toPrecision(12)));
  return { domain: [lo, hi], ticks };
};

/** Short labels: 0.25, 1.5k, 2M; `digits` significant decimals for small numbers. */
export const formatTick = (v: number): string => {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
};

export const linearScale = (min: number, max: number, range: readonly [number, number], opts: { count?: number; integer?: boolean; format?: (v: number) => string } = {}): Scale => {
  const { domain, ticks } = niceTicks(min, max, opts.count ?? 6, opts.integer ?? false);
  const [d0, d1] = domain;
  return {
    kind: "linear",
    domain,
    range,
    ticks,
    at: (v) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]),
    format: opts.format ?? formatTick,
  };
};

export const logScale = (min: number, max: number, range: readonly [number, number], format: (v: number) => string = formatTick): Scale => {
  const { domain, ticks } = logTicks(Math.max(min, 1e-12), Math.max(max, min * 1.0001, 1e-12));
  const [l0, l1] = [Math.log10(domain[0]), Math.log10(domain[1])];
  return {
    kind: "log",
    domain,
    range,
    ticks,
    at: (v) => range[0] + ((Math.log10(Math.max(v, domain[0])) - l0) / (l1 - l0)) * (range[1] - range[0]),
    format,
  };
};

/** Log when the positive values span more than `ratio` (e.g. 0.1 ms to 400 ms), else linear. */
export const autoScale = (values: readonly number[], range: readonly [number, number], ratio = 30): Scale => {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  const min = Math.min(...pos);
  const max = Math.max(...pos);
  return pos.length > 1 && max / min > ratio ? logScale(min, max, range) : linearScale(Math.min(0, ...values.filter(Number.isFinite)), Math.max(...values.filter(Number.isFinite), 1e-9), range);
};

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** The plotting area of a chart of this size, with room for tick labels and axis titles. */
export const frameOf = (width: number, height: number, margin = { left: 64, right: 24, top: 40, bottom: 52 }): Frame => ({
  width,
  height,
  left: margin.left,
  right: width - margin.right,
  top: margin.top,
  bottom: height - margin.bottom,
});

/** Grid lines, axes, ticks with labels, axis titles and the chart title. */
export const axes = (f: Frame, x: Scale, y: Scale, labels: { title: string; x: string; y: string }): string => {
  const parts: string[] = [];
  for (const t of x.ticks) {
    const xp = px(x.at(t));
    parts.push(`<line class="grid" x1="${xp}" y1="${px(f.top)}" x2="${xp}" y2="${px(f.bottom)}"/>`);
    parts.push(`<line class="tick" x1="${xp}" y1="${px(f.bottom)}" x2="${xp}" y2="${px(f.bottom + 5)}"/>`);
    parts.push(`<text class="tick-label" x="${xp}" y="${px(f.bottom + 18)}" text-anchor="middle">${escapeXml(x.format(t))}</text>`);
  }
  for (const t of y.ticks) {
    const yp = px(y.at(t));
    parts.push(`<line class="grid" x1="${px(f.left)}" y1="${yp}" x2="${px(f.right)}" y2="${yp}"/>`);
    parts.push(`<line class="tick" x1="${px(f.left - 5)}" y1="${yp}" x2="${px(f.left)}" y2="${yp}"/>`);
    parts.push(`<text class="tick-label" x="${px(f.left - 8)}" y="${px(y.at(t) + 4)}" text-anchor="end">${escapeXml(y.format(t))}</text>`);
  }
  parts.push(`<line class="axis" x1="${px(f.left)}" y1="${px(f.bottom)}" x2="${px(f.right)}" y2="${px(f.bottom)}"/>`);
  parts.push(`<line class="axis" x1="${px(f.left)}" y1="${px(f.top)}" x2="${px(f.left)}" y2="${px(f.bottom)}"/>`);
  parts.push(`<text class="axis-title" x="${px((f.left + f.right) / 2)}" y="${px(f.height - 10)}" text-anchor="middle">${escapeXml(labels.x)}</text>`);
  const cy = (f.top + f.bottom) / 2;
  parts.push(`<text class="axis-title" x="16" y="${px(cy)}" text-anchor="middle" transform="rotate(-90 16 ${px(cy)})">${escapeXml(labels.y)}</text>`);
  parts.push(`<text class="chart-title" x="${px(f.left)}" y="22">${escapeXml(labels.title)}</text>`);
  return parts.join("\n");
};

/** The SVG element of a chart; `id` names it for the page and for PNG export. */
export const svgRoot = (id: string, width: number, height: number, body: string, label: string): string =>
  `<svg id="${escapeXml(id)}" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">\n` +
  `<rect class="chart-bg" x="0" y="0" width="${width}" height="${height}"/>\n${body}\n</svg>`;

/** A one-row legend right-aligned at `right` (in the chart's top margin): each entry's swatch (an SVG fragment drawn around the origin) and text. */
export const legend = (right: number, y: number, entries: readonly { readonly swatch: string; readonly text: string }[]): string => {
  const widths = entries.map((e) => 28 + e.text.length * 6.2 + 18);
  let x = right - widths.reduce((a, w) => a + w, 0);
  const parts = entries.map((e, i) => {
    const g = `<g transform="translate(${px(x)} ${px(y)})">${e.swatch}<text class="legend-text" x="26" y="4">${escapeXml(e.text)}</text></g>`;
    x += widths[i];
    return g;
  });
  return `<g class="legend">${parts.join("")}</g>`;
};

/** The SVG path of a polyline through points (skipping non-finite ones). */
export const polyline = (points: readonly (readonly [number, number])[]): string =>
  points
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .map(([a, b], i) => `${i === 0 ? "M" : "L"}${px(a)},${px(b)}`)
    .join(" ");
