/**
 * Work done once per test run and shared by the test files that ask for the same thing: a folder
 * per key in this run's cache (under planCacheDir(), which only this run reads and the global
 * teardown removes). The first file to ask produces it while any other waits for it, as
 * planStack() does for Terraform plans. The code under test cannot change during a run, so a
 * synthesis of the same input is the same output in every file (checked: the shipped dev and prod
 * syntheses were byte-identical in every file that made them).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RUN_SCRATCH_VARIABLE, planCacheDir } from './scratch';

/** How long a file waits for another one to produce an entry before doing the work itself. */
const WAIT_MS = 120_000;
const DONE = 'done';
const FAILED = 'failed.txt';

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
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
  const root = path.join(planCacheDir(), 'shared');
  const entry = path.join(root, key);
  const content = path.join(entry, 'content');
  mkdirSync(root, { recursive: true });
  let owner = false;
  try {
    mkdirSync(entry); // atomic: the first asker owns the work
    owner = true;
  } catch {
    // another test file is producing it, or has
  }
  if (owner) {
    try {
      mkdirSync(content);
      produce(content);
      writeFileSync(path.join(entry, DONE), '');
      return content;
    } catch (error) {
      writeFileSync(path.join(entry, FAILED), error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  for (let waited = 0; waited < WAIT_MS; waited += 50) {
    if (existsSync(path.join(entry, DONE))) return content;
    if (existsSync(path.join(entry, FAILED))) return undefined;
    sleepSync(50);
  }
  return undefined;
}
