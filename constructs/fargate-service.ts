import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { fargateSizeProblem } from '../settings/fargate';
import { ValidationError } from './validation-error';

/** Name of the application container and of the task's EFS volume. */
export const CONTAINER_NAME = 'app';
export const EFS_VOLUME_NAME = 'efs-storage';
/** Paths the SSM agent behind ECS Exec writes to. */
export const ECS_EXEC_WRITABLE_PATHS = ['/var/lib/amazon', '/var/log/amazon'];
/** Where the EFS volume is mounted in the container (seed 8.3). */
export const EFS_CONTAINER_PATH = '/mnt/efs';

export interface FargateServiceProps {
  /** The provider of the service's region. */
  readonly provider: AwsProvider;
  /** The service's region; goes into `AWS_REGION` and the awslogs options. */
  readonly region: string;
  /** Prefix of every name, e.g. `fargate-dev`; the task family is `<namePrefix>-task`. */
  readonly namePrefix: string;
  /** The cluster the service runs in. */
  readonly cluster: EcsCluster;
  /** The tasks' security group; this construct adds its ingress (from the ALB only) and egress rules. */
  readonly securityGroup: SecurityGroup;
  /** Private subnets for the tasks (no public IPs). */
  readonly subnetIds: string[];
  /** Security group of the load balancer, the only source admitted on the container port. */
  readonly loadBalancerSecurityGroupId: string;
  /** Target group (type ip) the service registers its tasks in. */
  readonly targetGroupArn: string;
  /** Listeners that forward to the target group; the service waits for them (ECS refuses an unattached target group). */
  readonly listeners: ITerraformDependable[];
  /**
   * The tasks' way out (private route tables, routes, associations); the service waits for it so
   * its first tasks can pull the image and reach AWS APIs.
   * @default - none: the subnets are assumed to route already
   */
  readonly egressRouting?: ITerraformDependable[];
  /**
   * Where ECS Exec sessions are logged (the cluster's execute command configuration) and the key
   * that encrypts their data channel; with ECS Exec on, the task role may write exactly to that
   * log group and decrypt with exactly that key.
   * @default - none: required when enableExecuteCommand is true
   */
  readonly execSessions?: { readonly logGroupArn: string; readonly kmsKeyArn: string };
  /** Full image reference with tag, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3`. */
  readonly image: string;
  /** EFS mounted read-write at /mnt/efs through its access point, with IAM authorization and TLS. */
  readonly fileSystem: {
    readonly fileSystemId: string;
    readonly accessPointId: string;
    readonly securityGroupId: string;
    /** Mount targets; the service waits for them so its first tasks can mount. */
    readonly mountTargets: ITerraformDependable[];
    /** Statements the task role needs to mount and write through the access point. */
    readonly clientPolicyStatements: DataAwsIamPolicyDocumentStatement[];
  };
  /** The region's data bucket: name into `S3_BUCKET`, access into the task role. */
  readonly dataBucket: {
    readonly bucketName: string;
    /** Statements the task role needs to read and write the bucket. */
    readonly readWriteStatements: DataAwsIamPolicyDocumentStatement[];
  };
  /**
   * Task CPU units.
   * @default 1024
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB; must be a Fargate size for the CPU.
   * @default 2048
   */
  readonly memoryMiB?: number;
  /**
   * Port the container listens on.
   * @default 80
   */
  readonly containerPort?: number;
  /**
   * Container health check command, e.g. `["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`.
   * @default - no container health check; the load balancer's target health check still applies
   */
  readonly healthCheckCommand?: string[];
  /**
   * Mount the root filesystem read-only.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Absolute paths backed by writable task storage (needed with a read-only root filesystem).
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Retention of the container log group, in days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * KMS key that encrypts the container log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * Tasks at creation; ignored afterwards, autoscaling owns the count.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Autoscaling minimum.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Autoscaling maximum.
   * @default 10
   */
  readonly maxCapacity?: number;
  /**
   * Target average CPU utilization, percent.
   * @default 70
   */
  readonly cpuTargetPercent?: number;
  /**
   * Target average memory utilization, percent.
   * @default 75
   */
  readonly memoryTargetPercent?: number;
  /**
   * Seconds between scale-in activities.
   * @default 60
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds between scale-out activities.
   * @default 60
   */
  readonly scaleOutCooldownSeconds?: number;
  /**
   * Seconds failing load balancer health checks are ignored after a task starts.
   * @default 60
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Run no tasks: the service is created with 0 tasks and its autoscaling range is 0 to 0. For a
   * first apply before the image exists; turning it off lets autoscaling raise the service to
   * `minCapacity` with the same task definition.
   * @default false
   */
  readonly paused?: boolean;
  /**
   * Allow ECS Exec (`aws ecs execute-command`); adds the SSM channel permissions to the task role.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * Account ID; scopes the roles' trust policies with `aws:SourceAccount`.
   * @default - trust not scoped by account
   */
  readonly accountId?: string;
}

