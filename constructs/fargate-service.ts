import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { fargateSizeProblem } from '../settings/fargate';
import {
  CollectorOptions,
  ContainerDefinitions,
  ContainerDependency,
  ContainerPortMapping,
  LogRouterOptions,
  RegistryCredentials,
  SidecarContainer,
  SizeSettingNames,
} from './container-definitions';
import { FargateScalingSchedule, ServiceScaling } from './service-scaling';
import { CONTAINER_NAME, EFS_CONTAINER_PATH, TaskDefinition } from './task-definition';
import { FargateServiceSecret, TaskRoles } from './task-roles';
import { TaskSecurityGroupRules } from './task-security-group-rules';
import { ValidationError } from './validation-error';
import { inOwnStack } from './same-stack';

export { CONTAINER_NAME, EFS_CONTAINER_PATH, EFS_VOLUME_NAME } from './task-definition';
export type { FargateServiceSecret } from './task-roles';
export type { FargateScalingSchedule } from './service-scaling';
/** Paths the SSM agent behind ECS Exec writes to. */
export const ECS_EXEC_WRITABLE_PATHS = ['/var/lib/amazon', '/var/log/amazon'];
/** Variables the service sets itself; the application's may not reuse them. */
export const SERVICE_VARIABLES = ['S3_BUCKET', 'S3_PREFIX', 'AWS_REGION'];

/** A capacity provider of the service's strategy. */
export interface FargateCapacityProvider {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  /** Tasks placed here before the weights apply; only one provider may have a base. */
  readonly base: number;
  /** Share of the tasks beyond the bases. */
  readonly weight: number;
}

/** The ECS service's name, `<namePrefix>-service`; known before synthesis so alarms can name it. */
export function fargateServiceName(namePrefix: string): string {
  return `${namePrefix}-service`;
}

