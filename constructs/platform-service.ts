import { Construct } from 'constructs';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ServiceDiscoveryHttpNamespace } from '@cdktf/provider-aws/lib/service-discovery-http-namespace';
import { egressDestinations, offeredPorts, usesServiceConnect } from '../settings/service-networking';
import { suppressPolicy } from '../policies/suppressions';
import { ResolvedSecret } from '../settings/secrets';
import { ServiceSettings, Settings, isRootUser } from '../settings/schema';
import { AlarmTopic } from './alarm-topic';
import { FileSystem } from './file-system';
import { serviceContainerProps, sidecarReasons } from './container-definitions';
import { FargateService } from './fargate-service';
import { FileSystemAccess } from './file-system-access';
import { LoadBalancer } from './load-balancer';
import { PlatformNetwork } from './platform-network';
import { DataBucket } from './data-bucket';
import { ServiceAlarms } from './service-alarms';
import { ServiceDashboard } from './service-dashboard';
import { ServiceRouting } from './service-routing';
import { ServiceEgress } from './service-egress';
import { ValidationError } from './validation-error';
import { ScheduledJob } from './scheduled-job';
import { WorkerQueue } from './worker-queue';

/** The names of one service's resources, resolved once (see `serviceNames`). */
export interface ServiceNames {
  /** Prefix of the service's resource names, e.g. `orders-dev-api` (legacy: `orders-dev`). */
  readonly prefix: string;
  /** The ECS service's name. */
  readonly ecsService: string;
  /** The target group's name (at most 32 characters). */
  readonly targetGroup: string;
  /** The access point's root directory in the region's file system. */
  readonly fileSystemPath: string;
  /**
   * The key prefix of the data bucket the service may use.
   * @default - the whole bucket (legacy names only)
   */
  readonly dataPrefix?: string;
}

export interface PlatformServiceProps {
  /** The provider of the region. */
  readonly provider: AwsProvider;
  /** The region's name. */
  readonly region: string;
  /** The account ID (scopes trust policies). */
  readonly accountId: string;
  /** The service's key in `services`. */
  readonly name: string;
  /** The service's names in this region. */
  readonly names: ServiceNames;
  /** The service's validated settings. */
  readonly service: ServiceSettings;
  /** Full image reference (repository with tag or digest) this region's tasks pull. */
  readonly image: string;
  /** Environment variables of this region, resolved. */
  readonly environment: Array<{ name: string; value: string }>;
  /** Secrets of this region, resolved to this region's ARNs. */
  readonly secrets: ResolvedSecret[];
  /** The region's cluster. */
  readonly cluster: EcsCluster;
  /** The cluster's capacity providers, which a service with a strategy waits for. */
  readonly clusterCapacityProviders?: EcsClusterCapacityProviders;
  /** The region's network: the tasks run in its private subnets. */
  readonly network: PlatformNetwork;
  /** The region's shared load balancer. */
  readonly loadBalancer: LoadBalancer;
  /** The region's file system; the service mounts it through its own access point. */
  readonly fileSystem: FileSystem;
  /** The region's data bucket; the service reads and writes its own prefix. */
  readonly dataBucket: DataBucket;
  /** The region's alarm topic. */
  readonly alarmTopic: AlarmTopic;
  /** Further topics of this region the alarms notify. @default - none */
  readonly additionalTopicArns?: string[];
  /** The environment's alarm thresholds and periods. */
  readonly alarms: Settings['alarms'];
  /** The region's log key (container logs). */
  readonly logKmsKeyArn: string;
  /** Retention of the service's log group, days. */
  readonly logRetentionDays: number;
  /**
   * Where ECS Exec sessions are logged, when the cluster logs them.
   * @default - none: the service must not enable ECS Exec
   */
  readonly execSessions?: { readonly logGroupArn: string; readonly kmsKeyArn: string };
  /**
   * The region's Service Connect namespace; required when the service offers or calls through it.
   * @default - none
   */
  readonly serviceConnectNamespace?: ServiceDiscoveryHttpNamespace;
}

/**
 * One service of the environment in one region, on the region's foundation: its own security group
 * (in from the load balancer on its port only), target group and listener rule, file system access
 * point, task definition with its own roles and log group, ECS service with autoscaling, alarms
 * (its deployment alarms among them) and dashboard.
 *
 * That is kind `web`. Kind `worker` has no target group, listener rule or ingress, is healthy by its
 * container health check, and with `queue` scales on its queue's backlog per task (WorkerQueue).
 * Kind `scheduled` has no ECS service: EventBridge Scheduler starts its task definition (ScheduledJob).
 */
