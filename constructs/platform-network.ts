import { ITerraformDependable } from 'cdktf';

/**
 * What the constructs built on a region's network need of it: the VPC, its private subnets (tasks,
 * mount targets, drills) and public subnets (the load balancer), and what the tasks' egress waits
 * for. `Network` (a VPC the platform creates) and `ExistingNetwork` (one named by ID) implement it,
 * so nothing built on the network knows which of the two it got.
 */
export interface PlatformNetwork {
  /** Whether the platform created this network (false: it only names an existing one). */
  readonly created: boolean;
  /** The VPC's ID. */
  readonly vpcId: string;
  /** The VPC's ARN (the black-hole drill's permissions). */
  readonly vpcArn: string;
  /** Private subnets, one per availability zone, in the order of the region's zones. */
  readonly privateSubnetIds: string[];
  /** ARNs of the private subnets, in the same order. */
  readonly privateSubnetArns: string[];
  /** Public subnets (the load balancer), one per availability zone, in the same order. */
  readonly publicSubnetIds: string[];
  /**
   * What tasks must wait for before they can reach ECR and AWS APIs: the private route tables,
   * routes and associations the platform creates (none for an existing network: its routes are
   * its owner's and exist already).
   */
  readonly egressRouting: ITerraformDependable[];
}
