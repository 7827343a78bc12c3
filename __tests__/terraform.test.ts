/**
 * Whole-stack verification with Terraform itself: every stack of the dev and prod environments
 * validates against the real AWS provider schema and plans offline (mock credentials and a local
 * backend come from an override file in a scratch copy). One synthesis per environment and one
 * init per stack for the whole file; the stacks plan side by side.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { OfflineResult, PlanOutput, providerKeys } from '../test-support/offline-terraform';
import { SynthesizedEnvironment, planStack, synthEnvironment } from '../test-support/environment';

const environments = ['dev', 'prod'] as const;
const synthesized: Record<string, SynthesizedEnvironment> = {};
const results: Record<string, OfflineResult> = {};

beforeAll(async () => {
  const jobs: Array<Promise<void>> = [];
  for (const environment of environments) {
    synthesized[environment] = synthEnvironment(environment);
    for (const [name, dir] of Object.entries(synthesized[environment].stackDirs)) {
      jobs.push(planStack(dir).then((result) => void (results[name] = result)));
    }
  }
  await Promise.all(jobs);
});

function managed(plan: PlanOutput) {
  const keys = providerKeys(plan);
  return plan.resource_changes
    .filter((change) => change.mode === 'managed')
    .map((change) => ({ ...change, providerKey: keys.get(change.address) }));
}

describe.each(environments)('the %s environment', (environment) => {
  const stack = `fargate-${environment}`;

  it('validates both stacks with no errors and no warnings', () => {
    for (const name of [stack, `${stack}-simple`]) {
      expect(results[name].validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    }
  });

  it('plans only creations', () => {
    for (const name of [stack, `${stack}-simple`]) {
      const actions = new Set(results[name].plan.resource_changes.flatMap((change) => change.change.actions));
      expect([...actions].filter((action) => !['create', 'read'].includes(action))).toEqual([]);
      expect(results[name].planText).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    }
  });

  it('plans the network of each region on that region’s provider', () => {
    const changes = managed(results[stack].plan);
    const natPerRegion = environment === 'prod' ? 2 : 1;
    for (const [alias, cidr] of [
      ['aws.us_east_1', '10.0.0.0/16'],
      ['aws.eu_west_1', '10.1.0.0/16'],
    ]) {
      const inRegion = changes.filter((change) => change.providerKey === alias);
      const count = (type: string) => inRegion.filter((change) => change.type === type).length;
      expect(inRegion.filter((c) => c.type === 'aws_vpc').map((c) => c.change.after?.cidr_block)).toEqual([
        cidr,
      ]);
      expect(count('aws_subnet')).toBe(4);
      expect(count('aws_internet_gateway')).toBe(1);
      expect(count('aws_nat_gateway')).toBe(natPerRegion);
      expect(count('aws_eip')).toBe(natPerRegion);
      expect(count('aws_route')).toBe(3);
      expect(count('aws_flow_log')).toBe(1);
      expect(count('aws_default_security_group')).toBe(1);
    }
    expect(changes.filter((change) => !change.providerKey?.match(/^aws\.(us_east_1|eu_west_1)$/))).toEqual(
      [],
    );
  });

  it('plans the full platform in each region on that region’s provider', () => {
    const changes = managed(results[stack].plan);
    for (const alias of ['aws.us_east_1', 'aws.eu_west_1']) {
      const count = (type: string) =>
        changes.filter((c) => c.providerKey === alias && c.type === type).length;
      expect({
        cluster: count('aws_ecs_cluster'),
        service: count('aws_ecs_service'),
        taskDefinition: count('aws_ecs_task_definition'),
        fileSystem: count('aws_efs_file_system'),
        mountTargets: count('aws_efs_mount_target'),
        accessPoint: count('aws_efs_access_point'),
        bucket: count('aws_s3_bucket'),
        loadBalancer: count('aws_lb'),
        targetGroup: count('aws_lb_target_group'),
        scalableTarget: count('aws_appautoscaling_target'),
        scalingPolicies: count('aws_appautoscaling_policy'),
      }).toEqual({
        cluster: 1,
        service: 1,
        taskDefinition: 1,
        fileSystem: 1,
        mountTargets: 2,
        accessPoint: 1,
        bucket: 1,
        loadBalancer: 1,
        targetGroup: 1,
        scalableTarget: 1,
        scalingPolicies: 2,
      });
    }
    const repositories = changes.filter((c) => c.type === 'aws_ecr_repository');
    expect(repositories.map((r) => r.providerKey)).toEqual(['aws.us_east_1']);
    expect(
      changes.filter((c) => c.type === 'aws_ecr_repository_creation_template').map((c) => c.providerKey),
    ).toEqual(['aws.eu_west_1']);
  });

  it('wires each region’s service, load balancer and file system to that region’s subnets only', () => {
    const plan = results[stack].plan;
    const keys = providerKeys(plan);
    const references = (address: string, ...path: string[]): string[] => {
      const resource = plan.configuration.root_module.resources.find(
        (r) => r.address === address,
      ) as unknown as {
        expressions: Record<string, unknown>;
      };
      let node: unknown = resource.expressions;
      for (const key of path)
        node = Array.isArray(node) ? node[0]?.[key] : (node as Record<string, unknown>)?.[key];
      return ((node as { references?: string[] })?.references ?? []).filter((r) =>
        /^aws_subnet\.[^.]+$/.test(r),
      );
    };
    for (const change of managed(plan)) {
      const subnets =
        change.type === 'aws_ecs_service'
          ? references(change.address, 'network_configuration', 'subnets')
          : change.type === 'aws_lb'
            ? references(change.address, 'subnets')
            : change.type === 'aws_efs_mount_target'
              ? references(change.address, 'subnet_id')
              : undefined;
      if (!subnets) continue;
      expect(subnets.length).toBeGreaterThan(0);
      for (const subnet of subnets) {
        expect(`${change.address} -> ${subnet} on ${keys.get(subnet)}`).toBe(
          `${change.address} -> ${subnet} on ${change.providerKey}`,
        );
      }
    }
  });

  it('configures each aliased provider for its own region', () => {
    const config = results[stack].plan.configuration.provider_config;
    expect(config['aws.us_east_1'].expressions?.region?.constant_value).toBe('us-east-1');
    expect(config['aws.eu_west_1'].expressions?.region?.constant_value).toBe('eu-west-1');
  });

  it('plans the seed 8.8 example: a cluster and a two-task service', () => {
    const changes = managed(results[`${stack}-simple`].plan);
    expect(changes.find((c) => c.type === 'aws_ecs_cluster')?.change.after?.name).toBe('MyFargateCluster');
    expect(changes.find((c) => c.type === 'aws_ecs_service')?.change.after).toMatchObject({
      desired_count: 2,
      launch_type: 'FARGATE',
    });
  });

  it('leaves the synthesized stack folders free of the offline override', () => {
    for (const dir of Object.values(synthesized[environment].stackDirs)) {
      expect(readdirSync(dir).filter((file) => file.includes('override'))).toEqual([]);
      expect(existsSync(path.join(dir, '.terraform'))).toBe(false);
    }
  });
});
