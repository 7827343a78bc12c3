import { Fn } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { vpcNoWorldEgress } from '../../policies/rules/vpc-no-world-egress';
import { ruleResults } from '../../test-support/policy';

describe('rule vpc-no-world-egress', () => {
  it('passes world egress on exactly TCP 443 and egress to anything narrower; fails every other port to the world', () => {
    // GIVEN a task group with egress rules to the world and to narrower destinations
    const results = ruleResults(vpcNoWorldEgress, (scope, provider) => {
      const tasks = new SecurityGroup(scope, 'TaskGroup', { provider, vpcId: 'vpc-1' });
      const rule = (id: string, protocol: string, from: number, to: number, to_: Record<string, string>) =>
        new VpcSecurityGroupEgressRule(scope, id, {
          provider,
          securityGroupId: tasks.id,
          ipProtocol: protocol,
          fromPort: from,
          toPort: to,
          ...to_,
        });
      rule('Https', 'tcp', 443, 443, { cidrIpv4: '0.0.0.0/0' });
      rule('HttpsIpv6', 'tcp', 443, 443, { cidrIpv6: '::/0' });
      rule('HttpsByNumber', '6', 443, 443, { cidrIpv4: '0.0.0.0/0' });
      rule('Postgres', 'tcp', 5432, 5432, { cidrIpv4: '0.0.0.0/0' });
      rule('PostgresIpv6', 'tcp', 5432, 5432, { cidrIpv6: '::/0' });
      rule('RangeWithHttps', 'tcp', 400, 500, { cidrIpv4: '0.0.0.0/0' });
      rule('UdpHttps', 'udp', 443, 443, { cidrIpv4: '0.0.0.0/0' });
      rule('PostgresToSubnet', 'tcp', 5432, 5432, { cidrIpv4: '10.20.0.0/16' });
      rule('RedisToGroup', 'tcp', 6379, 6379, { referencedSecurityGroupId: 'sg-0123456789abcdef0' });
      rule('ToPrefixList', 'tcp', 5432, 5432, { prefixListId: 'pl-0123456789abcdef0' });
      new VpcSecurityGroupEgressRule(scope, 'AllTraffic', {
        provider,
        securityGroupId: tasks.id,
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
      });
    });
    // WHEN checked THEN only TCP 443 alone may reach the world; groups without inline egress are not applicable
    expect(results).toEqual({
      Https: 'compliant',
      HttpsIpv6: 'compliant',
      HttpsByNumber: 'compliant',
      Postgres: 'non-compliant',
      PostgresIpv6: 'non-compliant',
      RangeWithHttps: 'non-compliant',
      UdpHttps: 'non-compliant',
      PostgresToSubnet: 'compliant',
      RedisToGroup: 'compliant',
      ToPrefixList: 'compliant',
      AllTraffic: 'non-compliant',
      TaskGroup: 'not-applicable',
    });
  });

  it('reads aws_security_group_rule and inline egress blocks the same way', () => {
    // GIVEN inline egress blocks and egress rule resources, and an ingress rule from the world
    const results = ruleResults(vpcNoWorldEgress, (scope, provider) => {
      const world = (protocol: string, port: number) => ({
        protocol,
        fromPort: port,
        toPort: port,
        cidrBlocks: ['0.0.0.0/0'],
      });
      new SecurityGroup(scope, 'InlineHttps', { provider, egress: [world('tcp', 443)] });
      new SecurityGroup(scope, 'InlineAll', { provider, egress: [world('-1', 0)] });
      new SecurityGroup(scope, 'InlineToVpc', {
        provider,
        egress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['10.0.0.0/16'] }],
      });
      const group = new SecurityGroup(scope, 'Plain', { provider });
      new SecurityGroupRule(scope, 'LegacySsh', {
        provider,
        type: 'egress',
        securityGroupId: group.id,
        ...world('tcp', 22),
      });
      new SecurityGroupRule(scope, 'LegacyIngress', {
        provider,
        type: 'ingress',
        securityGroupId: group.id,
        ...world('tcp', 22),
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      InlineHttps: 'compliant',
      InlineAll: 'non-compliant',
      InlineToVpc: 'compliant',
      Plain: 'not-applicable',
      LegacySsh: 'non-compliant',
      LegacyIngress: 'not-applicable',
    });
  });

  it('does not apply to a rule whose CIDR is an expression', () => {
    // GIVEN a rule whose destination CIDR is read from a file WHEN checked THEN not applicable
    const results = ruleResults(vpcNoWorldEgress, (scope, provider) => {
      new VpcSecurityGroupEgressRule(scope, 'FromFile', {
        provider,
        securityGroupId: 'sg-1',
        ipProtocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        cidrIpv4: Fn.trimspace(Fn.file('cidr.txt')),
      });
    });
    expect(results).toEqual({ FromFile: 'not-applicable' });
  });
});
