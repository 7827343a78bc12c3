import { TerraformStack, Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { MovedBlock } from '../stacks/moved-block';

describe('MovedBlock', () => {
  /** A role moved twice: A -> B by a MovedBlock, B -> its address now by moveFromId. */
  function chain(): { stack: TerraformStack; now: string } {
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const role = new IamRole(stack, 'Role', { provider, assumeRolePolicy: '{}' });
    role.moveFromId('aws_iam_role.B');
    new MovedBlock(stack, 'FirstMove', { from: 'aws_iam_role.A', to: 'aws_iam_role.B' });
    return { stack, now: `aws_iam_role.${stack.getLogicalId(role.node)}` };
  }

  it('writes a moved block of its own beside the resource’s, so the chain A -> B -> now is whole', () => {
    const { stack, now } = chain();
    const json = JSON.parse(Testing.synth(stack)) as { moved: Array<{ from: string; to: string }> };
    expect(json.moved).toEqual(
      expect.arrayContaining([
        { from: 'aws_iam_role.A', to: 'aws_iam_role.B' },
        { from: 'aws_iam_role.B', to: now },
      ]),
    );
    expect(json.moved).toHaveLength(2);
  });

  it('renders as an HCL moved block with bare references', () => {
    const hcl = String(Testing.synthHcl(chain().stack));
    expect(hcl).toMatch(/moved \{\s+to\s+=\s+aws_iam_role\.B\s+from\s+=\s+aws_iam_role\.A\s+\}/);
  });
});
