import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ServiceEgress, ServiceEgressProps } from '../constructs/service-egress';
import { suppressionsOn } from '../policies/suppressions';
import { resources, synthScopeJson } from '../test-support/synth';
import { Testing, TerraformStack } from 'cdktf';

const REASON = 'the payment provider publishes no fixed address range for its SFTP endpoint';

function synth(rules: ServiceEgressProps['rules']) {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
    new ServiceEgress(scope, 'Egress', {
      provider,
      securityGroupId: 'sg-tasks',
      settingsPath: 'services.orders.egress',
      rules,
    });
  });
}

describe('ServiceEgress', () => {
  it('builds one rule per destination, exactly the protocol and ports asked for, keyed by rule name and destination', () => {
    // GIVEN a database rule to an IPv4 and an IPv6 CIDR, and a cache rule to a prefix list and a security group
    const json = synth({
      database: {
        protocol: 'tcp',
        fromPort: 5432,
        destinations: [
          { kind: 'cidr', value: '10.20.0.0/16' },
          { kind: 'cidr', value: '2001:db8::/32' },
        ],
      },
      cache: {
        protocol: 'udp',
        fromPort: 6000,
        toPort: 6010,
        destinations: [
          { kind: 'prefixList', value: 'pl-0123abcd' },
          { kind: 'securityGroup', value: 'sg-0123abcd' },
        ],
      },
    });
    // THEN four rules on the tasks' group, each with one destination
    const rules = resources(json, 'aws_vpc_security_group_egress_rule').map(({ path, ...rule }) => ({
      path: path.replace('test/Egress/', ''),
      ...Object.fromEntries(Object.entries(rule).filter(([key]) => !['//', 'provider'].includes(key))),
    }));
    const common = { security_group_id: 'sg-tasks' };
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(rules.sort(byPath)).toEqual(
      [
        {
          path: 'database/10.20.0.0_16',
          ...common,
          description: 'services.orders.egress.database: tcp 5432',
          ip_protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
          cidr_ipv4: '10.20.0.0/16',
        },
        {
          path: 'database/2001:db8::_32',
          ...common,
          description: 'services.orders.egress.database: tcp 5432',
          ip_protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
          cidr_ipv6: '2001:db8::/32',
        },
        {
          path: 'cache/pl-0123abcd',
          ...common,
          description: 'services.orders.egress.cache: udp 6000-6010',
          ip_protocol: 'udp',
          from_port: 6000,
          to_port: 6010,
          prefix_list_id: 'pl-0123abcd',
        },
        {
          path: 'cache/sg-0123abcd',
          ...common,
          description: 'services.orders.egress.cache: udp 6000-6010',
          ip_protocol: 'udp',
          from_port: 6000,
          to_port: 6010,
          referenced_security_group_id: 'sg-0123abcd',
        },
      ].sort(byPath),
    );
  });

  it('accepts the world finding on the rule with its stated reason', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const egress = new ServiceEgress(stack, 'Egress', {
      provider,
      securityGroupId: 'sg-tasks',
      rules: {
        sftp: {
          protocol: 'tcp',
          fromPort: 22,
          destinations: [{ kind: 'cidr', value: '0.0.0.0/0' }],
          reason: REASON,
        },
      },
    });
    expect(suppressionsOn(egress.node.findChild('sftp'))).toEqual([
      { ruleId: 'vpc-no-world-egress', reason: `egress.sftp.reason: ${REASON}` },
    ]);
    expect(egress.rules).toHaveLength(1);
  });

  it.each([
    [
      'world egress on a port other than 443 without a reason',
      {
        sftp: {
          protocol: 'tcp' as const,
          fromPort: 22,
          destinations: [{ kind: 'cidr' as const, value: '::/0' }],
        },
      },
      'ServiceEgress: rules.sftp "tcp 22-22 to the internet without a reason" is not allowed; a rule to 0.0.0.0/0 or ::/0 on anything but TCP 443 needs a stated reason',
    ],
    [
      'a range that ends before it starts',
      {
        range: {
          protocol: 'tcp' as const,
          fromPort: 6010,
          toPort: 6000,
          destinations: [{ kind: 'cidr' as const, value: '10.0.0.0/8' }],
        },
      },
      'ServiceEgress: rules.range "6010-6000 to 1 destinations" is not allowed; toPort at least fromPort, and at least one destination',
    ],
    [
      'a rule without a destination',
      { empty: { protocol: 'tcp' as const, fromPort: 5432, destinations: [] } },
      'at least one destination',
    ],
  ])('refuses %s', (_, rules, message) => {
    expect(() => synth(rules)).toThrow(message);
  });
});
