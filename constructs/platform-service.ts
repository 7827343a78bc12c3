import { Construct } from 'constructs';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { suppressPolicy } from '../policies/suppressions';
import { ResolvedSecret } from '../settings/secrets';
import { ServiceSettings, Settings, isRootUser } from '../settings/schema';
import { AlarmTopic } from './alarm-topic';
import { FileSystem } from './efs-file-system';
import { serviceContainerProps, sidecarReasons } from './container-definitions';
import { FargateService } from './fargate-service';
import { FileSystemAccess } from './file-system-access';
import { LoadBalancer } from './load-balancer';
import { Network } from './network';
import { DataBucket } from './s3-bucket';
import { ServiceAlarms } from './service-alarms';
import { ServiceDashboard } from './service-dashboard';
import { ServiceRouting } from './service-routing';

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
  readonly network: Network;
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
}

/**
 * One service of the environment in one region, on the region's foundation: its own security group
 * (in from the load balancer on its port only), target group and listener rule, file system access
 * point, task definition with its own roles and log group, ECS service with autoscaling, alarms
 * (its deployment alarms among them) and dashboard.
 */
export class PlatformService extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly routing: ServiceRouting;
  public readonly files: FileSystemAccess;
  public readonly alarms: ServiceAlarms;
  public readonly service: FargateService;
  public readonly dashboard: ServiceDashboard;

  constructor(scope: Construct, id: string, props: PlatformServiceProps) {
    super(scope, id);
    const { provider, names, service: settings, region } = props;
    const { task, service, routing } = settings;
    const vpcId = props.network.vpc.id;

    this.securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      provider,
      name: `${names.prefix}-tasks`,
      description: `Tasks of ${names.prefix}: in from the load balancer, out to HTTPS and EFS`,
      vpcId,
      tags: { Name: `${names.prefix}-tasks` },
    });
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
    this.files = new FileSystemAccess(this, 'Files', {
      provider,
      fileSystem: props.fileSystem,
      clientSecurityGroupId: this.securityGroup.id,
      name: names.prefix,
      rootDirectoryPath: names.fileSystemPath,
    });

    // The alarms come before the service: it names the bad-release ones as its deployment alarms, so
    // they watch the service by its (known) name rather than by a reference back to it.
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      provider,
      namePrefix: names.prefix,
      topicArn: props.alarmTopic.topic.arn,
      additionalTopicArns: props.additionalTopicArns,
      clusterName: props.cluster.name,
      serviceName: names.ecsService,
      loadBalancerArnSuffix: props.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.routing.targetGroupArnSuffix,
      minRunningTasks: service.minCapacity,
      paused: service.paused,
      cpuHighPercent: props.alarms.cpuHighPercent,
      memoryHighPercent: props.alarms.memoryHighPercent,
      http5xxCount: props.alarms.http5xxCount,
      unhealthyHostCount: props.alarms.unhealthyHostCount,
      targetResponseTimeP99Seconds: props.alarms.targetResponseTimeP99Seconds,
      periodSeconds: props.alarms.periodSeconds,
      evaluationPeriods: props.alarms.evaluationPeriods,
    });
    if (service.paused) {
      suppressPolicy(
        this.alarms.runningTasksLow,
        'alarm-actions',
        `services.${props.name}.service.paused is set: the service runs no tasks on purpose, so the running-tasks alarm notifies no one until it is unpaused`,
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
      subnetIds: props.network.privateSubnets.map((subnet) => subnet.id),
      loadBalancerSecurityGroupId: props.loadBalancer.securityGroup.id,
      targetGroupArn: this.routing.targetGroup.arn,
      egressRouting: props.network.privateRouting,
      execSessions: service.enableExecuteCommand ? props.execSessions : undefined,
      listeners: [this.routing.rule],
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
          : `${props.loadBalancer.arnSuffix}/${this.routing.targetGroupArnSuffix}`,
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
      deploymentAlarmNames: service.deploymentAlarms
        ? this.alarms.deploymentAlarms.map((alarm) => alarm.alarmName)
        : undefined,
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

    this.dashboard = new ServiceDashboard(this, 'Dashboard', {
      provider,
      dashboardName: `${names.prefix}-${region}`,
      region,
      clusterName: props.cluster.name,
      serviceName: this.service.service.name,
      loadBalancerArnSuffix: props.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.routing.targetGroupArnSuffix,
      alarmArns: this.alarms.alarms.map((alarm) => alarm.arn),
    });
  }
}
