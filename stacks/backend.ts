import { LocalBackend } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Local state under `terraform.tfstate.d/<stack>.tfstate` at the project root, one file per stack.
 * The path is relative to the stack's synthesized folder (`cdktf.out/stacks/<stack>`), where cdktf
 * and Terraform run, so no absolute machine path is baked into the configuration, and state never
 * lives inside `cdktf.out` (which synth rewrites).
 */
export function localStateBackend(stack: Construct, stackName: string): LocalBackend {
  return new LocalBackend(stack, { path: `../../../terraform.tfstate.d/${stackName}.tfstate` });
}