export interface FargateServiceProps {
  /** The provider of the service's region. */
  readonly provider: AwsProvider;
  /** The service's region; goes into `AWS_REGION` and the awslogs options. */
  readonly region: string;
  /** Prefix of every name, e.g. `fargate-dev-api`; the task family is `<namePrefix>-task`. */
  readonly namePrefix: string;
  /**
   * The ECS service's name.
   * @default - `<namePrefix>-service`
   */
  readonly serviceName?: string;
  /**
   * Where this service's settings are in the settings file, e.g. `services.api`: a message about
   * the task definition names the settings to change (`services.api.task.environment`,
   * `services.api.regions.<region>.environment`).
   * @default - messages name this construct's props (`environment`, `secrets`, ...)
   */
  readonly settingsPath?: string;
  /** The cluster the service runs in. */
  readonly cluster: EcsCluster;
  /** The tasks' security group; this construct adds its ingress (from the ALB only) and egress rules. */
  readonly securityGroup: SecurityGroup;
  /** Private subnets for the tasks (no public IPs). */
  readonly subnetIds: string[];
  /**
   * Security group of the load balancer, the only source admitted on the container port.
   * @default - no ingress at all (a worker or a scheduled task, without targetGroupArn)
   */
  readonly loadBalancerSecurityGroupId?: string;
  /**
   * Target group (type ip) the service registers its tasks in.
   * @default - no load balancer: the container publishes no port, and the service's health is its
   * container health check (healthCheckCommand is then required)
   */
  readonly targetGroupArn?: string;
  /**
   * Listeners that forward to the target group; the service waits for them (ECS refuses an unattached target group).
   * @default - none (no target group)
   */
  readonly listeners?: ITerraformDependable[];
  /**
   * Only the task definition, its roles, log group and security group rules: no ECS service and no
   * scaling (a task another service starts, e.g. EventBridge Scheduler; settings kind `scheduled`).
   * @default false
   */
  readonly standalone?: boolean;
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
  /**
   * Full image reference with tag or digest, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3`
   * or `…/app@sha256:<64 hex>`.
   */
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
    /**
     * The key prefix the service may use, into `S3_PREFIX` (without a trailing slash).
     * @default - the whole bucket: no `S3_PREFIX`
     */
    readonly prefix?: string;
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
   * Seconds between container health checks (5 to 300).
   * @default 30
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Seconds a container health check may take (2 to 120), less than the interval.
   * @default 5
   */
  readonly healthCheckTimeoutSeconds?: number;
  /**
   * Failed container health checks before the container is unhealthy (1 to 10).
   * @default 3
   */
  readonly healthCheckRetries?: number;
  /**
   * Seconds after start during which failing container health checks do not count (0 to 300).
   * @default 60
   */
  readonly healthCheckStartPeriodSeconds?: number;
  /**
   * Plain environment variables, after `S3_BUCKET` and `AWS_REGION` (which they may not reuse).
   * @default - none
   */
  readonly environment?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /**
   * Secrets as variables; the execution role may read exactly these ARNs and decrypt with exactly their keys.
   * @default - none
   */
  readonly secrets?: readonly FargateServiceSecret[];
  /**
   * Overrides the image's CMD.
   * @default - the image's CMD
   */
  readonly command?: string[];
  /**
   * Overrides the image's ENTRYPOINT.
   * @default - the image's ENTRYPOINT
   */
  readonly entryPoint?: string[];
  /**
   * The user the container runs as (`uid`, `uid:gid`, `user`, `user:group`); root is refused unless
   * `rootUserReason` says why.
   * @default '1000:1000' - the EFS access point's POSIX user
   */
  readonly user?: string;
  /**
   * Why the container must run as root; required with user `root` or `0`.
   * @default - root is refused
   */
  readonly rootUserReason?: string;
  /**
   * `X86_64` or `ARM64`.
   * @default 'X86_64'
   */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /**
   * Task ephemeral storage in GiB, 21 to 200.
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
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
   * Capacity provider strategy (the cluster must have these providers); Fargate Spot needs X86_64.
   * @default - launch type FARGATE
   */
  readonly capacityProviders?: readonly FargateCapacityProvider[];
  /** The cluster's capacity provider association the service waits for, with capacityProviders. */
  readonly clusterCapacityProviders?: ITerraformDependable;
  /**
   * Target requests per task and minute for a target-tracking policy on ALBRequestCountPerTarget.
   * @default - no request-count policy
   */
  readonly requestCountPerTarget?: number;
  /**
   * The metric's resource label, `app/<lb-name>/<id>/targetgroup/<tg-name>/<id>`; required with requestCountPerTarget.
   * @default - none
   */
  readonly requestCountResourceLabel?: string;
  /**
   * Scheduled changes of the autoscaling range.
   * @default - none
   */
  readonly scheduledScaling?: readonly FargateScalingSchedule[];
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
  /**
   * CloudWatch alarms that mean a bad release (5xx, p99 latency, unhealthy hosts): ECS watches them
   * during each deployment and rolls it back when one fires, beside the circuit breaker. Names, not
   * references, so the alarms may watch this service by its name.
   * @default - no deployment alarms: only the circuit breaker rolls back
   */
  readonly deploymentAlarmNames?: string[];
  /**
   * More of the application's port mapping, e.g. Service Connect's `name` and `appProtocol`.
   * @default - `{ containerPort, protocol: 'tcp' }` only
   */
  readonly appPortMapping?: Partial<Omit<ContainerPortMapping, 'containerPort'>>;
  /**
   * A private registry's credentials for the application image (Secrets Manager); the execution
   * role may read exactly that secret and decrypt with exactly its key through Secrets Manager.
   * @default - the image is pulled without credentials
   */
  readonly repositoryCredentials?: RegistryCredentials;
  /**
   * Containers beside the application (constructs/container-definitions.ts).
   * @default - none
   */
  readonly sidecars?: readonly SidecarContainer[];
  /**
   * Containers the application waits for; the log router and collector are added at START.
   * @default - none
   */
  readonly appDependsOn?: readonly ContainerDependency[];
  /**
   * A FireLens log router (AWS for Fluent Bit) sending the application's logs to its log group.
   * @default - the application logs with awslogs
   */
  readonly logRouter?: LogRouterOptions;
  /**
   * An OpenTelemetry collector (ADOT): traces to X-Ray, metrics as EMF to `/ecs/<namePrefix>/metrics`.
   * @default - no collector
   */
  readonly collector?: CollectorOptions;
  /**
   * Service Connect: the namespace and the ports the service offers in it (each a name on the
   * container port's mapping and a Cloud Map service); with no port, the service only calls others.
   * The proxy's logs go to the service's log group under the prefix `service-connect`.
   * @default - no Service Connect
   */
  readonly serviceConnect?: FargateServiceConnect;
  /**
   * Existing security groups the tasks join beside their own (at most 4: a task takes 5).
   * @default - the service's own security group only
   */
  readonly additionalSecurityGroupIds?: string[];
  /**
   * Further egress rules of the tasks' security group; the service waits for them like for HTTPS.
   * @default - none
   */
  readonly egressRules?: ITerraformDependable[];
}

