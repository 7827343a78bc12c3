import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';

/** The address of a Terraform `removed` block. */
export interface RemovedBlockProps {
  /** The address the object has in the state: `<type>.<name>`. */
  readonly from: string;
}

/**
 * A Terraform `removed` block that forgets an object without destroying it
 * (`removed { from = <address>  lifecycle { destroy = false } }`, Terraform 1.7 or later; every
 * stack requires 1.10): the plan shows it as "will no longer be managed by Terraform" (action
 * `forget` in `terraform show -json`), the apply drops it from the state and leaves it in AWS.
 *
 * cdktf 0.21 has no construct for it; like stacks/moved-block.ts, the platform writes the block
 * itself. Terraform JSON takes the nested `lifecycle` block as a list of one object (checked with
 * `terraform validate` and `plan` of Terraform 1.11). `npm run export:hcl` (tools/hcl) writes the
 * block to `moved.tf`; cdktf 0.21's own HCL renderer (`cdktf synth --hcl`) knows `moved` blocks
 * only and leaves `removed` blocks out, whatever `toHclTerraform` returns.
 */
export class RemovedBlock extends TerraformElement {
  /** The address forgotten. */
  public readonly from: string;

  constructor(scope: Construct, id: string, props: RemovedBlockProps) {
    super(scope, id);
    this.from = props.from;
  }

  public toTerraform(): { removed: Array<{ from: string; lifecycle: Array<{ destroy: boolean }> }> } {
    return { removed: [{ from: this.from, lifecycle: [{ destroy: false }] }] };
  }

  public toHclTerraform(): { removed: Array<Record<string, unknown>> } {
    return {
      removed: [
        {
          from: { value: this.from, isBlock: false, type: 'simple', storageClassType: 'reference' },
          lifecycle: {
            value: [
              { destroy: { value: false, isBlock: false, type: 'simple', storageClassType: 'boolean' } },
            ],
            isBlock: true,
            type: 'list',
            storageClassType: 'list',
          },
        },
      ],
    };
  }
}
