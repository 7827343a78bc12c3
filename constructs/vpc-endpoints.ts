import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { interfaceEndpointServices } from '../settings/network-settings';
import { ValidationError } from './validation-error';

export interface VpcEndpointsProps {
  /** The provider of the region the VPC lives in. */
  readonly provider: AwsProvider;
  /** The region's name (the endpoints' service names, the ECR layer bucket). */
  readonly region: string;
  /** This account: the only principals (and, for S3, bucket owners) the endpoint policies admit. */
  readonly accountId: string;
  /** Prefix of every name, e.g. `orders-prod`. */
  readonly namePrefix: string;
  /** The VPC. */
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR: HTTPS from anywhere in it reaches the interface endpoints. */
  readonly vpcCidr: string;
  /** The private subnets, one per availability zone: each interface endpoint gets an interface in each. */
  readonly subnetIds: string[];
  /** The private subnets' route tables: the S3 gateway endpoint adds its route to each. */
  readonly routeTableIds: string[];
  /**
   * Also an endpoint for `ssmmessages`, the channel of ECS Exec sessions.
   * @default false - no service runs ECS Exec
   */
  readonly execSessions?: boolean;
}

/** The construct ID of a service's interface endpoint, e.g. `ecr.api` -> `EcrApi`. */
export function endpointId(service: string): string {
  return service
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .replace('Secretsmanager', 'SecretsManager')
    .replace('Ssmmessages', 'SsmMessages');
}

/**
 * A region's VPC endpoints for what its tasks call: interface endpoints (private DNS on, an
 * interface in every private subnet) for ECR's API and registry, CloudWatch Logs, Secrets Manager,
 * SSM, STS and KMS (and ssmmessages with ECS Exec), behind a security group admitting HTTPS from the
 * VPC only; and a gateway endpoint for S3 on the private route tables. Every endpoint's policy
 * admits this account's principals only; the S3 one also only this account's buckets, plus reading
 * ECR's image layers from the AWS-owned bucket they are stored in.
 */
export class VpcEndpoints extends Construct {
  public readonly securityGroup: SecurityGroup;
  /** Interface endpoints by service (`ecr.api`, `logs`, …). */
  public readonly interfaceEndpoints: Record<string, VpcEndpoint> = {};
  public readonly s3Gateway: VpcEndpoint;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    validate(props);
    const { provider, region, accountId, namePrefix } = props;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      provider,
      name: `${namePrefix}-endpoints`,
      description: `VPC endpoints of ${namePrefix}: HTTPS from the VPC only`,
      vpcId: props.vpcId,
      tags: { Name: `${namePrefix}-endpoints` },
    });
    const https = new VpcSecurityGroupIngressRule(this, 'HttpsFromVpc', {
      provider,
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS from the VPC (private DNS sends every AWS API call of the VPC here)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });

    const thisAccountOnly = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ThisAccountsPrincipalsOnly',
          Effect: 'Allow',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': accountId } },
        },
      ],
    });
    for (const service of interfaceEndpointServices(props.execSessions ?? false)) {
      this.interfaceEndpoints[service] = new VpcEndpoint(this, endpointId(service), {
        provider,
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        policy: thisAccountOnly,
        tags: { Name: `${namePrefix}-${service}` },
        // With private DNS, the service's name resolves to the endpoint as soon as it is
        // available: admit HTTPS first, or every call of the VPC to it is refused meanwhile.
        dependsOn: [https],
      });
    }

    this.s3Gateway = new VpcEndpoint(this, 'S3Gateway', {
      provider,
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: props.routeTableIds,
      policy: JSON.stringify(s3GatewayPolicy(region, accountId)),
      tags: { Name: `${namePrefix}-s3` },
    });
  }
}

/**
 * The S3 gateway endpoint's policy. Every in-region S3 request of the private subnets goes through
 * it, so it admits this account's principals on this account's buckets, and reading ECR's image
 * layers, which live in an AWS-owned bucket (`prod-<region>-starport-layer-bucket`): the layer
 * download is a URL ECR presigns, so neither the bucket nor the signer is this account, and the
 * statement is scoped by bucket and action (GetObject) instead, as ECR's documentation gives it.
 */
export function s3GatewayPolicy(region: string, accountId: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ThisAccountsPrincipalsOnThisAccountsBuckets',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': accountId, 'aws:ResourceAccount': accountId },
        },
      },
      {
        Sid: 'EcrImageLayers',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::prod-${region}-starport-layer-bucket/*`,
      },
    ],
  };
}

function validate(props: VpcEndpointsProps): void {
  if (props.subnetIds.length < 1) {
    throw new ValidationError(
      'VpcEndpoints',
      'subnetIds',
      props.subnetIds,
      'give the private subnets, one per zone',
    );
  }
  if (props.routeTableIds.length < 1) {
    throw new ValidationError(
      'VpcEndpoints',
      'routeTableIds',
      props.routeTableIds,
      "give the private subnets' route tables (the S3 gateway endpoint's routes)",
    );
  }
}
