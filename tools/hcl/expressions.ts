/**
 * Expression rendering: Terraform JSON-syntax strings and values as HCL expressions, keeping the
 * semantics of the JSON syntax (templates stay templates, literals stay literal, references are bare).
 */
import { HclExportError, Json } from './types';

// Expressions

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/**
 * Scans the HCL expression of an interpolation or directive starting at `start` (just after `${`
 * or `%{`) and returns the index of its closing `}`, honouring nested brackets, quoted strings
 * (with escapes and their own templates), heredocs and comments. `topLevelNewline` tells whether
 * the expression has a line break outside any bracket, where a bare expression would end.
 */
export function scanInterpolation(text: string, start: number): { end: number; topLevelNewline: boolean } {
  let depth = 0;
  let topLevelNewline = false;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = scanQuoted(text, i + 1);
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    const heredoc = c === '<' ? /^<<-?([A-Za-z_][\w-]*)\r?\n/.exec(text.slice(i)) : null;
    if (heredoc) {
      const marker = new RegExp(`\\n[ \\t]*${heredoc[1]}[ \\t]*(?=\\r?\\n|$|[)\\]},])`, 'g');
      marker.lastIndex = i + heredoc[0].length - 1;
      const found = marker.exec(text);
      if (!found) break;
      i = found.index + found[0].length;
      continue;
    }
    if (c === '\n' && depth === 0) topLevelNewline = true;
    if (OPEN.has(c)) depth += 1;
    if (CLOSE.has(c)) {
      if (depth === 0) {
        if (c === '}') return { end: i, topLevelNewline };
        break;
      }
      depth -= 1;
    }
    i += 1;
  }
  throw new HclExportError(`unterminated interpolation at offset ${start - 2} of ${JSON.stringify(text)}`);
}

/** Index just after the closing quote of a quoted template whose content starts at `start`. */
function scanQuoted(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
    } else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      i += 3;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      i = scanInterpolation(text, i + 2).end + 1;
    } else if (c === '"') {
      return i + 1;
    } else {
      i += 1;
    }
  }
  throw new HclExportError(`unterminated string in ${JSON.stringify(text)}`);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeLiteralChar(c: string): string {
  if (c in ESCAPES) return ESCAPES[c];
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
}

/**
 * A string of Terraform's JSON syntax that Terraform evaluates as a template (resource, data
 * source, provider, local and output values) as an HCL expression: the bare expression when the
 * string is exactly one `${…}` interpolation, else a quoted template with the same interpolations,
 * directives and `$${`/`%%{` escapes, its literal text escaped for HCL.
 */
export function templateToHcl(text: string): string {
  if (text.startsWith('${') && !text.startsWith('${~')) {
    const { end, topLevelNewline } = scanInterpolation(text, 2);
    if (end === text.length - 1 && text[end - 1] !== '~') {
      const expression = text.slice(2, end).trim();
      if (expression) return topLevelNewline ? `(${expression})` : expression;
    }
  }
  let out = '"';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += text.slice(i, i + 3);
      i += 3;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      const { end } = scanInterpolation(text, i + 2);
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (c === '\r' && text[i + 1] !== '\n') {
      // Terraform's JSON template scanner reads everything after a lone carriage return as text,
      // only unescaping `$${` and `%%{`: keep that text literal in HCL too.
      return `${out}${literalToHcl(text.slice(i).replace(/([$%])\1\{/g, '$1{')).slice(1)}`;
    } else {
      out += escapeLiteralChar(c);
      i += 1;
    }
  }
  return `${out}"`;
}

/**
 * A string Terraform reads literally from JSON (backend and `terraform` settings, descriptions,
 * variable defaults) as an HCL string that stays literal: `${` and `%{` are escaped.
 */
export function literalToHcl(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    out += (c === '$' || c === '%') && text[i + 1] === '{' ? `${c}${c}` : escapeLiteralChar(c);
  }
  return `${out}"`;
}

/** A reference or keyword given as a JSON string (`aws.us_east_1`, `aws_vpc.x`, `"${aws_vpc.x}"`) as bare HCL. */
export function referenceToHcl(text: string): string {
  const inner = /^\$\{([\s\S]*)\}$/.exec(text.trim());
  return (inner ? inner[1] : text).trim();
}

export type Mode = 'template' | 'literal';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['for', 'in', 'if', 'endfor', 'endif', 'else', 'true', 'false', 'null']);

/** Object keys are templates in JSON too; bare when a plain identifier, else quoted the same way. */
export function objectKey(key: string, mode: Mode): string {
  if (IDENTIFIER.test(key) && !KEYWORDS.has(key)) return key;
  if (mode === 'literal') return literalToHcl(key);
  const hcl = templateToHcl(key);
  return hcl.startsWith('"') ? hcl : `"\${${hcl}}"`;
}

/** A label of a block (`resource "aws_vpc" "main"`): a plain quoted string. */
export function label(text: string): string {
  return `"${[...text].map(escapeLiteralChar).join('')}"`;
}

export const PAD = '  ';

/** Any JSON value as an HCL expression; continuation lines are indented for `indent`. */
export function valueToHcl(value: Json, mode: Mode = 'template', indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return mode === 'template' ? templateToHcl(value) : literalToHcl(value);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    const items = value.map((item) => valueToHcl(item, mode, indent + PAD));
    const inline = `[${items.join(', ')}]`;
    if (inline.length <= 100 && !inline.includes('\n')) return inline;
    return `[\n${items.map((item) => `${indent}${PAD}${item},`).join('\n')}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (!keys.length) return '{}';
  const lines = keys.map(
    (key) => `${indent}${PAD}${objectKey(key, mode)} = ${valueToHcl(value[key], mode, indent + PAD)}`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}
