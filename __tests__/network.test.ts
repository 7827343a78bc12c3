import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Network, NetworkProps } from '../constructs/network';
import { SynthesizedJson, ref, resourceAt, resources, synthScopeJson, dataAt } from '../test-support/synth';

function synthNetwork(props: Partial<Omit<NetworkProps, 'provider'>> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new Network(scope, 'Network', {
      provider,
      namePrefix: 'fargate-test',
      vpcCidr: '10.1.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      ...props,
    });
  });
}

describe('Network', () => {
  it('creates a VPC with DNS support and hostnames on the given CIDR', () => {
    // GIVEN / WHEN a network with the defaults
    const json = synthNetwork();
    // THEN
    expect(resources(json, 'aws_vpc')).toEqual([
      expect.objectContaining({
        cidr_block: '10.1.0.0/16',
        enable_dns_support: true,
        enable_dns_hostnames: true,
      }),
    ]);
  });

  it('numbers the subnets like the seed: x.y.1-2 public, x.y.3-4 private, in distinct AZs', () => {
    const json = synthNetwork();
    const subnets = resources(json, 'aws_subnet')
      .map((s) => [s.path.split('/').pop(), s.cidr_block, s.availability_zone])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(subnets).toEqual([
      ['PublicSubnet1', '10.1.1.0/24', 'eu-west-1a'],
      ['PublicSubnet2', '10.1.2.0/24', 'eu-west-1b'],
      ['PrivateSubnet1', '10.1.3.0/24', 'eu-west-1a'],
      ['PrivateSubnet2', '10.1.4.0/24', 'eu-west-1b'],
    ]);
  });

  it('routes the public subnets to an internet gateway', () => {
    const json = synthNetwork();
    const route = resourceAt(json, 'aws_route', 'PublicDefaultRoute');
    expect(route).toMatchObject({
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: ref(json, 'aws_internet_gateway', 'InternetGateway'),
      route_table_id: ref(json, 'aws_route_table', 'PublicRouteTable'),
    });
    for (const index of [1, 2]) {
      expect(resourceAt(json, 'aws_route_table_association', `PublicSubnet${index}RouteTable`)).toMatchObject(
        {
          subnet_id: ref(json, 'aws_subnet', `PublicSubnet${index}`),
          route_table_id: ref(json, 'aws_route_table', 'PublicRouteTable'),
        },
      );
    }
  });

  it('gives each AZ its own NAT gateway, Elastic IP and private route table by default', () => {
    const json = synthNetwork();
    expect(resources(json, 'aws_eip')).toHaveLength(2);
    for (const index of [1, 2]) {
      expect(resourceAt(json, 'aws_nat_gateway', `NatGateway${index}`)).toMatchObject({
        subnet_id: ref(json, 'aws_subnet', `PublicSubnet${index}`),
        allocation_id: ref(json, 'aws_eip', `NatEip${index}`, 'allocation_id'),
      });
      expect(resourceAt(json, 'aws_route', `PrivateDefaultRoute${index}`)).toMatchObject({
        destination_cidr_block: '0.0.0.0/0',
        nat_gateway_id: ref(json, 'aws_nat_gateway', `NatGateway${index}`),
        route_table_id: ref(json, 'aws_route_table', `PrivateRouteTable${index}`),
      });
      expect(
        resourceAt(json, 'aws_route_table_association', `PrivateSubnet${index}RouteTable`),
      ).toMatchObject({
        subnet_id: ref(json, 'aws_subnet', `PrivateSubnet${index}`),
        route_table_id: ref(json, 'aws_route_table', `PrivateRouteTable${index}`),
      });
    }
  });

  it('shares one NAT gateway between the private route tables in single mode', () => {
    const json = synthNetwork({ natGateways: 'single' });
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(1);
    const nat = ref(json, 'aws_nat_gateway', 'NatGateway1');
    expect(resourceAt(json, 'aws_route', 'PrivateDefaultRoute1').nat_gateway_id).toBe(nat);
    expect(resourceAt(json, 'aws_route', 'PrivateDefaultRoute2').nat_gateway_id).toBe(nat);
  });

  it('sends flow logs of all traffic to a log group with the given retention', () => {
    const json = synthNetwork({ flowLogRetentionDays: 365 });
    expect(resourceAt(json, 'aws_cloudwatch_log_group', 'FlowLogGroup')).toMatchObject({
      name: '/fargate-test/vpc-flow-logs',
      retention_in_days: 365,
    });
    expect(resourceAt(json, 'aws_flow_log', 'FlowLog')).toMatchObject({
      vpc_id: ref(json, 'aws_vpc', 'Vpc'),
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: ref(json, 'aws_cloudwatch_log_group', 'FlowLogGroup', 'arn'),
      iam_role_arn: ref(json, 'aws_iam_role', 'FlowLogRole', 'arn'),
    });
  });

  it('lets the flow-log role write only to its own log group', () => {
    const json = synthNetwork();
    const doc = dataAt(json, 'aws_iam_policy_document', 'FlowLogPermissions');
    const arn = ref(json, 'aws_cloudwatch_log_group', 'FlowLogGroup', 'arn');
    expect(doc.statement).toEqual([expect.objectContaining({ resources: [arn, `${arn}:*`] })]);
  });

  it('scopes the flow-log trust policy to the account when it is known', () => {
    const json = synthNetwork({ accountId: '123456789012' });
    const trust = dataAt(json, 'aws_iam_policy_document', 'FlowLogTrust');
    expect(trust.statement).toEqual([
      expect.objectContaining({
        principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }],
      }),
    ]);
  });

  it('manages the default security group with no rules', () => {
    const json = synthNetwork();
    const group = resourceAt(json, 'aws_default_security_group', 'DefaultSecurityGroup');
    expect(group.vpc_id).toBe(ref(json, 'aws_vpc', 'Vpc'));
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  it('puts every resource and data source on the given provider', () => {
    const json = synthNetwork();
    const blocks = [...Object.values(json.resource ?? {}), ...Object.values(json.data ?? {})].flatMap((b) =>
      Object.values(b),
    );
    expect(blocks.length).toBeGreaterThan(20);
    expect(blocks.every((block) => block.provider === 'aws.eu_west_1')).toBe(true);
  });

  it('carves one public and one private subnet per zone for three zones', () => {
    const json = synthNetwork({
      vpcCidr: '10.2.0.0/20',
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    });
    expect(
      resources(json, 'aws_subnet')
        .map((s) => s.cidr_block)
        .sort(),
    ).toEqual(['10.2.1.0/24', '10.2.2.0/24', '10.2.3.0/24', '10.2.4.0/24', '10.2.5.0/24', '10.2.6.0/24']);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(3);
  });

  it('gives the VPC an IPv6 block and each public subnet a /64 routed to the internet gateway when asked', () => {
    // GIVEN ipv6 WHEN synthesized THEN
    const json = synthNetwork({ ipv6: true });
    expect(resourceAt(json, 'aws_vpc', 'Vpc').assign_generated_ipv6_cidr_block).toBe(true);
    const vpcBlock = ref(json, 'aws_vpc', 'Vpc', 'ipv6_cidr_block').slice(2, -1);
    expect(resourceAt(json, 'aws_subnet', 'PublicSubnet2').ipv6_cidr_block).toBe(
      `\${cidrsubnet(${vpcBlock}, 8, 2)}`,
    );
    expect(resourceAt(json, 'aws_subnet', 'PrivateSubnet1').ipv6_cidr_block).toBeUndefined();
    expect(resourceAt(json, 'aws_route', 'PublicDefaultRouteIpv6')).toMatchObject({
      destination_ipv6_cidr_block: '::/0',
      gateway_id: ref(json, 'aws_internet_gateway', 'InternetGateway'),
    });
    expect(resources(synthNetwork(), 'aws_route').filter((r) => r.destination_ipv6_cidr_block)).toEqual([]);
  });

  it('rejects fewer than two availability zones', () => {
    expect(() => synthNetwork({ availabilityZones: ['eu-west-1a'] })).toThrow(
      'Network: availabilityZones ["eu-west-1a"] is not allowed; list at least 2 zones',
    );
  });

  it('rejects repeated availability zones', () => {
    expect(() => synthNetwork({ availabilityZones: ['eu-west-1a', 'eu-west-1a'] })).toThrow(
      'Network: availabilityZones ["eu-west-1a","eu-west-1a"] is not allowed; zones must be distinct',
    );
  });

  it('rejects a CIDR too small for the subnets', () => {
    expect(() => synthNetwork({ vpcCidr: '10.1.0.0/23' })).toThrow(
      'Network: vpcCidr "10.1.0.0/23" is not allowed; 2 zones need 5 /24 subnets; use a /21 or a shorter prefix',
    );
  });
});
