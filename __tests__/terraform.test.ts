/**
 * Whole-stack verification with Terraform itself: every stack of the dev and prod environments, and
 * the platform stack of a third "stage" environment that turns on what they leave off (a domain
 * with TLS, a third region, bidirectional replication, alarm emails, accelerator flow logs, an S3
 * backend), validates against the real AWS provider schema and plans offline (mock credentials and
 * a local backend come from an override file in a scratch copy). One synthesis per environment and
 * one init per stack for the whole file; the stacks plan side by side.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OfflineResult, PlanOutput, providerKeys } from '../tools/terraform/offline';
import {
  CLI_CONFIG_FILE,
  SynthesizedEnvironment,
  planStack,
  synthEnvironment,
} from '../test-support/environment';
import { marker, renderWithTerraform } from '../test-support/render';
import { resources } from '../test-support/synth';
import { STAGE } from '../test-support/stage';
import { loadEnvironmentSettings, parseSettings } from '../settings/load';
import { Settings } from '../settings/schema';
import { providerAlias } from '../settings/regions';
import { tierDefaults } from '../settings/tier-defaults';
import { stackNames } from '../stacks/app';
import {
  execSessionsUsed,
  interfaceEndpointServices,
  vpcEndpointsEnabled,
} from '../settings/network-settings';

const environments = ['dev', 'prod'] as const;
const synthesized: Record<string, SynthesizedEnvironment> = {};
const results: Record<string, OfflineResult> = {};

/**
 * Each environment's settings: the expectations below follow them, so editing config/*.json within
 * what the settings allow (a third region, more zones, other CIDRs) keeps these tests green.
 */
const settingsOf: Record<string, Settings> = {
  dev: loadEnvironmentSettings({ PLATFORM_ENV: 'dev' }, path.resolve(__dirname, '..')),
  prod: loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, path.resolve(__dirname, '..')),
  stage: parseSettings(STAGE, 'stage settings'),
};
const aliasOf = (region: string) => `aws.${providerAlias(region)}`;

beforeAll(async () => {
  const jobs: Array<Promise<void>> = [];
  const stageDir = mkdtempSync(path.join(os.tmpdir(), 'config-stage-'));
  writeFileSync(path.join(stageDir, 'stage.json'), JSON.stringify(STAGE));
  synthesized.stage = synthEnvironment('stage', stageDir);
  jobs.push(
    planStack(synthesized.stage.stackDirs['fargate-stage']).then((r) => void (results['fargate-stage'] = r)),
  );
  // (the stage variant's own name is fixed by STAGE above)
  for (const environment of environments) {
    synthesized[environment] = synthEnvironment(environment);
    for (const [name, dir] of Object.entries(synthesized[environment].stackDirs)) {
      jobs.push(planStack(dir).then((result) => void (results[name] = result)));
    }
  }
  await Promise.all(jobs);
});

/** `aws_x.name` references in a resource's configuration expression at `path`. */
function references(plan: PlanOutput, address: string, ...pathInExpressions: string[]): string[] {
  const resource = plan.configuration.root_module.resources.find((r) => r.address === address) as unknown as {
    expressions: Record<string, unknown>;
  };
  let node: unknown = resource.expressions;
  for (const key of pathInExpressions) {
    node = Array.isArray(node) ? node[0]?.[key] : (node as Record<string, unknown>)?.[key];
  }
  return ((node as { references?: string[] })?.references ?? []).filter((r) =>
    /^aws_[a-z0-9_]+\.[^.]+$/.test(r),
  );
}

function managed(plan: PlanOutput) {
  const keys = providerKeys(plan);
  return plan.resource_changes
    .filter((change) => change.mode === 'managed')
    .map((change) => ({ ...change, providerKey: keys.get(change.address) }));
}

