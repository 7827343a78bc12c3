import { Lazy, Tokenization } from 'cdktf';
import { TOKEN_TRACES_VARIABLE, skipTokenCreationTraces } from '../stacks/token-creation-traces';

/** No formatter: V8's own format (Node's types do not allow the value). */
const V8_FORMAT = undefined as unknown as typeof Error.prepareStackTrace;

/** The creation record cdktf keeps for a token made now. */
function creationStackOfNewToken(): string[] {
  const token = Lazy.stringValue({ produce: () => 'value' });
  const resolvable = Tokenization.reverseString(token).firstToken;
  if (!resolvable) throw new Error('expected a token');
  return resolvable.creationStack;
}

describe('skipTokenCreationTraces', () => {
  it('leaves cdktf’s record of where a token was created empty while it is on, and whole after', () => {
    // GIVEN the filter on (on top of the one Jest's setup turns on for every test file)
    const restore = skipTokenCreationTraces({});
    let during: string[];
    try {
      // WHEN cdktf makes a token
      during = creationStackOfNewToken();
    } finally {
      restore();
    }
    // THEN its record holds no frame; with V8's own format (no filter), a record names this test's
    // frames again
    expect(during.filter((line) => line !== '')).toEqual([]);
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = V8_FORMAT;
    try {
      expect(creationStackOfNewToken().join('\n')).toContain('creationStackOfNewToken');
    } finally {
      Error.prepareStackTrace = previous;
    }
  });

  it('keeps the full stack of a real Error, formatted by what formatted it before', () => {
    // GIVEN a formatter in place, then the filter on
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = (error, frames) => `formatted ${String(error)} (${frames.length} frames)`;
    const restore = skipTokenCreationTraces({});
    try {
      // WHEN an Error and a plain object capture their stacks
      const error = new Error('boom');
      const plain: { stack?: string } = {};
      Error.captureStackTrace(plain);
      // THEN the Error goes through the earlier formatter; the plain object gets nothing
      expect(error.stack).toMatch(/^formatted Error: boom \(\d+ frames\)$/);
      expect(plain.stack).toBe('');
    } finally {
      restore();
      Error.prepareStackTrace = previous;
    }
  });

  it('formats a real Error as V8 does when nothing formatted errors before', () => {
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = V8_FORMAT;
    const restore = skipTokenCreationTraces({});
    try {
      const stack = new Error('boom').stack ?? '';
      expect(stack.split('\n')[0]).toBe('Error: boom');
      expect(stack.split('\n')[1]).toMatch(/^ {4}at .*token-creation-traces\.test\.ts:\d+:\d+\)?$/);
    } finally {
      restore();
      Error.prepareStackTrace = previous;
    }
  });

  it(`does nothing with ${TOKEN_TRACES_VARIABLE}=1, and restores the formatter it found`, () => {
    const before = Error.prepareStackTrace;
    const kept = skipTokenCreationTraces({ [TOKEN_TRACES_VARIABLE]: '1' });
    expect(Error.prepareStackTrace).toBe(before);
    kept();
    const restore = skipTokenCreationTraces({});
    expect(Error.prepareStackTrace).not.toBe(before);
    restore();
    expect(Error.prepareStackTrace).toBe(before);
  });
});
