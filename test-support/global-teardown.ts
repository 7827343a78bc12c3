import { readdirSync, rmSync } from 'node:fs';
import { planCacheDir } from './environment';
import { ORIGINAL_TMPDIR_VARIABLE, RUN_SCRATCH_VARIABLE } from './scratch';

/**
 * Once per test run, after every test file: the run's scratch folder must be empty (each test file
 * removes its own subfolder when it ends). Anything left fails the run with its names, and is
 * removed, so a run never leaves files behind.
 */
export default function globalTeardown(): void {
  const runDir = process.env[RUN_SCRATCH_VARIABLE];
  if (!runDir) throw new Error(`${RUN_SCRATCH_VARIABLE} is not set: the global setup did not run`);
  const left = readdirSync(runDir);
  rmSync(planCacheDir(), { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
  const original = process.env[ORIGINAL_TMPDIR_VARIABLE];
  if (original) process.env.TMPDIR = original;
  if (left.length) {
    throw new Error(
      `the test run left ${left.length} entries in its temporary folder (${left.slice(0, 10).join(', ')}${left.length > 10 ? ', ...' : ''}): a test file did not clean up`,
    );
  }
}