/** A port the service offers through Service Connect. */
export interface ServiceConnectPort {
  /** The port mapping's name, unique in the task definition. */
  readonly portName: string;
  /** The container port; must be the service's `containerPort`. */
  readonly containerPort: number;
  readonly appProtocol: 'http' | 'http2' | 'grpc';
  /** The name callers use with the container port. */
  readonly dnsName: string;
  /** The Cloud Map service ECS creates, unique in the namespace. */
  readonly discoveryName: string;
}

/** The service's place in Service Connect. */
export interface FargateServiceConnect {
  /** ARN of the region's Cloud Map namespace. */
  readonly namespaceArn: string;
  /** The ports it offers; none for a service that only calls. */
  readonly ports: readonly ServiceConnectPort[];
}

/**
 * The application on Fargate (seed 8.3 and 8.5), composed as aws-cdk composes it: the tasks'
 * security group rules (TaskSecurityGroupRules), the execution and task roles (TaskRoles), the task
 * definition with its log group and containers (TaskDefinition), the ECS service behind the load
 * balancer in private subnets with a rollback circuit breaker, and its autoscaling (ServiceScaling).
 * The props are validated here, once, before any part is built.
 */
export class FargateService extends Construct {
  /** In from the load balancer, out to HTTPS and NFS. */
  public readonly securityGroupRules: TaskSecurityGroupRules;
  /** The execution and task roles and their policies. */
  public readonly roles: TaskRoles;
  /** Log group, containers and task definition. */
  public readonly task: TaskDefinition;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;
  public readonly taskDefinition: EcsTaskDefinition;
  /** The ECS service and its scaling; none with `standalone`. */
  public readonly service?: EcsService;
  public readonly scaling?: ServiceScaling;
  public readonly scalableTarget?: AppautoscalingTarget;
  public readonly cpuScalingPolicy?: AppautoscalingPolicy;
  public readonly memoryScalingPolicy?: AppautoscalingPolicy;
  /** The ALBRequestCountPerTarget policy, with requestCountPerTarget only. */
  public readonly requestCountScalingPolicy?: AppautoscalingPolicy;
  /** The scheduled actions, one per schedule. */
  public readonly scheduledActions: AppautoscalingScheduledAction[] = [];
  /** The execution role's policy reading the secrets, with secrets only. */
  public readonly secretsPolicy?: IamRolePolicy;
  /** The container definitions: the application's, sidecars, log router, collector. */
  public readonly containers: ContainerDefinitions;

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
    const user = props.user ?? '1000:1000';
    const secrets = props.secrets ?? [];
    validate(props, { cpu, memoryMiB, containerPort, desiredCount, minCapacity, maxCapacity, writablePaths });
    validateApplication(props, user);
    validateServiceConnect(props, containerPort);
    const { provider, namePrefix } = props;

    // Network: the ALB is the only way in; out: HTTPS (ECR, S3, CloudWatch, SSM through NAT) and NFS to EFS.
    this.securityGroupRules = new TaskSecurityGroupRules(this, 'SecurityGroupRules', {
      provider,
      securityGroup: props.securityGroup,
      containerPort,
      loadBalancerSecurityGroupId: props.loadBalancerSecurityGroupId,
      fileSystemSecurityGroupId: props.fileSystem.securityGroupId,
    });

    this.roles = new TaskRoles(this, 'Roles', {
      provider,
      region: props.region,
      namePrefix,
      accountId: props.accountId,
      secrets,
      taskPolicyStatements: [
        ...props.dataBucket.readWriteStatements,
        ...props.fileSystem.clientPolicyStatements,
      ],
      // validate() requires execSessions with ECS Exec.
      execSessions: enableExecuteCommand ? props.execSessions : undefined,
    });
    this.executionRole = this.roles.executionRole;
    this.taskRole = this.roles.taskRole;
    this.secretsPolicy = this.roles.secretsPolicy;

