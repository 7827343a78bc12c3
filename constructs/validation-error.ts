/**
 * A construct received a prop it cannot build. The message names the construct, the prop, the value
 * received and what is allowed; the app prints it without a stack trace.
 */
export class ValidationError extends Error {
  constructor(construct: string, prop: string, value: unknown, allowed: string) {
    super(`${construct}: ${prop} ${JSON.stringify(value)} is not allowed; ${allowed}`);
    this.name = 'ValidationError';
  }
}
