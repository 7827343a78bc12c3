import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EXISTING_ID_FORMATS, existingIdProblem } from '../settings/network-settings';
import { PlatformNetwork } from './platform-network';
import { ValidationError } from './validation-error';

export interface ExistingNetworkProps {
  /** The region the VPC is in (its ARN). */
  readonly region: string;
  /** The account the VPC is in (its ARN): this account. */
  readonly accountId: string;
  /** Availability zones of the region, in the order the subnet lists follow (one subnet of each kind per zone). */
  readonly availabilityZones: string[];
  /** The existing VPC, e.g. `vpc-0a1b2c3d4e5f67890`. */
  readonly vpcId: string;
  /** Its private subnets, where tasks, mount targets and endpoints go: one per zone, in zone order. */
  readonly privateSubnetIds: string[];
  /** Its public subnets, where the load balancer goes: one per zone, in zone order. */
  readonly publicSubnetIds: string[];
}

/**
 * A VPC that exists already (its network is owned elsewhere), named by ID: the platform creates no
 * VPC, subnets, route tables, routes, NAT gateways, internet gateway or flow logs for it, and reads
 * nothing from AWS (no data source): the IDs are used as given. Its routes are its owner's: the
 * private subnets must already reach ECR, CloudWatch Logs and the other AWS APIs the tasks call
 * (through NAT or endpoints), and the public subnets must route to an internet gateway.
 */
export class ExistingNetwork extends Construct implements PlatformNetwork {
  public readonly created = false;
  public readonly vpcId: string;
  public readonly vpcArn: string;
  public readonly privateSubnetIds: string[];
  public readonly privateSubnetArns: string[];
  public readonly publicSubnetIds: string[];
  /** Nothing: the existing network's routes exist before the platform. */
  public readonly egressRouting: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    validate(props);
    this.vpcId = props.vpcId;
    this.privateSubnetIds = [...props.privateSubnetIds];
    this.publicSubnetIds = [...props.publicSubnetIds];
    const ec2Arn = (resource: string) => `arn:aws:ec2:${props.region}:${props.accountId}:${resource}`;
    this.vpcArn = ec2Arn(`vpc/${props.vpcId}`);
    this.privateSubnetArns = props.privateSubnetIds.map((subnetId) => ec2Arn(`subnet/${subnetId}`));
  }
}

function validate(props: ExistingNetworkProps): void {
  const zones = props.availabilityZones;
  const vpcProblem = existingIdProblem('vpc', props.vpcId);
  if (vpcProblem) throw new ValidationError('ExistingNetwork', 'vpcId', props.vpcId, vpcProblem);
  for (const kind of ['privateSubnetIds', 'publicSubnetIds'] as const) {
    const ids = props[kind];
    if (Token.isUnresolved(ids)) continue;
    if (ids.length !== zones.length || zones.length < 2) {
      throw new ValidationError(
        'ExistingNetwork',
        kind,
        ids,
        `give one subnet per availability zone (${zones.join(', ')}), at least 2, in that order`,
      );
    }
    const bad = ids.find((subnetId) => existingIdProblem('subnet', subnetId) !== undefined);
    if (bad !== undefined) {
      throw new ValidationError('ExistingNetwork', kind, ids, `${bad}: ${EXISTING_ID_FORMATS.subnet}`);
    }
    if (new Set(ids).size !== ids.length) {
      throw new ValidationError('ExistingNetwork', kind, ids, 'each subnet once: one per availability zone');
    }
  }
  const shared = props.privateSubnetIds.find((subnetId) => props.publicSubnetIds.includes(subnetId));
  if (shared !== undefined) {
    throw new ValidationError(
      'ExistingNetwork',
      'privateSubnetIds',
      props.privateSubnetIds,
      `${shared} is also a public subnet; tasks run in private subnets only`,
    );
  }
}
