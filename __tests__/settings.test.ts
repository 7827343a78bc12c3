import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError, loadEnvironmentSettings, loadSettingsFile, parseSettings } from '../settings/load';
import { twoRegions } from '../test-support/settings-fixtures';

const root = path.resolve(__dirname, '..');

/** Writes `config/<environment>.json` into a fresh folder and returns the validation error message. */
function errorFor(settings: Record<string, unknown>, environment = 'dev'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'settings-'));
  const file = path.join(dir, `${environment}.json`);
  writeFileSync(file, JSON.stringify(settings));
  try {
    loadSettingsFile(file, `config/${environment}.json`);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected the settings to be rejected');
}

/** The one service of `valid`: every request of the load balancer goes to it. */
const appService = { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 100 } };

const valid = {
  app: 'fargate',
  environment: 'dev',
  tier: 'development',
  regions: twoRegions,
  services: { app: appService },
};

/** `valid` (or `base`) whose service `app` has `service`'s settings (image, task, service, regions, ...). */
function withApp(service: Record<string, unknown>, base: Record<string, unknown> = valid) {
  const services = base.services as Record<string, Record<string, unknown>>;
  return { ...base, services: { ...services, app: { ...services.app, ...service } } };
}

describe('settings files', () => {
  it.each(['dev', 'prod'])('loads the shipped config/%s.json', (environment) => {
    // GIVEN the repository's settings WHEN loaded by environment name
    const settings = loadEnvironmentSettings({ PLATFORM_ENV: environment }, root);
    // THEN the file's regions are there in its order, primary first, and its services by name
    const file = JSON.parse(readFileSync(path.join(root, 'config', `${environment}.json`), 'utf8')) as {
      regions?: Array<{ name: string; vpcCidr: string }>;
      services: Record<string, { routing?: { priority: number } }>;
    };
    expect(settings.environment).toBe(environment);
    expect(settings.regions.map((r) => [r.name, r.vpcCidr])).toEqual(
      (file.regions ?? twoRegions).map((r) => [r.name, r.vpcCidr]),
    );
    expect(Object.keys(settings.services)).toEqual(Object.keys(file.services));
    expect(Object.values(settings.services).map((s) => s.routing?.priority)).toEqual(
      Object.values(file.services).map((s) => s.routing?.priority),
    );
  });

  it('ships dev with the single application kept as service app, and a second service api', () => {
    // GIVEN config/dev.json WHEN loaded
    const { services } = loadEnvironmentSettings({ PLATFORM_ENV: 'dev' }, root);
    // THEN app keeps the single-service names and takes what no other rule takes; api takes /api/*
    expect(Object.keys(services)).toEqual(['app', 'api']);
    expect(services.app.legacyNames).toBe(true);
    expect(services.app.routing).toEqual({ hosts: [], paths: ['/*'], priority: 50000 });
    expect(services.api.legacyNames).toBe(false);
    expect(services.api.routing).toEqual({ hosts: [], paths: ['/api/*'], priority: 100 });
  });

  it('ships prod with three web services routed by host name (admin by host and path first), a worker and a nightly job', () => {
    // GIVEN config/prod.json WHEN loaded
    const { services } = loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, root);
    // THEN
    expect(Object.keys(services)).toEqual(['app', 'api', 'admin', 'mailer', 'nightly']);
    expect(Object.values(services).map((s) => s.kind)).toEqual(['web', 'web', 'web', 'worker', 'scheduled']);
    expect([services.mailer.routing, services.nightly.routing]).toEqual([undefined, undefined]);
    expect(services.nightly.schedule).toMatchObject({
      expression: 'cron(30 2 * * ? *)',
      timezone: 'Europe/Dublin',
    });
    // The front end and the worker call the API by name inside their region; the API reaches its database.
    expect(services.app.serviceConnect?.calls).toEqual(['api']);
    expect(services.mailer.serviceConnect?.calls).toEqual(['api']);
    expect(services.api.serviceConnect?.offers).toHaveLength(1);
    expect(services.api.egress?.['orders-db']).toMatchObject({
      protocol: 'tcp',
      port: 5432,
      cidrs: ['10.100.0.0/16'],
    });
    expect(services.app.legacyNames).toBe(true);
    expect(services.app.routing).toEqual({ hosts: ['app.example.com'], paths: [], priority: 300 });
    expect(services.api.routing).toEqual({ hosts: ['api.example.com'], paths: [], priority: 100 });
    expect(services.admin.routing).toEqual({
      hosts: ['app.example.com'],
      paths: ['/admin/*'],
      priority: 200,
    });
    expect([services.api.legacyNames, services.admin.legacyNames]).toEqual([false, false]);
  });

  it('chooses dev when PLATFORM_ENV is unset', () => {
    expect(loadEnvironmentSettings({}, root).environment).toBe('dev');
  });

  it('uses one NAT per AZ in prod and a single NAT in dev', () => {
    expect(loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, root).natGateways).toBe('perAz');
    expect(loadEnvironmentSettings({ PLATFORM_ENV: 'dev' }, root).natGateways).toBe('single');
  });

  it('defaults to us-east-1 then eu-west-1, one NAT per AZ and 90-day log retention', () => {
    const settings = parseSettings(
      { app: 'fargate', environment: 'dev', tier: 'development', services: { app: appService } },
      'inline',
    );
    expect(settings.regions).toEqual(
      twoRegions.map((region) => ({ ...region, acceleratorWeight: 100, trafficDialPercentage: 100 })),
    );
    expect(settings.natGateways).toBe('perAz');
    expect(settings.logRetentionDays).toBe(90);
    expect(settings.accountId).toBeUndefined();
  });

  it('gives a service new names, no per-region values and no host condition by default, and builds no example', () => {
    // GIVEN a service with only its image and routing WHEN validated
    const settings = parseSettings(valid, 'inline');
    // THEN
    const service = settings.services.app;
    expect(service.legacyNames).toBe(false);
    expect(service.regions).toEqual({});
    expect(service.routing).toEqual({ hosts: [], paths: ['/*'], priority: 100 });
    expect(service.task.containerPort).toBe(80);
    expect(service.service.minCapacity).toBe(2);
    expect(settings.examples).toEqual({ simpleFargate: false });
  });

  it('names a missing environment file and lists the environments there are', () => {
    // GIVEN a settings folder with dev and prod WHEN an environment without a file is chosen
    const dir = mkdtempSync(path.join(os.tmpdir(), 'settings-'));
    for (const name of ['dev', 'prod']) writeFileSync(path.join(dir, `${name}.json`), '{}');
    // THEN the message names the file and the environments that exist
    expect(() =>
      loadEnvironmentSettings({ PLATFORM_ENV: 'staging', PLATFORM_CONFIG_DIR: dir }, root),
    ).toThrow(
      `${path.join(dir, 'staging.json')}: no settings file for environment "staging" (from PLATFORM_ENV); environments in ${dir}/: dev, prod; set PLATFORM_ENV to one of them`,
    );
  });

  it('names the missing environment file relative to the project', () => {
    expect(() => loadEnvironmentSettings({ PLATFORM_ENV: 'staging' }, root)).toThrow(
      /^config\/staging\.json: no settings file for environment "staging" \(from PLATFORM_ENV\); environments in config\/: (\w+, )*dev(, \w+)*; /,
    );
  });

  it('refuses an environment name that is not a plain word', () => {
    expect(() => loadEnvironmentSettings({ PLATFORM_ENV: '../etc/passwd' }, root)).toThrow(
      'PLATFORM_ENV: got "../etc/passwd"; expected an environment name',
    );
  });

  it('reports a file that is not JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'settings-'));
    writeFileSync(path.join(dir, 'dev.json'), '{ "app": ');
    expect(() => loadSettingsFile(path.join(dir, 'dev.json'), 'config/dev.json')).toThrow(
      /^config\/dev\.json: not valid JSON/,
    );
  });
});

