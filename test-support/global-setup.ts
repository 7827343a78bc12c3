import * as path from 'node:path';
import { prepareTerraform } from './offline-terraform';

/** Once per test run: the Terraform CLI configuration (mirror or registry) and a warm plugin cache. */
export default function globalSetup(): void {
  process.env.CHECKPOINT_DISABLE = '1';
  prepareTerraform(path.resolve(__dirname, '..'));
}
