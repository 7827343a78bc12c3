/**
 * A small App of two stacks joined by cdktf's automatic cross-stack references, the way an
 * environment split into a foundation and a stack per service is: the foundation `tiny-dev` (VPC,
 * subnets, the load balancer's security group, load balancer, listener, ECS cluster, a KMS key per
 * region, a file system) and the service `tiny-dev-svc-web`, which uses their attributes in a target
 * group, listener rule, security group rules, log groups, an access point, a task definition, an ECS
 * service and an alarm on the load balancer's dimensions.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { BackendSettings, stateBackend } from '../stacks/backend';
import { SynthesizedApp, readSynthesizedApp } from './synth';

export const FOUNDATION = 'tiny-dev';
export const SERVICE = 'tiny-dev-svc-web';

/** The two stacks' output folder, each stack's folder and JSON. */
export type TwoStackApp = SynthesizedApp;

export interface TwoStackOptions {
  /** @default - the local backend, as the project's settings default to */
  readonly backend?: BackendSettings;
  /** The load balancer's name. @default 'tiny-dev-alb' */
  readonly loadBalancerName?: string;
}

function providers(stack: TerraformStack) {
  const allowed = { allowedAccountIds: ['123456789012'] };
  return {
    us: new AwsProvider(stack, 'aws_us_east_1', { alias: 'us_east_1', region: 'us-east-1', ...allowed }),
    eu: new AwsProvider(stack, 'aws_eu_west_1', { alias: 'eu_west_1', region: 'eu-west-1', ...allowed }),
  };
}

/** Synthesizes the two stacks into a fresh cdktf.out in the temporary folder. */
export function synthTwoStackApp(options: TwoStackOptions = {}): TwoStackApp {
  const backend: BackendSettings = options.backend ?? { type: 'local' };
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'two-stack-')), 'cdktf.out');
  const app = new App({ outdir });

  const foundation = new TerraformStack(app, FOUNDATION);
  stateBackend(foundation, FOUNDATION, backend);
  const f = providers(foundation);
  const vpc = new Vpc(foundation, 'Vpc', { provider: f.us, cidrBlock: '10.0.0.0/16' });
  const subnets = ['a', 'b'].map(
    (az, i) =>
      new Subnet(foundation, `Private-${az}`, {
        provider: f.us,
        vpcId: vpc.id,
        cidrBlock: `10.0.${i}.0/24`,
        availabilityZone: `us-east-1${az}`,
      }),
  );
  const lbGroup = new SecurityGroup(foundation, 'LbSecurityGroup', {
    provider: f.us,
    vpcId: vpc.id,
    name: 'tiny-dev-alb',
    description: 'load balancer',
  });
  const lb = new Lb(foundation, 'Lb', {
    provider: f.us,
    name: options.loadBalancerName ?? 'tiny-dev-alb',
    loadBalancerType: 'application',
    subnets: subnets.map((subnet) => subnet.id),
    securityGroups: [lbGroup.id],
  });
  const listener = new LbListener(foundation, 'Listener', {
    provider: f.us,
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: 'HTTP',
    defaultAction: [
      { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404' } },
    ],
  });
  const cluster = new EcsCluster(foundation, 'Cluster', { provider: f.us, name: 'tiny-dev' });
  const usKey = new KmsKey(foundation, 'LogKey', { provider: f.us, description: 'logs' });
  const euKey = new KmsKey(foundation, 'LogKeyEu', { provider: f.eu, description: 'logs' });
  const fileSystem = new EfsFileSystem(foundation, 'FileSystem', {
    provider: f.us,
    encrypted: true,
    kmsKeyId: usKey.arn,
  });

  const service = new TerraformStack(app, SERVICE);
  stateBackend(service, SERVICE, backend);
  const s = providers(service);
  const serviceGroup = new SecurityGroup(service, 'ServiceSecurityGroup', {
    provider: s.us,
    vpcId: vpc.id,
    name: 'tiny-dev-web',
    description: 'web tasks',
  });
  new VpcSecurityGroupIngressRule(service, 'FromLoadBalancer', {
    provider: s.us,
    securityGroupId: serviceGroup.id,
    referencedSecurityGroupId: lbGroup.id,
    ipProtocol: 'tcp',
    fromPort: 8080,
    toPort: 8080,
  });
  new SecurityGroupRule(service, 'LoadBalancerToService', {
    provider: s.us,
    type: 'egress',
    securityGroupId: lbGroup.id,
    sourceSecurityGroupId: serviceGroup.id,
    protocol: 'tcp',
    fromPort: 8080,
    toPort: 8080,
  });
  const targetGroup = new LbTargetGroup(service, 'TargetGroup', {
    provider: s.us,
    name: 'tiny-dev-web',
    port: 8080,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId: vpc.id,
  });
  const rule = new LbListenerRule(service, 'ListenerRule', {
    provider: s.us,
    listenerArn: listener.arn,
    priority: 100,
    action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
    condition: [{ pathPattern: { values: ['/*'] } }],
  });
  const logGroup = new CloudwatchLogGroup(service, 'LogGroup', {
    provider: s.us,
    name: '/ecs/tiny-dev/web',
    kmsKeyId: usKey.arn,
    retentionInDays: 30,
  });
  new CloudwatchLogGroup(service, 'LogGroupEu', {
    provider: s.eu,
    name: '/ecs/tiny-dev/web',
    kmsKeyId: euKey.arn,
    retentionInDays: 30,
  });
  const accessPoint = new EfsAccessPoint(service, 'AccessPoint', {
    provider: s.us,
    fileSystemId: fileSystem.id,
    posixUser: { uid: 1000, gid: 1000 },
    rootDirectory: {
      path: '/web',
      creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: '750' },
    },
  });
  const task = new EcsTaskDefinition(service, 'TaskDefinition', {
    provider: s.us,
    family: 'tiny-dev-web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: JSON.stringify([
      {
        name: 'web',
        image: 'public.ecr.aws/nginx/nginx:1.27',
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': logGroup.name, 'awslogs-region': 'us-east-1' },
        },
      },
    ]),
    volume: [
      {
        name: 'data',
        efsVolumeConfiguration: {
          fileSystemId: fileSystem.id,
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: accessPoint.id, iam: 'ENABLED' },
        },
      },
    ],
  });
  new EcsService(service, 'Service', {
    provider: s.us,
    name: 'web',
    cluster: cluster.arn,
    taskDefinition: task.arn,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: {
      subnets: subnets.map((subnet) => subnet.id),
      securityGroups: [serviceGroup.id],
    },
    loadBalancer: [{ targetGroupArn: targetGroup.arn, containerName: 'web', containerPort: 8080 }],
    dependsOn: [rule],
  });
  new CloudwatchMetricAlarm(service, 'Unhealthy', {
    provider: s.us,
    alarmName: 'tiny-dev-web-unhealthy',
    namespace: 'AWS/ApplicationELB',
    metricName: 'UnHealthyHostCount',
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    dimensions: { LoadBalancer: lb.arnSuffix },
  });

  app.synth();
  return readSynthesizedApp(outdir);
}