describe.each(environments)('the %s environment', (environment) => {
  const settings = settingsOf[environment];
  const stack = stackNames(settings).platform;

  it('synthesizes the platform stack only: the seed 8.8 example is not part of an environment', () => {
    expect(Object.keys(synthesized[environment].stacks)).toEqual([stack]);
  });

  it('validates the stack with no errors and no warnings', () => {
    for (const name of [stack]) {
      expect(results[name].validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    }
  });

  it('plans only creations', () => {
    for (const name of [stack]) {
      const actions = new Set(results[name].plan.resource_changes.flatMap((change) => change.change.actions));
      expect([...actions].filter((action) => !['create', 'read'].includes(action))).toEqual([]);
      expect(results[name].planText).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    }
  });

  it('plans the network of each region on that region’s provider', () => {
    const changes = managed(results[stack].plan);
    for (const region of settings.regions) {
      const zones = region.availabilityZones.length;
      const natPerRegion = settings.natGateways === 'perAz' ? zones : 1;
      const inRegion = changes.filter((change) => change.providerKey === aliasOf(region.name));
      const count = (type: string) => inRegion.filter((change) => change.type === type).length;
      expect(inRegion.filter((c) => c.type === 'aws_vpc').map((c) => c.change.after?.cidr_block)).toEqual([
        region.vpcCidr,
      ]);
      expect(count('aws_subnet')).toBe(2 * zones);
      expect(count('aws_internet_gateway')).toBe(1);
      expect(count('aws_nat_gateway')).toBe(natPerRegion);
      expect(count('aws_eip')).toBe(natPerRegion);
      // the public subnets' default route, and one per private subnet's route table
      expect(count('aws_route')).toBe(1 + zones);
      expect(count('aws_flow_log')).toBe(1);
      expect(count('aws_default_security_group')).toBe(1);
      // issue 19: the interface endpoints and the S3 gateway, where the settings turn them on
      expect(count('aws_vpc_endpoint')).toBe(
        vpcEndpointsEnabled(settings) ? interfaceEndpointServices(execSessionsUsed(settings)).length + 1 : 0,
      );
    }
    const aliases = new Set([...settings.regions.map((r) => aliasOf(r.name)), 'aws.us_west_2']);
    expect(changes.filter((change) => !aliases.has(change.providerKey ?? ''))).toEqual([]);
  });

  it('plans the foundation once and every service in each region on that region’s provider', () => {
    const changes = managed(results[stack].plan);
    const services = Object.values(settings.services);
    const serviceCount = services.length;
    // issue 19: web services sit behind the load balancer, workers and web services run an ECS service
    const web = services.filter((s) => s.kind === 'web');
    const running = services.filter((s) => s.kind !== 'scheduled');
    for (const region of settings.regions) {
      const alias = aliasOf(region.name);
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
        listenerRules: count('aws_lb_listener_rule'),
        securityGroups: count('aws_security_group'),
      }).toEqual({
        cluster: 1,
        service: running.length,
        taskDefinition: serviceCount,
        fileSystem: 1,
        mountTargets: region.availabilityZones.length,
        accessPoint: serviceCount,
        // prod: the data bucket and the log bucket
        bucket: environment === 'prod' ? 2 : 1,
        loadBalancer: 1,
        targetGroup: web.length,
        listenerRules: web.length,
        // the load balancer's, the file system's and one per service (and the VPC endpoints')
        securityGroups: 2 + serviceCount + (vpcEndpointsEnabled(settings) ? 1 : 0),
        scalableTarget: running.length,
        // CPU and memory for each, request count and queue backlog where asked
        scalingPolicies:
          2 * running.length +
          web.filter((s) => s.service.requestCountPerTarget !== undefined).length +
          running.filter((s) => s.queue !== undefined).length,
      });
    }
    const [primary, ...others] = settings.regions.map((r) => aliasOf(r.name));
    const own = services.filter((s) => s.image.repositoryUri === undefined).length;
    const ownRepository = own > 0;
    const repositories = changes.filter((c) => c.type === 'aws_ecr_repository');
    expect(repositories.map((r) => r.providerKey)).toEqual(Array(own).fill(primary));
    expect(repositories.map((r) => r.change.after?.name).sort()).toEqual(
      Object.keys(settings.services)
        .map((name) => `${settings.app}/${settings.environment}/${name}`)
        .sort(),
    );
    expect(
      changes
        .filter((c) => c.type === 'aws_ecr_repository_creation_template')
        .map((c) => c.providerKey)
        .sort(),
    ).toEqual(ownRepository ? others.sort() : []);
  });

  it('wires each region’s service, load balancer and file system to that region’s subnets only', () => {
    const plan = results[stack].plan;
    const keys = providerKeys(plan);
    const subnetsOf = (address: string, ...at: string[]) =>
      references(plan, address, ...at).filter((r) => r.startsWith('aws_subnet.'));
    for (const change of managed(plan)) {
      const subnets =
        change.type === 'aws_ecs_service'
          ? subnetsOf(change.address, 'network_configuration', 'subnets')
          : change.type === 'aws_lb'
            ? subnetsOf(change.address, 'subnets')
            : change.type === 'aws_efs_mount_target'
              ? subnetsOf(change.address, 'subnet_id')
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
    for (const region of settings.regions) {
      expect(config[aliasOf(region.name)].expressions?.region?.constant_value).toBe(region.name);
    }
  });

  it('leaves the synthesized stack folders free of the offline override', () => {
    for (const dir of Object.values(synthesized[environment].stackDirs)) {
      expect(readdirSync(dir).filter((file) => file.includes('override'))).toEqual([]);
      expect(existsSync(path.join(dir, '.terraform'))).toBe(false);
    }
  });
});

