/**
 * A parser for the Python literal subset npy headers are written in (`repr` of a dict holding
 * str, bool, int, tuple and list values). Tuples and lists both become arrays. Bounded: nesting
 * is limited, every index is checked, and anything outside the subset is a `bad-header` IoError.
 */
import { ioFail } from "./errors.js";

export type PyValue = string | number | boolean | null | readonly PyValue[] | PyDict;
export type PyDict = ReadonlyMap<string, PyValue>;

const MAX_NESTING = 32;
const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", r: "\r", t: "\t", "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v" };

export const parsePyLiteral = (text: string, what: string): PyValue => {
  let pos = 0;
  const bad = (msg: string): never => ioFail("bad-header", `${what}: ${msg} at character ${pos} of the header`);
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const expect = (ch: string) => {
    skipSpace();
    if (text[pos] !== ch) bad(`expected '${ch}'`);
    pos++;
  };
  const str = (): string => {
    if (text[pos] === "u" || text[pos] === "b") pos++;
    const quote = text[pos++];
    let out = "";
    for (;;) {
      if (pos >= text.length) return bad("unterminated string");
      const ch = text[pos++];
      if (ch === quote) return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const e = text[pos++];
      if (e !== undefined && e in ESCAPES) out += ESCAPES[e];
      else if (e === "x" || e === "u" || e === "U") {
        const width = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = text.slice(pos, pos + width);
        const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? parseInt(hex, 16) : -1;
        if (code < 0 || code > 0x10ffff) bad("bad escape");
        out += String.fromCodePoint(code);
        pos += width;
      } else bad("bad escape");
    }
  };
  const sequence = (close: string, depth: number): PyValue[] => {
    const items: PyValue[] = [];
    for (;;) {
      skipSpace();
      if (text[pos] === close) {
        pos++;
        return items;
      }
      items.push(value(depth + 1));
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== close) bad(`expected ',' or '${close}'`);
    }
  };
  const dict = (depth: number): PyDict => {
    const out = new Map<string, PyValue>();
    for (;;) {
      skipSpace();
      if (text[pos] === "}") {
        pos++;
        return out;
      }
      const key = value(depth + 1);
      if (typeof key !== "string") bad("dictionary keys must be strings");
      if (out.has(key as string)) bad(`duplicate key '${key}'`);
      expect(":");
      out.set(key as string, value(depth + 1));
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== "}") bad("expected ',' or '}'");
    }
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_NESTING) bad("nested too deeply");
    skipSpace();
    const ch = text[pos];
    if (ch === "{" || ch === "(" || ch === "[") {
      pos++;
      return ch === "{" ? dict(depth) : sequence(ch === "(" ? ")" : "]", depth);
    }
    if (ch === "'" || ch === '"' || ((ch === "u" || ch === "b") && (text[pos + 1] === "'" || text[pos + 1] === '"'))) return str();
    const word = /^(-?\d+)L?|^(True|False|None)\b/.exec(text.slice(pos, pos + 40));
    if (!word) return bad("unsupported literal");
    pos += word[0].length;
    if (word[2] !== undefined) return word[2] === "None" ? null : word[2] === "True";
    const n = Number(word[1]);
    if (!Number.isSafeInteger(n)) bad(`integer ${word[1]} out of range`);
    return n;
  };
  const result = value(0);
  skipSpace();
  if (pos !== text.length) bad("unexpected text after the literal");
  return result;
};
