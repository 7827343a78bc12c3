/**
 * cdktf records where each token was created (every reference, every `${…}`): it raises
 * `Error.stackTraceLimit` to its maximum, captures the whole stack on a plain object (`{ stack: '' }`,
 * never an Error) and reads it at once, so V8 formats every frame as text. It prints that record
 * only in its own message about a token it cannot resolve. Formatting those frames was a quarter of
 * a synthesis: 1.2 s of the 4.9 s of dev with 20 services in a stack each (measured 2026-12-04).
 *
 * While the filter is on, a capture on anything that is not an Error formats to an empty text; an
 * Error (thrown by cdktf, the platform or Node) keeps its full stack, formatted by whatever formatted
 * it before (Jest's source maps in tests) or as V8 does by default. `PLATFORM_TOKEN_TRACES=1` leaves
 * cdktf's records whole, for debugging a token cdktf cannot resolve.
 */

/** The environment variable that keeps cdktf's token creation traces. */
export const TOKEN_TRACES_VARIABLE = 'PLATFORM_TOKEN_TRACES';

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** An Error of any realm (Node's own errors too, which `instanceof Error` can miss in a sandbox). */
function isError(value: unknown): value is Error {
  return Object.prototype.toString.call(value) === '[object Error]';
}

/** V8's own format: `Name: message`, then a line `    at <frame>` per frame. */
function formatLikeV8(error: Error, frames: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = String(error);
  } catch {
    head = '<error>';
  }
  return `${head}${frames.map((frame) => `\n    at ${frame.toString()}`).join('')}`;
}

/**
 * Turns the filter on (unless `PLATFORM_TOKEN_TRACES=1`) and returns what turns it off again,
 * restoring the formatter that was there before.
 */
export function skipTokenCreationTraces(env: NodeJS.ProcessEnv = process.env): () => void {
  if (env[TOKEN_TRACES_VARIABLE] === '1') return () => undefined;
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  const filter: PrepareStackTrace = (error, frames) => {
    if (!isError(error)) return '';
    return previous ? previous(error, frames) : formatLikeV8(error, frames);
  };
  Error.prepareStackTrace = filter;
  return () => {
    // (undefined again when V8's own format was in use: Node's types do not allow that value)
    if (Error.prepareStackTrace === filter)
      Error.prepareStackTrace = previous as typeof Error.prepareStackTrace;
  };
}
