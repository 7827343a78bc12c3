import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { vpcDefaultSecurityGroupClosed } from '../../policies/rules/vpc-default-security-group-closed';
import { ruleResults } from '../../test-support/policy';

describe('rule vpc-default-security-group-closed', () => {
  it('passes a VPC whose default group is managed without rules, fails the others', () => {
    // GIVEN VPCs whose default group is managed empty, has an inline ingress, gets a stand-alone
    // rule, has an empty egress list, and is not managed at all
    const results = ruleResults(vpcDefaultSecurityGroupClosed, (scope, provider) => {
      const vpc = (id: string) => new Vpc(scope, id, { provider, cidrBlock: '10.0.0.0/16' });
      new DefaultSecurityGroup(scope, 'ClosedGroup', { provider, vpcId: vpc('Closed').id });
      new DefaultSecurityGroup(scope, 'InlineGroup', {
        provider,
        vpcId: vpc('InlineIngress').id,
        ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, selfAttribute: true }],
      });
      const withRule = new DefaultSecurityGroup(scope, 'RuleGroup', {
        provider,
        vpcId: vpc('StandaloneRule').id,
      });
      new VpcSecurityGroupIngressRule(scope, 'Rule', {
        provider,
        securityGroupId: withRule.id,
        cidrIpv4: '10.0.0.0/8',
        ipProtocol: '-1',
      });
      new DefaultSecurityGroup(scope, 'EmptyListsGroup', {
        provider,
        vpcId: vpc('EmptyLists').id,
        egress: [],
      });
      vpc('Unmanaged');
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Closed: 'compliant',
      InlineIngress: 'non-compliant',
      StandaloneRule: 'non-compliant',
      EmptyLists: 'compliant',
      Unmanaged: 'non-compliant',
    });
  });
});