    // ECS Exec's SSM agent writes its state and logs here; a read-only root needs them writable.
    const execPaths =
      enableExecuteCommand && (props.readonlyRootFilesystem ?? true) ? ECS_EXEC_WRITABLE_PATHS : [];
    this.task = new TaskDefinition(this, 'Task', {
      provider,
      region: props.region,
      namePrefix,
      executionRole: this.executionRole,
      taskRole: this.taskRole,
      cpu,
      memoryMiB,
      cpuArchitecture: props.cpuArchitecture,
      ephemeralStorageGiB: props.ephemeralStorageGiB,
      logRetentionDays: props.logRetentionDays,
      logKmsKeyArn: props.logKmsKeyArn,
      fileSystem: {
        fileSystemId: props.fileSystem.fileSystemId,
        accessPointId: props.fileSystem.accessPointId,
      },
      writablePaths: [...writablePaths, ...execPaths.filter((p) => !writablePaths.includes(p))],
      app: {
        image: props.image,
        user,
        readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
        command: props.command,
        entryPoint: props.entryPoint,
        // Without a load balancer nothing connects to the task through its port, unless Service
        // Connect offers it.
        portMappings:
          props.targetGroupArn === undefined && !props.serviceConnect?.ports.length
            ? []
            : [
                {
                  containerPort,
                  protocol: 'tcp',
                  ...serviceConnectPortMapping(props.serviceConnect, containerPort),
                  ...props.appPortMapping,
                },
              ],
        environment: [
          { name: 'S3_BUCKET', value: props.dataBucket.bucketName },
          ...(props.dataBucket.prefix === undefined
            ? []
            : [{ name: 'S3_PREFIX', value: props.dataBucket.prefix }]),
          { name: 'AWS_REGION', value: props.region },
          ...(props.environment ?? []),
        ],
        secrets: secrets.map((x) => ({ name: x.name, valueFrom: x.valueFrom })),
        healthCheck: props.healthCheckCommand
          ? {
              command: props.healthCheckCommand,
              interval: props.healthCheckIntervalSeconds ?? 30,
              timeout: props.healthCheckTimeoutSeconds ?? 5,
              retries: props.healthCheckRetries ?? 3,
              startPeriod: props.healthCheckStartPeriodSeconds ?? 60,
            }
          : undefined,
      },
      sizeSettingNames: sizeSettingNames(props.settingsPath, props.region),
      variableCount: props.environment?.length ?? 0,
      repositoryCredentials: props.repositoryCredentials,
      sidecars: props.sidecars,
      appDependsOn: props.appDependsOn,
      logRouter: props.logRouter,
      collector: props.collector,
    });
    this.logGroup = this.task.logGroup;
    this.containers = this.task.containers;
    this.taskDefinition = this.task.taskDefinition;

    if (props.standalone) return;
    this.service = new EcsService(this, 'Service', {
      provider,
      name: props.serviceName ?? fargateServiceName(namePrefix),
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.paused ? 0 : desiredCount,
      // With a strategy, force_new_deployment lets a later change of bases or weights roll the
      // tasks onto the new strategy; without it the provider replaces the whole service.
      ...(props.capacityProviders
        ? {
            capacityProviderStrategy: props.capacityProviders.map((p) => ({ ...p })),
            forceNewDeployment: true,
          }
        : { launchType: 'FARGATE' }),
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [props.securityGroup.id, ...(props.additionalSecurityGroupIds ?? [])],
        assignPublicIp: false,
      },
      serviceConnectConfiguration: props.serviceConnect
        ? {
            enabled: true,
            namespace: props.serviceConnect.namespaceArn,
            // The proxy's own logs, beside the application's in the service's log group.
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': this.logGroup.name,
                'awslogs-region': props.region,
                'awslogs-stream-prefix': 'service-connect',
              },
            },
            // A service that only calls others is a client: no service block.
            service: props.serviceConnect.ports.length
              ? props.serviceConnect.ports.map((port) => ({
                  portName: port.portName,
                  discoveryName: port.discoveryName,
                  clientAlias: { dnsName: port.dnsName, port: port.containerPort },
                }))
              : undefined,
          }
        : undefined,
      ...(props.targetGroupArn === undefined
        ? {}
        : {
            loadBalancer: [
              { targetGroupArn: props.targetGroupArn, containerName: CONTAINER_NAME, containerPort },
            ],
            healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
          }),
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // After an AZ outage ECS moves tasks back until they are spread evenly again.
      availabilityZoneRebalancing: 'ENABLED',
      alarms: props.deploymentAlarmNames?.length
        ? { alarmNames: props.deploymentAlarmNames, enable: true, rollback: true }
        : undefined,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      enableExecuteCommand,
      waitForSteadyState: false,
      lifecycle: { ignoreChanges: ['desired_count'] },
      // The first tasks need the roles' permissions, the listeners and the mount targets in place.
      // Its tasks also need their way out: routes to the NAT gateways and the security group's egress.
      dependsOn: inOwnStack(this, [
        ...(props.listeners ?? []),
        ...props.fileSystem.mountTargets,
        this.roles.executionRolePolicy,
        this.roles.taskPolicy,
        this.securityGroupRules.egressHttps,
        this.securityGroupRules.egressNfs,
        ...(props.egressRules ?? []),
        ...(props.egressRouting ?? []),
        ...(this.secretsPolicy ? [this.secretsPolicy] : []),
        ...(props.clusterCapacityProviders ? [props.clusterCapacityProviders] : []),
        ...this.containers.policies,
      ]),
    });

    this.scaling = new ServiceScaling(this, 'Scaling', {
      provider,
      namePrefix,
      cluster: props.cluster,
      service: this.service,
      minCapacity,
      maxCapacity,
      paused: props.paused,
      cpuTargetPercent: props.cpuTargetPercent,
      memoryTargetPercent: props.memoryTargetPercent,
      scaleInCooldownSeconds: props.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: props.scaleOutCooldownSeconds,
      requestCountPerTarget: props.requestCountPerTarget,
      requestCountResourceLabel: props.requestCountResourceLabel,
      scheduledScaling: props.scheduledScaling,
    });
    this.scalableTarget = this.scaling.scalableTarget;
    this.cpuScalingPolicy = this.scaling.cpuScalingPolicy;
    this.memoryScalingPolicy = this.scaling.memoryScalingPolicy;
    this.requestCountScalingPolicy = this.scaling.requestCountScalingPolicy;
    this.scheduledActions = this.scaling.scheduledActions;
  }
}

