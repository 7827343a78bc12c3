import { Testing, TerraformStack } from 'cdktf';
import { ExistingNetwork, ExistingNetworkProps } from '../constructs/existing-network';
import { synthScopeJson } from '../test-support/synth';

const PROPS: ExistingNetworkProps = {
  region: 'us-east-1',
  accountId: '123456789012',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  privateSubnetIds: ['subnet-0a000000000000001', 'subnet-0a000000000000002'],
  publicSubnetIds: ['subnet-0b000000000000001', 'subnet-0b000000000000002'],
};

function build(props: Partial<ExistingNetworkProps> = {}): ExistingNetwork {
  return new ExistingNetwork(new TerraformStack(Testing.app(), 'test'), 'ExistingNetwork', {
    ...PROPS,
    ...props,
  });
}

describe('ExistingNetwork', () => {
  it('creates nothing and reads nothing from AWS', () => {
    const json = synthScopeJson((scope) => new ExistingNetwork(scope, 'ExistingNetwork', PROPS));
    expect(json.resource ?? {}).toEqual({});
    expect(json.data ?? {}).toEqual({});
  });

  it('gives the IDs as named, with the ARNs of this account and region', () => {
    const network = build();
    expect(network.created).toBe(false);
    expect(network.vpcId).toBe('vpc-0a1b2c3d4e5f67890');
    expect(network.privateSubnetIds).toEqual(PROPS.privateSubnetIds);
    expect(network.publicSubnetIds).toEqual(PROPS.publicSubnetIds);
    expect(network.vpcArn).toBe('arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d4e5f67890');
    expect(network.privateSubnetArns).toEqual([
      'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0a000000000000001',
      'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0a000000000000002',
    ]);
    // its routes are its owner's: the tasks wait for nothing of the platform's
    expect(network.egressRouting).toEqual([]);
  });

  it('accepts the 8-digit IDs of older VPCs and subnets', () => {
    expect(() =>
      build({ vpcId: 'vpc-0a1b2c3d', privateSubnetIds: ['subnet-0a1b2c3d', 'subnet-0a1b2c3e'] }),
    ).not.toThrow();
  });

  it.each([
    ['vpcId', { vpcId: 'vpc-XYZ' }, 'ExistingNetwork: vpcId "vpc-XYZ" is not allowed; expected a VPC ID'],
    [
      'a subnet ID of the wrong kind',
      { privateSubnetIds: ['sg-0a000000000000001', 'subnet-0a000000000000002'] },
      'ExistingNetwork: privateSubnetIds ["sg-0a000000000000001","subnet-0a000000000000002"] is not allowed; sg-0a000000000000001: expected a subnet ID',
    ],
    [
      'fewer subnets than zones',
      { publicSubnetIds: ['subnet-0b000000000000001'] },
      'ExistingNetwork: publicSubnetIds ["subnet-0b000000000000001"] is not allowed; give one subnet per availability zone (us-east-1a, us-east-1b), at least 2, in that order',
    ],
    [
      'a subnet twice',
      { privateSubnetIds: ['subnet-0a000000000000001', 'subnet-0a000000000000001'] },
      'each subnet once',
    ],
    [
      'a subnet both private and public',
      { publicSubnetIds: ['subnet-0a000000000000001', 'subnet-0b000000000000002'] },
      'subnet-0a000000000000001 is also a public subnet; tasks run in private subnets only',
    ],
  ])('refuses %s, naming the prop and the value', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
