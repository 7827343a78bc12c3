/**
 * The production guardrail on the VPC endpoints of issue 19 (`vpcEndpoints.enabled`), through a
 * synthesized prod environment: refused off without a reason, accepted with one and printed at synth,
 * and needing none where every region uses an existing network. The settings themselves are in
 * `network-settings.test.ts`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAppOn } from '../../test-support/run-app';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;

describe('the production guardrail vpcEndpoints.enabled', () => {
  const PROD = JSON.parse(readFileSync(path.join(root, 'config', 'prod.json'), 'utf8')) as Loose;
  const synth = (settings: Loose) => runAppOn('prod', settings);

  it('refuses turning the endpoints off in production without a reason', () => {
    const { code, stderr } = synth({ ...PROD, vpcEndpoints: { enabled: false } });
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain(
      '  vpcEndpoints.enabled: got false; tier "production" turns this on (VPC endpoints in every region whose network the platform creates',
    );
    expect(stderr.join('\n')).toContain('productionExceptions["vpcEndpoints.enabled"]');
  });

  it('accepts it with a reason, prints the reason at synth and creates no endpoint', () => {
    const reason = 'the NAT gateways carry little traffic here; endpoints would cost more';
    const { code, stdout, dir } = synth({
      ...PROD,
      vpcEndpoints: { enabled: false },
      productionExceptions: { ...(PROD.productionExceptions ?? {}), 'vpcEndpoints.enabled': reason },
    });
    expect(code).toBe(0);
    expect(stdout).toContainEqual(
      expect.stringContaining(`settings: accepted productionExceptions["vpcEndpoints.enabled"] for prod`),
    );
    expect(stdout.join('\n')).toContain(reason);
    const stack = JSON.parse(
      readFileSync(path.join(dir, 'out', 'stacks', 'fargate-prod', 'cdk.tf.json'), 'utf8'),
    );
    expect(stack.resource.aws_vpc_endpoint).toBeUndefined();
  });

  it("needs no reason where every region uses an existing network (the endpoints are the owner's), and says so at synth", () => {
    const regions: Loose[] = (PROD.regions as Loose[]).map((region, index) => {
      const rest = { ...region };
      delete rest.vpcCidr;
      return {
        ...rest,
        existingNetwork: {
          vpcId: `vpc-0a1b2c3d4e5f6789${index}`,
          privateSubnetIds: region.availabilityZones.map(
            (_: string, zone: number) => `subnet-0a00000000000${index}${zone}01`,
          ),
          publicSubnetIds: region.availabilityZones.map(
            (_: string, zone: number) => `subnet-0b00000000000${index}${zone}01`,
          ),
        },
      };
    });
    const { code, stdout, stderr, dir } = synth({ ...PROD, regions });
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const lines = stdout.filter((line) => line.startsWith('network: '));
    expect(lines).toHaveLength(regions.length);
    expect(lines[0]).toBe(
      `network: prod ${regions[0].name}: existing VPC vpc-0a1b2c3d4e5f67890 (private ${regions[0].existingNetwork.privateSubnetIds.join(', ')}; public ${regions[0].existingNetwork.publicSubnetIds.join(', ')}): creates no VPC, subnets, route tables, routes, NAT gateways, internet gateway, flow logs or VPC endpoints there (they are the network owner's)`,
    );
    const stack = JSON.parse(
      readFileSync(path.join(dir, 'out', 'stacks', 'fargate-prod', 'cdk.tf.json'), 'utf8'),
    );
    for (const type of [
      'aws_vpc',
      'aws_subnet',
      'aws_nat_gateway',
      'aws_route_table',
      'aws_internet_gateway',
      'aws_vpc_endpoint',
      'aws_flow_log',
    ]) {
      expect([type, stack.resource[type]]).toEqual([type, undefined]);
    }
    expect(stack.output.network.value).toEqual(lines.map((line) => line.replace('network: prod ', '')));
  });
});
