/**
 * A value as JSON with every control and line-separator character escaped (JSON.stringify leaves
 * U+2028, U+2029 and C1 controls raw), so a hostile setting can never forge a line of a message.
 */
export function quote(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).replace(
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Longest echo of a value in a message, in characters. */
export const MAX_ECHO = 80;

/** A value quoted as by `quote`, shortened to at most MAX_ECHO characters (`...` marks the cut). */
export function shorten(value: unknown): string {
  const json = quote(value);
  return json.length > MAX_ECHO ? `${json.slice(0, MAX_ECHO - 3)}...` : json;
}
