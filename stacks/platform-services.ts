import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ResourceTags } from '../aspects/resource-tags';
import { PlatformService } from '../constructs/platform-service';
import { RegionalPlatform } from '../constructs/regional-platform';
import { imageReference, regionImage } from '../settings/image';
import { providerAlias } from '../settings/regions';
import { Settings, topicsIn } from '../settings/schema';
import { resolveEnvironment, resolveSecrets } from '../settings/secrets';
import { serviceNames } from '../settings/service-names';
import { REGIONAL_MOVES, moveFromSingleService } from './single-service-moves';
import { moveFromBeforeSplit } from './fargate-service-moves';

/** What every service is built on: the environment's foundation, whichever stack holds it. */
export interface ServiceFoundation {
  readonly settings: Settings;
  /** The account (from the settings, or the foundation's lookup). */
  readonly accountId: string;
  /** Each region's foundation, keyed by region name. */
  readonly regions: ReadonlyMap<string, RegionalPlatform>;
  /** Each service's names, keyed by service name. */
  readonly names: ReadonlyMap<string, ReturnType<typeof serviceNames>>;
  /** The repository (with tag or digest left off) a service's tasks pull from in a region. */
  repositoryUrlFor(service: string, region: string): string;
}

export interface BuiltServices {
  /** Each service in each region, keyed by service name, then region name. */
  readonly services: Map<string, Map<string, PlatformService>>;
  /** How many resources moved from the single-service platform's addresses (`legacyNames`). */
  readonly moved: number;
}

/**
 * Builds the named services in every region into `stack`, at `Services/<service>/<region>` (the same
 * address in either stack layout), with the service's outputs, on `foundation`'s regions. The
 * foundation may live in another stack: cdktf turns each value read from it into an output there
 * and a `terraform_remote_state` here.
 */
export function buildServices(
  stack: TerraformStack,
  foundation: ServiceFoundation,
  serviceList: readonly string[],
  providerOf: (region: string) => AwsProvider,
): BuiltServices {
  const { settings, accountId } = foundation;
  const servicesScope = new Construct(stack, 'Services');
  const services = new Map<string, Map<string, PlatformService>>();
  // Moved blocks move addresses within one state: only the stack that held the single service.
  const sameStack = foundation.regions.size > 0 && sameStackAs(stack, foundation.regions);
  let moved = 0;
  for (const name of serviceList) {
    const service = settings.services[name];
    const serviceScope = new Construct(servicesScope, name);
    ResourceTags.applyTo(serviceScope, service.tags);
    // Its alarms go to the environment's topics and its team's, each in its own region.
    const topicArns = [...settings.alarms.topicArns, ...service.alarms.topicArns];
    const byRegion = new Map<string, PlatformService>();
    for (const region of settings.regions) {
      const platform = foundation.regions.get(region.name) as RegionalPlatform;
      const overrides = service.regions[region.name];
      const repositoryUrl = foundation.repositoryUrlFor(name, region.name);
      const built = new PlatformService(serviceScope, region.name, {
        provider: providerOf(region.name),
        region: region.name,
        accountId,
        name,
        names: foundation.names.get(name) as ReturnType<typeof serviceNames>,
        service,
        image: imageReference(repositoryUrl, regionImage(service, region.name)),
        environment: resolveEnvironment(service.task.environment, overrides?.environment ?? []),
        secrets: resolveSecrets(service.task.secrets, overrides?.secrets ?? [], region.name, accountId),
        cluster: platform.cluster,
        clusterCapacityProviders: platform.capacityProviders,
        network: platform.network,
        loadBalancer: platform.loadBalancer,
        fileSystem: platform.fileSystem,
        dataBucket: platform.dataBucket,
        alarmTopic: platform.alarmTopic,
        additionalTopicArns: topicsIn(topicArns, region.name),
        alarms: settings.alarms,
        logKmsKeyArn: platform.logKey.arn,
        logRetentionDays: settings.logRetentionDays,
        execSessions: platform.execSessions,
        serviceConnectNamespace: platform.serviceConnectNamespace,
      });
      byRegion.set(region.name, built);
      // Addresses from before the FargateService split (stacks/fargate-service-moves.ts), in either layout.
      const beforeSplit = moveFromBeforeSplit(built.service);
      if (service.legacyNames && sameStack)
        moved += moveFromSingleService(built, [region.name], REGIONAL_MOVES, beforeSplit);
      serviceOutputs(stack, region.name, name, built, repositoryUrl);
    }
    services.set(name, byRegion);
  }
  return { services, moved };
}

function sameStackAs(stack: TerraformStack, regions: ReadonlyMap<string, RegionalPlatform>): boolean {
  const [first] = regions.values();
  return TerraformStack.of(first) === stack;
}

/** The service's outputs in one region: `<region alias>_<service>_<output>`. */
function serviceOutputs(
  stack: TerraformStack,
  region: string,
  name: string,
  service: PlatformService,
  repositoryUrl: string,
): void {
  const prefix = `${providerAlias(region)}_${name.replace(/-/g, '_')}`;
  const outputs: Record<string, { description: string; value: string }> = {
    ...(service.service.service
      ? { service_name: { description: `ECS service of ${name}`, value: service.service.service.name } }
      : {}),
    repository_url: { description: `Image repository ${name}'s tasks pull from`, value: repositoryUrl },
    ...(service.routing
      ? {
          target_group_arn: {
            description: `Target group of ${name}`,
            value: service.routing.targetGroup.arn,
          },
        }
      : {}),
    ...(service.job
      ? { schedule_name: { description: `Schedule that starts ${name}`, value: service.job.schedule.name } }
      : {}),
  };
  for (const [key, output] of Object.entries(outputs)) {
    new TerraformOutput(stack, `${prefix}_${key}`, {
      staticId: true,
      description: `${output.description} in ${region}`,
      value: output.value,
    });
  }
}