/**
 * The application on Fargate (seed 8.3 and 8.5): a task definition with separate execution and task
 * roles, the EFS volume and the region's bucket, a service behind the load balancer in private
 * subnets with a rollback circuit breaker, and target-tracking autoscaling on CPU and memory.
 */
export class FargateService extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly service: EcsService;
  public readonly scalableTarget: AppautoscalingTarget;
  public readonly cpuScalingPolicy: AppautoscalingPolicy;
  public readonly memoryScalingPolicy: AppautoscalingPolicy;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const cpu = props.cpu ?? 1024;
    const memoryMiB = props.memoryMiB ?? 2048;
    const containerPort = props.containerPort ?? 80;
    const desiredCount = props.desiredCount ?? 2;
    const minCapacity = props.minCapacity ?? 2;
    const maxCapacity = props.maxCapacity ?? 10;
    const writablePaths = props.writablePaths ?? ['/tmp'];
    const enableExecuteCommand = props.enableExecuteCommand ?? false;
    validate(props, { cpu, memoryMiB, containerPort, desiredCount, minCapacity, maxCapacity, writablePaths });
    const { provider, namePrefix } = props;

    // Network: the ALB is the only way in; out: HTTPS (ECR, S3, CloudWatch, SSM through NAT) and NFS to EFS.
    new VpcSecurityGroupIngressRule(this, 'IngressFromLoadBalancer', {
      provider,
      securityGroupId: props.securityGroup.id,
      description: 'Container port from the load balancer only',
      referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: containerPort,
      toPort: containerPort,
    });
    const egressHttps = new VpcSecurityGroupEgressRule(this, 'EgressHttps', {
      provider,
      securityGroupId: props.securityGroup.id,
      description: 'HTTPS to AWS APIs and the image registry',
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
    });
    const egressNfs = new VpcSecurityGroupEgressRule(this, 'EgressNfs', {
      provider,
      securityGroupId: props.securityGroup.id,
      description: 'NFS to the EFS mount targets',
      referencedSecurityGroupId: props.fileSystem.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 2049,
      toPort: 2049,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      provider,
      name: `/ecs/${namePrefix}`,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.logKmsKeyArn,
    });

    // Both roles trust ECS tasks of this account; the task role also only from this region's ECS
    // (AWS documents aws:SourceArn for task roles, not for execution roles).
    const trustPolicy = (id: string, sourceArn: boolean) =>
      new DataAwsIamPolicyDocument(this, id, {
        provider,
        statement: [
          {
            effect: 'Allow',
            actions: ['sts:AssumeRole'],
            principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
            condition: props.accountId
              ? [
                  { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
                  ...(sourceArn
                    ? [
                        {
                          test: 'ArnLike',
                          variable: 'aws:SourceArn',
                          values: [`arn:aws:ecs:${props.region}:${props.accountId}:*`],
                        },
                      ]
                    : []),
                ]
              : undefined,
          },
        ],
      });

    this.executionRole = new IamRole(this, 'ExecutionRole', {
      provider,
      namePrefix: `${namePrefix}-exec-`.slice(0, 38),
      description: `Pulls the image and writes logs for ${namePrefix} tasks`,
      assumeRolePolicy: trustPolicy('ExecutionTrust', false).json,
    });
    const executionPolicy = new IamRolePolicyAttachment(this, 'ExecutionRolePolicy', {
      provider,
      role: this.executionRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });

    this.taskRole = new IamRole(this, 'TaskRole', {
      provider,
      namePrefix: `${namePrefix}-task-`.slice(0, 38),
      description: `Application permissions of ${namePrefix} tasks`,
      assumeRolePolicy: trustPolicy('TaskTrust', true).json,
    });
    const taskPermissions = new DataAwsIamPolicyDocument(this, 'TaskPermissions', {
      provider,
      statement: [
        ...props.dataBucket.readWriteStatements,
        ...props.fileSystem.clientPolicyStatements,
        ...(enableExecuteCommand
          ? [
              {
                sid: 'EcsExecChannels',
                effect: 'Allow',
                actions: [
                  'ssmmessages:CreateControlChannel',
                  'ssmmessages:CreateDataChannel',
                  'ssmmessages:OpenControlChannel',
                  'ssmmessages:OpenDataChannel',
                ],
                // Session channels have no resource ARN; AWS documents "*" for these actions.
                resources: ['*'],
              },
              {
                sid: 'EcsExecFindLogGroup',
                effect: 'Allow',
                // The agent checks the log group's encryption first; DescribeLogGroups takes no resource ARN.
                actions: ['logs:DescribeLogGroups'],
                resources: ['*'],
              },
              {
                sid: 'EcsExecSessionLogs',
                effect: 'Allow',
                actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
                resources: [`${(props.execSessions as { logGroupArn: string }).logGroupArn}:*`],
              },
              {
                sid: 'EcsExecSessionKey',
                effect: 'Allow',
                actions: ['kms:Decrypt'],
                resources: [(props.execSessions as { kmsKeyArn: string }).kmsKeyArn],
              },
            ]
          : []),
      ],
    });
    const taskPolicy = new IamRolePolicy(this, 'TaskPolicy', {
      provider,
      role: this.taskRole.id,
      name: 'application',
      policy: taskPermissions.json,
    });

    // ECS Exec's SSM agent writes its state and logs here; a read-only root needs them writable.
    const execPaths =
      enableExecuteCommand && (props.readonlyRootFilesystem ?? true) ? ECS_EXEC_WRITABLE_PATHS : [];
    const scratchVolumes = [...writablePaths, ...execPaths.filter((p) => !writablePaths.includes(p))].map(
      (containerPath, index) => ({
        name: `scratch-${index + 1}`,
        containerPath,
      }),
    );
    const container: Record<string, unknown> = {
      name: CONTAINER_NAME,
      image: props.image,
      essential: true,
      privileged: false,
      readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
      portMappings: [{ containerPort, protocol: 'tcp' }],
      mountPoints: [
        { sourceVolume: EFS_VOLUME_NAME, containerPath: EFS_CONTAINER_PATH, readOnly: false },
        ...scratchVolumes.map((v) => ({
          sourceVolume: v.name,
          containerPath: v.containerPath,
          readOnly: false,
        })),
      ],
      environment: [
        { name: 'S3_BUCKET', value: props.dataBucket.bucketName },
        { name: 'AWS_REGION', value: props.region },
      ],
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': this.logGroup.name,
          'awslogs-region': props.region,
          'awslogs-stream-prefix': 'ecs',
        },
      },
    };
    if (props.healthCheckCommand) {
      container.healthCheck = {
        command: props.healthCheckCommand,
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 60,
      };
    }

    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      provider,
      family: `${namePrefix}-task`,
      cpu: String(cpu),
      memory: String(memoryMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      volume: [
        {
          name: EFS_VOLUME_NAME,
          efsVolumeConfiguration: {
            fileSystemId: props.fileSystem.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { accessPointId: props.fileSystem.accessPointId, iam: 'ENABLED' },
          },
        },
        ...scratchVolumes.map((v) => ({ name: v.name })),
      ],
      containerDefinitions: JSON.stringify([container]),
    });

    this.service = new EcsService(this, 'Service', {
      provider,
      name: `${namePrefix}-service`,
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.paused ? 0 : desiredCount,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [props.securityGroup.id],
        assignPublicIp: false,
      },
      loadBalancer: [{ targetGroupArn: props.targetGroupArn, containerName: CONTAINER_NAME, containerPort }],
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // After an AZ outage ECS moves tasks back until they are spread evenly again.
      availabilityZoneRebalancing: 'ENABLED',
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      enableExecuteCommand,
      waitForSteadyState: false,
      lifecycle: { ignoreChanges: ['desired_count'] },
      // The first tasks need the roles' permissions, the listeners and the mount targets in place.
      // Its tasks also need their way out: routes to the NAT gateways and the security group's egress.
      dependsOn: [
        ...props.listeners,
        ...props.fileSystem.mountTargets,
        executionPolicy,
        taskPolicy,
        egressHttps,
        egressNfs,
        ...(props.egressRouting ?? []),
      ],
    });

    // No role_arn: Application Auto Scaling uses its ECS service-linked role.
    this.scalableTarget = new AppautoscalingTarget(this, 'ScalableTarget', {
      provider,
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.cluster.name}/${this.service.name}`,
      minCapacity: props.paused ? 0 : minCapacity,
      maxCapacity: props.paused ? 0 : maxCapacity,
    });
    const trackingPolicy = (id: string, name: string, metric: string, target: number) =>
      new AppautoscalingPolicy(this, id, {
        provider,
        name: `${namePrefix}-${name}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: this.scalableTarget.serviceNamespace,
        scalableDimension: this.scalableTarget.scalableDimension,
        resourceId: this.scalableTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: metric },
          targetValue: target,
          scaleInCooldown: props.scaleInCooldownSeconds ?? 60,
          scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
        },
      });
    this.cpuScalingPolicy = trackingPolicy(
      'CpuScaling',
      'cpu-scaling',
      'ECSServiceAverageCPUUtilization',
      props.cpuTargetPercent ?? 70,
    );
    this.memoryScalingPolicy = trackingPolicy(
      'MemoryScaling',
      'memory-scaling',
      'ECSServiceAverageMemoryUtilization',
      props.memoryTargetPercent ?? 75,
    );
  }
}