describe('bad settings', () => {
  it('rejects an unknown top-level key and lists the allowed ones', () => {
    const message = errorFor({ ...valid, natGateway: 'single' });
    expect(message).toContain('config/dev.json: invalid settings');
    expect(message).toContain(
      'natGateway: unknown setting "natGateway"; allowed here: app, environment, tier, accountId, regions',
    );
  });

  it('rejects an unknown key inside a region with its path', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], vpcCird: '10.0.0.0/16' }, twoRegions[1]],
    });
    expect(message).toContain(
      'regions[0].vpcCird: unknown setting "vpcCird"; allowed here: name, vpcCidr, existingNetwork, availabilityZones',
    );
  });

  it('rejects a wrong type with the value received', () => {
    const message = errorFor({ ...valid, logRetentionDays: '30' });
    expect(message).toContain('logRetentionDays: got "30"; Invalid input: expected number, received string');
  });

  it('rejects an invalid CIDR', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], vpcCidr: '10.0.0.0/33' }, twoRegions[1]],
    });
    expect(message).toContain(
      'regions[0].vpcCidr: got "10.0.0.0/33"; expected an IPv4 CIDR block such as 10.0.0.0/16',
    );
  });

  it('rejects a CIDR with host bits set', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], vpcCidr: '10.0.1.0/16' }, twoRegions[1]],
    });
    expect(message).toContain('regions[0].vpcCidr: got "10.0.1.0/16"; the address has host bits set');
  });

  it('reports a CIDR with host bits set once, without an overlap it does not have', () => {
    // GIVEN 10.1.5.0/16 (meant: 10.1.0.0/16) beside 10.2.0.0/16, which read as a block from
    // 10.1.5.0 would overlap
    const message = errorFor({
      ...valid,
      regions: [
        twoRegions[0],
        { ...twoRegions[1], vpcCidr: '10.1.5.0/16' },
        { name: 'us-west-2', vpcCidr: '10.2.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] },
      ],
    });
    // THEN only the host bits are reported
    expect(message.split('\n').slice(1)).toEqual([
      '  regions[1].vpcCidr: got "10.1.5.0/16"; the address has host bits set below its prefix; use the network address',
    ]);
  });

  it.each([
    ['eu-west-1', 'eu-west-1d', 'eu-west-1a, eu-west-1b, eu-west-1c'],
    ['us-east-1', 'us-east-1z', 'us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f'],
    ['ca-central-1', 'ca-central-1c', 'ca-central-1a, ca-central-1b, ca-central-1d'],
  ])('rejects an availability zone %s does not have (%s)', (region, zone, zones) => {
    // GIVEN a zone name of the right shape that AWS does not offer WHEN validated
    const message = errorFor({
      ...valid,
      regions: [
        twoRegions[0],
        { name: region, vpcCidr: '10.1.0.0/16', availabilityZones: [`${region}a`, zone] },
      ],
    });
    // THEN the message lists the region's zones
    expect(message).toContain(
      `regions[1].availabilityZones[1]: got "${zone}"; not an availability zone of ${region}; its zones are ${zones} (settings/availability-zones.ts)`,
    );
  });

  it('accepts every zone of the table, e.g. the sixth zone of us-east-1', () => {
    expect(() =>
      parseSettings(
        { ...valid, regions: [{ ...twoRegions[0], availabilityZones: ['us-east-1a', 'us-east-1f'] }] },
        'inline',
      ),
    ).not.toThrow();
  });

  it('rejects a prefix larger than a VPC can have', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], vpcCidr: '10.0.0.0/8' }, twoRegions[1]],
    });
    expect(message).toContain('regions[0].vpcCidr: got "10.0.0.0/8"; AWS VPCs take a prefix from /16 to /28');
  });

  it('rejects overlapping VPC CIDRs, naming both regions', () => {
    const message = errorFor({
      ...valid,
      regions: [twoRegions[0], { ...twoRegions[1], vpcCidr: '10.0.128.0/17' }],
    });
    expect(message).toContain(
      'regions[1].vpcCidr: got "10.0.128.0/17"; overlaps regions[0].vpcCidr 10.0.0.0/16 (us-east-1); VPC CIDRs must be disjoint',
    );
  });

  it('rejects a duplicate region', () => {
    const message = errorFor({
      ...valid,
      regions: [twoRegions[0], { ...twoRegions[0], vpcCidr: '10.2.0.0/16' }],
    });
    expect(message).toContain('regions[1].name: got "us-east-1"; region already listed at regions[0]');
  });

  it('rejects an unknown region and lists the allowed ones', () => {
    const message = errorFor({
      ...valid,
      regions: [
        twoRegions[0],
        { name: 'eu-west-9', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-9a', 'eu-west-9b'] },
      ],
    });
    expect(message).toContain('regions[1].name: got "eu-west-9"; Invalid option: expected one of');
    expect(message).toContain('"eu-west-1"');
  });

  it('rejects an availability zone of another region', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], availabilityZones: ['us-east-1a', 'eu-west-1b'] }, twoRegions[1]],
    });
    expect(message).toContain(
      'regions[0].availabilityZones[1]: got "eu-west-1b"; not an availability zone of us-east-1; its zones are us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f (settings/availability-zones.ts)',
    );
  });

  it('rejects fewer than two availability zones', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], availabilityZones: ['us-east-1a'] }, twoRegions[1]],
    });
    expect(message).toContain(
      'regions[0].availabilityZones: got ["us-east-1a"]; at least 2 availability zones are required',
    );
  });

  it('rejects the same availability zone twice', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], availabilityZones: ['us-east-1a', 'us-east-1a'] }, twoRegions[1]],
    });
    expect(message).toContain(
      'regions[0].availabilityZones[1]: got "us-east-1a"; availability zone listed twice',
    );
  });

  it('rejects a prefix too small to carve the subnets, saying which prefix fits', () => {
    const message = errorFor({
      ...valid,
      regions: [{ ...twoRegions[0], vpcCidr: '10.0.0.0/22' }, twoRegions[1]],
    });
    expect(message).toContain(
      'regions[0].vpcCidr: got "10.0.0.0/22"; a /22 holds 4 /24 subnets but 2 availability zones need 5',
    );
    expect(message).toContain('use /21 or a shorter prefix');
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    const message = errorFor({ ...valid, logRetentionDays: 45 });
    expect(message).toContain(
      "logRetentionDays: got 45; expected one of CloudWatch's retention values: 1, 3, 5, 7, 14, 30, 60, 90",
    );
  });

  it('rejects an account ID that is not 12 digits', () => {
    const message = errorFor({ ...valid, accountId: 12345 });
    expect(message).toContain('accountId: got 12345; Invalid input: expected string, received number');
  });

  it('rejects a tag that would replace one the stack sets', () => {
    const message = errorFor({ ...valid, tags: { environment: 'x' } });
    expect(message).toContain('tags.environment: got "environment"; tag key is reserved');
  });

  it('requires the tier, so no guardrail hinges on the spelling of the environment name', () => {
    const withoutTier: Record<string, unknown> = { ...valid };
    delete withoutTier.tier;
    const message = errorFor(withoutTier);
    expect(message).toContain(
      'tier: got nothing; expected "production" (every guardrail on) or "development"',
    );
  });

  it('applies the production guardrails to an environment of any name with tier production', () => {
    const message = errorFor(
      { ...valid, environment: 'production', tier: 'production', natGateways: 'single' },
      'production',
    );
    expect(message).toContain('natGateways: got "single"; tier "production" requires "perAz"');
    expect(message).toContain('backup.vaultLock: got nothing; tier "production" requires a vault lock');
  });

  it('refuses a single NAT gateway in prod', () => {
    const message = errorFor(
      { ...valid, environment: 'prod', tier: 'production', natGateways: 'single' },
      'prod',
    );
    expect(message).toContain('config/prod.json: invalid settings');
    expect(message).toContain('natGateways: got "single"; tier "production" requires "perAz"');
  });

  it('refuses a file whose environment is not its name', () => {
    const message = errorFor({ ...valid, environment: 'dev' }, 'prod');
    expect(message).toContain(
      'config/prod.json: invalid settings\n  environment: got "dev"; must equal the file\'s name "prod"',
    );
  });

  it('reports every problem at once', () => {
    const message = errorFor({ ...valid, app: 'A', logRetentionDays: 2 });
    expect(message.split('\n').filter((line) => line.startsWith('  '))).toHaveLength(2);
  });
});

