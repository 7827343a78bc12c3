/**
 * The networks of a whole environment, read from the synthesized stack region by region: the VPC
 * endpoints of every created network (in its private subnets, behind a group admitting its CIDR,
 * with account-scoped policies), a region on an existing network (nothing of the network created,
 * every consumer on the given IDs), and the addresses dev and prod had before (none moved).
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { providerAlias } from '../../settings/regions';
import { synthEnvironment } from '../../test-support/environment';
import { synthPlatformOnce } from '../../test-support/platform';
import { Block, SynthesizedJson, allBlocks, ref, resources } from '../../test-support/synth';

const ACCOUNT = '123456789012';
const EXISTING = {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  privateSubnetIds: ['subnet-0a000000000000001', 'subnet-0a000000000000002'],
  publicSubnetIds: ['subnet-0b000000000000001', 'subnet-0b000000000000002'],
};
const REGIONS = [
  { name: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], existingNetwork: EXISTING },
  { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
  {
    name: 'ap-southeast-2',
    vpcCidr: '10.2.0.0/16',
    availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'],
  },
];
const CREATED = REGIONS.filter((region) => !region.existingNetwork);

/** Dev-tier settings with endpoints on, ECS Exec on, drills on, one region on an existing network. */
const json = (): SynthesizedJson =>
  synthPlatformOnce({
    accountId: ACCOUNT,
    regions: REGIONS,
    vpcEndpoints: { enabled: true },
    failoverDrills: { enabled: true },
    service: { enableExecuteCommand: true },
  });

const alias = (region: string) => `aws.${providerAlias(region)}`;
const inRegion = (type: string, region: string): Array<Block & { path: string }> =>
  resources(json(), type).filter((block) => block.provider === alias(region));
const at = (type: string, region: string, suffix: string): Block & { path: string } => {
  const found = inRegion(type, region).filter((block) => block.path.endsWith(suffix));
  if (found.length !== 1)
    throw new Error(`expected one ${type} *${suffix} in ${region}, got ${found.length}`);
  return found[0];
};
const refIn = (type: string, region: string, suffix: string, attribute = 'id') =>
  ref(json(), type, `${region}/${suffix}`, attribute);

describe.each(CREATED)('VPC endpoints in $name (a created network)', ({ name, availabilityZones }) => {
  const zones = availabilityZones.map((_, index) => index + 1);

  it('has an interface endpoint per API with private DNS in each private subnet, and ssmmessages for ECS Exec', () => {
    const interfaces = inRegion('aws_vpc_endpoint', name).filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      ['ecr.api', 'ecr.dkr', 'kms', 'logs', 'secretsmanager', 'ssm', 'ssmmessages', 'sts'].map(
        (service) => `com.amazonaws.${name}.${service}`,
      ),
    );
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({
        vpc_id: refIn('aws_vpc', name, 'Network/Vpc'),
        private_dns_enabled: true,
        subnet_ids: zones.map((zone) => refIn('aws_subnet', name, `Network/PrivateSubnet${zone}`)),
        security_group_ids: [refIn('aws_security_group', name, 'VpcEndpoints/SecurityGroup')],
      });
    }
  });

  it("admits HTTPS from the region's VPC CIDR only to the endpoints", () => {
    const group = refIn('aws_security_group', name, 'VpcEndpoints/SecurityGroup');
    const ingress = resources(json(), 'aws_vpc_security_group_ingress_rule').filter(
      (rule) => rule.security_group_id === group,
    );
    expect(ingress).toEqual([
      expect.objectContaining({
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: refIn('aws_vpc', name, 'Network/Vpc', 'cidr_block'),
      }),
    ]);
    expect(
      resources(json(), 'aws_vpc_security_group_egress_rule').filter(
        (rule) => rule.security_group_id === group,
      ),
    ).toEqual([]);
  });

  it("routes S3 through a gateway endpoint on the region's private route tables, policies scoped to the account", () => {
    const gateway = at('aws_vpc_endpoint', name, 'VpcEndpoints/S3Gateway');
    expect(gateway.route_table_ids).toEqual(
      zones.map((zone) => refIn('aws_route_table', name, `Network/PrivateRouteTable${zone}`)),
    );
    const policy = JSON.parse(gateway.policy as string);
    expect(policy.Statement[0].Condition.StringEquals).toEqual({
      'aws:PrincipalAccount': ACCOUNT,
      'aws:ResourceAccount': ACCOUNT,
    });
    expect(policy.Statement[1].Resource).toBe(`arn:aws:s3:::prod-${name}-starport-layer-bucket/*`);
    for (const endpoint of inRegion('aws_vpc_endpoint', name).filter(
      (e) => e.vpc_endpoint_type === 'Interface',
    )) {
      expect(JSON.parse(endpoint.policy as string).Statement).toEqual([
        expect.objectContaining({ Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }),
      ]);
    }
  });
});