interface Resolved {
  cpu: number;
  memoryMiB: number;
  containerPort: number;
  desiredCount: number;
  minCapacity: number;
  maxCapacity: number;
  writablePaths: string[];
}

function validate(props: FargateServiceProps, v: Resolved): void {
  if (props.enableExecuteCommand && !props.execSessions) {
    throw new ValidationError(
      'FargateService',
      'execSessions',
      undefined,
      'give the session log group and key when enableExecuteCommand is true: ECS Exec sessions must be logged',
    );
  }
  const sizeProblem = fargateSizeProblem(v.cpu, v.memoryMiB);
  if (sizeProblem) {
    throw new ValidationError('FargateService', 'cpu/memoryMiB', `${v.cpu}/${v.memoryMiB}`, sizeProblem);
  }
  if (!Number.isInteger(v.containerPort) || v.containerPort < 1 || v.containerPort > 65535) {
    throw new ValidationError(
      'FargateService',
      'containerPort',
      v.containerPort,
      'use a port from 1 to 65535',
    );
  }
  if (!(v.minCapacity <= v.desiredCount && v.desiredCount <= v.maxCapacity)) {
    throw new ValidationError(
      'FargateService',
      'desiredCount',
      v.desiredCount,
      `it must lie within minCapacity ${v.minCapacity} and maxCapacity ${v.maxCapacity}`,
    );
  }
  for (const target of [props.cpuTargetPercent, props.memoryTargetPercent]) {
    if (target !== undefined && !(target > 0 && target <= 100)) {
      throw new ValidationError(
        'FargateService',
        'cpuTargetPercent/memoryTargetPercent',
        target,
        'use 1 to 100',
      );
    }
  }
  for (const path of v.writablePaths) {
    if (Token.isUnresolved(path)) continue;
    if (
      !path.startsWith('/') ||
      path === '/' ||
      path === EFS_CONTAINER_PATH ||
      path.startsWith(`${EFS_CONTAINER_PATH}/`)
    ) {
      throw new ValidationError(
        'FargateService',
        'writablePaths',
        path,
        `use absolute paths other than / and outside ${EFS_CONTAINER_PATH}`,
      );
    }
  }
  if (props.subnetIds.length === 0) {
    throw new ValidationError(
      'FargateService',
      'subnetIds',
      props.subnetIds,
      'list at least one private subnet',
    );
  }
}