describe('bad platform settings', () => {
  it('rejects a memory size Fargate does not pair with the CPU, listing the allowed values', () => {
    const message = errorFor(withApp({ task: { cpu: 1024, memoryMiB: 1024 } }));
    expect(message).toContain(
      'services.app.task.memoryMiB: got 1024; with 1024 CPU units Fargate accepts memoryMiB 2048 to 8192 in steps of 1024',
    );
  });

  it('rejects a CPU value Fargate does not offer', () => {
    const message = errorFor(withApp({ task: { cpu: 3000, memoryMiB: 4096 } }));
    expect(message).toContain(
      'services.app.task.cpu: got 3000; Fargate CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384',
    );
  });

  it('reports a maximum below the minimum under maxCapacity', () => {
    // GIVEN maxCapacity below minCapacity, desiredCount between them impossible WHEN validated
    const message = errorFor(withApp({ service: { desiredCount: 3, minCapacity: 3, maxCapacity: 2 } }));
    // THEN the setting at fault is named, and desiredCount is not blamed
    expect(message).toContain(
      'services.app.service.maxCapacity: got 2; must be at least minCapacity 3 (min <= desired <= max)',
    );
    expect(message).not.toContain('service.desiredCount');
  });

  it('rejects a desired count outside the autoscaling range', () => {
    const message = errorFor(withApp({ service: { desiredCount: 12, minCapacity: 2, maxCapacity: 10 } }));
    expect(message).toContain(
      'services.app.service.desiredCount: got 12; must lie within minCapacity 2 and maxCapacity 10 (min <= desired <= max)',
    );
  });

  it('rejects an app name that makes a target group name too long, under the service', () => {
    // GIVEN a long app and environment name WHEN validated
    const message = errorFor(
      withApp(
        { task: { containerPort: 8080 } },
        { ...valid, app: 'payments-gateway', environment: 'staging01' },
      ),
      'staging01',
    );
    // THEN the service whose target group it is is named, with the name it would get
    expect(message).toContain(
      'services.app: got "app"; the target group name "payments-gateway-staging01-app-8080" would be 35 characters; AWS allows 32 for load balancer and target group names, so shorten the service name, app or environment',
    );
  });

  it('counts the single-service target group name for a service with legacyNames', () => {
    const message = errorFor(
      withApp(
        { legacyNames: true, task: { containerPort: 8080 } },
        { ...valid, app: 'payments-gateway', environment: 'staging01' },
      ),
      'staging01',
    );
    expect(message).toContain(
      'services.app: got "app"; the target group name "payments-gateway-staging01-tg-8080" would be 34 characters; AWS allows 32',
    );
  });

  it('rejects a service name that makes its target group name too long', () => {
    // GIVEN the longest service name the pattern allows (20 characters)
    const services = { 'payments-reconciler1': appService };
    const message = errorFor({ ...valid, services });
    expect(message).toContain(
      'services.payments-reconciler1: got "payments-reconciler1"; the target group name "fargate-dev-payments-reconciler1-80" would be 35 characters; AWS allows 32',
    );
  });

  it('requires someone to receive the alarms with tier production', () => {
    const message = errorFor(
      {
        ...valid,
        environment: 'prod',
        tier: 'production',
        backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
      },
      'prod',
    );
    expect(message).toContain(
      'alarms.emails: got []; tier "production" needs someone to receive the alarms of us-east-1, eu-west-1: add an email address, or a topicArns entry in each of those regions',
    );
  });

  it('accepts production alarms that reach an existing topic in every region instead of an email', () => {
    const settings = parseSettings(
      {
        ...valid,
        environment: 'prod',
        tier: 'production',
        backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
        services: { app: { ...appService, task: { healthCheckCommand: ['CMD', '/bin/health'] } } },
        edge: { plainHttpReason: 'test fixture: only the alarm destinations matter here' },
        alarms: {
          topicArns: [
            'arn:aws:sns:us-east-1:111111111111:chatops',
            'arn:aws:sns:eu-west-1:111111111111:chatops',
          ],
        },
      },
      'inline',
    );
    expect(settings.alarms.topicArns).toHaveLength(2);
  });

  it('refuses an alarm topic outside the regions, and one that is not an SNS topic ARN', () => {
    const message = errorFor({
      ...valid,
      alarms: {
        topicArns: ['arn:aws:sns:ap-south-1:111111111111:chatops', 'arn:aws:sqs:us-east-1:111111111111:q'],
      },
    });
    expect(message).toContain(
      'alarms.topicArns[0]: got "arn:aws:sns:ap-south-1:111111111111:chatops"; is in ap-south-1, which is not one of regions (us-east-1, eu-west-1)',
    );
    expect(message).toContain(
      'alarms.topicArns[1]: got "arn:aws:sqs:us-east-1:111111111111:q"; expected an SNS topic ARN',
    );
  });

  it('requires a vault lock in prod', () => {
    const message = errorFor(
      { ...valid, environment: 'prod', tier: 'production', natGateways: 'perAz' },
      'prod',
    );
    expect(message).toContain('backup.vaultLock: got nothing; tier "production" requires a vault lock');
  });

  it('refuses alarm periods shorter than the metrics’ one-minute resolution', () => {
    const message = errorFor({ ...valid, alarms: { periodSeconds: 30 } });
    expect(message).toContain('alarms.periodSeconds: got 30; use a multiple of 60');
  });

  it('refuses an autoscaling minimum of zero, which the running-tasks alarm cannot watch', () => {
    const message = errorFor(withApp({ service: { minCapacity: 0, desiredCount: 0 } }));
    expect(message).toContain('services.app.service.minCapacity: got 0; at least 1');
  });

  it('refuses the latest tag in prod', () => {
    const message = errorFor(
      withApp({ image: { tag: 'latest' } }, { ...valid, environment: 'prod', tier: 'production' }),
      'prod',
    );
    expect(message).toContain('services.app.image.tag: got "latest"; tier "production" refuses "latest"');
  });

  it('accepts the latest tag of an external image outside prod', () => {
    const image = { repositoryUri: 'public.ecr.aws/nginx/nginx', tag: 'latest' };
    expect(parseSettings(withApp({ image }), 'inline').services.app.image.tag).toBe('latest');
  });

  it("refuses the latest tag with the service's immutable ECR repository", () => {
    const message = errorFor(withApp({ image: { tag: 'latest' } }));
    expect(message).toContain(
      'services.app.image.tag: got "latest"; the service\'s ECR repository has immutable tags',
    );
  });

  it('requires an image tag', () => {
    const message = errorFor(withApp({ image: {} }));
    expect(message).toContain('services.app.image.tag: missing; this setting is required (string)');
  });

  it('requires an image for every service', () => {
    const message = errorFor({ ...valid, services: { app: { routing: appService.routing } } });
    expect(message).toContain('services.app.image: missing; this setting is required (object)');
  });

  it('refuses an app name with a prefix AWS reserves', () => {
    const message = errorFor({ ...valid, app: 'internal-api' });
    expect(message).toContain('app: got "internal-api"; must not start with "internal-"');
  });

  it('rejects an image reference that carries a tag', () => {
    const message = errorFor(withApp({ image: { repositoryUri: 'nginx:1.27', tag: '1.27' } }));
    expect(message).toContain(
      'services.app.image.repositoryUri: got "nginx:1.27"; expected an image repository without a tag',
    );
  });

  it('requires provisioned throughput with the provisioned mode', () => {
    const message = errorFor({ ...valid, efs: { throughputMode: 'provisioned' } });
    expect(message).toContain(
      'efs.provisionedThroughputMibps: got nothing; required when throughputMode is "provisioned"',
    );
  });

  it('refuses provisioned throughput with another mode', () => {
    const message = errorFor({
      ...valid,
      efs: { throughputMode: 'elastic', provisionedThroughputMibps: 10 },
    });
    expect(message).toContain(
      'efs.provisionedThroughputMibps: got 10; only allowed with throughputMode "provisioned"',
    );
  });

  it('refuses a writable path over the EFS mount', () => {
    const message = errorFor(withApp({ task: { writablePaths: ['/mnt/efs/tmp'] } }));
    expect(message).toContain('services.app.task.writablePaths[0]: got "/mnt/efs/tmp"; lies under /mnt/efs');
  });

  it('rejects a hosted zone ID that is not one', () => {
    const message = errorFor({ ...valid, domain: { zoneName: 'example.com', hostedZoneId: 'example.com' } });
    expect(message).toContain('domain.hostedZoneId: got "example.com"; expected a Route 53 hosted zone ID');
  });

  it('rejects a domain that is not a DNS name', () => {
    const message = errorFor({ ...valid, domain: { zoneName: 'Example_com', hostedZoneId: 'Z123' } });
    expect(message).toContain('domain.zoneName: got "Example_com"; expected a lower-case DNS domain');
  });

  it('shortens every value it echoes: a 1 MB app name is not printed whole', () => {
    // GIVEN an app name of a million characters, and a tag key and value as long
    const huge = 'a'.repeat(1_000_000);
    const message = errorFor({ ...valid, app: huge, tags: { [huge]: 'x', owner: huge } });
    // THEN every line is short, and each names its setting
    const lines = message.split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(400);
    expect(lines[1]).toMatch(/^ {2}app: got "a{76}\.\.\.; expected 3 to 16 lower-case letters/);
    expect(message).toMatch(/tags\["a{76}\.\.\.\]: got "a{76}\.\.\.; tag keys are 1 to 128 characters/);
    expect(message).toMatch(/tags\.owner: got "a{76}\.\.\.; tag values are at most 256/);
  });
});

describe('a writable root filesystem', () => {
  it('requires a stated reason', () => {
    // GIVEN readonlyRootFilesystem false without a reason WHEN validated THEN the reason is asked for
    const message = errorFor(withApp({ task: { readonlyRootFilesystem: false } }));
    expect(message).toContain(
      'services.app.task.writableRootFilesystemReason: got nothing; required with readonlyRootFilesystem false: the security policy refuses a writable root filesystem (ECS.5)',
    );
  });

  it('refuses a reason shorter than 20 characters', () => {
    const message = errorFor(
      withApp({ task: { readonlyRootFilesystem: false, writableRootFilesystemReason: 'legacy app' } }),
    );
    expect(message).toContain(
      'services.app.task.writableRootFilesystemReason: got "legacy app"; write why the container must write to its root filesystem, 20 to 500 characters',
    );
  });

  it('refuses a reason on more than one line', () => {
    const message = errorFor(
      withApp({
        task: {
          readonlyRootFilesystem: false,
          writableRootFilesystemReason: 'the vendor image writes\nits cache under /var/lib',
        },
      }),
    );
    expect(message).toContain(
      'services.app.task.writableRootFilesystemReason: got "the vendor image writes\\nits',
    );
    expect(message).toContain('one line of text, without control characters');
  });

  it('refuses a reason with a read-only root filesystem', () => {
    const message = errorFor(
      withApp({ task: { writableRootFilesystemReason: 'the vendor image writes its cache under /var/lib' } }),
    );
    expect(message).toContain(
      'services.app.task.writableRootFilesystemReason: got "the vendor image writes its cache under /var/lib"; only allowed with readonlyRootFilesystem false',
    );
  });
});

describe('the application contract and edge settings', () => {
  const prod = {
    ...valid,
    environment: 'prod',
    tier: 'production',
    backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
    services: {
      app: {
        ...appService,
        task: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
      },
    },
    domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    alarms: { emails: ['oncall@example.com'] },
  };
  const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf';
  const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  /** The platform's regions, one of them with extra settings. */
  const withRegion = (index: number, extra: Record<string, unknown>) =>
    twoRegions.map((region, i) => (i === index ? { ...region, ...extra } : region));
  /** A service's `regions`: its own values in one region, keyed by the region's name. */
  const inRegion = (name: string, values: Record<string, unknown>) => ({ [name]: values });

  it('accepts the shipped prod settings as a complete production example', () => {
    expect(() => loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, root)).not.toThrow();
    expect(() => parseSettings(prod, 'prod.json')).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, string]>([
    // variables
    [
      'a bad variable name',
      { task: { environment: [{ name: '1ST', value: 'x' }] } },
      'services.app.task.environment[0].name: got "1ST"; expected an environment variable name',
    ],
    [
      'a platform variable',
      { task: { environment: [{ name: 'AWS_REGION', value: 'x' }] } },
      'services.app.task.environment[0].name: got "AWS_REGION"; the platform sets S3_BUCKET, S3_PREFIX, AWS_REGION itself; choose another name',
    ],
    [
      "the variable naming the service's bucket prefix",
      { task: { environment: [{ name: 'S3_PREFIX', value: 'x' }] } },
      'services.app.task.environment[0].name: got "S3_PREFIX"; the platform sets S3_BUCKET, S3_PREFIX, AWS_REGION itself',
    ],
    [
      'a secret-looking variable',
      { task: { environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] } },
      'services.app.task.environment[0].name: got "DB_PASSWORD"; looks like a secret',
    ],
    [
      'a variable twice',
      {
        task: {
          environment: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' },
          ],
        },
      },
      'services.app.task.environment[1].name: got "A"; already set at task.environment[0]',
    ],
    // secrets
    [
      'a Secrets Manager name without its ARN',
      { task: { secrets: [{ name: 'DB', valueFrom: 'app/db' }] } },
      'services.app.task.secrets[0].valueFrom: got "app/db"; expected a Secrets Manager secret ARN with its 6-character suffix',
    ],
    [
      'a secret ARN without the suffix',
      {
        task: {
          secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }],
        },
      },
      'services.app.task.secrets[0].valueFrom: got "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"; expected a Secrets Manager secret ARN',
    ],
    [
      'a secret named like a platform variable',
      { task: { secrets: [{ name: 'S3_BUCKET', valueFrom: secret }] } },
      'services.app.task.secrets[0].name: got "S3_BUCKET"; the platform sets',
    ],
    [
      'a secret twice',
      {
        task: {
          secrets: [
            { name: 'DB', valueFrom: secret },
            { name: 'DB', valueFrom: '/app/db' },
          ],
        },
      },
      'services.app.task.secrets[1].name: got "DB"; already used by task.secrets[0]',
    ],
    [
      'a secret that is also a variable',
      { task: { environment: [{ name: 'DB', value: 'x' }], secrets: [{ name: 'DB', valueFrom: secret }] } },
      'services.app.task.secrets[0].name: got "DB"; also a plain variable at task.environment[0]',
    ],
    [
      'a JSON key of an SSM parameter',
      { task: { secrets: [{ name: 'DB', valueFrom: '/app/db', jsonKey: 'password' }] } },
      'services.app.task.secrets[0].jsonKey: got "password"; only Secrets Manager secrets have JSON keys and versions',
    ],
    [
      'a JSON key with a colon',
      { task: { secrets: [{ name: 'DB', valueFrom: secret, jsonKey: 'a:b' }] } },
      'services.app.task.secrets[0].jsonKey: got "a:b"; expected a JSON key without ":"',
    ],
    [
      'a bad version ID',
      { task: { secrets: [{ name: 'DB', valueFrom: secret, versionId: 'v1' }] } },
      'services.app.task.secrets[0].versionId: got "v1"; expected a Secrets Manager version ID',
    ],
    [
      'a bad key ARN',
      { task: { secrets: [{ name: 'DB', valueFrom: secret, kmsKeyArn: 'alias/app' }] } },
      'services.app.task.secrets[0].kmsKeyArn: got "alias/app"; expected a KMS key ARN',
    ],
    [
      'a single-region key used in another region',
      { task: { secrets: [{ name: 'DB', valueFrom: secret, kmsKeyArn: key }] } },
      `services.app.task.secrets[0].kmsKeyArn: got "${key}"; the key is in us-east-1, and a single-region key cannot decrypt in eu-west-1; give services.<name>.regions.eu-west-1.secrets an override`,
    ],
    // per-region overrides
    [
      'an override of an unknown secret',
      { regions: inRegion('eu-west-1', { secrets: [{ name: 'NOPE', valueFrom: '/x' }] }) },
      'services.app.regions.eu-west-1.secrets[0].name: got "NOPE"; not a secret of services.app.task.secrets (none)',
    ],
    [
      'an override in another region',
      {
        task: { secrets: [{ name: 'DB', valueFrom: secret }] },
        regions: inRegion('eu-west-1', { secrets: [{ name: 'DB', valueFrom: secret }] }),
      },
      `services.app.regions.eu-west-1.secrets[0].valueFrom: got "${secret}"; an override for eu-west-1 must name a secret or parameter in eu-west-1`,
    ],
    [
      'an override key in another region',
      {
        task: { secrets: [{ name: 'DB', valueFrom: secret }] },
        regions: inRegion('eu-west-1', { secrets: [{ name: 'DB', kmsKeyArn: key }] }),
      },
      `services.app.regions.eu-west-1.secrets[0].kmsKeyArn: got "${key}"; an override for eu-west-1 must name a key in eu-west-1`,
    ],
    [
      'an empty override',
      {
        task: { secrets: [{ name: 'DB', valueFrom: secret }] },
        regions: inRegion('eu-west-1', { secrets: [{ name: 'DB' }] }),
      },
      'services.app.regions.eu-west-1.secrets[0].valueFrom: got nothing; give valueFrom, kmsKeyArn or both',
    ],
    [
      'an override twice',
      {
        task: { secrets: [{ name: 'DB', valueFrom: '/db' }] },
        regions: inRegion('eu-west-1', {
          secrets: [
            { name: 'DB', valueFrom: '/a' },
            { name: 'DB', valueFrom: '/b' },
          ],
        }),
      },
      'services.app.regions.eu-west-1.secrets[1].name: got "DB"; overridden twice for this region',
    ],
    [
      'a secret-looking regional variable',
      { regions: inRegion('us-east-1', { environment: [{ name: 'API_KEY', value: 'x' }] }) },
      'services.app.regions.us-east-1.environment[0].name: got "API_KEY"; looks like a secret',
    ],
    [
      'a regional variable that is a secret',
      {
        task: { secrets: [{ name: 'DB', valueFrom: '/db' }] },
        regions: inRegion('us-east-1', { environment: [{ name: 'DB', value: 'x' }] }),
      },
      'services.app.regions.us-east-1.environment[0].name: got "DB"; is a secret of services.app.task.secrets',
    ],
    [
      'a regional platform variable',
      { regions: inRegion('us-east-1', { environment: [{ name: 'S3_BUCKET', value: 'x' }] }) },
      'services.app.regions.us-east-1.environment[0].name: got "S3_BUCKET"; the platform sets',
    ],
    [
      'a regional variable twice',
      {
        regions: inRegion('us-east-1', {
          environment: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' },
          ],
        }),
      },
      'services.app.regions.us-east-1.environment[1].name: got "A"; listed twice for this region',
    ],
    // user, health check, storage, architecture
    [
      'root without a reason',
      { task: { user: 'root' } },
      'services.app.task.user: got "root"; runs the container as root (Security Hub ECS.20)',
    ],
    [
      'uid 0 without a reason',
      { task: { user: '0:0' } },
      'services.app.task.user: got "0:0"; runs the container as root',
    ],
    [
      'a reason without root',
      { task: { rootUserReason: 'needs raw sockets for the probe' } },
      'services.app.task.rootUserReason: got "needs raw sockets for the probe"; only with a root user; task.user is "1000:1000"',
    ],
    [
      'a short reason',
      { task: { user: 'root', rootUserReason: 'because' } },
      'services.app.task.rootUserReason: got "because"; explain in at least 20 characters',
    ],
    [
      'a malformed user',
      { task: { user: '1000:' } },
      'services.app.task.user: got "1000:"; expected uid, uid:gid, user or user:group',
    ],
    [
      'a health check timeout as long as the interval',
      { task: { healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 10 } },
      'services.app.task.healthCheckTimeoutSeconds: got 10; must be shorter than task.healthCheckIntervalSeconds (10)',
    ],
    [
      'too little ephemeral storage',
      { task: { ephemeralStorageGiB: 20 } },
      'services.app.task.ephemeralStorageGiB: got 20;',
    ],
    [
      'an unknown CPU architecture',
      { task: { cpuArchitecture: 'ARM' } },
      'services.app.task.cpuArchitecture: got "ARM";',
    ],
    ['an empty command', { task: { command: [] } }, 'services.app.task.command: got [];'],
    [
      'a bad matcher',
      { service: { healthCheckMatcher: '200-600' } },
      'services.app.service.healthCheckMatcher: got "200-600"; expected HTTP codes from 200 to 499',
    ],
    [
      'a reversed matcher range',
      { service: { healthCheckMatcher: '399-200' } },
      'services.app.service.healthCheckMatcher: got "399-200"; a range goes from the lower code to the higher',
    ],
    // capacity
    [
      'Fargate Spot with ARM64',
      {
        task: { cpuArchitecture: 'ARM64' },
        service: { capacityProviders: [{ capacityProvider: 'FARGATE_SPOT' }] },
      },
      'services.app.service.capacityProviders[0].capacityProvider: got "FARGATE_SPOT"; Fargate Spot runs only X86_64 Linux tasks and task.cpuArchitecture is "ARM64"',
    ],
    [
      'a provider twice',
      { service: { capacityProviders: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'FARGATE' }] } },
      'services.app.service.capacityProviders[1].capacityProvider: got "FARGATE"; listed twice',
    ],
    [
      'two bases',
      {
        service: {
          capacityProviders: [
            { capacityProvider: 'FARGATE', base: 1 },
            { capacityProvider: 'FARGATE_SPOT', base: 2 },
          ],
        },
      },
      'services.app.service.capacityProviders[1].base: got 2; only one capacity provider of a strategy may have a base',
    ],
    [
      'no weight',
      { service: { capacityProviders: [{ capacityProvider: 'FARGATE', weight: 0 }] } },
      'services.app.service.capacityProviders[0].weight: got 0; at least one capacity provider needs a weight above 0',
    ],
    [
      'a weight above 1000',
      { service: { capacityProviders: [{ capacityProvider: 'FARGATE', weight: 1001 }] } },
      'services.app.service.capacityProviders[0].weight: got 1001;',
    ],
    [
      'an empty strategy',
      { service: { capacityProviders: [] } },
      'services.app.service.capacityProviders: got [];',
    ],
    // scaling
    [
      'a request count of 0',
      { service: { requestCountPerTarget: 0 } },
      'services.app.service.requestCountPerTarget: got 0;',
    ],
    [
      'a schedule that is no expression',
      { service: { scheduledScaling: [{ name: 'x', schedule: 'daily', minCapacity: 1, maxCapacity: 2 }] } },
      'services.app.service.scheduledScaling[0].schedule: got "daily"; expected cron(minutes hours day-of-month month day-of-week year), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)',
    ],
    [
      'a cron with five fields',
      {
        service: {
          scheduledScaling: [{ name: 'x', schedule: 'cron(0 8 * * ?)', minCapacity: 1, maxCapacity: 2 }],
        },
      },
      'services.app.service.scheduledScaling[0].schedule: got "cron(0 8 * * ?)"; use 6 fields',
    ],
    [
      'a rate of 1 minutes',
      {
        service: {
          scheduledScaling: [{ name: 'x', schedule: 'rate(1 minutes)', minCapacity: 1, maxCapacity: 2 }],
        },
      },
      'services.app.service.scheduledScaling[0].schedule: got "rate(1 minutes)"; expected cron(',
    ],
    [
      'a schedule range upside down',
      {
        service: {
          scheduledScaling: [{ name: 'x', schedule: 'rate(1 day)', minCapacity: 4, maxCapacity: 2 }],
        },
      },
      'services.app.service.scheduledScaling[0].maxCapacity: got 2; must be at least minCapacity (4)',
    ],
    [
      'a schedule name twice',
      {
        service: {
          scheduledScaling: [
            { name: 'x', schedule: 'rate(1 day)', minCapacity: 1, maxCapacity: 2 },
            { name: 'x', schedule: 'rate(2 days)', minCapacity: 1, maxCapacity: 2 },
          ],
        },
      },
      'services.app.service.scheduledScaling[1].name: got "x"; already used by service.scheduledScaling[0]',
    ],
    [
      'a schedule minimum of 0',
      {
        service: {
          scheduledScaling: [{ name: 'x', schedule: 'rate(1 day)', minCapacity: 0, maxCapacity: 2 }],
        },
      },
      'services.app.service.scheduledScaling[0].minCapacity: got 0;',
    ],
    [
      'a bad time zone',
      {
        service: {
          scheduledScaling: [
            { name: 'x', schedule: 'rate(1 day)', timezone: 'CET+1', minCapacity: 1, maxCapacity: 2 },
          ],
        },
      },
      'services.app.service.scheduledScaling[0].timezone: got "CET+1"; expected an IANA time zone',
    ],
  ])('refuses %s in a service', (_case, overrides, message) => {
    expect(errorFor(withApp(overrides))).toContain(message);
  });

  it.each<[string, Record<string, unknown>, string]>([
    // edge
    [
      'a web ACL ARN that is not one',
      { regions: withRegion(0, { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1' }) },
      'regions[0].webAclArn: got "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"; expected a regional web ACL ARN',
    ],
    ['a rate limit below 10', { edge: { wafRateLimit: 9 } }, 'edge.wafRateLimit: got 9;'],
    ['a log expiration of 0 days', { edge: { logExpirationDays: 0 } }, 'edge.logExpirationDays: got 0;'],
    [
      'a plain-HTTP reason beside a domain',
      {
        domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
        edge: { plainHttpReason: 'internal tool behind a VPN only' },
      },
      'edge.plainHttpReason: got "internal tool behind a VPN only"; only without a domain',
    ],
    [
      'flow logs off with a bucket',
      { accelerator: { flowLogs: false, flowLogsBucket: 'acme-flow-logs' } },
      'accelerator.flowLogsBucket: got "acme-flow-logs"; flow logs are off (accelerator.flowLogs false)',
    ],
  ])('refuses %s', (_case, overrides, message) => {
    expect(errorFor({ ...valid, ...overrides })).toContain(message);
  });

  it('refuses a web ACL of another region', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/12345678-1234-1234-1234-123456789012';
    const message = errorFor({ ...valid, regions: withRegion(1, { webAclArn: arn }) });
    expect(message).toContain(
      'regions[1].webAclArn: got "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/',
    );
    expect(message).toContain(
      'a regional web ACL protects load balancers of its own region only; give one of eu-west-1',
    );
  });

  it('requires a domain in production unless plain HTTP is accepted with a reason', () => {
    const withoutDomain: Record<string, unknown> = { ...prod };
    delete withoutDomain.domain;
    expect(errorFor(withoutDomain, 'prod')).toContain(
      'domain: got nothing; tier "production" requires a domain (zoneName with hostedZoneId or createZone), so the load balancers serve HTTPS',
    );
    expect(() =>
      parseSettings(
        { ...withoutDomain, edge: { plainHttpReason: 'internal tool reached through a VPN only' } },
        'prod.json',
      ),
    ).not.toThrow();
  });

  it('requires a container health check in production, of every service', () => {
    // GIVEN the production fixture with a second service that has no health check
    const api = { image: { tag: '1.0.0' }, routing: { paths: ['/api/*'], priority: 10 } };
    const services = { ...prod.services, api };
    // WHEN validated THEN that service, and only it, is named
    const message = errorFor({ ...prod, services }, 'prod');
    expect(message).toContain(
      'services.api.task.healthCheckCommand: got nothing; tier "production" requires a container health check',
    );
    expect(message).not.toContain('services.app.task.healthCheckCommand');
  });

  it('requires no health check of a scheduled job in production: ECS acts on none for a task no service runs', () => {
    // GIVEN the production fixture with a nightly job that has no health check
    const nightly = {
      kind: 'scheduled',
      image: { tag: '1.0.0' },
      task: { command: ['node', 'nightly.js'] },
      schedule: { expression: 'cron(0 2 * * ? *)' },
    };
    // WHEN validated THEN it is accepted (the web service beside it still needs one, above)
    const settings = parseSettings({ ...prod, services: { ...prod.services, nightly } }, 'prod.json');
    expect(settings.services.nightly.task.healthCheckCommand).toBeUndefined();
  });

  it('accepts root with a reason, ARM64 on Fargate, and a regional override with its own key', () => {
    const settings = parseSettings(
      withApp({
        task: {
          user: 'root',
          rootUserReason: 'the legacy image binds port 80 as root',
          cpuArchitecture: 'ARM64',
          secrets: [{ name: 'DB', valueFrom: secret, kmsKeyArn: key }],
        },
        service: { capacityProviders: [{ capacityProvider: 'FARGATE', base: 2 }] },
        regions: inRegion('eu-west-1', {
          secrets: [
            {
              name: 'DB',
              kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab',
            },
          ],
        }),
      }),
      'dev.json',
    );
    expect(settings.services.app.service.capacityProviders).toEqual([
      { capacityProvider: 'FARGATE', base: 2, weight: 1 },
    ]);
    expect(settings.services.app.regions['eu-west-1'].secrets).toEqual([
      {
        name: 'DB',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab',
      },
    ]);
  });

  it('accepts a multi-Region key in every region without an override', () => {
    const mrk = 'arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    expect(() =>
      parseSettings(
        withApp({ task: { secrets: [{ name: 'DB', valueFrom: secret, kmsKeyArn: mrk }] } }),
        'dev.json',
      ),
    ).not.toThrow();
  });

  it('checks each service against its own secrets: an override names a secret of its service only', () => {
    // GIVEN app with a secret DB, and api overriding DB in eu-west-1 without having it
    const api = {
      image: { tag: '1.0.0' },
      routing: { paths: ['/api/*'], priority: 10 },
      regions: inRegion('eu-west-1', { secrets: [{ name: 'DB', valueFrom: '/db' }] }),
    };
    const settings = withApp({ task: { secrets: [{ name: 'DB', valueFrom: '/db' }] } });
    // WHEN validated THEN api's override is refused, under api
    expect(errorFor({ ...settings, services: { ...settings.services, api } })).toContain(
      'services.api.regions.eu-west-1.secrets[0].name: got "DB"; not a secret of services.api.task.secrets (none); add it there first',
    );
  });
});

