/**
 * Reads a settings file's JSON text strictly, before `JSON.parse` builds the value: a syntax
 * error is reported at its line and column, and a key given twice in one object (which
 * `JSON.parse` silently resolves to the last one) is reported with both lines.
 */
import { quote } from './quote';

/** A problem in the text, at a 1-based line and column. */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonTextError';
  }
}

/** A key set twice in one object: the object's path, the key, and both lines. */
export interface DuplicateKey {
  readonly path: ReadonlyArray<string | number>;
  readonly key: string;
  readonly firstLine: number;
  readonly secondLine: number;
}

/** Nesting beyond this is refused while reading (settings nest at most 8 levels). */
export const MAX_TEXT_DEPTH = 64;

/**
 * Checks `text` is one JSON value and returns every duplicate key; throws `JsonTextError` at the
 * first syntax error.
 */
export function checkJsonText(text: string): DuplicateKey[] {
  let at = 0;
  const duplicates: DuplicateKey[] = [];

  const lineStarts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') lineStarts.push(i + 1);
  const position = (index: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: index - lineStarts[low] + 1 };
  };
  const lineOf = (index: number) => position(index).line;
  const describe = (index: number) =>
    index >= text.length ? 'the end of the file' : quote(String.fromCodePoint(text.codePointAt(index) ?? 0));
  const fail = (expected: string, index = at): never => {
    const { line, column } = position(index);
    throw new JsonTextError(
      `line ${line}, column ${column}: expected ${expected}, found ${describe(index)}`,
      line,
      column,
    );
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  };

  const readString = (): string => {
    // text[at] === '"'
    at += 1;
    let value = '';
    while (at < text.length) {
      const c = text[at];
      if (c === '"') {
        at += 1;
        return value;
      }
      if (c === '\\') {
        const e = text[at + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          value += simple[e];
          at += 2;
        } else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(at + 2, at + 6))) {
          value += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
          at += 6;
        } else {
          fail(
            'an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits) after a backslash',
            at + 1,
          );
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) {
        fail(
          'a character of the string (a control character must be written escaped, and is refused in settings anyway)',
        );
      }
      value += c;
      at += 1;
    }
    return fail('the closing quote of the string');
  };

  const readNumber = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match || match[0] === '' || match[0] === '-')
      fail('a value (object, array, string, number, true, false or null)');
    at += (match as RegExpExecArray)[0].length;
  };

  const readValue = (path: Array<string | number>): void => {
    skipSpace();
    if (path.length > MAX_TEXT_DEPTH) {
      const { line, column } = position(at);
      throw new JsonTextError(
        `line ${line}, column ${column}: nested more than ${MAX_TEXT_DEPTH} levels deep; settings nest at most 8 levels`,
        line,
        column,
      );
    }
    const c = text[at];
    if (c === '{') {
      at += 1;
      const seen = new Map<string, number>();
      skipSpace();
      if (text[at] === '}') {
        at += 1;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail('a property name in double quotes');
        const keyAt = at;
        const key = readString();
        const first = seen.get(key);
        if (first !== undefined) {
          duplicates.push({ path: [...path], key, firstLine: first, secondLine: lineOf(keyAt) });
        } else {
          seen.set(key, lineOf(keyAt));
        }
        skipSpace();
        if (text[at] !== ':') fail(`":" after the property name ${quote(key)}`);
        at += 1;
        readValue([...path, key]);
        skipSpace();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === '}') {
          at += 1;
          return;
        }
        fail('"," or "}" after a property value');
      }
    }
    if (c === '[') {
      at += 1;
      skipSpace();
      if (text[at] === ']') {
        at += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        readValue([...path, index]);
        skipSpace();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === ']') {
          at += 1;
          return;
        }
        fail('"," or "]" after an array element');
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return;
      }
    }
    readNumber();
  };

  readValue([]);
  skipSpace();
  if (at < text.length) fail('the end of the file after the settings object');
  return duplicates;
}