export class PlatformService extends Construct {
  public readonly securityGroup: SecurityGroup;
  /** Target group and listener rule: kind `web` only. */
  public readonly routing?: ServiceRouting;
  public readonly files: FileSystemAccess;
  /** The ECS service's alarms: none for kind `scheduled`, whose job has its own. */
  public readonly alarms?: ServiceAlarms;
  /** Task definition, roles, log group and, but for kind `scheduled`, the ECS service and its scaling. */
  public readonly service: FargateService;
  /** The service's named egress rules in this region (`services.<name>.egress`), when it has any. */
  public readonly egress?: ServiceEgress;
  /** None for kind `scheduled`. */
  public readonly dashboard?: ServiceDashboard;
  /** Kind `worker` with `queue`: consume permission and backlog scaling. */
  public readonly queue?: WorkerQueue;
  /** Kind `scheduled`: the schedule that starts the task, its role, dead-letter queue and alarms. */
  public readonly job?: ScheduledJob;

  constructor(scope: Construct, id: string, props: PlatformServiceProps) {
    super(scope, id);
    const { provider, names, service: settings, region } = props;
    const { task, service, routing } = settings;
    const vpcId = props.network.vpcId;

    this.securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      provider,
      name: `${names.prefix}-tasks`,
      description: routing
        ? `Tasks of ${names.prefix}: in from the load balancer, out to HTTPS and EFS`
        : `Tasks of ${names.prefix} (${settings.kind}): nothing in, out to HTTPS and EFS`,
      vpcId,
      tags: { Name: `${names.prefix}-tasks` },
    });
    // Kind web only: the settings give routing to web services alone (settings/service-kinds.ts).
    if (routing !== undefined) {
      this.routing = new ServiceRouting(this, 'Routing', {
        provider,
        loadBalancer: props.loadBalancer,
        targetGroupName: names.targetGroup,
        vpcId,
        targetSecurityGroupId: this.securityGroup.id,
        targetPort: task.containerPort,
        hosts: routing.hosts,
        paths: routing.paths,
        priority: routing.priority,
        healthCheckPath: service.healthCheckPath,
        healthCheckMatcher: service.healthCheckMatcher,
        healthCheckIntervalSeconds: service.healthCheckIntervalSeconds,
        unhealthyThresholdCount: service.unhealthyThresholdCount,
        deregistrationDelaySeconds: service.deregistrationDelaySeconds,
      });
    }
    this.files = new FileSystemAccess(this, 'Files', {
      provider,
      fileSystem: props.fileSystem,
      clientSecurityGroupId: this.securityGroup.id,
      name: names.prefix,
      rootDirectoryPath: names.fileSystemPath,
    });

    // The alarms come before the service: it names the bad-release ones as its deployment alarms, so
    // they watch the service by its (known) name rather than by a reference back to it.
    // A scheduled job has no ECS service to watch; its ScheduledJob brings its own alarms.
    if (settings.kind !== 'scheduled') {
      const alarms = new ServiceAlarms(this, 'Alarms', {
        provider,
        namePrefix: names.prefix,
        topicArn: props.alarmTopic.topic.arn,
        additionalTopicArns: props.additionalTopicArns,
        clusterName: props.cluster.name,
        serviceName: names.ecsService,
        loadBalancerArnSuffix: this.routing ? props.loadBalancer.arnSuffix : undefined,
        targetGroupArnSuffix: this.routing?.targetGroupArnSuffix,
        minRunningTasks: service.minCapacity,
        queue: settings.queue && {
          name: settings.queue.name,
          maxMessageAgeSeconds: settings.queue.maxMessageAgeSeconds,
        },
        paused: service.paused,
        cpuHighPercent: props.alarms.cpuHighPercent,
        memoryHighPercent: props.alarms.memoryHighPercent,
        http5xxCount: props.alarms.http5xxCount,
        unhealthyHostCount: props.alarms.unhealthyHostCount,
        targetResponseTimeP99Seconds: props.alarms.targetResponseTimeP99Seconds,
        periodSeconds: props.alarms.periodSeconds,
        evaluationPeriods: props.alarms.evaluationPeriods,
      });
      this.alarms = alarms;
      if (service.paused) {
        suppressPolicy(
          alarms.runningTasksLow,
          'alarm-actions',
          `services.${props.name}.service.paused is set: the service runs no tasks on purpose, so the running-tasks alarm notifies no one until it is unpaused`,
        );
      }
    }

    // Named egress rules (settings/service-networking.ts), and Service Connect in the region's namespace.
    const egressRules = Object.entries(settings.egress ?? {}).filter(
      ([, rule]) => egressDestinations(rule, region).length > 0,
    );
    if (egressRules.length > 0) {
      this.egress = new ServiceEgress(this, 'Egress', {
        provider,
        securityGroupId: this.securityGroup.id,
        settingsPath: `services.${props.name}.egress`,
        rules: Object.fromEntries(
          egressRules.map(([ruleName, rule]) => [
            ruleName,
            {
              protocol: rule.protocol,
              fromPort: rule.port,
              toPort: rule.toPort,
              destinations: egressDestinations(rule, region),
              reason: rule.reason,
            },
          ]),
        ),
      });
    }
    const connect = usesServiceConnect(settings);
    if (connect && !props.serviceConnectNamespace) {
      throw new ValidationError(
        `PlatformService ${props.name}`,
        'serviceConnectNamespace',
        undefined,
        "the region's Service Connect namespace: the service offers or calls through Service Connect",
      );
    }

    this.service = new FargateService(this, 'Service', {
      provider,
      region,
      namePrefix: names.prefix,
      serviceName: names.ecsService,
      settingsPath: `services.${props.name}`,
      cluster: props.cluster,
      securityGroup: this.securityGroup,
      subnetIds: props.network.privateSubnetIds,
      loadBalancerSecurityGroupId: this.routing ? props.loadBalancer.securityGroup.id : undefined,
      targetGroupArn: this.routing?.targetGroup.arn,
      standalone: settings.kind === 'scheduled',
      egressRouting: props.network.egressRouting,
      execSessions: service.enableExecuteCommand ? props.execSessions : undefined,
      listeners: this.routing ? [this.routing.rule] : undefined,
      image: props.image,
      fileSystem: {
        fileSystemId: props.fileSystem.fileSystem.id,
        accessPointId: this.files.accessPoint.id,
        securityGroupId: props.fileSystem.securityGroup.id,
        mountTargets: [...props.fileSystem.mountTargets, this.files.ingress],
        clientPolicyStatements: this.files.clientPolicyStatements,
      },
      dataBucket: {
        bucketName: props.dataBucket.bucket.bucket,
        prefix: names.dataPrefix,
        readWriteStatements:
          names.dataPrefix === undefined
            ? props.dataBucket.readWriteStatements
            : props.dataBucket.readWriteStatementsFor(names.dataPrefix),
      },
      cpu: task.cpu,
      memoryMiB: task.memoryMiB,
      containerPort: task.containerPort,
      healthCheckCommand: task.healthCheckCommand,
      healthCheckIntervalSeconds: task.healthCheckIntervalSeconds,
      healthCheckTimeoutSeconds: task.healthCheckTimeoutSeconds,
      healthCheckRetries: task.healthCheckRetries,
      healthCheckStartPeriodSeconds: task.healthCheckStartPeriodSeconds,
      environment: props.environment,
      secrets: props.secrets,
      command: task.command,
      entryPoint: task.entryPoint,
      user: task.user,
      rootUserReason: task.rootUserReason,
      cpuArchitecture: task.cpuArchitecture,
      ephemeralStorageGiB: task.ephemeralStorageGiB,
      capacityProviders: service.capacityProviders,
      clusterCapacityProviders: service.capacityProviders ? props.clusterCapacityProviders : undefined,
      requestCountPerTarget: service.requestCountPerTarget,
      requestCountResourceLabel:
        service.requestCountPerTarget === undefined
          ? undefined
          : `${props.loadBalancer.arnSuffix}/${this.routing?.targetGroupArnSuffix}`,
      scheduledScaling: service.scheduledScaling,
      readonlyRootFilesystem: task.readonlyRootFilesystem,
      writablePaths: task.writablePaths,
      logRetentionDays: props.logRetentionDays,
      logKmsKeyArn: props.logKmsKeyArn,
      desiredCount: service.desiredCount,
      minCapacity: service.minCapacity,
      maxCapacity: service.maxCapacity,
      cpuTargetPercent: service.cpuTargetPercent,
      memoryTargetPercent: service.memoryTargetPercent,
      scaleInCooldownSeconds: service.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: service.scaleOutCooldownSeconds,
      healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
      enableExecuteCommand: service.enableExecuteCommand,
      paused: service.paused,
      accountId: props.accountId,
      deploymentAlarmNames:
        service.deploymentAlarms && this.alarms
          ? this.alarms.deploymentAlarms.map((alarm) => alarm.alarmName)
          : undefined,
      serviceConnect:
        connect && props.serviceConnectNamespace
          ? { namespaceArn: props.serviceConnectNamespace.arn, ports: offeredPorts(props.name, settings) }
          : undefined,
      additionalSecurityGroupIds: settings.existingSecurityGroups?.[region],
      egressRules: this.egress?.rules,
      // Registry credentials and the containers beside the application (issue 19).
      ...serviceContainerProps(settings, region, props.accountId, names.prefix),
    });
    for (const { ruleId, reason } of sidecarReasons(settings, `services.${props.name}`)) {
      suppressPolicy(this.service.taskDefinition, ruleId, reason);
    }
    if (!task.readonlyRootFilesystem && task.writableRootFilesystemReason !== undefined) {
      // The settings require the reason with a writable root; the finding is accepted, visibly.
      suppressPolicy(
        this.service.taskDefinition,
        'ecs-readonly-root-filesystem',
        `services.${props.name}.task.writableRootFilesystemReason: ${task.writableRootFilesystemReason.trim()}`,
      );
    }
    // Likewise a root user with its reason (the settings require one): ECS.20 accepted, visibly.
    if (isRootUser(task.user) && task.rootUserReason !== undefined) {
      suppressPolicy(
        this.service.taskDefinition,
        'ecs-non-root-user',
        `services.${props.name}.task.rootUserReason: ${task.rootUserReason.trim()}`,
      );
    }

    const ecsService = this.service.service;
    if (ecsService === undefined || this.alarms === undefined) {
      this.job = this.scheduledJob(props);
      return;
    }
    this.dashboard = new ServiceDashboard(this, 'Dashboard', {
      provider,
      dashboardName: `${names.prefix}-${region}`,
      region,
      clusterName: props.cluster.name,
      serviceName: ecsService.name,
      loadBalancerArnSuffix: this.routing ? props.loadBalancer.arnSuffix : undefined,
      targetGroupArnSuffix: this.routing?.targetGroupArnSuffix,
      alarmArns: this.alarms.alarms.map((alarm) => alarm.arn),
    });
    if (settings.queue && this.service.scalableTarget) {
      this.queue = new WorkerQueue(this, 'Queue', {
        provider,
        region,
        accountId: props.accountId,
        namePrefix: names.prefix,
        queueName: settings.queue.name,
        messagesPerTask: settings.queue.messagesPerTask,
        taskRole: this.service.taskRole,
        scalableTarget: this.service.scalableTarget,
        clusterName: props.cluster.name,
        serviceName: ecsService.name,
        scaleInCooldownSeconds: service.scaleInCooldownSeconds,
        scaleOutCooldownSeconds: service.scaleOutCooldownSeconds,
      });
    }
  }

  /** Kind scheduled: EventBridge Scheduler starts the task definition on the service's schedule. */
  private scheduledJob(props: PlatformServiceProps): ScheduledJob {
    const { service, schedule } = props.service;
    if (schedule === undefined) {
      throw new Error(`services.${props.name}: kind scheduled without a schedule (the settings require one)`);
    }
    return new ScheduledJob(this, 'Job', {
      provider: props.provider,
      region: props.region,
      accountId: props.accountId,
      namePrefix: props.names.prefix,
      cluster: props.cluster,
      taskDefinition: this.service.taskDefinition,
      taskFamily: this.service.taskDefinition.family,
      executionRole: this.service.executionRole,
      taskRole: this.service.taskRole,
      subnetIds: props.network.privateSubnetIds,
      securityGroupId: this.securityGroup.id,
      scheduleExpression: schedule.expression,
      timezone: schedule.timezone,
      flexibleWindowMinutes: schedule.flexibleWindowMinutes,
      retryAttempts: schedule.retryAttempts,
      maxEventAgeSeconds: schedule.maxEventAgeSeconds,
      capacityProviders: service.capacityProviders,
      enableExecuteCommand: service.enableExecuteCommand,
      paused: service.paused,
      alarmTopicArn: props.alarmTopic.topic.arn,
      additionalTopicArns: props.additionalTopicArns,
      periodSeconds: props.alarms.periodSeconds,
    });
  }
}
