import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { RegionSettings, Settings, isRootUser } from '../settings/schema';
import { resolveEnvironment, resolveSecrets } from '../settings/secrets';
import { AccessLogBucket } from './access-log-bucket';
import { WebAcl } from './web-acl';
import { FileSystem } from './efs-file-system';
import { FisExperiments } from './fis-experiments';
import { FargateService, fargateServiceName } from './fargate-service';
import { suppressPolicy } from '../policies/suppressions';
import { AlarmTopic } from './alarm-topic';
import { BackupCopyDestination, BackupPlan } from './backup-plan';
import { LoadBalancer } from './load-balancer';
import { LogEncryptionKey } from './log-encryption-key';
import { Network } from './network';
import { DataBucket } from './s3-bucket';
import { ServiceAlarms } from './service-alarms';
import { ServiceDashboard } from './service-dashboard';

export interface RegionalPlatformProps {
  /** The provider of this region. */
  readonly provider: AwsProvider;
  /** The environment's validated settings. */
  readonly settings: Settings;
  /** This region's entry of `settings.regions`. */
  readonly region: RegionSettings;
  /** Full image reference, tag included, that this region's tasks pull. */
  readonly image: string;
  /**
   * Route 53 zone of `settings.domain` (existing or created by the stack).
   * @default - no domain: HTTP only, no certificate
   */
  readonly hostedZoneId?: string;
  /**
   * The certificate validation record of the primary region, which every other region reuses.
   * @default - this region creates the record (the primary region)
   */
  readonly certificateValidationRecordFqdn?: string;
  /** The AWS account ID (from the settings, or looked up when the settings omit it). */
  readonly accountId: string;
  /**
   * Another region's backup vault that every backup of this region is copied to.
   * @default - no cross-region copy (a single-region environment)
   */
  readonly backupCopyTo?: BackupCopyDestination;
  /**
   * This region's log bucket also receives the accelerator's flow logs (the primary region's, when
   * flow logs are on and the settings name no bucket of their own).
   * @default false
   */
  readonly acceleratorFlowLogs?: boolean;
}

/**
 * Everything one region runs, wired to that region's provider and network: the VPC, an ECS cluster
 * with Container Insights, the EFS file system, the data bucket, the load balancer and the Fargate
 * service. The composition of this app; the constructs it uses are reusable on their own.
 */
export class RegionalPlatform extends Construct {
  public readonly logKey: LogEncryptionKey;
  public readonly network: Network;
  public readonly cluster: EcsCluster;
  public readonly taskSecurityGroup: SecurityGroup;
  public readonly fileSystem: FileSystem;
  public readonly dataBucket: DataBucket;
  public readonly loadBalancer: LoadBalancer;
  public readonly service: FargateService;
  public readonly alarmTopic: AlarmTopic;
  public readonly alarms: ServiceAlarms;
  public readonly backup: BackupPlan;
  public readonly dashboard: ServiceDashboard;
  /** The log bucket of the load balancer's logs (and the accelerator's flow logs), when any is on. */
  public readonly logBucket?: AccessLogBucket;
  /** The region's web ACL, when the settings turn WAF on and name no existing web ACL. */
  public readonly webAcl?: WebAcl;
  /** The cluster's capacity providers, with service.capacityProviders only. */
  public readonly capacityProviders?: EcsClusterCapacityProviders;
  /** The region's failover drills (FIS experiment templates), when `failoverDrills` is on. */
  public readonly drills?: FisExperiments;

