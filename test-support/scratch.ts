/**
 * Where a test run writes its temporary files: one folder per run in the system's temporary folder
 * (outside the project, so paths in messages stay absolute as a user's would be), which the global
 * setup creates and points TMPDIR at (so every worker, every `mkdtempSync(os.tmpdir())`, and
 * cdktf's own `Testing.app()` outdirs land there), one subfolder per test file that the file removes
 * when it ends, and a global teardown that fails the run if anything is left.
 */
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Prefix of a run's scratch folder in the system's temporary folder. */
export const RUN_SCRATCH_PREFIX = 'fargate-platform-test-';

/** Environment variable holding this run's scratch folder (set by the global setup). */
export const RUN_SCRATCH_VARIABLE = 'FARGATE_TEST_RUN_TMPDIR';
/** Environment variable holding the TMPDIR the run started with (restored by the global teardown). */
export const ORIGINAL_TMPDIR_VARIABLE = 'FARGATE_TEST_ORIGINAL_TMPDIR';

/**
 * Where one test run shares its Terraform results: a folder per run (named after the run's scratch
 * folder), so runs side by side never clear or read each other's; the global teardown removes it.
 */
export function planCacheDir(): string {
  return path.join(
    PROJECT_ROOT,
    '.work',
    'plan-cache',
    path.basename(process.env[RUN_SCRATCH_VARIABLE] ?? 'default'),
  );
}