describe('a region on an existing network (us-east-1)', () => {
  const REGION = 'us-east-1';

  it.each([
    'aws_vpc',
    'aws_subnet',
    'aws_route_table',
    'aws_route',
    'aws_route_table_association',
    'aws_nat_gateway',
    'aws_eip',
    'aws_internet_gateway',
    'aws_flow_log',
    'aws_default_security_group',
    'aws_vpc_endpoint',
  ])('creates no %s there', (type) => {
    expect(inRegion(type, REGION)).toEqual([]);
  });

  it('still creates the network of the other regions', () => {
    for (const { name } of CREATED) expect(inRegion('aws_vpc', name)).toHaveLength(1);
  });

  it('reads nothing of the network from AWS (no data source about VPCs or subnets)', () => {
    const types = allBlocks(json())
      .filter((block) => block.kind === 'data')
      .map((block) => block.type);
    expect(types.filter((type) => /vpc|subnet|route_table/.test(type))).toEqual([]);
  });

  it('puts the load balancer in the given public subnets and the tasks and mount targets in the given private ones', () => {
    expect(at('aws_lb', REGION, 'LoadBalancer/LoadBalancer').subnets).toEqual(EXISTING.publicSubnetIds);
    expect(inRegion('aws_efs_mount_target', REGION).map((target) => target.subnet_id)).toEqual(
      EXISTING.privateSubnetIds,
    );
    const services = inRegion('aws_ecs_service', REGION);
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      expect((service.network_configuration as { subnets: string[] }).subnets).toEqual(
        EXISTING.privateSubnetIds,
      );
    }
  });

  it('puts every security group and target group in the given VPC', () => {
    const groups = [...inRegion('aws_security_group', REGION), ...inRegion('aws_lb_target_group', REGION)];
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const group of groups) expect([group.path, group.vpc_id]).toEqual([group.path, EXISTING.vpcId]);
  });

  it("references no network resource of the stack (any region's) in that region's resources", () => {
    // every block on the region's provider, each on its own: its references and its depends_on
    const blocks = (['resource', 'data'] as const).flatMap((kind) =>
      Object.values(json()[kind] ?? {}).flatMap((named) =>
        Object.values(named).filter((block) => block.provider === alias(REGION)),
      ),
    );
    expect(blocks.length).toBeGreaterThan(50);
    const network =
      /\baws_(vpc|subnet|route_table|route|route_table_association|nat_gateway|internet_gateway)\./;
    const referencing = blocks
      .filter((block) => network.test(JSON.stringify(block)))
      .map((block) => (block['//'] as { metadata: { path: string } }).metadata.path);
    expect(referencing).toEqual([]);
    // the check itself sees such references: eu-west-1's services reference its subnets
    const euService = inRegion('aws_ecs_service', 'eu-west-1')[0];
    expect(network.test(JSON.stringify(euService))).toBe(true);
  });

  it("scopes the black-hole drill to the given VPC and subnets, by this account's ARNs", () => {
    const policy = at('aws_iam_role_policy', REGION, 'FailoverDrills/Policy');
    const document = JSON.stringify(json().data?.aws_iam_policy_document ?? {});
    expect(policy).toBeDefined();
    expect(document).toContain(`arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${EXISTING.vpcId}`);
    for (const subnet of EXISTING.privateSubnetIds) {
      expect(document).toContain(`arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${subnet}`);
    }
  });

  it('outputs the given IDs and says in the plan summary what it left to the owner', () => {
    const outputs = json().output ?? {};
    expect(outputs.us_east_1_vpc_id.value).toBe(EXISTING.vpcId);
    expect(outputs.us_east_1_private_subnet_ids.value).toEqual(EXISTING.privateSubnetIds);
    expect(outputs.us_east_1_public_subnet_ids.value).toEqual(EXISTING.publicSubnetIds);
    expect(outputs.network.value).toEqual([
      expect.stringMatching(
        /^us-east-1: existing VPC vpc-0a1b2c3d4e5f67890 .*creates no VPC, subnets, route tables, routes, NAT gateways, internet gateway, flow logs or VPC endpoints there/,
      ),
      expect.stringMatching(
        /^eu-west-1: creates VPC 10\.1\.0\.0\/16 .*VPC endpoints \(ecr\.api, .*ssmmessages; S3 gateway\)$/,
      ),
      expect.stringMatching(
        /^ap-southeast-2: creates VPC 10\.2\.0\.0\/16 with 3 public and 3 private subnets, 3 NAT gateways/,
      ),
    ]);
  });
});

