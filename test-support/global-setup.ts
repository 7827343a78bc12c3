import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planCacheDir } from './environment';
import { ORIGINAL_TMPDIR_VARIABLE, PROJECT_ROOT, RUN_SCRATCH_PREFIX, RUN_SCRATCH_VARIABLE } from './scratch';
import { prepareTerraform } from '../tools/terraform/offline';

/**
 * Once per test run: the Terraform CLI configuration (mirror or registry), a warm plugin cache, a
 * plan cache of this run's own, so each configuration is planned once in this run and never reused
 * from an earlier one (nor cleared by a run beside it), and this run's scratch folder as TMPDIR: the workers start after the global setup and
 * inherit it, and so do the Terraform and Node processes the tests start.
 */
export default function globalSetup(): void {
  process.env.CHECKPOINT_DISABLE = '1';
  prepareTerraform(PROJECT_ROOT);
  const runDir = mkdtempSync(path.join(os.tmpdir(), RUN_SCRATCH_PREFIX));
  process.env[ORIGINAL_TMPDIR_VARIABLE] = os.tmpdir();
  process.env[RUN_SCRATCH_VARIABLE] = runDir;
  process.env.TMPDIR = runDir;
  rmSync(planCacheDir(), { recursive: true, force: true });
  // The emulator tests append a line each to this run's summary, which .ci/run prints.
  rmSync(path.join(PROJECT_ROOT, '.work', 'emulator-apply', 'summary.txt'), { force: true });
}
