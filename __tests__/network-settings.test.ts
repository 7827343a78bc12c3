/**
 * The network settings of issue 19, as parsed: an existing network per region
 * (`regions[].existingNetwork`) and the VPC endpoints (`vpcEndpoints`), refused with the setting's
 * path, the value and what is allowed; the lines the synthesis prints (`networkLines`). The production
 * guardrail, through a synthesized environment, is in `environments/network-settings.test.ts`.
 */
import { SettingsError, parseSettings } from '../settings/load';
import { networkLines, vpcEndpointsEnabled } from '../settings/network-settings';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;

const EXISTING = {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  privateSubnetIds: ['subnet-0a000000000000001', 'subnet-0a000000000000002'],
  publicSubnetIds: ['subnet-0b000000000000001', 'subnet-0b000000000000002'],
};
const US = { name: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'] };
const EU = { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] };

const base = (regions: Loose[], extra: Loose = {}): Loose => ({
  app: 'fargate',
  environment: 'dev',
  tier: 'development',
  regions,
  services: { app: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 100 } } },
  ...extra,
});

/** The problem lines of settings that must be refused. */
function refusal(settings: Loose): string[] {
  try {
    parseSettings(settings, 'dev.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('expected the settings to be refused');
}

describe('regions[].existingNetwork', () => {
  it('is accepted in place of vpcCidr, beside a region whose network is created', () => {
    const settings = parseSettings(base([{ ...US, existingNetwork: EXISTING }, EU]), 'dev.json');
    expect(settings.regions[0].existingNetwork).toEqual(EXISTING);
    expect(settings.regions[0].vpcCidr).toBeUndefined();
    expect(settings.regions[1].existingNetwork).toBeUndefined();
  });

  it('refuses a region with neither vpcCidr nor existingNetwork', () => {
    expect(refusal(base([US, EU]))).toEqual([
      '  regions[0].vpcCidr: got nothing; required: the IPv4 CIDR (/16 to /21) of the VPC the platform creates in us-east-1; or existingNetwork {vpcId, privateSubnetIds, publicSubnetIds} to use a VPC that exists',
    ]);
  });

  it("refuses the created network's CIDR beside an existing network", () => {
    expect(refusal(base([{ ...US, vpcCidr: '10.0.0.0/16', existingNetwork: EXISTING }, EU]))).toEqual([
      '  regions[0].vpcCidr: got "10.0.0.0/16"; sizes a VPC the platform creates, but regions[0].existingNetwork names one that exists (vpc-0a1b2c3d4e5f67890), whose CIDR is its owner\'s; remove vpcCidr, or remove existingNetwork to create the VPC',
    ]);
  });

  it.each([
    [
      'vpcId',
      { vpcId: 'vpc-123' },
      '  regions[0].existingNetwork.vpcId: got "vpc-123"; expected a VPC ID: "vpc-" and 8 or 17 lower-case hex digits, e.g. vpc-0a1b2c3d4e5f67890',
    ],
    [
      'a subnet ID',
      { privateSubnetIds: ['subnet-0A000000000000001', 'subnet-0a000000000000002'] },
      '  regions[0].existingNetwork.privateSubnetIds[0]: got "subnet-0A000000000000001"; expected a subnet ID: "subnet-" and 8 or 17 lower-case hex digits, e.g. subnet-0a1b2c3d4e5f67890',
    ],
  ])('refuses a malformed %s, naming path, value and format', (_what, edit, line) => {
    expect(refusal(base([{ ...US, existingNetwork: { ...EXISTING, ...edit } }, EU]))).toEqual([line]);
  });

  it('refuses an unknown key, listing the keys allowed', () => {
    expect(refusal(base([{ ...US, existingNetwork: { ...EXISTING, cidr: '10.0.0.0/16' } }, EU]))).toEqual([
      '  regions[0].existingNetwork.cidr: unknown setting "cidr"; allowed here: vpcId, privateSubnetIds, publicSubnetIds',
    ]);
  });

  it('refuses subnet counts other than one per availability zone, for the load balancer and the tasks', () => {
    const lines = refusal(
      base([
        {
          ...US,
          existingNetwork: {
            ...EXISTING,
            privateSubnetIds: ['subnet-0a000000000000001'],
            publicSubnetIds: [...EXISTING.publicSubnetIds, 'subnet-0b000000000000003'],
          },
        },
        EU,
      ]),
    );
    expect(lines).toEqual([
      '  regions[0].existingNetwork.privateSubnetIds: got ["subnet-0a000000000000001"]; 1 subnet for 2 availability zones; give exactly one per zone of regions[0].availabilityZones, in that order (us-east-1a, us-east-1b): the tasks and the file system need one in each zone (EFS takes one mount target per zone)',
      '  regions[0].existingNetwork.publicSubnetIds: got ["subnet-0b000000000000001","subnet-0b000000000000002","subnet-0b000000000000...; 3 subnets for 2 availability zones; give exactly one per zone of regions[0].availabilityZones, in that order (us-east-1a, us-east-1b): the load balancer needs a subnet in each of at least 2 zones',
    ]);
  });

  it('refuses a subnet listed twice or as both private and public', () => {
    const twice = refusal(
      base([
        {
          ...US,
          existingNetwork: {
            ...EXISTING,
            publicSubnetIds: ['subnet-0b000000000000001', 'subnet-0a000000000000002'],
          },
        },
        EU,
      ]),
    );
    expect(twice).toEqual([
      '  regions[0].existingNetwork.publicSubnetIds[1]: got "subnet-0a000000000000002"; already listed at regions[0].existingNetwork.privateSubnetIds[1]; each subnet is one zone\'s private or public subnet, once',
    ]);
  });

  it('refuses DUAL_STACK with an existing network', () => {
    expect(
      refusal(
        base([{ ...US, existingNetwork: EXISTING }, EU], { accelerator: { ipAddressType: 'DUAL_STACK' } }),
      ),
    ).toEqual([
      '  accelerator.ipAddressType: got "DUAL_STACK"; "DUAL_STACK" needs IPv6 blocks on the public subnets, which the platform adds only to a network it creates; us-east-1 uses an existing network: use "IPV4"',
    ]);
  });

  it('refuses NAT and endpoint settings when no region creates its network', () => {
    const lines = refusal(
      base([{ ...US, existingNetwork: EXISTING }], {
        natGateways: 'single',
        vpcEndpoints: { enabled: true },
      }),
    );
    expect(lines).toEqual([
      '  natGateways: got "single"; no NAT gateway is created: every region uses an existing network, whose egress is its owner\'s; remove natGateways (allowed only with a network the platform creates: "perAz" or "single")',
      "  vpcEndpoints.enabled: got true; no region would get them: every region uses an existing network, and endpoints with private DNS change name resolution for the whole VPC, which is its owner's to decide (an owner's endpoint for the same service would also make the creation fail); remove it, or ask the network's owner for the endpoints",
    ]);
  });
});

describe('vpcEndpoints', () => {
  it('is off by default outside production, on in production, and settable per environment', () => {
    const dev = parseSettings(base([{ ...EU }]), 'dev.json');
    expect(vpcEndpointsEnabled(dev)).toBe(false);
    expect(
      vpcEndpointsEnabled(parseSettings(base([{ ...EU }], { vpcEndpoints: { enabled: true } }), 'dev.json')),
    ).toBe(true);
    expect(vpcEndpointsEnabled({ tier: 'production', vpcEndpoints: {} })).toBe(true);
    expect(vpcEndpointsEnabled({ tier: 'production', vpcEndpoints: { enabled: false } })).toBe(false);
  });

  it('refuses a value that is not a boolean and an unknown key', () => {
    expect(refusal(base([EU], { vpcEndpoints: { enabled: 'yes' } }))[0]).toMatch(
      /^ {2}vpcEndpoints\.enabled: got "yes"; .*boolean/,
    );
    expect(refusal(base([EU], { vpcEndpoints: { services: ['ecr.api'] } }))).toEqual([
      '  vpcEndpoints.services: unknown setting "services"; allowed here: enabled',
    ]);
  });
});

describe('networkLines', () => {
  it('says per region what is created and what is left to the owner', () => {
    const settings = parseSettings(
      base([{ ...US, existingNetwork: EXISTING }, EU], {
        natGateways: 'single',
        vpcEndpoints: { enabled: true },
      }),
      'dev.json',
    );
    expect(networkLines(settings)).toEqual([
      "us-east-1: existing VPC vpc-0a1b2c3d4e5f67890 (private subnet-0a000000000000001, subnet-0a000000000000002; public subnet-0b000000000000001, subnet-0b000000000000002): creates no VPC, subnets, route tables, routes, NAT gateways, internet gateway, flow logs or VPC endpoints there (they are the network owner's)",
      'eu-west-1: creates VPC 10.1.0.0/16 with 2 public and 2 private subnets, 1 NAT gateway, flow logs, VPC endpoints (ecr.api, ecr.dkr, logs, secretsmanager, ssm, sts, kms; S3 gateway)',
    ]);
  });
});
