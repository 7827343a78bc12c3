/**
 * settings/containers.ts: registry credentials and sidecars as settings — every refusal names the
 * setting, echoes the value and says what is allowed; and the resolution per region.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError, loadSettingsFile, parseSettings } from '../settings/load';
import { dependencyCycle, resolveRegistryCredentials, resolveSidecarSecrets } from '../settings/containers';
import { Settings } from '../settings/schema';

const ACCOUNT = '123456789012';
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ci/ghcr-AbCdEf`;
const MRK = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
const SINGLE_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EU_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abcd1234-12ab-34cd-56ef-1234567890ab`;
const HEALTH = { command: ['CMD-SHELL', 'true'] };

/** Settings with one service `api` from a private registry, with `service` merged over it. */
function settingsWith(service: Record<string, unknown>, platform: Record<string, unknown> = {}) {
  return {
    app: 'fargate',
    environment: 'dev',
    tier: 'development',
    accountId: ACCOUNT,
    ...platform,
    services: {
      api: {
        image: { repositoryUri: 'ghcr.io/acme/orders-api', tag: '1.2.3' },
        routing: { paths: ['/*'], priority: 10 },
        ...service,
      },
    },
  };
}

function parse(service: Record<string, unknown>, platform: Record<string, unknown> = {}): Settings {
  return parseSettings(settingsWith(service, platform), 'test settings');
}

