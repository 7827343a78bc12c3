import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ServiceDiscoveryHttpNamespace } from '@cdktf/provider-aws/lib/service-discovery-http-namespace';
import { usesServiceConnect } from '../settings/service-networking';
import { RegionSettings, Settings, topicsIn } from '../settings/schema';
import { tierDefaults } from '../settings/tier-defaults';
import { AccessLogBucket } from './access-log-bucket';
import { WebAcl } from './web-acl';
import { FileSystem } from './file-system';
import { FisExperiments } from './fis-experiments';
import { suppressPolicy } from '../policies/suppressions';
import { AlarmTopic } from './alarm-topic';
import { BackupCopyDestination, BackupPlan } from './backup-plan';
import { LoadBalancer } from './load-balancer';
import { LoadBalancerAlarms } from './load-balancer-alarms';
import { LogEncryptionKey } from './log-encryption-key';
import { Network } from './network';
import { ExistingNetwork } from './existing-network';
import { PlatformNetwork } from './platform-network';
import { VpcEndpoints } from './vpc-endpoints';
import { execSessionsUsed } from '../settings/network-settings';
import { DataBucket } from './data-bucket';

export interface RegionalPlatformProps {
  /** The provider of this region. */
  readonly provider: AwsProvider;
  /** The environment's validated settings. */
  readonly settings: Settings;
  /** This region's entry of `settings.regions`. */
  readonly region: RegionSettings;
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
 * The foundation one region gives every service, wired to that region's provider: the VPC, an ECS
 * cluster with Container Insights, the log key, the EFS file system, the data bucket, one load
 * balancer (404 for requests no service claims), edge logs and WAF, the alarm topic, the backup
 * plan and the failover drills. Services (`PlatformService`) are built on these typed fields.
 */
export class RegionalPlatform extends Construct {
  public readonly logKey: LogEncryptionKey;
  /** The region's network: created (`Network`), or existing and named by ID (`ExistingNetwork`). */
  public readonly network: PlatformNetwork;
  /** The VPC endpoints, when on and the network is created here. */
  public readonly vpcEndpoints?: VpcEndpoints;
  public readonly cluster: EcsCluster;
  public readonly fileSystem: FileSystem;
  public readonly dataBucket: DataBucket;
  public readonly loadBalancer: LoadBalancer;
  public readonly alarmTopic: AlarmTopic;
  /** What the region's clients see over the whole load balancer; the drills' stop conditions. */
  public readonly loadBalancerAlarms: LoadBalancerAlarms;
  public readonly backup: BackupPlan;
  /** Where ECS Exec sessions are logged, when a service enables ECS Exec. */
  public readonly execSessions?: { readonly logGroupArn: string; readonly kmsKeyArn: string };
  /** The log bucket of the load balancer's logs (and the accelerator's flow logs), when any is on. */
  public readonly logBucket?: AccessLogBucket;
  /** The region's web ACL, when the settings turn WAF on and name no existing web ACL. */
  public readonly webAcl?: WebAcl;
  /** The cluster's capacity providers, when a service has a capacity provider strategy. */
  public readonly capacityProviders?: EcsClusterCapacityProviders;
  /** The region's failover drills (FIS experiment templates), when `failoverDrills` is on. */
  public readonly drills?: FisExperiments;
  /** The Cloud Map namespace of Service Connect (`<app>-<env>`), when a service uses Service Connect. */
  public readonly serviceConnectNamespace?: ServiceDiscoveryHttpNamespace;

