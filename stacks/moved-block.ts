import { TerraformElement, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

/** Addresses of a Terraform `moved` block: `<type>.<name>` each. */
export interface MovedBlockProps {
  /** The address the object had. */
  readonly from: string;
  /**
   * Where it is now: the resource itself (its address is read at synthesis, after any logical ID
   * override), or, for an earlier link of a chain of moves, the `from` of the next link.
   */
  readonly to: string | TerraformResource;
}

/**
 * A Terraform `moved` block. Terraform follows a chain of them (A to B, B to C) from whichever
 * address a state holds.
 *
 * cdktf's own `resource.moveFromId` writes the same block, but makes every synthesis of a stack
 * that moves anything run `terraform version` (a validation that Terraform is 1.5 or later): about
 * 150 ms per stack, paid on every synth of every stack. A moved block needs Terraform 1.1, and the
 * Terraform that plans, not the one on the synthesizing machine, is the one that matters; so the
 * platform writes its moves with this element, which asks nothing of the synthesizing machine.
 */
export class MovedBlock extends TerraformElement {
  private readonly from: string;
  private readonly to: string | TerraformResource;

  constructor(scope: Construct, id: string, props: MovedBlockProps) {
    super(scope, id);
    this.from = props.from;
    this.to = props.to;
  }

  /** `moved` block from `from` to `resource`, as a child of the resource (so it follows it in the output). */
  public static toResource(resource: TerraformResource, from: string): MovedBlock {
    return new MovedBlock(resource, 'MovedFrom', { from, to: resource });
  }

  private get toAddress(): string {
    return typeof this.to === 'string'
      ? this.to
      : `${this.to.terraformResourceType}.${this.to.friendlyUniqueId}`;
  }

  public toTerraform(): { moved: Array<{ to: string; from: string }> } {
    return { moved: [{ to: this.toAddress, from: this.from }] };
  }

  public toHclTerraform(): { moved: Array<Record<'to' | 'from', Record<string, unknown>>> } {
    const reference = (value: string) => ({
      value,
      isBlock: false,
      type: 'simple',
      storageClassType: 'reference',
    });
    return { moved: [{ to: reference(this.toAddress), from: reference(this.from) }] };
  }

  /** The stack metadata cdktf writes for a moved resource (`"//".metadata.moved`), as moveFromId did. */
  public toMetadata(): Record<string, unknown> {
    if (typeof this.to === 'string') return {};
    return { moved: { [this.to.terraformResourceType]: [this.to.friendlyUniqueId] } };
  }
}
