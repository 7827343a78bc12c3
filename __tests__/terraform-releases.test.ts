/**
 * Releases, evacuation and drills, proven with Terraform's own plans: the dev environment is
 * planned as it ships, and again with one setting changed (a wave's tag in eu-west-1, eu-west-1's
 * traffic dial at 0, a digest for every region). Comparing the planned values of the two plans
 * shows which resources a change touches; a resource whose configuration refers to a touched one
 * gets a new value when the change is applied (the service gets its new task definition revision),
 * so those are counted too. The prod plan shows the deployment alarms and the FIS templates.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- settings and planned values are free-form JSON */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OfflineResult, PlanOutput, providerKeys } from '../tools/terraform/offline';
import { SynthesizedEnvironment, planStack, synthEnvironment } from '../test-support/environment';

const root = path.resolve(__dirname, '..');
const DEV = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as Record<string, any>;
const DIGEST = `sha256:${'5eed'.repeat(16)}`;
const scratch: string[] = [];
const plans: Record<string, PlanOutput> = {};

/** dev.json with `change` applied, synthesized from a folder of its own. */
function synthVariant(change: (settings: Record<string, any>) => void): SynthesizedEnvironment {
  const settings = structuredClone(DEV);
  change(settings);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'config-release-'));
  scratch.push(dir);
  writeFileSync(path.join(dir, 'dev.json'), JSON.stringify(settings));
  return synthEnvironment('dev', dir);
}

const variants = {
  base: () => synthEnvironment('dev'),
  prod: () => synthEnvironment('prod'),
  wave: () => synthVariant((s) => (s.services.app.regions = { 'eu-west-1': { image: { tag: '0.2.0' } } })),
  evacuation: () => synthVariant((s) => (s.regions[1].trafficDialPercentage = 0)),
  digest: () => synthVariant((s) => (s.services.app.image.digest = DIGEST)),
};

beforeAll(async () => {
  await Promise.all(
    Object.entries(variants).map(async ([name, synth]) => {
      const environment = synth();
      scratch.push(path.dirname(environment.outdir));
      const stack = name === 'prod' ? 'fargate-prod' : 'fargate-dev';
      const result: OfflineResult = await planStack(environment.stackDirs[stack]);
      plans[name] = result.plan;
    }),
  );
});

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function valuesOf(plan: PlanOutput): Map<string, Record<string, unknown>> {
  return new Map((plan.planned_values.root_module.resources ?? []).map((r) => [r.address, r.values]));
}

/** Addresses whose planned values differ between the plans (or that only one plan has). */
function changed(base: PlanOutput, variant: PlanOutput): string[] {
  const before = valuesOf(base);
  const after = valuesOf(variant);
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((address) => JSON.stringify(before.get(address)) !== JSON.stringify(after.get(address)))
    .sort();
}

/** Resources whose configuration refers to one of `addresses`: they get new values on apply. */
function dependents(plan: PlanOutput, addresses: string[]): string[] {
  const collect = (node: unknown, into: Set<string>): Set<string> => {
    if (Array.isArray(node)) node.forEach((child) => collect(child, into));
    else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'references' && Array.isArray(child)) child.forEach((r) => into.add(String(r)));
        else collect(child, into);
      }
    }
    return into;
  };
  return plan.configuration.root_module.resources
    .filter((resource) => !addresses.includes(resource.address))
    .filter((resource) => {
      const refs = collect((resource as unknown as { expressions: unknown }).expressions, new Set());
      return addresses.some((address) => refs.has(address));
    })
    .map((resource) => resource.address)
    .sort();
}

/** `type (provider)` of each address, for readable expectations. */
function describe_(plan: PlanOutput, addresses: string[]): string[] {
  const keys = providerKeys(plan);
  return addresses.map((address) => `${address.split('.')[0]} (${keys.get(address)})`);
}

const imageOf = (plan: PlanOutput, address: string): string =>
  JSON.parse(String(valuesOf(plan).get(address)?.container_definitions))[0].image;

function addressesOf(plan: PlanOutput, type: string, provider: string, service?: string): string[] {
  const keys = providerKeys(plan);
  return plan.resource_changes
    .filter((change) => change.type === type && keys.get(change.address) === provider)
    .filter((change) => service === undefined || change.address.includes(`.Services_${service}_`))
    .map((change) => change.address);
}

describe('a release wave', () => {
  it('changes only the wave region’s task definition of that service and, through it, its service', () => {
    // GIVEN dev as it ships WHEN the service app alone moves to 0.2.0 in eu-west-1 alone
    const touched = changed(plans.base, plans.wave);
    // THEN the plans differ in eu-west-1's task definition only, and only its service refers to it
    expect(describe_(plans.wave, touched)).toEqual(['aws_ecs_task_definition (aws.eu_west_1)']);
    expect(describe_(plans.wave, dependents(plans.wave, touched))).toEqual([
      'aws_ecs_service (aws.eu_west_1)',
    ]);
    // AND the plan shows the image each region runs
    expect(touched[0]).toContain('.Services_app_eu-west-1_');
    const [eu] = addressesOf(plans.wave, 'aws_ecs_task_definition', 'aws.eu_west_1', 'app');
    const [us] = addressesOf(plans.wave, 'aws_ecs_task_definition', 'aws.us_east_1', 'app');
    const [api] = addressesOf(plans.wave, 'aws_ecs_task_definition', 'aws.eu_west_1', 'api');
    expect(imageOf(plans.wave, api)).toBe(
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/fargate/dev/api:0.1.0',
    );
    expect(imageOf(plans.wave, eu)).toBe(
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/fargate/dev/app:0.2.0',
    );
    expect(imageOf(plans.wave, us)).toBe(
      '111111111111.dkr.ecr.us-east-1.amazonaws.com/fargate/dev/app:0.1.0',
    );
  });

  it('pins every region of a service to the same digest: its task definitions, and so its services', () => {
    const touched = changed(plans.base, plans.digest);
    expect(describe_(plans.digest, touched)).toEqual([
      'aws_ecs_task_definition (aws.eu_west_1)',
      'aws_ecs_task_definition (aws.us_east_1)',
    ]);
    expect(describe_(plans.digest, dependents(plans.digest, touched))).toEqual([
      'aws_ecs_service (aws.eu_west_1)',
      'aws_ecs_service (aws.us_east_1)',
    ]);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const [address] = addressesOf(
        plans.digest,
        'aws_ecs_task_definition',
        `aws.${region.replace(/-/g, '_')}`,
        'app',
      );
      expect(imageOf(plans.digest, address)).toBe(
        `111111111111.dkr.ecr.${region}.amazonaws.com/fargate/dev/app@${DIGEST}`,
      );
    }
  });
});

