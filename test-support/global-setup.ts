import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { PLAN_CACHE_DIR } from './environment';
import { prepareTerraform } from '../tools/terraform/offline';

/**
 * Once per test run: the Terraform CLI configuration (mirror or registry), a warm plugin cache, and
 * an empty plan cache, so each configuration is planned once in this run and never reused from an
 * earlier one.
 */
export default function globalSetup(): void {
  process.env.CHECKPOINT_DISABLE = '1';
  prepareTerraform(path.resolve(__dirname, '..'));
  rmSync(PLAN_CACHE_DIR, { recursive: true, force: true });
}
