import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';

/** Addresses of a Terraform `moved` block: `<type>.<name>` each. */
export interface MovedBlockProps {
  /** The address the object had. */
  readonly from: string;
  /** The address it has now, or the `from` of the next move of a chain. */
  readonly to: string;
}

/**
 * A `moved` block of its own, for a link of a chain of moves (A to B, B to C): a resource's
 * `moveFromId` gives it one move, the last link; the earlier links are these. Terraform follows the
 * chain from whichever address a state holds.
 */
export class MovedBlock extends TerraformElement {
  private readonly move: MovedBlockProps;

  constructor(scope: Construct, id: string, props: MovedBlockProps) {
    super(scope, id);
    this.move = { from: props.from, to: props.to };
  }

  public toTerraform(): { moved: MovedBlockProps[] } {
    return { moved: [{ to: this.move.to, from: this.move.from }] };
  }

  public toHclTerraform(): { moved: Array<Record<'to' | 'from', Record<string, unknown>>> } {
    const reference = (value: string) => ({
      value,
      isBlock: false,
      type: 'simple',
      storageClassType: 'reference',
    });
    return { moved: [{ to: reference(this.move.to), from: reference(this.move.from) }] };
  }
}
