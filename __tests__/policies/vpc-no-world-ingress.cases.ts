import { Fn } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { vpcNoWorldIngress } from '../../policies/rules/vpc-no-world-ingress';
import { ruleResults } from '../../test-support/policy';

describe('rule vpc-no-world-ingress', () => {
  it("passes world ingress to a load balancer's group on exactly 80 or 443, fails everything else from the world", () => {
    // GIVEN a load balancer's group and a task group, with rules from the world and from narrower sources
    const results = ruleResults(vpcNoWorldIngress, (scope, provider) => {
      const lbGroup = new SecurityGroup(scope, 'LbGroup', { provider, vpcId: 'vpc-1' });
      const taskGroup = new SecurityGroup(scope, 'TaskGroup', { provider, vpcId: 'vpc-1' });
      new Lb(scope, 'Lb', { provider, subnets: ['subnet-1', 'subnet-2'], securityGroups: [lbGroup.id] });
      const rule = (id: string, groupId: string, from: number, to: number, source: Record<string, string>) =>
        new VpcSecurityGroupIngressRule(scope, id, {
          provider,
          securityGroupId: groupId,
          ipProtocol: 'tcp',
          fromPort: from,
          toPort: to,
          ...source,
        });
      rule('LbHttps', lbGroup.id, 443, 443, { cidrIpv4: '0.0.0.0/0' });
      rule('LbHttpIpv6', lbGroup.id, 80, 80, { cidrIpv6: '::/0' });
      rule('LbSsh', lbGroup.id, 22, 22, { cidrIpv4: '0.0.0.0/0' });
      rule('LbRange', lbGroup.id, 80, 443, { cidrIpv4: '0.0.0.0/0' });
      rule('TaskHttp', taskGroup.id, 80, 80, { cidrIpv4: '0.0.0.0/0' });
      rule('TaskFromLb', taskGroup.id, 8080, 8080, { referencedSecurityGroupId: lbGroup.id });
      rule('TaskFromVpc', taskGroup.id, 8080, 8080, { cidrIpv4: '10.0.0.0/16' });
      new VpcSecurityGroupIngressRule(scope, 'LbAllTraffic', {
        provider,
        securityGroupId: lbGroup.id,
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
      });
    });
    // WHEN checked THEN groups without inline ingress are not applicable
    expect(results).toEqual({
      LbHttps: 'compliant',
      LbHttpIpv6: 'compliant',
      LbSsh: 'non-compliant',
      LbRange: 'non-compliant',
      TaskHttp: 'non-compliant',
      TaskFromLb: 'compliant',
      TaskFromVpc: 'compliant',
      LbAllTraffic: 'non-compliant',
      LbGroup: 'not-applicable',
      TaskGroup: 'not-applicable',
    });
  });

  it('reads aws_security_group_rule and inline ingress blocks the same way', () => {
    // GIVEN a load balancer group with an inline 443 block from the world and a rule resource for 80,
    // a group with inline SSH from the world, one with inline ingress from the VPC, and an egress rule
    const results = ruleResults(vpcNoWorldIngress, (scope, provider) => {
      const world = (port: number) => ({
        protocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrBlocks: ['0.0.0.0/0'],
      });
      const lbGroup = new SecurityGroup(scope, 'InlineLbGroup', { provider, ingress: [world(443)] });
      new Lb(scope, 'Lb', { provider, subnets: ['subnet-1', 'subnet-2'], securityGroups: [lbGroup.id] });
      new SecurityGroupRule(scope, 'LbHttpRule', {
        provider,
        type: 'ingress',
        securityGroupId: lbGroup.id,
        ...world(80),
      });
      new SecurityGroupRule(scope, 'EgressRule', {
        provider,
        type: 'egress',
        securityGroupId: lbGroup.id,
        ...world(0),
      });
      new SecurityGroup(scope, 'InlineSsh', { provider, ingress: [world(22)] });
      new SecurityGroup(scope, 'InlineFromVpc', {
        provider,
        ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['10.0.0.0/16'] }],
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      InlineLbGroup: 'compliant',
      LbHttpRule: 'compliant',
      EgressRule: 'not-applicable',
      InlineSsh: 'non-compliant',
      InlineFromVpc: 'compliant',
    });
  });

  it('does not apply to a rule whose CIDR is an expression', () => {
    // GIVEN a rule whose source CIDR is read from a file WHEN checked THEN not applicable
    const results = ruleResults(vpcNoWorldIngress, (scope, provider) => {
      new VpcSecurityGroupIngressRule(scope, 'FromFile', {
        provider,
        securityGroupId: 'sg-1',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: Fn.trimspace(Fn.file('cidr.txt')),
      });
    });
    expect(results).toEqual({ FromFile: 'not-applicable' });
  });
});