/** The lines of the refusal of these settings. */
function refusal(service: Record<string, unknown>, platform: Record<string, unknown> = {}): string[] {
  try {
    parse(service, platform);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected the settings to be refused');
}

const sidecar = (extra: Record<string, unknown> = {}) => ({
  image: 'public.ecr.aws/envoyproxy/envoy:v1.31.2',
  ...extra,
});

describe('settings image.credentials', () => {
  it('accepts a secret name or ARN with a key, for an external registry', () => {
    // GIVEN credentials by ARN and by name WHEN parsed THEN they are kept as written
    expect(
      parse({
        image: {
          repositoryUri: 'ghcr.io/acme/orders-api',
          tag: '1.2.3',
          credentials: { secret: SECRET, kmsKeyArn: MRK },
        },
      }).services.api.image.credentials,
    ).toEqual({ secret: SECRET, kmsKeyArn: MRK });
    expect(
      parse({
        image: { repositoryUri: 'ghcr.io/acme/orders-api', tag: '1.2.3', credentials: { secret: 'ci/ghcr' } },
      }).services.api.image.credentials,
    ).toEqual({ secret: 'ci/ghcr' });
  });

  it("refuses credentials for the platform's own ECR repository", () => {
    expect(refusal({ image: { tag: '1.2.3', credentials: { secret: 'ci/ghcr' } } })).toEqual([
      `services.api.image.credentials: got "ci/ghcr"; the service pulls from the platform's own ECR repository, which the execution role reads without credentials; remove image.credentials, or name the private registry's image.repositoryUri`,
    ]);
  });

  it('refuses credentials for an ECR repository of any account', () => {
    const lines = refusal({
      image: {
        repositoryUri: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/shared/base',
        tag: '1.0.0',
        credentials: { secret: 'ci/ghcr' },
      },
    });
    expect(lines).toEqual([
      'services.api.image.credentials: got "ci/ghcr"; "210987654321.dkr.ecr.eu-west-1.amazonaws.com/shared/base" is an Amazon ECR repository: ECS pulls it with the execution role (AmazonECSTaskExecutionRolePolicy), never with repository credentials; remove image.credentials',
    ]);
  });

  it('refuses a secret that is neither a name nor a full ARN', () => {
    const [line] = refusal({
      image: {
        repositoryUri: 'ghcr.io/acme/orders-api',
        tag: '1.2.3',
        credentials: { secret: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ci/ghcr` },
      },
    });
    expect(line).toMatch(
      /^services\.api\.image\.credentials\.secret: got ".*"; expected a Secrets Manager secret name \(e\.g\. ci\/ghcr-pull\) or its full ARN with the 6-character suffix/,
    );
  });

  it('refuses a region override without image.credentials, in another region, or empty', () => {
    expect(refusal({ regions: { 'eu-west-1': { imageCredentials: { secret: 'x' } } } })).toEqual([
      'services.api.regions.eu-west-1.imageCredentials: got {"secret":"x"}; overrides image.credentials, which is not set; add it there first',
    ]);
    const image = { repositoryUri: 'ghcr.io/acme/orders-api', tag: '1.2.3', credentials: { secret: SECRET } };
    expect(refusal({ image, regions: { 'eu-west-1': { imageCredentials: { secret: SECRET } } } })).toEqual([
      `services.api.regions.eu-west-1.imageCredentials.secret: got "${SECRET}"; an override for eu-west-1 must name a secret in eu-west-1`,
    ]);
    expect(refusal({ image, regions: { 'eu-west-1': { imageCredentials: {} } } })).toEqual([
      'services.api.regions.eu-west-1.imageCredentials.secret: got nothing; give secret, kmsKeyArn or both',
    ]);
  });

  it('refuses a single-region key for a region it is not in, pointing at the override', () => {
    const image = {
      repositoryUri: 'ghcr.io/acme/orders-api',
      tag: '1.2.3',
      credentials: { secret: SECRET, kmsKeyArn: SINGLE_KEY },
    };
    expect(refusal({ image })).toEqual([
      `services.api.image.credentials.kmsKeyArn: got "${SINGLE_KEY}"; the key is in us-east-1, and a single-region key cannot decrypt in eu-west-1; give regions.eu-west-1.imageCredentials an override with eu-west-1's key, or use a multi-Region key (mrk-...)`,
    ]);
    // WHEN eu-west-1 names its own key THEN the settings are accepted
    expect(() =>
      parse({ image, regions: { 'eu-west-1': { imageCredentials: { kmsKeyArn: EU_KEY } } } }),
    ).not.toThrow();
  });
});

describe('resolveRegistryCredentials', () => {
  it('gives each region its replica ARN and multi-Region key, and its override', () => {
    // GIVEN credentials by ARN with a multi-Region key, and eu-west-1's own key
    const settings = parse({
      image: {
        repositoryUri: 'ghcr.io/acme/orders-api',
        tag: '1.2.3',
        credentials: { secret: SECRET, kmsKeyArn: MRK },
      },
      regions: { 'eu-west-1': { imageCredentials: { kmsKeyArn: EU_KEY } } },
    });
    // WHEN resolved per region THEN each region reads its own replica with its own key
    expect(resolveRegistryCredentials(settings.services.api, 'us-east-1', ACCOUNT)).toEqual({
      credentialsParameter: SECRET,
      secretArn: SECRET,
      kmsKeyArn: MRK,
    });
    const eu = SECRET.replace('us-east-1', 'eu-west-1');
    expect(resolveRegistryCredentials(settings.services.api, 'eu-west-1', ACCOUNT)).toEqual({
      credentialsParameter: eu,
      secretArn: eu,
      kmsKeyArn: EU_KEY,
    });
  });

  it('passes a name to ECS and grants exactly that name with its 6-character suffix', () => {
    const settings = parse({
      image: { repositoryUri: 'ghcr.io/acme/orders-api', tag: '1.2.3', credentials: { secret: 'ci/ghcr' } },
    });
    expect(resolveRegistryCredentials(settings.services.api, 'eu-west-1', ACCOUNT)).toEqual({
      credentialsParameter: 'ci/ghcr',
      secretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ci/ghcr-??????`,
      kmsKeyArn: undefined,
    });
  });

  it('is undefined without image.credentials', () => {
    expect(resolveRegistryCredentials(parse({}).services.api, 'us-east-1', ACCOUNT)).toBeUndefined();
  });
});

describe('settings sidecars', () => {
  it('defaults to no containers, no router, no collector', () => {
    expect(parse({}).services.api.sidecars).toEqual({ containers: {}, appDependsOn: [] });
  });

  it('fills a sidecar with the application baseline: non-root, read-only root, /tmp writable', () => {
    const { containers } = parse({ sidecars: { containers: { envoy: sidecar() } } }).services.api.sidecars;
    expect(containers.envoy).toMatchObject({
      essential: true,
      cpu: 0,
      memoryReservationMiB: 64,
      user: '1000:1000',
      readonlyRootFilesystem: true,
      writablePaths: ['/tmp'],
      dependsOn: [],
    });
  });

  it('refuses names that are not DNS-safe or belong to the application or the platform', () => {
    const lines = refusal({
      sidecars: { containers: { Envoy_1: sidecar(), app: sidecar(), 'log-router': sidecar() } },
    });
    expect(lines).toEqual([
      'services.api.sidecars.containers.Envoy_1: got "Envoy_1"; expected a container name: 2 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen (DNS-safe)',
      'services.api.sidecars.containers.app: got "app"; is the name of the application container; choose another name',
      'services.api.sidecars.containers.log-router: got "log-router"; is the name of the platform\'s own log-router (sidecars.logRouter); choose another name',
    ]);
  });

  it('refuses a sidecar name given twice in the settings file', () => {
    // GIVEN a settings file naming the sidecar envoy twice (JSON would keep the last silently)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'containers-'));
    try {
      const file = path.join(dir, 'dev.json');
      const text = JSON.stringify(settingsWith({ sidecars: { containers: { envoy: sidecar() } } }), null, 2);
      writeFileSync(file, text.replace('"envoy": {', '"envoy": { "image": "x/y:1" },\n        "envoy": {'));
      // WHEN loaded THEN refused, naming the key
      expect(() => loadSettingsFile(file, 'config/dev.json')).toThrow(
        /services\.api\.sidecars\.containers\.envoy: set twice, at line \d+ and at line \d+;/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an image without a tag or digest, and an unknown setting with the allowed ones', () => {
    const [unknown] = refusal({
      sidecars: { containers: { envoy: { image: 'envoyproxy/envoy:1', memory: 1 } } },
    });
    expect(unknown).toMatch(
      /^services\.api\.sidecars\.containers\.envoy\.memory: unknown setting "memory"; allowed here: image, essential, cpu, memoryMiB, memoryReservationMiB,/,
    );
    const [image] = refusal({ sidecars: { containers: { envoy: { image: 'envoyproxy/envoy' } } } });
    expect(image).toBe(
      'services.api.sidecars.containers.envoy.image: got "envoyproxy/envoy"; expected an image reference with a tag or a digest, e.g. public.ecr.aws/nginx/nginx:1.27 or …@sha256:<64 hex>',
    );
  });

  it('refuses a dependency on a missing container, on itself, twice, or with an unknown condition', () => {
    const lines = refusal({
      sidecars: {
        containers: {
          envoy: sidecar({
            dependsOn: [
              { container: 'redis', condition: 'START' },
              { container: 'envoy', condition: 'START' },
              { container: 'app', condition: 'START' },
              { container: 'app', condition: 'START' },
            ],
          }),
        },
        appDependsOn: [{ container: 'envoy', condition: 'READY' }],
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars.appDependsOn[0].condition: got "READY"; expected one of START, COMPLETE, SUCCESS, HEALTHY',
    ]);
    const dependencyLines = refusal({
      sidecars: {
        containers: {
          envoy: sidecar({
            dependsOn: [
              { container: 'redis', condition: 'START' },
              { container: 'envoy', condition: 'START' },
              { container: 'app', condition: 'START' },
              { container: 'app', condition: 'START' },
            ],
          }),
        },
      },
    });
    expect(dependencyLines).toEqual([
      'services.api.sidecars.containers.envoy.dependsOn[0].container: got "redis"; not a container of this task; its containers are app',
      'services.api.sidecars.containers.envoy.dependsOn[1].container: got "envoy"; a container cannot wait for itself',
      'services.api.sidecars.containers.envoy.dependsOn[3].container: got "app"; listed twice; give each container one condition',
    ]);
  });

  it('refuses HEALTHY on a container without a health check, and COMPLETE or SUCCESS on an essential one', () => {
    const lines = refusal({
      sidecars: {
        containers: { envoy: sidecar(), migrate: sidecar({ essential: true }) },
        appDependsOn: [
          { container: 'envoy', condition: 'HEALTHY' },
          { container: 'migrate', condition: 'SUCCESS' },
        ],
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars.appDependsOn[0].condition: got "HEALTHY"; envoy has no health check, so it never becomes HEALTHY; give it one (sidecars.containers.envoy.healthCheck) or wait for START',
      'services.api.sidecars.appDependsOn[1].condition: got "SUCCESS"; migrate is essential: an essential container that exits stops the task, so ECS allows SUCCESS only on non-essential containers; set its essential to false or wait for START or HEALTHY',
    ]);
    // WHEN the targets are fixed THEN the same dependencies are accepted
    expect(() =>
      parse({
        sidecars: {
          containers: { envoy: sidecar({ healthCheck: HEALTH }), migrate: sidecar({ essential: false }) },
          appDependsOn: [
            { container: 'envoy', condition: 'HEALTHY' },
            { container: 'migrate', condition: 'SUCCESS' },
          ],
        },
      }),
    ).not.toThrow();
  });

  it('refuses a dependency cycle, naming it', () => {
    const lines = refusal({
      sidecars: {
        containers: {
          aa: sidecar({ dependsOn: [{ container: 'bb', condition: 'START' }] }),
          bb: sidecar({ dependsOn: [{ container: 'app', condition: 'START' }] }),
        },
        appDependsOn: [{ container: 'aa', condition: 'START' }],
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars.containers.aa.dependsOn: got "aa -> bb -> app -> aa"; containers wait for each other in a cycle, so none of them would ever start; remove one of these dependencies',
    ]);
  });

  it("refuses reservations that leave the application nothing of the task's CPU or memory", () => {
    const lines = refusal({
      task: { cpu: 256, memoryMiB: 512 },
      sidecars: {
        containers: { envoy: sidecar({ cpu: 128, memoryReservationMiB: 256 }) },
        logRouter: { cpu: 128, memoryReservationMiB: 256 },
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars: got "256 CPU units"; the containers beside the application reserve 256 of the task\'s 256 CPU units (envoy 128, log-router 128), leaving none for the application; lower their cpu or raise task.cpu',
      'services.api.sidecars: got "512 MiB"; the containers beside the application reserve 512 of the task\'s 512 MiB (envoy 256, log-router 256), leaving none for the application; lower their memory or raise task.memoryMiB',
    ]);
  });

  it('holds every container to the application baseline: root and a writable root need reasons', () => {
    const lines = refusal({
      sidecars: {
        containers: { envoy: sidecar({ user: '0', readonlyRootFilesystem: false }) },
        collector: { user: 'root' },
        logRouter: { rootUserReason: 'Fluent Bit needs root here for reasons' },
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars.logRouter.rootUserReason: got "Fluent Bit needs root here for reasons"; only with a root user; user is "1000:1000"',
      'services.api.sidecars.collector.user: got "root"; runs the container as root (Security Hub ECS.20); use a non-root user such as 1000:1000, or state why in sidecars.collector.rootUserReason',
      'services.api.sidecars.containers.envoy.user: got "0"; runs the container as root (Security Hub ECS.20); use a non-root user such as 1000:1000, or state why in sidecars.containers.envoy.rootUserReason',
      'services.api.sidecars.containers.envoy.writableRootFilesystemReason: got nothing; required with readonlyRootFilesystem false: the security policy refuses a writable root filesystem (ECS.5) unless you say why (20 characters or more)',
    ]);
  });

  it('refuses secret-looking variables, SSM versions, clashing ports and key regions as for the application', () => {
    const lines = refusal({
      task: { containerPort: 8080 },
      sidecars: {
        containers: {
          envoy: sidecar({
            environment: [{ name: 'DB_PASSWORD', value: 'x' }],
            secrets: [
              { name: 'TOKEN', valueFrom: '/envoy/token', jsonKey: 'token' },
              { name: 'KEYED', valueFrom: SECRET, kmsKeyArn: SINGLE_KEY },
            ],
            portMappings: [{ containerPort: 8080 }, { containerPort: 9901 }, { containerPort: 9901 }],
          }),
        },
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars.containers.envoy.environment[0].name: got "DB_PASSWORD"; looks like a secret, and plaintext variables are visible to anyone who can read the task definition; move it to sidecars.containers.envoy.secrets',
      'services.api.sidecars.containers.envoy.secrets[0].jsonKey: got "token"; only Secrets Manager secrets have JSON keys and versions; valueFrom names an SSM parameter',
      `services.api.sidecars.containers.envoy.secrets[1].kmsKeyArn: got "${SINGLE_KEY}"; the key is in us-east-1, and a single-region key cannot decrypt in eu-west-1; a sidecar's secrets have no per-region override: use a multi-Region key (mrk-...)`,
      "services.api.sidecars.containers.envoy.portMappings[0].containerPort: got 8080; 8080/tcp is already taken in this task (the application's port); containers of a task share one network namespace",
      'services.api.sidecars.containers.envoy.portMappings[2].containerPort: got 9901; 9901/tcp is already taken in this task (portMappings[1] of envoy); containers of a task share one network namespace',
    ]);
  });

  it('refuses ports the log router or collector listen on, and more containers than ECS allows', () => {
    const lines = refusal({
      task: { containerPort: 24224 },
      sidecars: {
        logRouter: {},
        collector: {},
        containers: {
          envoy: sidecar({
            portMappings: [{ containerPort: 4318 }, { containerPort: 2000, protocol: 'udp' }],
          }),
        },
      },
    });
    expect(lines).toEqual([
      'services.api.sidecars.containers.envoy.portMappings[0].containerPort: got 4318; 4318/tcp is already taken in this task (the collector (OTLP HTTP)); containers of a task share one network namespace',
      'services.api.sidecars.containers.envoy.portMappings[1].containerPort: got 2000; 2000/udp is already taken in this task (the collector (X-Ray)); containers of a task share one network namespace',
      'services.api.task.containerPort: got 24224; 24224/tcp is taken in this task by the log router (FireLens forward input); choose another port for the application',
    ]);
    const containers = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`side-${i}`, sidecar({ memoryReservationMiB: 6 })]),
    );
    const [count] = refusal({ sidecars: { containers, logRouter: {}, collector: {} } });
    expect(count).toMatch(
      /^services\.api\.sidecars\.containers: got \[.*\]; the task definition would have 11 containers; AWS allows at most 10 containers: containers per task definition; see https:\/\/docs\.aws\.amazon\.com\/general\/latest\/gr\/ecs-service\.html \(the application, the sidecars, the log router and the collector\)$/,
    );
  });

  it('requires a health check on essential sidecars, and no latest image, in tier production', () => {
    const lines = refusal(
      {
        task: { healthCheckCommand: HEALTH.command },
        sidecars: {
          containers: { envoy: sidecar(), jobs: sidecar({ essential: false }) },
          collector: { image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest' },
        },
      },
      {
        tier: 'production',
        edge: { plainHttpReason: 'internal test environment behind a VPN' },
        alarms: { emails: ['ops@example.com'] },
        backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 35 } },
      },
    );
    expect(lines).toContain(
      'services.api.sidecars.containers.envoy.healthCheck: got nothing; tier "production" requires a health check on every essential container: without one ECS cannot tell a hung sidecar from a working one (or set essential to false)',
    );
    expect(lines.join('\n')).not.toMatch(/containers\.jobs/);
    expect(lines).toContain(
      'services.api.sidecars.collector.image: got "public.ecr.aws/aws-observability/aws-otel-collector:latest"; tier "production" refuses "latest": deployments must be reproducible; pin a version tag or a digest',
    );
  });

  it("refuses the application's own OTEL endpoint variables when the collector sets them", () => {
    const lines = refusal({
      task: { environment: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://x:4318' }] },
      sidecars: { collector: {} },
    });
    expect(lines).toEqual([
      'services.api.task.environment[0].name: got "OTEL_EXPORTER_OTLP_ENDPOINT"; the collector (sidecars.collector) sets OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL itself; remove it',
    ]);
  });

  it('resolves sidecar secrets to each region like the application secrets', () => {
    const settings = parse({
      sidecars: {
        containers: { envoy: sidecar({ secrets: [{ name: 'TOKEN', valueFrom: SECRET, kmsKeyArn: MRK }] }) },
      },
    });
    expect(
      resolveSidecarSecrets(settings.services.api.sidecars.containers.envoy, 'eu-west-1', ACCOUNT),
    ).toEqual([
      {
        name: 'TOKEN',
        valueFrom: SECRET.replace('us-east-1', 'eu-west-1'),
        resourceArn: SECRET.replace('us-east-1', 'eu-west-1'),
        source: 'secretsmanager',
        kmsKeyArn: MRK.replace('us-east-1', 'eu-west-1'),
      },
    ]);
  });
});

describe('dependencyCycle', () => {
  it('finds a cycle and ignores unknown targets and self-dependencies', () => {
    const graph = (edges: Record<string, string[]>) =>
      new Map(
        Object.entries(edges).map(([name, to]) => [
          name,
          { dependsOn: to.map((container) => ({ container })) },
        ]),
      );
    expect(dependencyCycle(graph({ app: ['a'], a: ['b'], b: [] }))).toBeUndefined();
    expect(dependencyCycle(graph({ app: ['a'], a: ['b'], b: ['a'] }))).toEqual(['a', 'b', 'a']);
    expect(dependencyCycle(graph({ app: ['app', 'missing'] }))).toBeUndefined();
  });
});