  constructor(scope: Construct, id: string, props: RegionalPlatformProps) {
    super(scope, id);
    const { provider, settings, region } = props;
    const namePrefix = `${settings.app}-${settings.environment}`;
    const defaults = tierDefaults(settings);

    this.logKey = new LogEncryptionKey(this, 'LogKey', {
      provider,
      region: region.name,
      accountId: props.accountId,
      alias: `${namePrefix}/logs`,
    });

    if (region.existingNetwork) {
      // Issue 19: a VPC owned elsewhere; nothing of the network is created (settings/network-settings.ts).
      this.network = new ExistingNetwork(this, 'ExistingNetwork', {
        region: region.name,
        accountId: props.accountId,
        availabilityZones: region.availabilityZones,
        ...region.existingNetwork,
      });
    } else {
      const network = new Network(this, 'Network', {
        provider,
        namePrefix,
        vpcCidr: region.vpcCidr ?? '',
        availabilityZones: region.availabilityZones,
        natGateways: settings.natGateways,
        ipv6: settings.accelerator.ipAddressType === 'DUAL_STACK',
        flowLogRetentionDays: settings.logRetentionDays,
        logKmsKeyArn: this.logKey.arn,
        accountId: props.accountId,
      });
      this.network = network;
      if (defaults.vpcEndpoints) {
        this.vpcEndpoints = new VpcEndpoints(this, 'VpcEndpoints', {
          provider,
          region: region.name,
          accountId: props.accountId,
          namePrefix,
          vpcId: network.vpcId,
          vpcCidr: network.vpcCidr,
          subnetIds: network.privateSubnetIds,
          routeTableIds: network.privateRouteTables.map((table) => table.id),
          execSessions: execSessionsUsed(settings),
        });
      }
    }
    const vpcId = this.network.vpcId;
    const privateSubnetIds = this.network.privateSubnetIds;

    // With ECS Exec, every session is logged to its own encrypted log group, and its data channel
    // is encrypted with the log key on top of TLS.
    const services = Object.values(settings.services);
    const execLogGroup = services.some((service) => service.service.enableExecuteCommand)
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
    if (execLogGroup) this.execSessions = { logGroupArn: execLogGroup.arn, kmsKeyArn: this.logKey.arn };
    // Service Connect: the region's services find each other by name in one namespace.
    if (services.some(usesServiceConnect)) {
      this.serviceConnectNamespace = new ServiceDiscoveryHttpNamespace(this, 'ServiceConnectNamespace', {
        provider,
        name: namePrefix,
        description: `Service Connect of ${namePrefix} in ${region.name}`,
      });
    }

    this.fileSystem = new FileSystem(this, 'FileSystem', {
      provider,
      namePrefix,
      vpcId,
      subnetIds: privateSubnetIds,
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
    const { accessLogs, connectionLogs } = defaults;
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
    if (defaults.waf && !region.webAclArn) {
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
      subnetIds: this.network.publicSubnetIds,
      deletionProtection: defaults.loadBalancerDeletionProtection,
      dualStack: settings.accelerator.ipAddressType === 'DUAL_STACK',
      logBucket: accessLogs || connectionLogs ? this.logBucket : undefined,
      accessLogs,
      connectionLogs,
      webAclArn: region.webAclArn ?? this.webAcl?.arn,
      certificate:
        settings.domain && props.hostedZoneId
          ? {
              // The zone and every name one label below it: the accelerator's record and each
              // service's hosts, validated with one DNS record.
              domainName: settings.domain.zoneName,
              subjectAlternativeNames: [`*.${settings.domain.zoneName}`],
              hostedZoneId: props.hostedZoneId,
              validationRecordFqdn: props.certificateValidationRecordFqdn,
            }
          : undefined,
    });

    if (services.some((service) => service.service.capacityProviders)) {
      // Each service with a strategy names its own; the default serves the others' plain tasks.
      this.capacityProviders = new EcsClusterCapacityProviders(this, 'CapacityProviders', {
        provider,
        clusterName: this.cluster.name,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 0, weight: 1 }],
      });
    }

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      provider,
      namePrefix,
      region: region.name,
      accountId: props.accountId,
      emailAddresses: settings.alarms.emails,
    });
    this.loadBalancerAlarms = new LoadBalancerAlarms(this, 'LoadBalancerAlarms', {
      provider,
      namePrefix,
      loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
      topicArn: this.alarmTopic.topic.arn,
      additionalTopicArns: topicsIn(settings.alarms.topicArns, region.name),
      http5xxCount: settings.alarms.http5xxCount,
      targetResponseTimeP99Seconds: settings.alarms.targetResponseTimeP99Seconds,
      periodSeconds: settings.alarms.periodSeconds,
      evaluationPeriods: settings.alarms.evaluationPeriods,
    });

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
    if (defaults.failoverDrills) {
      // Every task of the cluster, whatever its service; stopped when the region's clients suffer.
      this.drills = new FisExperiments(this, 'FailoverDrills', {
        provider,
        region: region.name,
        accountId: props.accountId,
        namePrefix,
        clusterName: this.cluster.name,
        clusterArn: this.cluster.arn,
        vpcArn: this.network.vpcArn,
        subnetArns: this.network.privateSubnetArns,
        stopConditionAlarmArns: this.loadBalancerAlarms.clientImpactAlarms.map((alarm) => alarm.arn),
        blackholeMinutes: settings.failoverDrills.blackholeMinutes,
        logRetentionDays: settings.logRetentionDays,
        logKmsKeyArn: this.logKey.arn,
      });
    }
  }
}
