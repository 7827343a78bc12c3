import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

export interface TaskSecurityGroupRulesProps {
  /** The provider of the tasks' region. */
  readonly provider: AwsProvider;
  /** The tasks' security group the rules belong to. */
  readonly securityGroup: SecurityGroup;
  /** Port the container listens on; the load balancer may reach it there only. */
  readonly containerPort: number;
  /**
   * Security group of the load balancer, the only source admitted on the container port.
   * @default - no ingress at all (a worker or a scheduled task)
   */
  readonly loadBalancerSecurityGroupId?: string;
  /** Security group of the file system's mount targets: NFS goes there. */
  readonly fileSystemSecurityGroupId: string;
}

/**
 * The tasks' own security group rules: in, the container port from the load balancer only; out,
 * HTTPS (ECR, S3, CloudWatch, SSM through NAT or endpoints) and NFS to the file system.
 */
export class TaskSecurityGroupRules extends Construct {
  /** The container port from the load balancer; none without a load balancer. */
  public readonly ingressFromLoadBalancer?: VpcSecurityGroupIngressRule;
  public readonly egressHttps: VpcSecurityGroupEgressRule;
  public readonly egressNfs: VpcSecurityGroupEgressRule;

  constructor(scope: Construct, id: string, props: TaskSecurityGroupRulesProps) {
    super(scope, id);
    const { provider, securityGroup } = props;
    if (props.loadBalancerSecurityGroupId !== undefined) {
      this.ingressFromLoadBalancer = new VpcSecurityGroupIngressRule(this, 'IngressFromLoadBalancer', {
        provider,
        securityGroupId: securityGroup.id,
        description: 'Container port from the load balancer only',
        referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: props.containerPort,
        toPort: props.containerPort,
      });
    }
    this.egressHttps = new VpcSecurityGroupEgressRule(this, 'EgressHttps', {
      provider,
      securityGroupId: securityGroup.id,
      description: 'HTTPS to AWS APIs and the image registry',
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
    });
    this.egressNfs = new VpcSecurityGroupEgressRule(this, 'EgressNfs', {
      provider,
      securityGroupId: securityGroup.id,
      description: 'NFS to the EFS mount targets',
      referencedSecurityGroupId: props.fileSystemSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: 2049,
      toPort: 2049,
    });
  }
}
