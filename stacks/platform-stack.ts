import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ContainerRepository } from '../constructs/ecr-repository';
import { RegionalPlatform } from '../constructs/regional-platform';
import { providerAlias } from '../settings/regions';
import { Settings } from '../settings/schema';
import { localStateBackend } from './backend';

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

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { settings } = props;
    const namePrefix = `${settings.app}-${settings.environment}`;
    localStateBackend(this, id);

    const providers = new Map<string, AwsProvider>();
    for (const region of settings.regions) {
      const alias = providerAlias(region.name);
      providers.set(
        region.name,
        new AwsProvider(this, `aws_${alias}`, {
          alias,
          region: region.name,
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
