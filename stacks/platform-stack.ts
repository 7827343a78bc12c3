import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { ContainerRepository } from '../constructs/ecr-repository';
import { RegionalPlatform } from '../constructs/regional-platform';
import { providerAlias } from '../settings/regions';
import { Settings } from '../settings/schema';
import { stateBackend } from './backend';

/** Global Accelerator's API and CloudWatch metrics are served from us-west-2. */
export const GLOBAL_SERVICES_REGION = 'us-west-2';

export interface PlatformStackProps {
  /** Validated settings of one environment. */
  readonly settings: Settings;
}

/**
 * One environment in every region of its settings, in one Terraform configuration: an aliased AWS
 * provider per region (`aws.us_east_1`, `aws.eu_west_1`, ...), each region's platform built with
 * that region's provider, and the image repository in the primary region replicated to the others.
 */
export class PlatformStack extends TerraformStack {
  /** Providers keyed by region name; the first region of the settings is the primary. */
  public readonly providers: ReadonlyMap<string, AwsProvider>;
  /** Each region's platform, keyed by region name. */
  public readonly regions: ReadonlyMap<string, RegionalPlatform>;
  /** The environment's ECR repository, unless the settings name an external image. */
  public readonly repository?: ContainerRepository;
  /** The hosted zone, when the settings ask for a new one. */
  public readonly zone?: Route53Zone;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { settings } = props;
    const namePrefix = `${settings.app}-${settings.environment}`;
    stateBackend(this, id, settings.backend);

    // One provider per deployment region, plus us-west-2, where AWS serves Global Accelerator's API
    // and metrics (reused when it is also a deployment region).
    const providers = new Map<string, AwsProvider>();
    for (const regionName of new Set([...settings.regions.map((r) => r.name), GLOBAL_SERVICES_REGION])) {
      const alias = providerAlias(regionName);
      providers.set(
        regionName,
        new AwsProvider(this, `aws_${alias}`, {
          alias,
          region: regionName,
          allowedAccountIds: settings.accountId ? [settings.accountId] : undefined,
          defaultTags: [
            {
              tags: {
                ...settings.tags,
                app: settings.app,
                environment: settings.environment,
                'managed-by': 'cdktf',
              },
            },
          ],
        }),
      );
    }
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

    if (!settings.image.repositoryUri) {
      this.repository = new ContainerRepository(this, 'ContainerRepository', {
        provider: providerOf(primary.name),
        region: primary.name,
        repositoryName: namePrefix,
        keyAlias: `${namePrefix}/ecr`,
        keepImageCount: settings.image.keepImageCount,
        replicaRegions: replicas.map((region) => ({
          region: region.name,
          provider: providerOf(region.name),
        })),
      });
    }
    const repositoryUrlFor = (region: string): string =>
      this.repository ? this.repository.repositoryUrlFor(region) : (settings.image.repositoryUri as string);

    const platforms = new Map<string, RegionalPlatform>();
    for (const region of settings.regions) {
      const platform = new RegionalPlatform(this, region.name, {
        provider: providerOf(region.name),
        settings,
        region,
        image: `${repositoryUrlFor(region.name)}:${settings.image.tag}`,
        hostedZoneId,
        accountId,
      });
      platforms.set(region.name, platform);
      this.regionOutputs(region.name, platform, repositoryUrlFor(region.name));
    }
    this.regions = platforms;
  }

  private regionOutputs(region: string, platform: RegionalPlatform, repositoryUrl: string): void {
    const alias = providerAlias(region);
    const outputs: Record<string, { description: string; value: string | string[] }> = {
      vpc_id: { description: 'VPC ID', value: platform.network.vpc.id },
      public_subnet_ids: {
        description: 'Public (load balancer) subnet IDs',
        value: platform.network.publicSubnets.map((subnet) => subnet.id),
      },
      private_subnet_ids: {
        description: 'Private (task) subnet IDs',
        value: platform.network.privateSubnets.map((subnet) => subnet.id),
      },
      alb_dns_name: {
        description: 'DNS name of the load balancer',
        value: platform.loadBalancer.loadBalancer.dnsName,
      },
      cluster_name: { description: 'ECS cluster name', value: platform.cluster.name },
      service_name: { description: 'ECS service name', value: platform.service.service.name },
      file_system_id: { description: 'EFS file system ID', value: platform.fileSystem.fileSystem.id },
      bucket_name: { description: 'Data bucket name', value: platform.dataBucket.bucket.bucket },
      repository_url: { description: 'Image repository the tasks pull from', value: repositoryUrl },
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