/** The name and protocol of the container port's mapping, when the service offers it through Service Connect. */
function serviceConnectPortMapping(
  connect: FargateServiceConnect | undefined,
  containerPort: number,
): { name: string; appProtocol: ServiceConnectPort['appProtocol'] } | Record<string, never> {
  const port = connect?.ports.find((p) => p.containerPort === containerPort);
  return port ? { name: port.portName, appProtocol: port.appProtocol } : {};
}

/** Service Connect ports are the container's port, each once; at most 4 further security groups. */
function validateServiceConnect(props: FargateServiceProps, containerPort: number): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('FargateService', prop, value, allowed);
  };
  const ports = props.serviceConnect?.ports ?? [];
  for (const port of ports) {
    if (port.containerPort !== containerPort) {
      fail('serviceConnect.ports', port.containerPort, `offer the container port ${containerPort}`);
    }
  }
  if (ports.length > 1) {
    fail(
      'serviceConnect.ports',
      ports.map((p) => p.portName),
      'one port: a container port has one port mapping, so one name',
    );
  }
  const extra = props.additionalSecurityGroupIds ?? [];
  if (extra.length > 4) {
    fail(
      'additionalSecurityGroupIds',
      extra,
      'at most 4: a task takes 5 security groups, its own among them',
    );
  }
}

