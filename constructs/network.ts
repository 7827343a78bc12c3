import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { nthSlash24, parseCidr } from '../settings/cidr';
import { requiredSlash24Count } from '../settings/schema';
import { PlatformNetwork } from './platform-network';
import { ValidationError } from './validation-error';
import { assumeRolePolicy } from './assume-role-policy';

export type NatGatewayMode = 'perAz' | 'single';

export interface NetworkProps {
  /** The provider of the region this network lives in. */
  readonly provider: AwsProvider;
  /** Prefix of every Name tag and named resource, e.g. `orders-dev`. */
  readonly namePrefix: string;
  /** IPv4 CIDR of the VPC, /16 to /21 for two AZs. */
  readonly vpcCidr: string;
  /** Availability zones, at least 2; AZ i gets public subnet x.y.(i+1).0/24 and private x.y.(n+i+1).0/24. */
  readonly availabilityZones: string[];
  /**
   * NAT gateways for the private subnets' egress.
   * @default 'perAz' - one NAT gateway and Elastic IP per AZ, so losing an AZ never cuts another's egress
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Retention of the VPC flow log group, in days.
   * @default 90
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Give the VPC an Amazon-provided IPv6 block and each public subnet a /64 of it, routed to the
   * internet gateway, for dual-stack load balancers. Private subnets stay IPv4 (egress through NAT).
   * @default false - IPv4 only
   */
  readonly ipv6?: boolean;
  /**
   * KMS key that encrypts the flow log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * AWS account ID; scopes the flow-log role's trust policy with `aws:SourceAccount`.
   * @default - trust not scoped by account (the account is unknown offline)
   */
  readonly accountId?: string;
}

/**
 * A region's VPC: public subnets (load balancers) routed through an internet gateway, private
 * subnets (tasks) routed through NAT gateways, flow logs to CloudWatch, and the default security
 * group managed with no rules.
 */
export class Network extends Construct implements PlatformNetwork {
  public readonly created = true;
  public readonly vpc: Vpc;
  public readonly internetGateway: InternetGateway;
  public readonly publicSubnets: Subnet[];
  public readonly privateSubnets: Subnet[];
  public readonly natGateways: NatGateway[];
  /**
   * Everything the private subnets' egress needs: their route tables, default routes and
   * associations. Tasks that start before these exist cannot reach ECR or AWS APIs.
   */
  public readonly privateRouting: ITerraformDependable[] = [];
  /** The private subnets' route tables, one per AZ (where a gateway endpoint adds its routes). */
  public readonly privateRouteTables: RouteTable[] = [];
  public readonly flowLogGroup: CloudwatchLogGroup;
  public readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    validate(props);
    const { provider, namePrefix } = props;
    const zones = props.availabilityZones;
    const natMode = props.natGateways ?? 'perAz';