describe('services and their routing', () => {
  const domain = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
  /** A second service, with its own rule: `routing` replaces its /api/* at priority 10. */
  const api = (routing: Record<string, unknown> = { paths: ['/api/*'], priority: 10 }) => ({
    image: { tag: '1.0.0' },
    routing,
  });
  /** `valid` with app's routing replaced (and the platform settings `platform` on top). */
  const routedApp = (routing: Record<string, unknown>, platform: Record<string, unknown> = {}) =>
    withApp({ routing }, { ...valid, ...platform });

  it('accepts several services, each with its own rule', () => {
    const settings = parseSettings({ ...valid, services: { app: appService, api: api() } }, 'inline');
    expect(Object.keys(settings.services)).toEqual(['app', 'api']);
    expect(settings.services.api.routing).toEqual({ hosts: [], paths: ['/api/*'], priority: 10 });
  });

  it('refuses the single-service top-level image, task and service, saying where they moved', () => {
    // GIVEN a settings file of the single-service shape: image, task and service at the top level
    const message = errorFor({
      ...valid,
      image: { tag: '1.0.0' },
      task: { cpu: 512, memoryMiB: 1024 },
      service: { desiredCount: 2 },
    });
    // THEN one line names the three keys and where they go now
    expect(message.split('\n').slice(1)).toEqual([
      '  image, task, service: unknown setting "image", "task", "service"; an environment now holds services: put image, task and service under services.<name> (an environment deployed before services: services.app with "legacyNames": true, README "Upgrading to services"); allowed here: app, environment, tier, accountId, regions, natGateways, vpcEndpoints, logRetentionDays, services, efs, domain, accelerator, edge, backup, replication, alarms, failoverDrills, preventDestroy, productionExceptions, backend, stackLayout, examples, tags',
    ]);
  });

  it.each(['__proto__', 'constructor', 'toString'])(
    'refuses a top-level key %s as an unknown setting, not as one that moved',
    (key) => {
      // GIVEN a key named like a member of every object (as JSON.parse makes it: an own key)
      const settings = { ...valid, ...(JSON.parse(`{"${key}": 1}`) as object) };
      // THEN it is unknown, with the keys allowed there
      expect(errorFor(settings).split('\n').slice(1)).toEqual([
        `  ${key}: unknown setting "${key}"; allowed here: app, environment, tier, accountId, regions, natGateways, vpcEndpoints, logRetentionDays, services, efs, domain, accelerator, edge, backup, replication, alarms, failoverDrills, preventDestroy, productionExceptions, backend, stackLayout, examples, tags`,
      ]);
    },
  );

  it('requires the services', () => {
    const withoutServices: Record<string, unknown> = { ...valid };
    delete withoutServices.services;
    expect(errorFor(withoutServices)).toContain('services: missing; this setting is required (record)');
  });

  it('requires at least one service', () => {
    expect(errorFor({ ...valid, services: {} })).toContain('services: got {}; give at least one service');
  });

  it('refuses a service name that is not DNS-safe', () => {
    // (the message says nothing of the names allowed: zod's record key message replaces the schema's)
    expect(errorFor({ ...valid, services: { Web_1: appService } })).toContain(
      'services.Web_1: got "Web_1"; expected a service name: 2 to 20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen',
    );
  });

  it('refuses an unknown key in a service, listing the keys a service takes', () => {
    expect(errorFor(withApp({ imgae: { tag: '1.0.0' } }))).toContain(
      'services.app.imgae: unknown setting "imgae"; allowed here: image, task, service, routing, kind, queue, schedule, regions, sidecars, legacyNames, serviceConnect, egress, existingSecurityGroups, tags, alarms, retired',
    );
  });

  it("takes a service's own tags and alarm topics, and defaults both to none", () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:payments-oncall';
    const settings = parseSettings(
      withApp({ tags: { team: 'payments' }, alarms: { topicArns: [topic] } }),
      'inline',
    );
    expect(settings.services.app.tags).toEqual({ team: 'payments' });
    expect(settings.services.app.alarms.topicArns).toEqual([topic]);
    const plain = parseSettings(valid, 'inline').services.app;
    expect([plain.tags, plain.alarms]).toEqual([{}, { topicArns: [] }]);
  });

  it("checks a service's tags as the environment's, naming the service", () => {
    expect(errorFor(withApp({ tags: { environment: 'x' } }))).toContain(
      'services.app.tags.environment: got "environment"; tag key is reserved; the stack sets app, environment, managed-by itself',
    );
    expect(errorFor(withApp({ tags: { team: 7 } }))).toContain(
      'services.app.tags.team: got 7; expected a string tag value',
    );
  });

  it('refuses more tags than AWS takes on one resource, counting those the stack sets', () => {
    const tags = (count: number, prefix: string) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
    // app, environment, managed-by, Name and a subnet's tier leave 45 for the environment
    expect(() => parseSettings({ ...valid, tags: tags(45, 'env') }, 'inline')).not.toThrow();
    expect(errorFor({ ...valid, tags: tags(46, 'env') })).toContain(
      '; with the tags the stack sets, a resource would carry 51 tags; AWS allows at most 50 tags: tags per resource',
    );
    // and what the environment leaves for a service's own (a key both set counts once)
    const shared = { ...withApp({ tags: { ...tags(5, 'svc'), env0: 'w' } }), tags: tags(40, 'env') };
    expect(() => parseSettings(shared, 'inline')).not.toThrow();
    const over = { ...withApp({ tags: tags(6, 'svc') }), tags: tags(40, 'env') };
    expect(errorFor(over)).toContain(
      "; with the environment's tags and those the stack sets, a resource of app would carry 51 tags",
    );
    expect(errorFor(over)).toMatch(/^\s*services\.app\.tags: got/m);
  });

  it("refuses a service's alarm topic outside the environment's regions, naming the service", () => {
    const topic = 'arn:aws:sns:ap-south-1:123456789012:payments-oncall';
    expect(errorFor(withApp({ alarms: { topicArns: [topic] } }))).toContain(
      `services.app.alarms.topicArns[0]: got "${topic}"; is in ap-south-1, which is not one of regions`,
    );
  });

  it('requires routing for every web service (the default kind)', () => {
    expect(errorFor({ ...valid, services: { app: { image: { tag: '1.0.0' } } } })).toContain(
      'services.app.routing: got nothing; a web service needs its routing on the shared load balancer (hosts and/or paths, priority); a service that serves no HTTP is kind "worker" or "scheduled"',
    );
  });

  it('refuses two services with the same priority, naming the service that has it', () => {
    const message = errorFor({
      ...valid,
      services: { app: appService, api: api({ paths: ['/api/*'], priority: 100 }) },
    });
    expect(message).toContain(
      "services.api.routing.priority: got 100; already the priority of services.app; each service's listener rule needs its own priority (1 to 50000, lower first)",
    );
  });

  it.each([0, 50001, 1.5])('refuses a priority of %j, outside 1 to 50000', (priority) => {
    expect(errorFor(routedApp({ paths: ['/*'], priority }))).toContain(
      `services.app.routing.priority: got ${priority};`,
    );
  });

  it('refuses a rule without a condition, which would take every request', () => {
    expect(errorFor(routedApp({ priority: 100 }))).toContain(
      'services.app.routing.paths: got []; give hosts, paths or both: a rule with no condition would take every request',
    );
  });

  it('refuses more condition values than an ALB rule takes', () => {
    const routing = {
      hosts: ['a.example.com', 'b.example.com', 'c.example.com'],
      paths: ['/a/*', '/b/*', '/c/*'],
      priority: 100,
    };
    expect(errorFor(routedApp(routing))).toContain(
      'services.app.routing.paths: got ["/a/*","/b/*","/c/*"]; 3 hosts and 3 paths make 6 condition values; an ALB rule takes at most 5',
    );
  });

  it('refuses a host outside the domain’s zone', () => {
    expect(errorFor(routedApp({ hosts: ['api.example.org'], priority: 100 }, { domain }))).toContain(
      'services.app.routing.hosts[0]: got "api.example.org"; not in the domain\'s zone example.com: the certificate and the DNS records cover that zone only',
    );
  });

  it('refuses a host that only ends like the zone', () => {
    expect(errorFor(routedApp({ hosts: ['badexample.com'], priority: 100 }, { domain }))).toContain(
      'services.app.routing.hosts[0]: got "badexample.com"; not in the domain\'s zone example.com',
    );
  });

  it('accepts hosts in the zone: its apex, a name in it and a wildcard', () => {
    const hosts = ['example.com', 'api.example.com', '*.example.com'];
    const settings = parseSettings(routedApp({ hosts, priority: 100 }, { domain }), 'inline');
    expect(settings.services.app.routing?.hosts).toEqual(hosts);
  });

  it('accepts any host without a domain: there is no zone to stay in', () => {
    const settings = parseSettings(routedApp({ hosts: ['api.example.org'], priority: 100 }), 'inline');
    expect(settings.services.app.routing?.hosts).toEqual(['api.example.org']);
  });

  it('refuses a host name that is not one', () => {
    expect(errorFor(routedApp({ hosts: ['API.example.com'], priority: 100 }))).toContain(
      'services.app.routing.hosts[0]: got "API.example.com"; expected a lower-case host name such as api.example.com (at most 128 characters; *. allowed as the first label)',
    );
  });

  it('refuses a host listed twice', () => {
    expect(errorFor(routedApp({ hosts: ['a.example.com', 'a.example.com'], priority: 100 }))).toContain(
      'services.app.routing.hosts[1]: got "a.example.com"; listed twice',
    );
  });

  it('refuses a path pattern that does not start with /', () => {
    expect(errorFor(routedApp({ paths: ['api/*'], priority: 100 }))).toContain(
      'services.app.routing.paths[0]: got "api/*"; expected a path pattern starting with / of at most 128 characters',
    );
  });

  it('refuses a path listed twice', () => {
    expect(errorFor(routedApp({ paths: ['/api/*', '/api/*'], priority: 100 }))).toContain(
      'services.app.routing.paths[1]: got "/api/*"; listed twice',
    );
  });

  it('refuses the single-service names for two services', () => {
    const services = {
      app: { ...appService, legacyNames: true },
      api: { ...api(), legacyNames: true },
    };
    expect(errorFor({ ...valid, services })).toContain(
      'services.api.legacyNames: got true; services.app already keeps the single-service names; only one service can have them',
    );
  });

  it('keeps the single-service names for a service named app only', () => {
    const services = { web: { ...appService, legacyNames: true } };
    expect(
      errorFor({ ...valid, services })
        .split('\n')
        .slice(1),
    ).toEqual([
      '  services.web.legacyNames: got true; only a service named "app" keeps the single-service names: the repository <app>/<env>/app it moves into carries that name, and ECR cannot rename a repository',
    ]);
  });

  it.each(['api.eu.example.com', '*.tenants.example.com'])(
    'refuses a host %s more than one label below the zone, which the certificate does not cover',
    (host) => {
      expect(errorFor(routedApp({ hosts: [host], priority: 100 }, { domain }))).toContain(
        `services.app.routing.hosts[0]: got "${host}"; more than one label below example.com: the certificate covers example.com and *.example.com only; use a name such as api.example.com`,
      );
    },
  );

  it('refuses values for a region the environment does not run in', () => {
    const message = errorFor(withApp({ regions: { 'ap-southeast-2': { image: { tag: '1.1.0' } } } }));
    expect(message).toContain(
      'services.app.regions.ap-southeast-2: got {"image":{"tag":"1.1.0"},"environment":[],"secrets":[]}; ap-southeast-2 is not one of the environment\'s regions (us-east-1, eu-west-1)',
    );
  });

  it('refuses an unknown key in a service’s region, listing what a service takes per region', () => {
    expect(errorFor(withApp({ regions: { 'eu-west-1': { vpcCidr: '10.1.0.0/16' } } }))).toContain(
      'services.app.regions.eu-west-1.vpcCidr: unknown setting "vpcCidr"; allowed here: image, environment, secrets',
    );
  });

  it('refuses the seed’s 8.8 example in production', () => {
    // GIVEN otherwise valid production settings that ask for the example
    const production = {
      ...withApp(
        { task: { healthCheckCommand: ['CMD', '/bin/health'] } },
        {
          ...valid,
          environment: 'prod',
          tier: 'production',
          domain,
          backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
          alarms: { emails: ['oncall@example.com'] },
        },
      ),
      examples: { simpleFargate: true },
    };
    // WHEN validated THEN that is the one problem
    expect(errorFor(production, 'prod').split('\n').slice(1)).toEqual([
      '  examples.simpleFargate: got true; tier "production" builds no example: the seed\'s 8.8 example runs public IPs with fixed names; try it in a development environment',
    ]);
  });

  it('builds the seed’s 8.8 example in development when asked', () => {
    expect(parseSettings({ ...valid, examples: { simpleFargate: true } }, 'inline').examples).toEqual({
      simpleFargate: true,
    });
  });
});