/** The application contract: variables, secrets, user, health check, capacity and scaling inputs. */
function validateApplication(props: FargateServiceProps, user: string): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('FargateService', prop, value, allowed);
  };
  const names = new Set<string>(SERVICE_VARIABLES);
  for (const variable of [...(props.environment ?? []), ...(props.secrets ?? [])]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable.name)) {
      fail('environment/secrets', variable.name, 'use letters, digits and _, not starting with a digit');
    }
    if (names.has(variable.name)) {
      fail(
        'environment/secrets',
        variable.name,
        `each name once, and not ${SERVICE_VARIABLES.join(' or ')}, which the service sets`,
      );
    }
    names.add(variable.name);
  }
  for (const secret of props.secrets ?? []) {
    for (const arn of [secret.resourceArn, secret.kmsKeyArn ?? '']) {
      if (!Token.isUnresolved(arn) && arn.includes('*')) {
        fail(
          'secrets',
          arn,
          'name the exact secret, parameter or key ARN; the execution role gets no wildcard',
        );
      }
    }
    const region = /^arn:aws:[a-z-]+:([a-z0-9-]+):/.exec(secret.resourceArn)?.[1];
    if (!Token.isUnresolved(secret.resourceArn) && region !== undefined && region !== props.region) {
      fail(
        'secrets',
        secret.resourceArn,
        `use the ARN in the service's region ${props.region} (a replica secret's ARN differs only by region)`,
      );
    }
  }
  const root = ['root', '0'].includes(user.split(':')[0]);
  if (root && !props.rootUserReason) {
    fail(
      'user',
      user,
      'the container would run as root (Security Hub ECS.20); use a non-root user such as 1000:1000, or give rootUserReason',
    );
  }
  const interval = props.healthCheckIntervalSeconds ?? 30;
  const timeout = props.healthCheckTimeoutSeconds ?? 5;
  for (const [prop, value, min, max] of [
    ['healthCheckIntervalSeconds', interval, 5, 300],
    ['healthCheckTimeoutSeconds', timeout, 2, 120],
    ['healthCheckRetries', props.healthCheckRetries ?? 3, 1, 10],
    ['healthCheckStartPeriodSeconds', props.healthCheckStartPeriodSeconds ?? 60, 0, 300],
  ] as const) {
    if (!Number.isInteger(value) || value < min || value > max)
      fail(prop, value, `use an integer from ${min} to ${max}`);
  }
  if (timeout >= interval)
    fail(
      'healthCheckTimeoutSeconds',
      timeout,
      `must be shorter than healthCheckIntervalSeconds (${interval})`,
    );
  const storage = props.ephemeralStorageGiB;
  if (storage !== undefined && (!Number.isInteger(storage) || storage < 21 || storage > 200)) {
    fail('ephemeralStorageGiB', storage, 'use 21 to 200 GiB (Fargate gives 20 GiB without it)');
  }
  const providers = props.capacityProviders ?? [];
  if (props.capacityProviders && providers.length === 0)
    fail('capacityProviders', [], 'list at least one provider');
  if (providers.some((p) => p.capacityProvider === 'FARGATE_SPOT') && props.cpuArchitecture === 'ARM64') {
    fail(
      'capacityProviders',
      'FARGATE_SPOT',
      'Fargate Spot runs only X86_64 Linux tasks; use FARGATE with ARM64',
    );
  }
  if (providers.filter((p) => p.base > 0).length > 1) {
    fail(
      'capacityProviders',
      providers.map((p) => p.base),
      'only one provider of a strategy may have a base',
    );
  }
  if (providers.length > 0 && providers.every((p) => p.weight === 0)) {
    fail(
      'capacityProviders',
      providers.map((p) => p.weight),
      'at least one provider needs a weight above 0',
    );
  }
  if ((props.requestCountPerTarget === undefined) !== (props.requestCountResourceLabel === undefined)) {
    fail(
      'requestCountResourceLabel',
      props.requestCountResourceLabel,
      'give it exactly with requestCountPerTarget',
    );
  }
  const schedules = new Set<string>();
  for (const schedule of props.scheduledScaling ?? []) {
    if (schedules.has(schedule.name)) fail('scheduledScaling', schedule.name, 'each schedule name once');
    schedules.add(schedule.name);
    if (schedule.minCapacity > schedule.maxCapacity) {
      fail(
        'scheduledScaling',
        `${schedule.minCapacity}-${schedule.maxCapacity}`,
        'minCapacity must not exceed maxCapacity',
      );
    }
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
  if (props.targetGroupArn === undefined && !props.standalone && props.healthCheckCommand === undefined) {
    throw new ValidationError(
      'FargateService',
      'healthCheckCommand',
      undefined,
      'give a container health check when there is no targetGroupArn: without a load balancer it is the only way ECS learns that a task hangs',
    );
  }
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

/** The settings under `settingsPath` for the service in `region`, or without it the props. */
function sizeSettingNames(settingsPath: string | undefined, region: string): SizeSettingNames {
  if (settingsPath === undefined) {
    return {
      environment: 'environment',
      secrets: 'secrets',
      command: 'command, entryPoint',
      healthCheck: 'healthCheckCommand',
      sidecars: 'sidecars, logRouter, collector',
    };
  }
  const task = `${settingsPath}.task`;
  return {
    environment: `${task}.environment, ${settingsPath}.regions.${region}.environment`,
    secrets: `${task}.secrets`,
    command: `${task}.command, ${task}.entryPoint`,
    healthCheck: `${task}.healthCheckCommand`,
    sidecars: `${settingsPath}.sidecars`,
  };
}