describe.each(['dev', 'prod', 'stage'])('the global layer and observability of %s', (environment) => {
  const settings = settingsOf[environment];
  const stack = stackNames(settings).platform;
  const regionCount = settings.regions.length;

  it('validates and plans with no warnings', () => {
    expect(results[stack].validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it('points each endpoint group at the load balancer of its own region', () => {
    const plan = results[stack].plan;
    const keys = providerKeys(plan);
    const groups = managed(plan).filter((c) => c.type === 'aws_globalaccelerator_endpoint_group');
    const regions = new Set<string>();
    for (const group of groups) {
      expect(group.providerKey).toBe('aws.us_west_2');
      const region = String(group.change.after?.endpoint_group_region);
      regions.add(region);
      const loadBalancers = references(plan, group.address, 'endpoint_configuration', 'endpoint_id');
      expect(loadBalancers).toHaveLength(1);
      expect(`${region} -> ${keys.get(loadBalancers[0])}`).toBe(
        `${region} -> aws.${region.replace(/-/g, '_')}`,
      );
    }
    expect([...regions].sort()).toEqual(settings.regions.map((r) => r.name).sort());
  });

  it('sends every alarm, and its recovery, to the topic of its own region', () => {
    const plan = results[stack].plan;
    const keys = providerKeys(plan);
    const alarms = managed(plan).filter((c) => c.type === 'aws_cloudwatch_metric_alarm');
    // Six per service and the load balancer's two per region, one EFS replication lag alarm per
    // region when replicated, and two per S3 replication rule (failed operations, latency): one rule
    // from the primary to each other region, from every region to every other with bidirectional.
    const bidirectional = settings.replication.bidirectional ?? settings.tier === 'production';
    const s3Rules = bidirectional ? regionCount * (regionCount - 1) : regionCount - 1;
    const efsLag = tierDefaults(settings).efsReplication ? regionCount : 0;
    // per region: a web service's 6, a worker's 3 (CPU, memory, running tasks), a scheduled job's 2
    // (failed invocations, dead letters), the load balancer's 2
    // A worker with a queue has one more: its oldest message's age.
    const perKind = { web: 6, worker: 3, scheduled: 2 };
    const serviceAlarms = Object.values(settings.services).reduce(
      (sum, s) => sum + perKind[s.kind] + (s.queue ? 1 : 0),
      0,
    );
    expect(alarms.length).toBe((serviceAlarms + 2) * regionCount + efsLag + 2 * s3Rules);
    for (const alarm of alarms) {
      for (const actions of ['alarm_actions', 'ok_actions']) {
        const topics = references(plan, alarm.address, actions);
        expect(topics.map((t) => `${t.split('.')[0]} on ${keys.get(t)}`)).toEqual([
          `aws_sns_topic on ${alarm.providerKey}`,
        ]);
      }
    }
  });

  it('renders every dashboard to valid JSON whose dimensions name its own region’s resources', () => {
    const json = synthesized[environment].stacks[stack];
    const dashboards = resources(json, 'aws_cloudwatch_dashboard');
    // one per service (but scheduled jobs) and region, and the global one in every region
    const withDashboard = Object.values(settings.services).filter((s) => s.kind !== 'scheduled').length;
    expect(dashboards.length).toBe(regionCount * withDashboard + regionCount);
    for (const dashboard of dashboards) {
      const body = JSON.parse(renderWithTerraform(String(dashboard.dashboard_body), CLI_CONFIG_FILE)) as {
        widgets: Array<{ properties: { region?: string; metrics?: unknown[][] } }>;
      };
      // a worker's: CPU, memory, tasks and its alarms; a web service's and the global ones more
      expect(body.widgets.length).toBeGreaterThanOrEqual(4);
      for (const widget of body.widgets) {
        const region = widget.properties.region as string;
        if (!region) {
          // only non-metric widgets (alarm status, text) may leave the region out
          expect(widget.properties.metrics ?? []).toEqual([]);
          continue;
        }
        const own = (type: string, attribute: string) =>
          Object.entries(json.resource?.[type] ?? {})
            .filter(([, block]) => String(block.provider) === `aws.${region.replace(/-/g, '_')}`)
            .map(([name]) => marker(type, name, attribute));
        // Every dimension names a resource of the widget's own region, by the attribute CloudWatch uses.
        const dimensions: Record<string, string[]> = {
          LoadBalancer: own('aws_lb', 'arn_suffix'),
          TargetGroup: own('aws_lb_target_group', 'arn_suffix'),
          ClusterName: own('aws_ecs_cluster', 'name'),
          // by reference, or by the known name the service is given (the global dashboard's)
          ServiceName: [
            ...own('aws_ecs_service', 'name'),
            ...Object.values(json.resource?.aws_ecs_service ?? {})
              .filter((block) => String(block.provider) === `aws.${region.replace(/-/g, '_')}`)
              .map((block) => String(block.name)),
          ],
        };
        for (const metric of widget.properties.metrics ?? []) {
          if (metric[0] === '.') continue;
          for (const [dimension, allowed] of Object.entries(dimensions)) {
            const at = metric.indexOf(dimension);
            if (at >= 0)
              expect(`${region} ${dimension}: ${allowed.includes(metric[at + 1] as string)}`).toBe(
                `${region} ${dimension}: true`,
              );
          }
        }
        if (widget.properties.metrics?.some((m) => m[0] === 'AWS/GlobalAccelerator')) {
          expect(widget.properties.region).toBe('us-west-2');
        }
      }
    }
  });
});

describe('the stage variant', () => {
  it('serves HTTPS in every region with one validation record, and an alias record to the accelerator', () => {
    const changes = managed(results['fargate-stage'].plan);
    // The zone and every name one label below it: the accelerator's name and each service's hosts.
    const certificates = changes.filter((c) => c.type === 'aws_acm_certificate').map((c) => c.change.after);
    expect(certificates.map((c) => c?.domain_name)).toEqual(['example.com', 'example.com', 'example.com']);
    expect(certificates.map((c) => c?.subject_alternative_names)).toEqual(
      Array(3).fill(['*.example.com', 'example.com']),
    );
    const records = changes.filter((c) => c.type === 'aws_route53_record');
    // The certificate validation CNAME (its type comes from ACM at apply) and the aliases to the accelerator.
    expect(records).toHaveLength(3);
    for (const type of ['A', 'AAAA']) {
      expect(records.filter((r) => r.change.after?.type === type).map((r) => r.change.after?.name)).toEqual([
        'shop.example.com',
      ]);
    }
    // Dual-stack all the way: the accelerator and every region's load balancer
    expect(changes.filter((c) => c.type === 'aws_lb').map((c) => c.change.after?.ip_address_type)).toEqual([
      'dualstack',
      'dualstack',
      'dualstack',
    ]);
    expect(
      changes.find((c) => c.type === 'aws_globalaccelerator_accelerator')?.change.after?.ip_address_type,
    ).toBe('DUAL_STACK');
    expect(changes.filter((c) => c.type === 'aws_globalaccelerator_listener')).toHaveLength(2);
  });

  it('replicates every region’s data bucket to every other region’s (full mesh) and copies backups around', () => {
    const plan = results['fargate-stage'].plan;
    const changes = managed(plan);
    const keys = providerKeys(plan);
    const regionOf = (address: string) =>
      String(
        plan.configuration.provider_config[keys.get(address) ?? '']?.expressions?.region?.constant_value,
      );
    // Which bucket reaches which, read from each configuration's references, not from names.
    const reaches = changes
      .filter((c) => c.type === 'aws_s3_bucket_replication_configuration')
      .flatMap((c) => {
        const [source] = references(plan, c.address, 'bucket').filter((r) => r.startsWith('aws_s3_bucket.'));
        const resource = plan.configuration.root_module.resources.find(
          (r) => r.address === c.address,
        ) as unknown as {
          expressions: { rule: Array<{ destination: Array<{ bucket: { references: string[] } }> }> };
        };
        return resource.expressions.rule.map((rule) => {
          const [destination] = rule.destination[0].bucket.references.filter((r) =>
            /^aws_s3_bucket\.[^.]+$/.test(r),
          );
          return `${regionOf(source)} -> ${regionOf(destination)}`;
        });
      })
      .sort();
    expect(reaches).toEqual([
      'ap-southeast-2 -> eu-west-1',
      'ap-southeast-2 -> us-east-1',
      'eu-west-1 -> ap-southeast-2',
      'eu-west-1 -> us-east-1',
      'us-east-1 -> ap-southeast-2',
      'us-east-1 -> eu-west-1',
    ]);
    const plans = changes.filter((c) => c.type === 'aws_backup_plan');
    expect(plans).toHaveLength(3);
    for (const plan of plans) {
      const rules = plan.change.after?.rule as Array<{ copy_action: unknown[] }>;
      expect(rules.every((rule) => rule.copy_action.length === 1)).toBe(true);
    }
  });
});