describe('release, evacuation and drill settings', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  const withEu = (eu: Record<string, unknown>) => [twoRegions[0], { ...twoRegions[1], ...eu }];
  /** Service app's own values in eu-west-1. */
  const appInEu = (values: Record<string, unknown>, image: Record<string, unknown> = { tag: '1.0.0' }) =>
    withApp({ image, regions: { 'eu-west-1': values } });

  it('accepts a wave region’s own tag and digest, and a digest for every region', () => {
    const settings = parseSettings(appInEu({ image: { tag: '1.1.0' } }, { tag: '1.0.0', digest }), 'inline');
    expect(settings.services.app.image.digest).toBe(digest);
    expect(settings.services.app.regions['eu-west-1'].image).toEqual({ tag: '1.1.0' });
    expect(settings.services.app.regions['us-east-1']).toBeUndefined();
  });

  it('refuses a digest that is not sha256 and 64 hex digits', () => {
    expect(errorFor(withApp({ image: { tag: '1.0.0', digest: 'sha512:abc' } }))).toContain(
      'services.app.image.digest: got "sha512:abc"; expected an image digest: "sha256:" followed by 64 lower-case hex digits',
    );
    expect(errorFor(appInEu({ image: { digest: `sha256:${'A'.repeat(64)}` } }))).toContain(
      `services.app.regions.eu-west-1.image.digest: got "sha256:${'A'.repeat(64)}"; expected an image digest`,
    );
  });

  it('refuses a wave override that names no image', () => {
    expect(errorFor(appInEu({ image: {} }))).toContain(
      'services.app.regions.eu-west-1.image: got {}; give tag, digest or both',
    );
  });

  it('refuses a wave override with a key an image does not have', () => {
    expect(errorFor(appInEu({ image: { region: 'ap-southeast-2', tag: '1.1.0' } }))).toContain(
      'services.app.regions.eu-west-1.image.region: unknown setting "region"; allowed here: tag, digest',
    );
  });

  it('refuses a wave in the platform region entry, where the single-service settings had it, saying where it moved', () => {
    // GIVEN the old place of a release wave: regions[1].image
    const message = errorFor({ ...valid, regions: withEu({ image: { tag: '1.1.0' } }) });
    // THEN the key and its new place
    expect(message.split('\n').slice(1)).toEqual([
      '  regions[1].image: unknown setting "image"; a region\'s image, environment and secrets are now per service: services.<name>.regions.<region>.{image,environment,secrets}; allowed here: name, vpcCidr, existingNetwork, availabilityZones, acceleratorWeight, trafficDialPercentage, webAclArn',
    ]);
  });

  it('refuses an unknown key in a platform region, listing what a platform region takes', () => {
    expect(errorFor({ ...valid, regions: withEu({ dial: 50 }) })).toContain(
      'regions[1].dial: unknown setting "dial"; allowed here: name, vpcCidr, existingNetwork, availabilityZones, acceleratorWeight, trafficDialPercentage, webAclArn',
    );
  });

  it('refuses latest in a wave where the service refuses it', () => {
    expect(errorFor(appInEu({ image: { tag: 'latest' } }))).toContain(
      'services.app.regions.eu-west-1.image.tag: got "latest"; the service\'s ECR repository has immutable tags',
    );
  });

  it.each([
    [-1, 'regions[1].trafficDialPercentage: got -1; expected a percentage from 0 (drained) to 100'],
    [101, 'regions[1].trafficDialPercentage: got 101; expected a percentage from 0 (drained) to 100'],
    ['50', 'regions[1].trafficDialPercentage: got "50"; expected a percentage from 0 to 100'],
  ])('refuses a traffic dial of %j', (dial, message) => {
    expect(errorFor({ ...valid, regions: withEu({ trafficDialPercentage: dial }) })).toContain(message);
  });

  it('turns deployment alarms on and leaves drills to the tier by default', () => {
    const settings = parseSettings(valid, 'inline');
    expect(settings.services.app.service.deploymentAlarms).toBe(true);
    expect(settings.failoverDrills).toEqual({ blackholeMinutes: 10 });
  });

  it('refuses a black-hole drill longer than FIS allows', () => {
    expect(errorFor({ ...valid, failoverDrills: { blackholeMinutes: 721 } })).toContain(
      'failoverDrills.blackholeMinutes: got 721',
    );
  });
});

