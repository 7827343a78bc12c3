/**
 * Work done once per test run and shared by the test files that ask for the same thing: a folder
 * per key in this run's cache (under planCacheDir(), which only this run reads and the global
 * teardown removes). The first file to ask produces it while any other waits for it, as
 * planStack() does for Terraform plans. The code under test cannot change during a run, so a
 * synthesis of the same input is the same output in every file (checked: the shipped dev and prod
 * syntheses were byte-identical in every file that made them).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RUN_SCRATCH_VARIABLE, planCacheDir } from './scratch';

/** How long a file waits for another one to produce an entry before doing the work itself. */
const WAIT_MS = 120_000;
/** How often a waiting file looks for the first writer's outcome. */
const POLL_MS = 50;
const DONE = 'done';
const FAILED = 'failed.txt';

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the first writer of an entry left for the test files that waited for it. */
export type FirstWriterOutcome =
  | { readonly state: 'done' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'timedOut' };

/**
 * An entry (a folder) of this run's cache that the first test file to claim it produces while any
 * other waits for its outcome: sharedOnce() below, and planStack() (environment.ts) for Terraform
 * plans. The claim is an atomic mkdir; the owner writes what it produces into the entry, then calls
 * done() or failed(); a waiter polls for that mark until `waitMs` have passed.
 */
export class FirstWriter {
  constructor(
    /** The entry's folder; its parent is created if missing. */
    public readonly dir: string,
    /** How long a waiter waits for the owner's outcome. */
    private readonly waitMs: number,
  ) {}

  /** True for the one caller that creates the entry: it produces it, then calls done() or failed(). */
  claim(): boolean {
    mkdirSync(path.dirname(this.dir), { recursive: true });
    try {
      mkdirSync(this.dir);
      return true;
    } catch {
      return false; // another test file is producing it, or has
    }
  }

  /** The owner's mark: the entry is complete. */
  done(): void {
    writeFileSync(path.join(this.dir, DONE), '');
  }

  /** The owner's mark: producing the entry threw `error` (its message is kept for the waiters). */
  failed(error: unknown): void {
    writeFileSync(path.join(this.dir, FAILED), error instanceof Error ? error.message : String(error));
  }

  /** Waits for the owner's outcome blocking the thread, for a synchronous caller. */
  waitSync(): FirstWriterOutcome {
    const deadline = Date.now() + this.waitMs;
    let outcome: FirstWriterOutcome | undefined;
    while (!(outcome = this.outcome(deadline))) sleepSync(POLL_MS);
    return outcome;
  }

  /** Waits for the owner's outcome on the event loop: the file's other work (its own plans) goes on. */
  async wait(): Promise<FirstWriterOutcome> {
    const deadline = Date.now() + this.waitMs;
    let outcome: FirstWriterOutcome | undefined;
    while (!(outcome = this.outcome(deadline))) await sleep(POLL_MS);
    return outcome;
  }

  /** The owner's outcome, `timedOut` past the deadline, undefined while it is still at work. */
  private outcome(deadline: number): FirstWriterOutcome | undefined {
    if (existsSync(path.join(this.dir, DONE))) return { state: 'done' };
    const failed = path.join(this.dir, FAILED);
    if (existsSync(failed)) return { state: 'failed', message: readFileSync(failed, 'utf8') };
    return Date.now() >= deadline ? { state: 'timedOut' } : undefined;
  }
}

/** A short stable name for a key (any text). */
export function cacheKey(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex').slice(0, 24);
}

/**
 * The folder holding what `produce` wrote into it for `key`, produced once in this run (`produce`
 * runs in a fresh, empty folder; its error, if it throws, goes to the file that ran it). Undefined
 * outside a Jest run (no run scratch folder), or when the file that took the work on failed or never
 * finished it: the caller then does the work itself, and meets the same error with its own class
 * and stack. Callers only read the folder.
 */
export function sharedOnce(key: string, produce: (dir: string) => void): string | undefined {
  if (!process.env[RUN_SCRATCH_VARIABLE]) return undefined;
  const entry = new FirstWriter(path.join(planCacheDir(), 'shared', key), WAIT_MS);
  const content = path.join(entry.dir, 'content');
  if (entry.claim()) {
    try {
      mkdirSync(content);
      produce(content);
      entry.done();
      return content;
    } catch (error) {
      entry.failed(error);
      throw error;
    }
  }
  return entry.waitSync().state === 'done' ? content : undefined;
}