  constructor(scope: Construct, id: string, props: RegionalPlatformProps) {
    super(scope, id);
    const { provider, settings, region } = props;
    const namePrefix = `${settings.app}-${settings.environment}`;
    const isProd = settings.tier === 'production';

    this.logKey = new LogEncryptionKey(this, 'LogKey', {
      provider,
      region: region.name,
      accountId: props.accountId,
      alias: `${namePrefix}/logs`,
    });

    this.network = new Network(this, 'Network', {
      provider,
      namePrefix,
      vpcCidr: region.vpcCidr,
      availabilityZones: region.availabilityZones,
      natGateways: settings.natGateways,
      ipv6: settings.accelerator.ipAddressType === 'DUAL_STACK',
      flowLogRetentionDays: settings.logRetentionDays,
      logKmsKeyArn: this.logKey.arn,
      accountId: props.accountId,
    });
    const vpcId = this.network.vpc.id;
    const privateSubnetIds = this.network.privateSubnets.map((subnet) => subnet.id);

    // With ECS Exec, every session is logged to its own encrypted log group, and its data channel
    // is encrypted with the log key on top of TLS.
    const execLogGroup = settings.service.enableExecuteCommand
      ? new CloudwatchLogGroup(this, 'ExecLogGroup', {
          provider,
          name: `/ecs/${namePrefix}/exec`,
          retentionInDays: settings.logRetentionDays,
          kmsKeyId: this.logKey.arn,
        })
      : undefined;
    this.cluster = new EcsCluster(this, 'Cluster', {
      provider,
      name: `${namePrefix}-cluster`,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: execLogGroup
        ? {
            executeCommandConfiguration: {
              kmsKeyId: this.logKey.arn,
              logging: 'OVERRIDE',
              logConfiguration: {
                cloudWatchLogGroupName: execLogGroup.name,
                cloudWatchEncryptionEnabled: true,
              },
            },
          }
        : undefined,
    });

    // Created here, before the service, because the file system and the load balancer both refer to it.
    this.taskSecurityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      provider,
      name: `${namePrefix}-tasks`,
      description: `Tasks of ${namePrefix}: in from the load balancer, out to HTTPS and EFS`,
      vpcId,
      tags: { Name: `${namePrefix}-tasks` },
    });

    this.fileSystem = new FileSystem(this, 'FileSystem', {
      provider,
      namePrefix,
      vpcId,
      subnetIds: privateSubnetIds,
      clientSecurityGroupId: this.taskSecurityGroup.id,
      throughputMode: settings.efs.throughputMode,
      provisionedThroughputMibps: settings.efs.provisionedThroughputMibps,
      transitionToIa: settings.efs.transitionToIa,
    });

    this.dataBucket = new DataBucket(this, 'DataBucket', {
      provider,
      // Bucket names are global: the account ID keeps them unique (at most 60 characters).
      bucketName: `${namePrefix}-data-${region.name}-${props.accountId}`,
      keyAlias: `${namePrefix}/data`,
    });

    // Edge controls: logs to a bucket of this region, a web ACL (or the settings' existing one).
    const accessLogs = settings.edge.accessLogs ?? isProd;
    const connectionLogs = settings.edge.connectionLogs ?? accessLogs;
    if (accessLogs || connectionLogs || props.acceleratorFlowLogs) {
      this.logBucket = new AccessLogBucket(this, 'LogBucket', {
        provider,
        region: region.name,
        accountId: props.accountId,
        bucketName: `${namePrefix}-logs-${region.name}-${props.accountId}`,
        loadBalancerLogs: accessLogs || connectionLogs,
        acceleratorFlowLogs: props.acceleratorFlowLogs,
        expirationDays: settings.edge.logExpirationDays,
      });
    }
    if ((settings.edge.waf ?? isProd) && !region.webAclArn) {
      this.webAcl = new WebAcl(this, 'WebAcl', {
        provider,
        region: region.name,
        accountId: props.accountId,
        namePrefix,
        rateLimit: settings.edge.wafRateLimit,
        logRetentionDays: settings.logRetentionDays,
        logKmsKeyArn: this.logKey.arn,
      });
    }

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      provider,
      namePrefix,
      vpcId,
      subnetIds: this.network.publicSubnets.map((subnet) => subnet.id),
      targetSecurityGroupId: this.taskSecurityGroup.id,
      targetPort: settings.task.containerPort,
      healthCheckPath: settings.service.healthCheckPath,
      healthCheckMatcher: settings.service.healthCheckMatcher,
      healthCheckIntervalSeconds: settings.service.healthCheckIntervalSeconds,
      unhealthyThresholdCount: settings.service.unhealthyThresholdCount,
      deregistrationDelaySeconds: settings.service.deregistrationDelaySeconds,
      deletionProtection: isProd,
      dualStack: settings.accelerator.ipAddressType === 'DUAL_STACK',
      logBucket: accessLogs || connectionLogs ? this.logBucket : undefined,
      accessLogs,
      connectionLogs,
      webAclArn: region.webAclArn ?? this.webAcl?.arn,
      certificate:
        settings.domain && props.hostedZoneId
          ? {
              domainName: `${settings.domain.recordName}.${settings.domain.zoneName}`,
              hostedZoneId: props.hostedZoneId,
              validationRecordFqdn: props.certificateValidationRecordFqdn,
            }
          : undefined,
    });

    const strategy = settings.service.capacityProviders;
    if (strategy) {
      this.capacityProviders = new EcsClusterCapacityProviders(this, 'CapacityProviders', {
        provider,
        clusterName: this.cluster.name,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: strategy.map((p) => ({ ...p })),
      });
    }

    // The alarms come before the service: it names the bad-release ones as its deployment alarms, so
    // they watch the service by its (known) name rather than by a reference back to it.
    const serviceName = fargateServiceName(namePrefix);
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      provider,
      namePrefix,
      region: region.name,
      accountId: props.accountId,
      emailAddresses: settings.alarms.emails,
    });
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      provider,
      namePrefix,
      topicArn: this.alarmTopic.topic.arn,
      additionalTopicArns: settings.alarms.topicArns.filter((arn) => arn.split(':')[3] === region.name),
      clusterName: this.cluster.name,
      serviceName,
      loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.loadBalancer.targetGroupArnSuffix,
      minRunningTasks: settings.service.minCapacity,
      paused: settings.service.paused,
      cpuHighPercent: settings.alarms.cpuHighPercent,
      memoryHighPercent: settings.alarms.memoryHighPercent,
      http5xxCount: settings.alarms.http5xxCount,
      unhealthyHostCount: settings.alarms.unhealthyHostCount,
      targetResponseTimeP99Seconds: settings.alarms.targetResponseTimeP99Seconds,
      periodSeconds: settings.alarms.periodSeconds,
      evaluationPeriods: settings.alarms.evaluationPeriods,
    });
    if (settings.service.paused) {
      suppressPolicy(
        this.alarms.runningTasksLow,
        'alarm-actions',
        'service.paused is set: the service runs no tasks on purpose, so the running-tasks alarm notifies no one until it is unpaused',
      );
    }

    this.service = new FargateService(this, 'Service', {
      provider,
      region: region.name,
      namePrefix,
      cluster: this.cluster,
      securityGroup: this.taskSecurityGroup,
      subnetIds: privateSubnetIds,
      loadBalancerSecurityGroupId: this.loadBalancer.securityGroup.id,
      targetGroupArn: this.loadBalancer.targetGroup.arn,
      egressRouting: this.network.privateRouting,
      execSessions: execLogGroup ? { logGroupArn: execLogGroup.arn, kmsKeyArn: this.logKey.arn } : undefined,
      listeners: [
        this.loadBalancer.httpListener,
        ...(this.loadBalancer.httpsListener ? [this.loadBalancer.httpsListener] : []),
      ],
      image: props.image,
      fileSystem: {
        fileSystemId: this.fileSystem.fileSystem.id,
        accessPointId: this.fileSystem.accessPoint.id,
        securityGroupId: this.fileSystem.securityGroup.id,
        mountTargets: this.fileSystem.mountTargets,
        clientPolicyStatements: this.fileSystem.clientPolicyStatements,
      },
      dataBucket: {
        bucketName: this.dataBucket.bucket.bucket,
        readWriteStatements: this.dataBucket.readWriteStatements,
      },
      cpu: settings.task.cpu,
      memoryMiB: settings.task.memoryMiB,
      containerPort: settings.task.containerPort,
      healthCheckCommand: settings.task.healthCheckCommand,
      healthCheckIntervalSeconds: settings.task.healthCheckIntervalSeconds,
      healthCheckTimeoutSeconds: settings.task.healthCheckTimeoutSeconds,
      healthCheckRetries: settings.task.healthCheckRetries,
      healthCheckStartPeriodSeconds: settings.task.healthCheckStartPeriodSeconds,
      environment: resolveEnvironment(settings.task.environment, region.environment),
      secrets: resolveSecrets(settings.task.secrets, region.secrets, region.name, props.accountId),
      command: settings.task.command,
      entryPoint: settings.task.entryPoint,
      user: settings.task.user,
      rootUserReason: settings.task.rootUserReason,
      cpuArchitecture: settings.task.cpuArchitecture,
      ephemeralStorageGiB: settings.task.ephemeralStorageGiB,
      capacityProviders: strategy,
      clusterCapacityProviders: this.capacityProviders,
      requestCountPerTarget: settings.service.requestCountPerTarget,
      requestCountResourceLabel:
        settings.service.requestCountPerTarget === undefined
          ? undefined
          : `${this.loadBalancer.arnSuffix}/${this.loadBalancer.targetGroupArnSuffix}`,
      scheduledScaling: settings.service.scheduledScaling,
      readonlyRootFilesystem: settings.task.readonlyRootFilesystem,
      writablePaths: settings.task.writablePaths,
      logRetentionDays: settings.logRetentionDays,
      logKmsKeyArn: this.logKey.arn,
      desiredCount: settings.service.desiredCount,
      minCapacity: settings.service.minCapacity,
      maxCapacity: settings.service.maxCapacity,
      cpuTargetPercent: settings.service.cpuTargetPercent,
      memoryTargetPercent: settings.service.memoryTargetPercent,
      scaleInCooldownSeconds: settings.service.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: settings.service.scaleOutCooldownSeconds,
      healthCheckGracePeriodSeconds: settings.service.healthCheckGracePeriodSeconds,
      enableExecuteCommand: settings.service.enableExecuteCommand,
      paused: settings.service.paused,
      accountId: props.accountId,
      deploymentAlarmNames: settings.service.deploymentAlarms
        ? this.alarms.deploymentAlarms.map((alarm) => alarm.alarmName)
        : undefined,
    });

    const writableRootReason = settings.task.writableRootFilesystemReason;
    if (!settings.task.readonlyRootFilesystem && writableRootReason !== undefined) {
      // The settings require the reason with a writable root; the finding is accepted, visibly.
      suppressPolicy(
        this.service.taskDefinition,
        'ecs-readonly-root-filesystem',
        `task.writableRootFilesystemReason: ${writableRootReason.trim()}`,
      );
    }
    // Likewise a root user with its reason (the settings require one): ECS.20 accepted, visibly.
    if (isRootUser(settings.task.user) && settings.task.rootUserReason !== undefined) {
      suppressPolicy(
        this.service.taskDefinition,
        'ecs-non-root-user',
        `task.rootUserReason: ${settings.task.rootUserReason.trim()}`,
      );
    }

    // The EFS-managed daily backup stays off: the plan below backs the file system up and copies
    // it to another region, and two backups would be paid twice.
    this.backup = new BackupPlan(this, 'Backup', {
      provider,
      namePrefix,
      resourceArns: [this.fileSystem.fileSystem.arn],
      rules: settings.backup.rules,
      copyTo: props.backupCopyTo ? [props.backupCopyTo] : undefined,
      vaultLock: settings.backup.vaultLock,
    });
    if (!props.backupCopyTo) {
      suppressPolicy(
        this.backup.plan,
        'backup-cross-region-copy',
        'a single-region environment has no other region to copy its backups to',
      );
    }

    this.dashboard = new ServiceDashboard(this, 'Dashboard', {
      provider,
      dashboardName: `${namePrefix}-${region.name}`,
      region: region.name,
      clusterName: this.cluster.name,
      serviceName: this.service.service.name,
      loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.loadBalancer.targetGroupArnSuffix,
      alarmArns: this.alarms.alarms.map((alarm) => alarm.arn),
    });

    if (settings.failoverDrills.enabled ?? isProd) {
      this.drills = new FisExperiments(this, 'FailoverDrills', {
        provider,
        region: region.name,
        accountId: props.accountId,
        namePrefix,
        clusterName: this.cluster.name,
        clusterArn: this.cluster.arn,
        // The name itself, not the service's attribute: a data source that refers to a resource
        // with a pending change is read only at apply, so every release (a service update) would
        // show the drills' role policy as changing.
        serviceName,
        vpcArn: this.network.vpc.arn,
        subnetArns: this.network.privateSubnets.map((subnet) => subnet.arn),
        stopConditionAlarmArns: this.alarms.clientImpactAlarms.map((alarm) => alarm.arn),
        blackholeMinutes: settings.failoverDrills.blackholeMinutes,
        logRetentionDays: settings.logRetentionDays,
        logKmsKeyArn: this.logKey.arn,
      });
    }
  }
}
