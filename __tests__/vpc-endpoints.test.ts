import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcEndpoints, VpcEndpointsProps, endpointId, s3GatewayPolicy } from '../constructs/vpc-endpoints';
import { SynthesizedJson, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

const SUBNETS = ['subnet-0a1b2c3d4e5f67890', 'subnet-0b1b2c3d4e5f67890'];
const TABLES = ['rtb-0a1b2c3d4e5f67890', 'rtb-0b1b2c3d4e5f67890'];

function synthEndpoints(props: Partial<Omit<VpcEndpointsProps, 'provider'>> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new VpcEndpoints(scope, 'VpcEndpoints', {
      provider,
      region: 'eu-west-1',
      accountId: '123456789012',
      namePrefix: 'fargate-test',
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      vpcCidr: '10.1.0.0/16',
      subnetIds: SUBNETS,
      routeTableIds: TABLES,
      ...props,
    });
  });
}

const policyOf = (block: Record<string, unknown>) => JSON.parse(block.policy as string);

describe('VpcEndpoints', () => {
  it('creates an interface endpoint with private DNS in every private subnet for each API the tasks call', () => {
    // GIVEN / WHEN the defaults (no ECS Exec)
    const json = synthEndpoints();
    // THEN seven interface endpoints, in the given subnets, behind the endpoints' group
    const interfaces = resources(json, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      ['ecr.api', 'ecr.dkr', 'kms', 'logs', 'secretsmanager', 'ssm', 'sts'].map(
        (s) => `com.amazonaws.eu-west-1.${s}`,
      ),
    );
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({
        vpc_id: 'vpc-0a1b2c3d4e5f67890',
        private_dns_enabled: true,
        subnet_ids: SUBNETS,
        security_group_ids: [ref(json, 'aws_security_group', 'VpcEndpoints/SecurityGroup')],
        provider: 'aws.eu_west_1',
      });
      // available only once HTTPS is admitted: private DNS sends the VPC's calls there at once
      expect(endpoint.depends_on).toEqual([
        expect.stringContaining('aws_vpc_security_group_ingress_rule.VpcEndpoints_HttpsFromVpc'),
      ]);
    }
  });

  it('adds ssmmessages (the ECS Exec channel) only with execSessions', () => {
    const names = (json: SynthesizedJson) => resources(json, 'aws_vpc_endpoint').map((e) => e.service_name);
    expect(names(synthEndpoints())).not.toContain('com.amazonaws.eu-west-1.ssmmessages');
    expect(names(synthEndpoints({ execSessions: true }))).toContain('com.amazonaws.eu-west-1.ssmmessages');
    expect(
      resourceAt(synthEndpoints({ execSessions: true }), 'aws_vpc_endpoint', 'SsmMessages'),
    ).toBeDefined();
  });

  it('admits HTTPS from the VPC CIDR only, and nothing else', () => {
    const json = synthEndpoints();
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        security_group_id: ref(json, 'aws_security_group', 'VpcEndpoints/SecurityGroup'),
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '10.1.0.0/16',
      }),
    ]);
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(resourceAt(json, 'aws_security_group', 'SecurityGroup')).toMatchObject({
      name: 'fargate-test-endpoints',
      vpc_id: 'vpc-0a1b2c3d4e5f67890',
    });
    expect(resourceAt(json, 'aws_security_group', 'SecurityGroup').ingress).toBeUndefined();
  });

  it("scopes every interface endpoint's policy to this account's principals", () => {
    const json = synthEndpoints();
    for (const endpoint of resources(json, 'aws_vpc_endpoint').filter(
      (e) => e.vpc_endpoint_type === 'Interface',
    )) {
      expect(policyOf(endpoint)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ThisAccountsPrincipalsOnly',
            Effect: 'Allow',
            Principal: '*',
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
          },
        ],
      });
    }
  });

  it("puts an S3 gateway endpoint on the private route tables: this account's buckets, and ECR's layer bucket read-only", () => {
    const json = synthEndpoints();
    const gateway = resourceAt(json, 'aws_vpc_endpoint', 'S3Gateway');
    expect(gateway).toMatchObject({
      service_name: 'com.amazonaws.eu-west-1.s3',
      vpc_endpoint_type: 'Gateway',
      route_table_ids: TABLES,
    });
    expect(gateway.subnet_ids).toBeUndefined();
    const policy = policyOf(gateway);
    expect(policy).toEqual(s3GatewayPolicy('eu-west-1', '123456789012'));
    const [own, layers] = policy.Statement;
    expect(own.Condition.StringEquals).toEqual({
      'aws:PrincipalAccount': '123456789012',
      'aws:ResourceAccount': '123456789012',
    });
    // the layers live in an AWS-owned bucket: only reading it, only that bucket
    expect(layers).toEqual({
      Sid: 'EcrImageLayers',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*',
    });
  });

  it('names each endpoint after its service', () => {
    expect(
      ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm', 'sts', 'kms', 'ssmmessages'].map(endpointId),
    ).toEqual(['EcrApi', 'EcrDkr', 'Logs', 'SecretsManager', 'Ssm', 'Sts', 'Kms', 'SsmMessages']);
  });

  it('refuses no subnets or no route tables, naming the prop', () => {
    expect(() => synthEndpoints({ subnetIds: [] })).toThrow(
      'VpcEndpoints: subnetIds [] is not allowed; give the private subnets, one per zone',
    );
    expect(() => synthEndpoints({ routeTableIds: [] })).toThrow(
      "VpcEndpoints: routeTableIds [] is not allowed; give the private subnets' route tables",
    );
  });
});