describe('the capacity left when a region is lost', () => {
  it('refuses a maximum the surviving regions cannot scale to the peak with, naming the numbers', () => {
    // GIVEN two regions, 3 tasks each normally, and at most 2 tasks per region
    const message = errorFor(
      withApp({ service: { desiredCount: 3, minCapacity: 1, maxCapacity: 3 } }, { ...valid }),
    );
    // THEN with one region lost the other can run 3, for a peak of 6
    expect(message).toContain(
      'services.app.service.maxCapacity: got 3; losing one of 2 regions leaves 1 region × maxCapacity 3 = 3 tasks for a peak of 6 (desiredCount 3 in each of 2 regions); raise maxCapacity to at least 6, or state the real peak in service.peakTasks',
    );
  });

  it('takes a stated peak instead of desiredCount in every region', () => {
    // GIVEN a stated peak of 8 tasks over three regions with at most 3 each
    const threeRegions = [
      ...twoRegions,
      {
        name: 'ap-southeast-2',
        vpcCidr: '10.2.0.0/16',
        availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
      },
    ];
    const message = errorFor(
      withApp(
        { service: { desiredCount: 2, minCapacity: 1, maxCapacity: 3, peakTasks: 8 } },
        { ...valid, regions: threeRegions },
      ),
    );
    expect(message).toContain(
      'services.app.service.maxCapacity: got 3; losing one of 3 regions leaves 2 regions × maxCapacity 3 = 6 tasks for a peak of 8 (service.peakTasks); raise maxCapacity to at least 4',
    );
  });

  it('accepts a maximum that carries the peak, and a single region with nothing to fail over to', () => {
    // GIVEN the survivor can scale to the whole peak
    expect(() =>
      parseSettings(withApp({ service: { desiredCount: 3, minCapacity: 1, maxCapacity: 6 } }), 'inline'),
    ).not.toThrow();
    expect(() =>
      parseSettings(
        withApp({ service: { desiredCount: 2, minCapacity: 2, maxCapacity: 2, peakTasks: 2 } }),
        'inline',
      ),
    ).not.toThrow();
    // AND one region: no other region to take its traffic
    expect(() =>
      parseSettings(
        withApp(
          { service: { desiredCount: 3, minCapacity: 1, maxCapacity: 3 } },
          { ...valid, regions: [twoRegions[0]] },
        ),
        'inline',
      ),
    ).not.toThrow();
  });

  it('ships production minimums that carry the peak without scaling when a region is lost', () => {
    // The rule README's "Capacity when a region is lost" states: in production each region's
    // minimum alone carries the service's peak (N+1), so the survivor does not wait for scaling.
    const settings = loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, root);
    const survivors = settings.regions.length - 1;
    // The rule holds for the services behind the load balancer; a worker's backlog waits for scaling
    const web = Object.entries(settings.services).filter(([, service]) => service.kind === 'web');
    expect(web.length).toBeGreaterThan(0);
    for (const [name, service] of web) {
      const peak = service.service.peakTasks ?? service.service.desiredCount * settings.regions.length;
      expect(`${name}: ${survivors * service.service.minCapacity >= peak}`).toBe(`${name}: true`);
    }
  });
});