describe('the shipped environments keep every address', () => {
  // Recorded at 7834d6d, before the network work: resource address -> construct path.
  const before = JSON.parse(
    readFileSync(path.join(__dirname, '..', 'contracts', 'network-addresses.json'), 'utf8'),
  ) as Record<string, Record<string, string>>;
  const now: Record<string, Record<string, string>> = {};
  /** Each stack's moved blocks, from -> to. */
  const movedTo: Record<string, Map<string, string>> = {};
  beforeAll(() => {
    for (const environment of ['dev', 'prod']) {
      const synthesized = synthEnvironment(environment);
      try {
        for (const [stack, stackJson] of Object.entries(synthesized.stacks)) {
          const moves = (stackJson as { moved?: Array<{ from: string; to: string }> }).moved ?? [];
          movedTo[stack] = new Map(moves.map((move) => [move.from, move.to]));
          now[stack] = Object.fromEntries(
            Object.entries(stackJson.resource ?? {}).flatMap(([type, blocks]) =>
              Object.entries(blocks).map(([id, block]) => [
                `${type}.${id}`,
                (block['//'] as { metadata: { path: string } }).metadata.path,
              ]),
            ),
          );
        }
      } finally {
        rmSync(path.dirname(synthesized.outdir), { recursive: true, force: true });
      }
    }
  });

  it.each(['fargate-dev', 'fargate-prod'])(
    '%s: every address recorded before is still there, at the same construct path',
    (stack) => {
      // The FargateService split moved its resources one level down, into its parts, each with a
      // moved block from the address recorded here (stacks/fargate-service-moves.ts).
      const splitMove = (address: string, where: string) => {
        const to = movedTo[stack].get(address);
        const path = to === undefined ? undefined : now[stack][to];
        return path?.replace(/\/Service\/(SecurityGroupRules|Roles|Task|Scaling)\//, '/Service/') === where;
      };
      const missing = Object.entries(before[stack]).filter(
        ([address, where]) => now[stack][address] !== where && !splitMove(address, where),
      );
      expect(missing).toEqual([]);
      expect(Object.keys(before[stack]).length).toBeGreaterThan(200);
    },
  );

  it('dev (tier development) gets no endpoint; prod (tier production) gets them in both regions', () => {
    const added = (stack: string) =>
      Object.entries(now[stack])
        .filter(([address]) => !(address in before[stack]))
        .map(([, where]) => where);
    expect(added('fargate-dev').filter((where) => where.includes('/VpcEndpoints/'))).toEqual([]);
    const prod = added('fargate-prod').filter((where) => where.includes('/VpcEndpoints/'));
    expect(prod.sort()).toEqual(
      ['us-east-1', 'eu-west-1']
        .flatMap((region) =>
          [
            'EcrApi',
            'EcrDkr',
            'HttpsFromVpc',
            'Kms',
            'Logs',
            'S3Gateway',
            'SecretsManager',
            'SecurityGroup',
            'Ssm',
            'Sts',
          ].map((id) => `fargate-prod/${region}/VpcEndpoints/${id}`),
        )
        .sort(),
    );
  });
});