describe('a region evacuation', () => {
  it('changes only the region’s endpoint group, its dial from 100 to 0', () => {
    const touched = changed(plans.base, plans.evacuation);
    expect(describe_(plans.evacuation, touched)).toEqual([
      'aws_globalaccelerator_endpoint_group (aws.us_west_2)',
    ]);
    expect(dependents(plans.evacuation, touched)).toEqual([]);
    const group = (plan: PlanOutput) => valuesOf(plan).get(touched[0]) as Record<string, unknown>;
    expect(group(plans.evacuation)).toMatchObject({
      endpoint_group_region: 'eu-west-1',
      traffic_dial_percentage: 0,
    });
    expect(group(plans.base).traffic_dial_percentage).toBe(100);
  });

  it('outputs the expected failover, drain and return times for the settings', () => {
    const after = (name: string) => (plans.base.output_changes?.[name] as { after: unknown }).after;
    expect([
      after('expected_failover_seconds'),
      after('expected_drain_seconds'),
      after('expected_return_seconds'),
    ]).toEqual([55, 60, 50]);
  });
});

describe('deployment alarms', () => {
  it.each(['base', 'prod'])(
    'roll each %s service back on its own bad-release alarms in its region',
    (name) => {
      const plan = plans[name];
      const values = valuesOf(plan);
      const environment = name === 'prod' ? 'fargate-prod' : 'fargate-dev';
      const services = name === 'prod' ? ['app', 'api', 'admin'] : ['app', 'api'];
      for (const provider of ['aws.us_east_1', 'aws.eu_west_1']) {
        for (const service of services) {
          const [address] = addressesOf(plan, 'aws_ecs_service', provider, service);
          const alarmNames = addressesOf(plan, 'aws_cloudwatch_metric_alarm', provider, service).map(
            (alarm) => values.get(alarm)?.alarm_name as string,
          );
          // app keeps the single-service names (legacyNames); the others are named after themselves
          const prefix = service === 'app' ? environment : `${environment}-${service}`;
          const expected = [`${prefix}-alb-5xx`, `${prefix}-p99-response-time`, `${prefix}-unhealthy-hosts`];
          expect(alarmNames).toEqual(expect.arrayContaining(expected));
          expect(values.get(address)).toMatchObject({
            alarms: [{ alarm_names: expect.arrayContaining(expected), enable: true, rollback: true }],
            deployment_circuit_breaker: [{ enable: true, rollback: true }],
          });
          expect(
            (values.get(address)?.alarms as Array<{ alarm_names: string[] }>)[0].alarm_names,
          ).toHaveLength(3);
        }
      }
    },
  );
});

describe('failover drills', () => {
  it('plans a stop-tasks and a black-hole template in each prod region, none in dev', () => {
    const values = valuesOf(plans.prod);
    for (const [region, provider] of [
      ['us-east-1', 'aws.us_east_1'],
      ['eu-west-1', 'aws.eu_west_1'],
    ]) {
      const templates = addressesOf(plans.prod, 'aws_fis_experiment_template', provider).map(
        (address) => values.get(address) as Record<string, any>,
      );
      expect(templates.map((t) => t.action[0].action_id).sort()).toEqual([
        'aws:ecs:stop-task',
        'aws:network:disrupt-connectivity',
      ]);
      const stop = templates.find((t) => t.action[0].action_id === 'aws:ecs:stop-task');
      expect(stop?.target[0]).toMatchObject({
        resource_type: 'aws:ecs:task',
        selection_mode: 'ALL',
        parameters: { cluster: 'fargate-prod-cluster' },
      });
      for (const template of templates) {
        expect(template.description).toContain(region);
        // the region's load balancer alarms (5xx and p99 over every service) stop a drill
        expect(template.stop_condition).toHaveLength(2);
      }
      // The experiments log to the region's encrypted log group.
      const [logGroup] = addressesOf(plans.prod, 'aws_cloudwatch_log_group', provider)
        .map((address) => values.get(address) as Record<string, any>)
        .filter((group) => group.name === '/aws/fis/fargate-prod');
      expect(logGroup).toMatchObject({ retention_in_days: 365 });
      const config = plans.prod.configuration.root_module.resources.find(
        (r) =>
          r.type === 'aws_cloudwatch_log_group' &&
          providerKeys(plans.prod).get(r.address) === provider &&
          (r as any).expressions?.name?.constant_value === '/aws/fis/fargate-prod',
      ) as any;
      expect(config.expressions.kms_key_id.references.some((r: string) => r.startsWith('aws_kms_key.'))).toBe(
        true,
      );
    }
    expect(plans.base.resource_changes.filter((c) => c.type === 'aws_fis_experiment_template')).toEqual([]);
  });
});