describe('services against the load balancer limits (settings/aws-limits.ts)', () => {
  /** `count` services, each with its own path and priority. */
  const services = (count: number) =>
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `s${i}`,
        { image: { tag: '1.0.0' }, routing: { paths: [`/s${i}/*`], priority: i + 1 } },
      ]),
    );

  it('accepts 100 services: one listener rule and one target group each on every load balancer', () => {
    expect(Object.keys(parseSettings({ ...valid, services: services(100) }, 'inline').services)).toHaveLength(
      100,
    );
  });

  it('refuses 101 services, naming services, the load balancer, the numbers and the limits', () => {
    const lines = errorFor({ ...valid, services: services(101) })
      .split('\n')
      .slice(1);
    expect(lines).toEqual([
      `  services: got "101 services"; 101 services give each region's load balancer fargate-dev-alb one listener rule and one target group each: 101 rules; AWS allows at most 100 rules: rules per Application Load Balancer, not counting default rules (a default quota; an increase can be requested); see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html`,
      `  services: got "101 services"; 101 services give each region's load balancer fargate-dev-alb one listener rule and one target group each: 101 target groups; AWS allows at most 100 target groups: target groups per Application Load Balancer; see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html`,
    ]);
  });

  it('refuses a rule with more than 5 wildcards in its hosts and paths, and accepts 5', () => {
    const routing = (paths: string[]) => ({ hosts: ['*.example.com'], paths, priority: 100 });
    expect(
      errorFor(withApp({ routing: routing(['/a*/b?', '/c*/d*/e*']) }))
        .split('\n')
        .slice(1),
    ).toEqual([
      '  services.app.routing.paths: got ["/a*/b?","/c*/d*/e*"]; the listener rule of services.app would have 6 wildcards; AWS allows at most 5 wildcards: condition wildcards per rule; see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html',
    ]);
    expect(
      parseSettings(withApp({ routing: routing(['/a*/b?', '/c*/d*']) }), 'inline').services.app.routing
        ?.paths,
    ).toEqual(['/a*/b?', '/c*/d*']);
  });
});