    this.vpc = new Vpc(this, 'Vpc', {
      provider,
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      assignGeneratedIpv6CidrBlock: props.ipv6 ? true : undefined,
      tags: { Name: `${namePrefix}-vpc` },
    });

    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      provider,
      vpcId: this.vpc.id,
      tags: { Name: `${namePrefix}-default-closed` },
    });

    this.internetGateway = new InternetGateway(this, 'InternetGateway', {
      provider,
      vpcId: this.vpc.id,
      tags: { Name: `${namePrefix}-igw` },
    });

    const publicRouteTable = new RouteTable(this, 'PublicRouteTable', {
      provider,
      vpcId: this.vpc.id,
      tags: { Name: `${namePrefix}-public` },
    });
    new Route(this, 'PublicDefaultRoute', {
      provider,
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: this.internetGateway.id,
    });
    if (props.ipv6) {
      new Route(this, 'PublicDefaultRouteIpv6', {
        provider,
        routeTableId: publicRouteTable.id,
        destinationIpv6CidrBlock: '::/0',
        gatewayId: this.internetGateway.id,
      });
    }

    this.publicSubnets = zones.map((zone, index) => {
      const subnet = new Subnet(this, `PublicSubnet${index + 1}`, {
        provider,
        vpcId: this.vpc.id,
        cidrBlock: nthSlash24(props.vpcCidr, index + 1),
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        ipv6CidrBlock: props.ipv6 ? Fn.cidrsubnet(this.vpc.ipv6CidrBlock, 8, index + 1) : undefined,
        tags: { Name: `${namePrefix}-public-${zone}`, tier: 'public' },
      });
      new RouteTableAssociation(this, `PublicSubnet${index + 1}RouteTable`, {
        provider,
        subnetId: subnet.id,
        routeTableId: publicRouteTable.id,
      });
      return subnet;
    });

    const natCount = natMode === 'perAz' ? zones.length : 1;
    this.natGateways = this.publicSubnets.slice(0, natCount).map((subnet, index) => {
      const eip = new Eip(this, `NatEip${index + 1}`, {
        provider,
        domain: 'vpc',
        tags: { Name: `${namePrefix}-nat-${zones[index]}` },
      });
      return new NatGateway(this, `NatGateway${index + 1}`, {
        provider,
        allocationId: eip.allocationId,
        subnetId: subnet.id,
        connectivityType: 'public',
        tags: { Name: `${namePrefix}-nat-${zones[index]}` },
        dependsOn: [this.internetGateway],
      });
    });

    this.privateSubnets = zones.map((zone, index) => {
      const subnet = new Subnet(this, `PrivateSubnet${index + 1}`, {
        provider,
        vpcId: this.vpc.id,
        cidrBlock: nthSlash24(props.vpcCidr, zones.length + index + 1),
        availabilityZone: zone,
        tags: { Name: `${namePrefix}-private-${zone}`, tier: 'private' },
      });
      const routeTable = new RouteTable(this, `PrivateRouteTable${index + 1}`, {
        provider,
        vpcId: this.vpc.id,
        tags: { Name: `${namePrefix}-private-${zone}` },
      });
      const route = new Route(this, `PrivateDefaultRoute${index + 1}`, {
        provider,
        routeTableId: routeTable.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: this.natGateways[natMode === 'perAz' ? index : 0].id,
      });
      const association = new RouteTableAssociation(this, `PrivateSubnet${index + 1}RouteTable`, {
        provider,
        subnetId: subnet.id,
        routeTableId: routeTable.id,
      });
      this.privateRouting.push(routeTable, route, association);
      this.privateRouteTables.push(routeTable);
      return subnet;
    });

    this.flowLogGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      provider,
      name: `/${namePrefix}/vpc-flow-logs`,
      retentionInDays: props.flowLogRetentionDays ?? 90,
      kmsKeyId: props.logKmsKeyArn,
    });

    const trust = assumeRolePolicy(this, 'FlowLogTrust', {
      provider,
      service: 'vpc-flow-logs.amazonaws.com',
      sourceAccount: props.accountId,
    });
    const role = new IamRole(this, 'FlowLogRole', {
      provider,
      namePrefix: `${namePrefix}-flowlogs-`.slice(0, 38),
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'FlowLogPermissions', {
      provider,
      statement: [
        {
          effect: 'Allow',
          actions: [
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'logs:DescribeLogGroups',
            'logs:DescribeLogStreams',
          ],
          resources: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, 'FlowLogPolicy', {
      provider,
      role: role.id,
      name: 'deliver-flow-logs',
      policy: permissions.json,
    });

    this.flowLog = new FlowLog(this, 'FlowLog', {
      provider,
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${namePrefix}-flow-log` },
    });
  }

  public get vpcId(): string {
    return this.vpc.id;
  }

  public get vpcArn(): string {
    return this.vpc.arn;
  }

  /** The VPC's IPv4 CIDR. */
  public get vpcCidr(): string {
    return this.vpc.cidrBlock;
  }

  public get privateSubnetIds(): string[] {
    return this.privateSubnets.map((subnet) => subnet.id);
  }

  public get privateSubnetArns(): string[] {
    return this.privateSubnets.map((subnet) => subnet.arn);
  }

  public get publicSubnetIds(): string[] {
    return this.publicSubnets.map((subnet) => subnet.id);
  }

  public get egressRouting(): ITerraformDependable[] {
    return this.privateRouting;
  }
}

function validate(props: NetworkProps): void {
  const zones = props.availabilityZones;
  if (Token.isUnresolved(zones)) return;
  if (zones.length < 2) {
    throw new ValidationError('Network', 'availabilityZones', zones, 'list at least 2 zones');
  }
  if (new Set(zones).size !== zones.length) {
    throw new ValidationError('Network', 'availabilityZones', zones, 'zones must be distinct');
  }
  if (Token.isUnresolved(props.vpcCidr)) return;
  const needed = requiredSlash24Count(zones.length);
  if (
    !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(props.vpcCidr) ||
    2 ** (24 - parseCidr(props.vpcCidr).prefixLength) < needed
  ) {
    throw new ValidationError(
      'Network',
      'vpcCidr',
      props.vpcCidr,
      `${zones.length} zones need ${needed} /24 subnets; use a /${24 - Math.ceil(Math.log2(needed))} or a shorter prefix`,
    );
  }
}
