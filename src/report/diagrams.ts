/**
 * The report's two diagrams, as SVG boxes and edges: the best genome's pipeline tree (top-down,
 * each node with the bytes it received and the payload bytes its subtree produced, each edge with
 * the stream it carries) and its lineage (ancestors left to right by generation, each box with the
 * operator that produced it).
 */
import type { Ancestor, TreeNode } from "./data.js";
import { escapeXml, px } from "./svg.js";

export const TREE_ID = "genome-tree";
export const LINEAGE_ID = "lineage";

/** 1234567 -> "1.18 MiB": three significant digits. */
export const humanBytes = (n: number): string => {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toPrecision(3)} ${units[u]}`;
};

const clip = (s: string, max: number): string => (s.length <= max ? s : s.slice(0, max - 1) + "…");

const text = (x: number, y: number, cls: string, s: string, anchor = "middle"): string =>
  `<text class="${cls}" x="${px(x)}" y="${px(y)}" text-anchor="${anchor}">${escapeXml(s)}</text>`;

const TREE = { boxW: 188, boxH: 64, hGap: 22, vGap: 56, margin: 16 };

interface Placed {
  readonly node: TreeNode;
  readonly x: number; // centre
  readonly y: number; // top
  readonly children: readonly Placed[];
}

/** Leaves take consecutive slots left to right; a parent sits above the middle of its children. */
const place = (root: TreeNode): { placed: Placed; slots: number; depth: number } => {
  let slot = 0;
  let depth = 0;
  const slotW = TREE.boxW + TREE.hGap;
  const walk = (n: TreeNode, level: number): Placed => {
    depth = Math.max(depth, level + 1);
    const y = TREE.margin + level * (TREE.boxH + TREE.vGap);
    if (n.children.length === 0) return { node: n, x: TREE.margin + slot++ * slotW + TREE.boxW / 2, y, children: [] };
    const children = n.children.map((c) => walk(c, level + 1));
    return { node: n, x: (children[0].x + children[children.length - 1].x) / 2, y, children };
  };
  const placed = walk(root, 0);
  return { placed, slots: slot, depth };
};

const nodeBox = (p: Placed): string => {
  const { node: n, x, y } = p;
  const left = x - TREE.boxW / 2;
  const sizes =
    n.inputBytes === null || n.payloadBytes === null
      ? "no stream statistics"
      : `${humanBytes(n.inputBytes)} → ${humanBytes(n.payloadBytes)} (${n.inputBytes > 0 ? ((100 * n.payloadBytes) / n.inputBytes).toFixed(1) : "-"}%)`;
  const tip =
    `${n.op}${n.params.length ? ` ${n.params.join(" ")}` : ""} (${n.kind})` +
    (n.inputBytes === null ? "" : `: ${n.inputBytes.toLocaleString("en-US")} bytes in, ${n.payloadBytes!.toLocaleString("en-US")} payload bytes out`);
  return (
    `<g class="tree-node kind-${n.kind}"><title>${escapeXml(tip)}</title>` +
    `<rect x="${px(left)}" y="${px(y)}" width="${TREE.boxW}" height="${TREE.boxH}" rx="6"/>` +
    text(x, y + 18, "node-op", n.op) +
    text(x, y + 35, "node-params", clip(n.params.length ? n.params.join(", ") : n.kind, 30)) +
    text(x, y + 53, "node-bytes", sizes) +
    `</g>`
  );
};

/** The pipeline tree; `empty` text when there is no genome. */
export const treeSvg = (root: TreeNode | null): string => {
  if (!root) return `<svg id="${TREE_ID}" class="diagram" width="400" height="60"><text class="empty" x="200" y="34" text-anchor="middle">no genome</text></svg>`;
  const { placed, slots, depth } = place(root);
  const width = TREE.margin * 2 + Math.max(1, slots) * (TREE.boxW + TREE.hGap) - TREE.hGap;
  const height = TREE.margin * 2 + depth * (TREE.boxH + TREE.vGap) - TREE.vGap;
  const edges: string[] = [];
  const boxes: string[] = [];
  const walk = (p: Placed): void => {
    boxes.push(nodeBox(p));
    for (const c of p.children) {
      const x0 = p.x;
      const y0 = p.y + TREE.boxH;
      const x1 = c.x;
      const y1 = c.y;
      const mid = (y0 + y1) / 2;
      edges.push(`<path class="edge" d="M${px(x0)},${px(y0)} C${px(x0)},${px(mid)} ${px(x1)},${px(mid)} ${px(x1)},${px(y1)}"/>`);
      edges.push(text(x1, y1 - 8, "edge-label", c.node.stream));
      walk(c);
    }
  };
  walk(placed);
  return `<svg id="${TREE_ID}" class="diagram" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-label="pipeline tree">\n${edges.join("\n")}\n${boxes.join("\n")}\n</svg>`;
};

const LIN = { boxW: 160, boxH: 58, colGap: 40, rowGap: 14, bandGap: 34, margin: 14, maxWidth: 1100 };

/**
 * Ancestors in columns by generation (oldest left), edges from parents to children. Long
 * lineages wrap: the columns continue in another band below, like lines of text.
 */
export const lineageSvg = (nodes: readonly Ancestor[]): string => {
  if (nodes.length === 0) return `<svg id="${LINEAGE_ID}" class="diagram" width="400" height="60"><text class="empty" x="200" y="34" text-anchor="middle">no lineage recorded</text></svg>`;
  const gens = [...new Set(nodes.map((n) => n.generation ?? -1))].sort((a, b) => a - b);
  const colW = LIN.boxW + LIN.colGap;
  const perBand = Math.max(1, Math.floor((LIN.maxWidth - 2 * LIN.margin + LIN.colGap) / colW));
  const rowsOf = new Map<number, number>();
  const cell = new Map<string, { col: number; row: number }>();
  for (const n of [...nodes].reverse()) {
    const g = n.generation ?? -1;
    const row = rowsOf.get(g) ?? 0;
    rowsOf.set(g, row + 1);
    cell.set(n.hash, { col: gens.indexOf(g), row });
  }
  const bands = Math.ceil(gens.length / perBand);
  const bandRows = Array.from({ length: bands }, (_, b) => Math.max(...gens.slice(b * perBand, (b + 1) * perBand).map((g) => rowsOf.get(g) ?? 1)));
  const bandTop: number[] = [];
  bandRows.reduce((y, rows, b) => ((bandTop[b] = y), y + rows * (LIN.boxH + LIN.rowGap) - LIN.rowGap + LIN.bandGap), LIN.margin);
  const pos = new Map<string, { x: number; y: number; band: number }>();
  for (const [hash, { col, row }] of cell) {
    const band = Math.floor(col / perBand);
    pos.set(hash, { x: LIN.margin + (col % perBand) * colW, y: bandTop[band] + row * (LIN.boxH + LIN.rowGap), band });
  }
  const width = LIN.margin * 2 + Math.min(perBand, gens.length) * colW - LIN.colGap;
  const height = bandTop[bands - 1] + bandRows[bands - 1] * (LIN.boxH + LIN.rowGap) - LIN.rowGap + LIN.margin;
  /** Below band b, in the gap before the next one. */
  const gapBelow = (b: number) => bandTop[b] + bandRows[b] * (LIN.boxH + LIN.rowGap) - LIN.rowGap + LIN.bandGap / 2;
  const edges: string[] = [];
  const boxes: string[] = [];
  nodes.forEach((n, i) => {
    const p = pos.get(n.hash)!;
    for (const parent of n.parents) {
      const q = pos.get(parent);
      if (!q) continue;
      const x0 = q.x + LIN.boxW;
      const y0 = q.y + LIN.boxH / 2;
      const x1 = p.x;
      const y1 = p.y + LIN.boxH / 2;
      if (q.band === p.band) {
        const mid = (x0 + x1) / 2;
        edges.push(`<path class="edge" d="M${px(x0)},${px(y0)} C${px(mid)},${px(y0)} ${px(mid)},${px(y1)} ${px(x1)},${px(y1)}"/>`);
      } else {
        // through the column gap after the parent, the band gap below it, and the column gap before the child
        const out = Math.min(x0 + LIN.colGap / 2, width - 3);
        const into = Math.max(x1 - LIN.colGap / 2, 3);
        const gy = gapBelow(q.band);
        edges.push(`<path class="edge edge-wrap" d="M${px(x0)},${px(y0)} H${px(out)} V${px(gy)} H${px(into)} V${px(y1)} H${px(x1)}"/>`);
      }
    }
    const op = n.operator ?? "unknown";
    const gen = n.generation === null ? "gen ?" : `gen ${n.generation}`;
    const tip = `${n.hash}: ${op}${n.parents.length ? ` of ${n.parents.join(" x ")}` : ""}${n.score !== null ? `, score ${n.score.toFixed(4)}` : ""}`;
    boxes.push(
      `<g class="lineage-node${i === 0 ? " is-best" : ""}${op.startsWith("seed:") ? " is-seed" : ""}"><title>${escapeXml(tip)}</title>` +
        `<rect x="${px(p.x)}" y="${px(p.y)}" width="${LIN.boxW}" height="${LIN.boxH}" rx="6"/>` +
        text(p.x + 10, p.y + 17, "lin-hash", `${n.hash.slice(0, 10)}  ${gen}`, "start") +
        text(p.x + 10, p.y + 34, "lin-op", clip(op, 24), "start") +
        text(p.x + 10, p.y + 50, "lin-score", n.score !== null ? `score ${n.score.toFixed(4)}` : "not kept", "start") +
        `</g>`,
    );
  });
  return `<svg id="${LINEAGE_ID}" class="diagram" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-label="lineage">\n${edges.join("\n")}\n${boxes.join("\n")}\n</svg>`;
};
