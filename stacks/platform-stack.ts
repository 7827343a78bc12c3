import { Lazy, TerraformOutput, TerraformStack, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { ResourceTags } from '../aspects/resource-tags';
import { ContainerRepository } from '../constructs/container-repository';
import { GlobalAccelerator, expectedTrafficTimings } from '../constructs/global-accelerator';
import { GlobalDashboard } from '../constructs/global-dashboard';
import { HEALTHY_THRESHOLD_COUNT, HEALTH_CHECK_TIMEOUT_SECONDS } from '../constructs/load-balancer';
import { RegionalPlatform } from '../constructs/regional-platform';
import { BucketReplication } from '../constructs/bucket-replication';
import { PlatformService } from '../constructs/platform-service';
import { providerAlias } from '../settings/regions';
import { Settings } from '../settings/schema';
import { serviceNames } from '../settings/service-names';
import { tierDefaults } from '../settings/tier-defaults';
import { stateBackend } from './backend';
import { requireTerraformVersion } from './terraform-version';
import { awsProviders } from './aws-providers';
import { REPOSITORY_MOVES, moveFromSingleService } from './single-service-moves';
import { ServiceFoundation, buildServices } from './platform-services';
import { alertOnFailedBackupJobs, replicateFileSystems } from './data-protection';
import { recoveryObjectivesOutput } from './recovery-objectives';
import { networkSummaryOutput } from './network-summary';
import { globalDashboardsInEveryRegion } from './regional-views';
import { connectServices } from './service-connect';
import { forgetRetiredServices } from './retired-services';

/** Global Accelerator's API and CloudWatch metrics are served from us-west-2. */
export const GLOBAL_SERVICES_REGION = 'us-west-2';

export interface PlatformStackProps {
  /** Validated settings of one environment. */
  readonly settings: Settings;
  /**
   * Build the services here too (stackLayout `one-stack`); false leaves them to their own stacks.
   * @default true
   */
  readonly withServices?: boolean;
}

/**
 * One environment in every region of its settings, in one Terraform configuration: an aliased AWS
 * provider per region (`aws.us_east_1`, `aws.eu_west_1`, ...), each region's platform built with
 * that region's provider, and the image repository in the primary region replicated to the others.
 */
export class PlatformStack extends TerraformStack implements ServiceFoundation {
  public readonly settings: Settings;
  /** The account (from the settings, or looked up when they omit it). */
  public readonly accountId: string;
  /** Each service's names, keyed by service name. */
  public readonly names: ReadonlyMap<string, ReturnType<typeof serviceNames>>;
  /** Providers keyed by region name; the first region of the settings is the primary. */
  public readonly providers: ReadonlyMap<string, AwsProvider>;
  /** Each region's platform, keyed by region name. */
  public readonly regions: ReadonlyMap<string, RegionalPlatform>;
  /** The ECR repositories of the services that do not name an external image. */
  public readonly repository?: ContainerRepository;
  /** Each service in each region, keyed by service name, then region name. */
  public readonly services: ReadonlyMap<string, ReadonlyMap<string, PlatformService>>;
  /** How many resources moved from the single-service platform's addresses (`legacyNames`). */
  public readonly movedFromSingleService: number;
  /** Global Accelerator over every region's load balancer, with its DNS record when a domain is set. */
  public readonly accelerator: GlobalAccelerator;
  /** One dashboard in the primary region with every region side by side and the accelerator's traffic. */
  public readonly globalDashboard: GlobalDashboard;
  /** The hosted zone, when the settings ask for a new one. */
  public readonly zone?: Route53Zone;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { settings } = props;
    this.settings = settings;
    const namePrefix = `${settings.app}-${settings.environment}`;
    stateBackend(this, id, settings.backend);
    requireTerraformVersion(this);

    // One provider per deployment region, plus us-west-2, where AWS serves Global Accelerator's API
    // and metrics (reused when it is also a deployment region).
    const providers = awsProviders(this, settings, [
      ...new Set([...settings.regions.map((r) => r.name), GLOBAL_SERVICES_REGION]),
    ]);
    this.providers = providers;
    const [primary, ...replicas] = settings.regions;
    const providerOf = (region: string) => providers.get(region) as AwsProvider;

    // The account comes from the settings, so plans need no AWS call; only when the settings omit
    // it is it looked up (one STS call at plan time).
    const accountId =
      settings.accountId ??
      new DataAwsCallerIdentity(this, 'Account', { provider: providerOf(primary.name) }).accountId;

    let hostedZoneId = settings.domain?.hostedZoneId;
    if (settings.domain?.createZone) {
      this.zone = new Route53Zone(this, 'HostedZone', {
        provider: providerOf(GLOBAL_SERVICES_REGION),
        name: settings.domain.zoneName,
        comment: `${namePrefix}: created by cdktf; delegate it from the parent zone`,
      });
      hostedZoneId = this.zone.zoneId;
    }

    const names = new Map(
      Object.entries(settings.services).map(([name, service]) => [
        name,
        serviceNames(settings, name, service),
      ]),
    );
    const ownImages = Object.entries(settings.services).filter(([, service]) => !service.image.repositoryUri);
    if (ownImages.length > 0) {
      this.repository = new ContainerRepository(this, 'ContainerRepository', {
        provider: providerOf(primary.name),
        region: primary.name,
        // <app>/<env>/<service>: the replicas' creation template matches the <app>/<env> namespace.
        repositoryNames: ownImages.map(([name]) => names.get(name)?.repository as string),
        keyAlias: `${namePrefix}/ecr`,
        keepImageCount: Math.max(...ownImages.map(([, service]) => service.image.keepImageCount)),
        accountId: settings.accountId,
        replicaRegions: replicas.map((region) => ({
          region: region.name,
          provider: providerOf(region.name),
        })),
      });
      // A service's tags reach its repository too (its replicas are ECR's, not Terraform's).
      for (const [name, service] of ownImages) {
        const repository = this.repository.repositories.get(names.get(name)?.repository as string);
        if (repository) ResourceTags.applyTo(repository, service.tags);
      }
    }

    // Each region copies its backups to the next region of the list (the last to the first), so a
    // region's backups survive the loss of that region. The next region is built later, hence Lazy.
    const platforms = new Map<string, RegionalPlatform>();
    // Flow logs go to the settings' bucket, or to the primary region's log bucket.
    const defaults = tierDefaults(settings);
    const flowLogs = defaults.acceleratorFlowLogs;
    settings.regions.forEach((region, index) => {
      const next = settings.regions[(index + 1) % settings.regions.length].name;
      const platform = new RegionalPlatform(this, region.name, {
        provider: providerOf(region.name),
        settings,
        region,
        hostedZoneId,
        certificateValidationRecordFqdn: platforms.get(primary.name)?.loadBalancer.validationRecordFqdn,
        accountId,
        acceleratorFlowLogs: index === 0 && flowLogs && !settings.accelerator.flowLogsBucket,
        backupCopyTo:
          next === region.name
            ? undefined
            : {
                region: next,
                vaultArn: Lazy.stringValue({ produce: () => platforms.get(next)?.backup.vault.arn }),
              },
      });
      platforms.set(region.name, platform);
      this.regionOutputs(region.name, platform);
    });
    // Issue 20 (stacks/data-protection.ts): each region's file system replicated to the next one;
    // failed backup and copy jobs notify the region's alarm topic.
    replicateFileSystems(settings, platforms, providerOf);
    alertOnFailedBackupJobs(settings, platforms, providerOf);
    recoveryObjectivesOutput(this, settings);
    networkSummaryOutput(this, settings); // issue 19: only with an existing network in some region
    this.regions = platforms;

    this.accountId = accountId;
    this.names = names;
    // Every service in every region, on that region's foundation: Services/<service>/<region>; with
    // a stack per service, each in its own stack (stacks/service-stack.ts) and none here.
    const ownServices = props.withServices === false ? [] : Object.keys(settings.services);
    const { services, moved: servicesMoved } = buildServices(this, this, ownServices, providerOf);
    let moved = servicesMoved;
    for (const name of ownServices) {
      const service = settings.services[name];
      if (service.legacyNames && this.repository && !service.image.repositoryUri) {
        moved += moveFromSingleService(
          this.repository.node.findChild(names.get(name)?.repository.split('/').pop() as string),
          ['ContainerRepository'],
          REPOSITORY_MOVES,
        );
      }
    }
    this.services = services;
    // Retired services: their repositories (and, in one stack, log groups) forgotten, not destroyed.
    forgetRetiredServices(this, settings, props.withServices !== false);
    // Issue 19: Service Connect between services (with a stack per service, stacks/app.ts connects them).
    if (props.withServices !== false)
      connectServices(settings, services, (_caller, region) => providerOf(region));
    this.movedFromSingleService = moved;
    // Primary bucket -> every other region; with bidirectional, every region -> every other region.
    const replication = new Construct(this, 'DataReplication');
    const replicate = (source: string, destinations: string[]) =>
      new BucketReplication(replication, source, {
        provider: providerOf(source),
        region: source,
        namePrefix,
        source: (platforms.get(source) as RegionalPlatform).dataBucket,
        destinations: destinations.map((region) => ({
          region,
          bucket: (platforms.get(region) as RegionalPlatform).dataBucket,
        })),
        replicationTimeControl: settings.replication.replicationTimeControl,
        alarmTopicArn: (platforms.get(source) as RegionalPlatform).alarmTopic.topic.arn, // issue 20
      });
    if (replicas.length > 0) {
      replicate(
        primary.name,
        replicas.map((region) => region.name),
      );
      // Issue 20: production replicates every region's writes unless the settings say otherwise.
      if (defaults.replicationBidirectional) {
        // Full mesh: S3 never replicates a replica, so a write in one replica region reaches the
        // others only through a rule of its own bucket to each of them (and this cannot loop).
        for (const region of replicas) {
          replicate(
            region.name,
            settings.regions.filter((other) => other.name !== region.name).map((other) => other.name),
          );
        }
      }
    }

    this.accelerator = new GlobalAccelerator(this, 'GlobalAccelerator', {
      provider: providerOf(GLOBAL_SERVICES_REGION),
      name: namePrefix,
      endpoints: settings.regions.map((region) => ({
        region: region.name,
        loadBalancerArn: (platforms.get(region.name) as RegionalPlatform).loadBalancer.loadBalancer.arn,
        weight: region.acceleratorWeight,
        trafficDialPercentage: region.trafficDialPercentage,
      })),
      ipAddressType: settings.accelerator.ipAddressType,
      clientAffinity: settings.accelerator.clientAffinity,
      tlsEnabled: settings.domain !== undefined,
      flowLogsBucketName: flowLogs
        ? (settings.accelerator.flowLogsBucket ?? platforms.get(primary.name)?.logBucket?.bucketName)
        : undefined,
      dns: settings.domain
        ? {
            zoneName: settings.domain.zoneName,
            recordName: settings.domain.recordName,
            hostedZoneId,
            hostNames: Object.values(settings.services).flatMap((service) => service.routing?.hosts ?? []),
          }
        : undefined,
    });

    // The accelerator checks its access to the flow log bucket when flow logs are turned on.
    const flowLogBucketPolicy = platforms.get(primary.name)?.logBucket?.policy;
    if (flowLogs && !settings.accelerator.flowLogsBucket && flowLogBucketPolicy) {
      this.accelerator.accelerator.dependsOn = [
        ...(this.accelerator.accelerator.dependsOn ?? []),
        dependable(flowLogBucketPolicy),
      ];
    }

    // The slowest service sets the worst case.
    const web = Object.values(settings.services).filter((service) => service.kind === 'web');
    const all = (web.length ? web : Object.values(settings.services)).map((service) => service.service);
    const timings = expectedTrafficTimings({
      healthCheckIntervalSeconds: Math.max(...all.map((service) => service.healthCheckIntervalSeconds)),
      unhealthyThresholdCount: Math.max(...all.map((service) => service.unhealthyThresholdCount)),
      healthCheckTimeoutSeconds: HEALTH_CHECK_TIMEOUT_SECONDS,
      healthyThresholdCount: HEALTHY_THRESHOLD_COUNT,
      deregistrationDelaySeconds: Math.max(...all.map((service) => service.deregistrationDelaySeconds)),
    });
    const globalOutputs: Record<string, { description: string; value: string | string[] | number }> = {
      accelerator_dns_name: {
        description: 'DNS name of the Global Accelerator (use it when no domain is configured)',
        value: this.accelerator.dnsName,
      },
      accelerator_static_ips: {
        description: 'Static anycast IPs of the accelerator',
        value: this.accelerator.staticIps,
      },
      app_url: { description: 'URL of the application', value: this.accelerator.appUrl },
      expected_failover_seconds: {
        description: 'Worst-case seconds before Global Accelerator moves new connections off a failed region',
        value: timings.failoverSeconds,
      },
      expected_drain_seconds: {
        description:
          'Worst-case seconds from a region’s trafficDialPercentage set to 0 (applied) until it serves no new request',
        value: timings.drainSeconds,
      },
      expected_return_seconds: {
        description:
          'Worst-case seconds from a region being healthy again (or its dial raised) until it takes its share of traffic',
        value: timings.returnSeconds,
      },
    };
    if (this.zone) {
      // Delegating the new zone from its parent needs these (the README's two-step deploy).
      globalOutputs.hosted_zone_id = {
        description: 'ID of the hosted zone created for the domain',
        value: this.zone.zoneId,
      };
      globalOutputs.hosted_zone_name_servers = {
        description: 'Name servers of the created zone: add them as an NS record in the parent zone',
        value: this.zone.nameServers,
      };
    }
    for (const [name, output] of Object.entries(globalOutputs)) {
      new TerraformOutput(this, name, { staticId: true, ...output });
    }

    const monitored = settings.regions.flatMap((region) => {
      const platform = platforms.get(region.name) as RegionalPlatform;
      const withService = [...names].filter(([service]) => settings.services[service].kind !== 'scheduled');
      return withService.map(([service, name]) => ({
        region: region.name,
        clusterName: platform.cluster.name,
        serviceName: name.ecsService,
        // A worker is not behind the load balancer: its graphs there say so.
        loadBalancerArnSuffix:
          settings.services[service].kind === 'web' ? platform.loadBalancer.arnSuffix : undefined,
        // Each service's own requests, latency and 5xx: its target group's, not the shared ALB's.
        targetGroupArnSuffix: services.get(service)?.get(region.name)?.routing?.targetGroupArnSuffix,
      }));
    });
    this.globalDashboard = new GlobalDashboard(this, 'GlobalDashboard', {
      provider: providerOf(primary.name),
      dashboardName: `${namePrefix}-global`,
      services: monitored,
      acceleratorArn: this.accelerator.accelerator.arn,
    });
    // The same view in every other region, so it can be seen while one region is gone.
    globalDashboardsInEveryRegion(
      settings,
      platforms,
      providerOf,
      this.accelerator.accelerator.arn,
      monitored,
    );
  }

  /** The repository (tag or digest left off) a service's tasks pull from in a region. */
  public repositoryUrlFor(service: string, region: string): string {
    return (
      this.settings.services[service].image.repositoryUri ??
      (this.repository as ContainerRepository).repositoryUrlFor(
        this.names.get(service)?.repository as string,
        region,
      )
    );
  }

  private regionOutputs(region: string, platform: RegionalPlatform): void {
    const alias = providerAlias(region);
    const outputs: Record<string, { description: string; value: string | string[] }> = {
      vpc_id: { description: 'VPC ID', value: platform.network.vpcId },
      public_subnet_ids: {
        description: 'Public (load balancer) subnet IDs',
        value: platform.network.publicSubnetIds,
      },
      private_subnet_ids: {
        description: 'Private (task) subnet IDs',
        value: platform.network.privateSubnetIds,
      },
      alb_dns_name: {
        description: 'DNS name of the load balancer',
        value: platform.loadBalancer.loadBalancer.dnsName,
      },
      cluster_name: { description: 'ECS cluster name', value: platform.cluster.name },
      file_system_id: { description: 'EFS file system ID', value: platform.fileSystem.fileSystem.id },
      bucket_name: { description: 'Data bucket name', value: platform.dataBucket.bucket.bucket },
      backup_vault_arn: { description: 'Backup vault ARN', value: platform.backup.vault.arn },
      alarm_topic_arn: { description: 'SNS topic of the alarms', value: platform.alarmTopic.topic.arn },
      ...(platform.drills
        ? {
            fis_stop_tasks_template_id: {
              description: 'FIS experiment template that stops every task (aws fis start-experiment)',
              value: platform.drills.stopTasks.id,
            },
            fis_blackhole_template_id: {
              description: 'FIS experiment template that black-holes the private subnets',
              value: platform.drills.blackhole.id,
            },
          }
        : {}),
    };
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, `${alias}_${name}`, {
        staticId: true,
        description: `${output.description} in ${region}`,
        value: output.value,
      });
    }
  }
}
