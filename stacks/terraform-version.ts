import { TerraformStack } from 'cdktf';

/**
 * The Terraform every stack of the platform needs: 1.10 or later. 1.10 brought the S3 backend's own
 * lock file (`use_lockfile`, the default locking of an `s3` backend here); the platform also writes
 * `moved` blocks (1.1) and plans with `terraform_remote_state` between stacks. An older Terraform
 * stops at `terraform init` with its own message naming this constraint, instead of failing later on
 * a backend argument it does not know. (cdktf itself checks the version only in a few cases, such as
 * its own `moveFromId`, which the platform does not use: stacks/moved-block.ts.)
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10';

/** Sets `terraform.required_version` of `stack` to REQUIRED_TERRAFORM_VERSION. */
export function requireTerraformVersion(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
}
