import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ECS_TASKS_SERVICE, assumeRolePolicy } from '../constructs/assume-role-policy';
import { LogEncryptionKey } from '../constructs/log-encryption-key';
import { ECS_TASK_EXECUTION_POLICY_ARN } from '../constructs/task-roles';
import { suppressPolicy } from '../policies/suppressions';
import { providerAlias } from '../settings/regions';
import { BackendSettings, stateBackend } from './backend';
import { requireTerraformVersion } from './terraform-version';

export interface SimpleFargateStackProps {
  /** Region to deploy the example into. */
  readonly region: string;
  /** Availability zone of the single public subnet; must belong to `region`. */
  readonly availabilityZone: string;
  /**
   * Account the provider may run against.
   * @default - any account
   */
  readonly accountId?: string;
  /**
   * Retention of the container log group, in days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Where the state lives.
   * @default - local, in terraform.tfstate.d/<stack>.tfstate at the project root
   */
  readonly backend?: BackendSettings;
  /**
   * Tags for every resource (through the provider's default tags).
   * @default - only managed-by
   */
  readonly tags?: Record<string, string>;
}

/**
 * The seed's section 8.8 "Simple ECS Fargate Cluster Example", with the seed's values, plus what the
 * seed forgot so that it runs: an internet gateway and default route (the tasks pull a public image
 * through their public IPs), an execution role, a log group and a security group admitting port 80.
 */
export class SimpleFargateStack extends TerraformStack {
  public readonly cluster: EcsCluster;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly service: EcsService;

  constructor(scope: Construct, id: string, props: SimpleFargateStackProps) {
    super(scope, id);
    stateBackend(this, id, props.backend ?? { type: 'local' });
    requireTerraformVersion(this);
    const provider = new AwsProvider(this, 'aws', {
      alias: providerAlias(props.region),
      region: props.region,
      allowedAccountIds: props.accountId ? [props.accountId] : undefined,
      defaultTags: [{ tags: { ...props.tags, 'managed-by': 'cdktf' } }],
    });

    const vpc = new Vpc(this, 'VPC', {
      provider,
      cidrBlock: '10.0.0.0/16',
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${id}-vpc` },
    });
    const subnet = new Subnet(this, 'PublicSubnet', {
      provider,
      vpcId: vpc.id,
      cidrBlock: '10.0.1.0/24',
      availabilityZone: props.availabilityZone,
      mapPublicIpOnLaunch: true,
      tags: { Name: `${id}-public` },
    });
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { provider, vpcId: vpc.id });
    suppressPolicy(
      vpc,
      'vpc-flow-logs',
      "the seed's 8.8 example is a one-subnet demo without flow logs; the platform stack's VPCs have them",
    );
    const internetGateway = new InternetGateway(this, 'InternetGateway', {
      provider,
      vpcId: vpc.id,
    });
    const routeTable = new RouteTable(this, 'PublicRouteTable', { provider, vpcId: vpc.id });
    new Route(this, 'DefaultRoute', {
      provider,
      routeTableId: routeTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: internetGateway.id,
    });
    new RouteTableAssociation(this, 'PublicSubnetRouteTable', {
      provider,
      subnetId: subnet.id,
      routeTableId: routeTable.id,
    });

    const securityGroup = new SecurityGroup(this, 'ServiceSecurityGroup', {
      provider,
      name: `${id}-service`,
      description: 'Admits HTTP on port 80 to the sample tasks',
      vpcId: vpc.id,
    });
    const httpIngress = new VpcSecurityGroupIngressRule(this, 'HttpIngress', {
      provider,
      securityGroupId: securityGroup.id,
      description: 'HTTP from anywhere',
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: 80,
      toPort: 80,
    });
    suppressPolicy(
      httpIngress,
      'vpc-no-world-ingress',
      "the seed's 8.8 example serves port 80 straight from its tasks' public IPs; it has no load balancer",
    );
    const allEgress = new VpcSecurityGroupEgressRule(this, 'AllEgress', {
      provider,
      securityGroupId: securityGroup.id,
      description: 'Image pulls and log delivery over the internet gateway',
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: '-1',
    });
    suppressPolicy(
      allEgress,
      'vpc-no-world-egress',
      "the seed's 8.8 example keeps the seed's allow-all egress (image pulls and logs through the internet gateway); it is an example, never built in production",
    );

    // Like every log group of the project: a retention and a customer-managed key. The account comes
    // from the settings; only without it is it looked up (one STS call at plan time).
    const accountId = props.accountId ?? new DataAwsCallerIdentity(this, 'Account', { provider }).accountId;
    const logKey = new LogEncryptionKey(this, 'LogKey', {
      provider,
      region: props.region,
      accountId,
      alias: `${id}/logs`,
    });
    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      provider,
      name: '/ecs/MyTask',
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: logKey.arn,
    });

    const trust = assumeRolePolicy(this, 'ExecutionRoleTrust', {
      provider,
      service: ECS_TASKS_SERVICE,
      sourceAccount: props.accountId,
    });
    const executionRole = new IamRole(this, 'ExecutionRole', {
      provider,
      namePrefix: `${id}-exec-`.slice(0, 38),
      assumeRolePolicy: trust.json,
    });
    const executionPolicy = new IamRolePolicyAttachment(this, 'ExecutionRolePolicy', {
      provider,
      role: executionRole.name,
      policyArn: ECS_TASK_EXECUTION_POLICY_ARN,
    });

    this.cluster = new EcsCluster(this, 'ECSCluster', {
      provider,
      name: 'MyFargateCluster',
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });

    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      provider,
      family: 'MyTask',
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: executionRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: 'app',
          image: 'amazon/amazon-ecs-sample:latest',
          essential: true,
          portMappings: [{ containerPort: 80, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': logGroup.name,
              'awslogs-region': props.region,
              'awslogs-stream-prefix': 'ecs',
            },
          },
        },
      ]),
    });

    suppressPolicy(
      this.taskDefinition,
      'ecs-readonly-root-filesystem',
      'amazon/amazon-ecs-sample runs Apache httpd, which writes to its root filesystem',
    );
    suppressPolicy(
      this.taskDefinition,
      'ecs-non-root-user',
      'amazon/amazon-ecs-sample starts Apache httpd as root to bind port 80 in the task, then drops to its daemon user',
    );
    suppressPolicy(
      this.taskDefinition,
      'ecs-container-health-check',
      "the seed's 8.8 example is a demo kept as the seed wrote it, without a container health check; the platform stack's service has one",
    );

    this.service = new EcsService(this, 'ECSService', {
      provider,
      name: 'MyService',
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: {
        subnets: [subnet.id],
        securityGroups: [securityGroup.id],
        assignPublicIp: true,
      },
      dependsOn: [executionPolicy, internetGateway],
    });

    suppressPolicy(
      this.service,
      'ecs-service-no-public-ip',
      "the seed's 8.8 example runs its tasks in a public subnet with public IPs by design",
    );

    new TerraformOutput(this, 'cluster_name', { staticId: true, value: this.cluster.name });
    new TerraformOutput(this, 'service_name', { staticId: true, value: this.service.name });
  }
}
