import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Settings, ServiceSettings } from '../settings/schema';
import { serviceNames } from '../settings/service-names';
import { awsProviders } from './aws-providers';
import { stateBackend } from './backend';
import { RemovedBlock } from './removed-block';
import { logicalIdAt } from './single-service-moves';
import { requireTerraformVersion } from './terraform-version';

/**
 * Retired services (`services.<name>.retired`, settings/retired-services.ts): nothing of them is
 * built; what they keep is forgotten by `removed` blocks at the addresses the live service's
 * resources had, computed from the same construct IDs (never from hashes):
 *
 * - its ECR repository and the repository's lifecycle policy, in the foundation's stack
 *   (`ContainerRepository/<service>/…`, where `ContainerRepository` keeps every repository; the
 *   registry's replication rule and the replicas' creation templates are per namespace, not per
 *   service, and the replicas ECR created in the other regions are not in any state);
 * - its log groups in every region (`Services/<service>/<region>/Service/Task/LogGroup`, and the
 *   collector's `…/Task/Containers/MetricsLogGroup`), in the stack that held the service.
 */
export interface ForgottenResource {
  /** The service it belonged to. */
  readonly service: string;
  /** Terraform address: `<type>.<logical ID>`. */
  readonly address: string;
  /** Construct path below the stack, as the live service had it. */
  readonly path: readonly string[];
}

/** The repository of a retired service and its lifecycle policy, as the foundation held them. */
export function retiredRepositoryResources(settings: Settings): ForgottenResource[] {
  return Object.entries(settings.retiredServices).flatMap(([name, service]) => {
    if (service.image.repositoryUri) return [];
    const repository = serviceNames(settings, name, service).repository;
    const scope = ['ContainerRepository', repository.slice(repository.lastIndexOf('/') + 1)];
    return [
      forgotten(name, 'aws_ecr_repository', [...scope, 'Repository']),
      forgotten(name, 'aws_ecr_lifecycle_policy', [...scope, 'LifecyclePolicy']),
    ];
  });
}

/** The log groups of the retired services (or of `only`) in every region, as their stack held them. */
export function retiredLogGroupResources(settings: Settings, only?: string): ForgottenResource[] {
  return Object.entries(settings.retiredServices)
    .filter(([name]) => only === undefined || name === only)
    .flatMap(([name, service]) =>
      settings.regions.flatMap((region) => {
        const task = ['Services', name, region.name, 'Service', 'Task'];
        return [
          forgotten(name, 'aws_cloudwatch_log_group', [...task, 'LogGroup']),
          ...(hasCollector(service)
            ? [forgotten(name, 'aws_cloudwatch_log_group', [...task, 'Containers', 'MetricsLogGroup'])]
            : []),
        ];
      }),
    );
}

function hasCollector(service: ServiceSettings): boolean {
  return service.sidecars.collector !== undefined;
}

function forgotten(service: string, type: string, path: string[]): ForgottenResource {
  return { service, address: `${type}.${logicalIdAt(path)}`, path };
}

/** A `removed` block (destroy = false) per resource, under `RetiredServices/<service>/` in `stack`. */
export function forgetResources(stack: TerraformStack, resources: readonly ForgottenResource[]): void {
  if (resources.length === 0) return;
  const scope =
    (stack.node.tryFindChild('RetiredServices') as Construct | undefined) ??
    new Construct(stack, 'RetiredServices');
  for (const resource of resources) {
    const serviceScope =
      (scope.node.tryFindChild(resource.service) as Construct | undefined) ??
      new Construct(scope, resource.service);
    new RemovedBlock(serviceScope, resource.path.join('-'), { from: resource.address });
  }
}

/**
 * The foundation's part of retiring (stacks/platform-stack.ts): the repositories always, and the
 * log groups when the services live in the foundation's stack too (stackLayout `one-stack`).
 */
export function forgetRetiredServices(
  stack: TerraformStack,
  settings: Settings,
  withServices: boolean,
): void {
  forgetResources(stack, [
    ...retiredRepositoryResources(settings),
    ...(withServices ? retiredLogGroupResources(settings) : []),
  ]);
}

export interface RetiredServiceStackProps {
  /** Validated settings of the environment. */
  readonly settings: Settings;
  /** The retired service: a key of `settings.retiredServices`. */
  readonly service: string;
}

/**
 * A retired service's own stack (stackLayout `stack-per-service`): the same name, backend and state
 * as when it was live, with only its providers, `required_version` and the `removed` blocks of its
 * log groups. Its plan destroys everything else the service's state holds (ECS service, task
 * definition, target group, listener rule, security group, alarms, scaling, access point, …) and
 * forgets the log groups.
 */
export class RetiredServiceStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: RetiredServiceStackProps) {
    super(scope, id);
    const { settings } = props;
    if (!(props.service in settings.retiredServices)) {
      throw new Error(`RetiredServiceStack ${id}: no retired service ${JSON.stringify(props.service)}`);
    }
    stateBackend(this, id, settings.backend);
    requireTerraformVersion(this);
    // The state's objects name these providers: Terraform needs them to destroy what it holds.
    awsProviders(
      this,
      settings,
      settings.regions.map((region) => region.name),
    );
    forgetResources(this, retiredLogGroupResources(settings, props.service));
  }
}
