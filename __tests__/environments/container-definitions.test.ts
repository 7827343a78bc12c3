/**
 * ContainerDefinitions through a synthesized PlatformStack, per region: a private registry's
 * credentials, sidecars, the FireLens log router and the OpenTelemetry collector with exactly their
 * permissions, under the policy pack, and nothing added with the shipped settings.
 */
import { Testing } from 'cdktf';
import { buildStacks } from '../../stacks/app';
import { synthEnvironment } from '../../test-support/environment';
import { synthPlatformOnce } from '../../test-support/platform';
import { allBlocks, dataAt, ref, resourceAt, resources, testSettings } from '../../test-support/synth';

const ACCOUNT = '123456789012';

const REGIONS = ['us-east-1', 'eu-west-1'];

/** Plan level: a service from a private registry with sidecars, a router and a collector, in both regions. */
describe('ContainerDefinitions in a PlatformStack, per region', () => {
  const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ci/ghcr-AbCdEf`;
  const MRK = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
  const EU_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abcd1234-12ab-34cd-56ef-1234567890ab`;
  const settings = {
    accountId: ACCOUNT,
    services: {
      api: {
        image: {
          repositoryUri: 'ghcr.io/acme/orders-api',
          tag: '1.2.3',
          credentials: { secret: SECRET, kmsKeyArn: MRK },
        },
        routing: { paths: ['/*'], priority: 10 },
        task: { healthCheckCommand: ['CMD-SHELL', 'true'] },
        regions: { 'eu-west-1': { imageCredentials: { kmsKeyArn: EU_KEY } } },
        sidecars: {
          logRouter: {},
          collector: {},
          containers: {
            envoy: {
              image: 'public.ecr.aws/envoyproxy/envoy:v1.31.2',
              healthCheck: { command: ['CMD-SHELL', 'true'] },
              portMappings: [{ containerPort: 9901 }],
            },
          },
          appDependsOn: [{ container: 'envoy', condition: 'HEALTHY' as const }],
        },
      },
    },
  };
  const json = () => synthPlatformOnce(settings);
  /** Where FargateService keeps them: its roles in Roles/, the task and its containers in Task/. */
  const PART: Record<string, string> = {
    ExecutionRole: 'Roles/',
    TaskRole: 'Roles/',
    LogGroup: 'Task/',
    Containers: 'Task/',
    TaskDefinition: 'Task/',
  };
  const at = (region: string, suffix: string) =>
    `Services/api/${region}/Service/${PART[suffix.split('/')[0]] ?? ''}${suffix}`;
  const containersIn = (region: string) =>
    JSON.parse(
      String(
        resourceAt(json(), 'aws_ecs_task_definition', at(region, 'TaskDefinition')).container_definitions,
      ),
    ) as Array<Record<string, unknown>>;

  it.each(REGIONS)(
    '%s: the execution role may read exactly that region’s credential secret and key',
    (region) => {
      const key = region === 'us-east-1' ? MRK : EU_KEY;
      const secret = SECRET.replace('us-east-1', region);
      expect(
        dataAt(json(), 'aws_iam_policy_document', at(region, 'Containers/RegistryCredentialsDocument'))
          .statement,
      ).toEqual([
        {
          sid: 'ReadRegistryCredentials',
          effect: 'Allow',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret],
        },
        {
          sid: 'DecryptRegistryCredentials',
          effect: 'Allow',
          actions: ['kms:Decrypt'],
          resources: [key],
          condition: [
            {
              test: 'StringEquals',
              variable: 'kms:ViaService',
              values: [`secretsmanager.${region}.amazonaws.com`],
            },
          ],
        },
      ]);
      expect(
        resourceAt(json(), 'aws_iam_role_policy', at(region, 'Containers/RegistryCredentialsPolicy')).role,
      ).toBe(ref(json(), 'aws_iam_role', at(region, 'ExecutionRole')));
      expect(containersIn(region)[0].repositoryCredentials).toEqual({ credentialsParameter: secret });
    },
  );

  it.each(REGIONS)('%s: the task role has exactly the router’s and the collector’s statements', (region) => {
    const group = (suffix: string) =>
      `${ref(json(), 'aws_cloudwatch_log_group', at(region, suffix), 'arn')}:*`;
    expect(
      dataAt(json(), 'aws_iam_policy_document', at(region, 'Containers/LogRouterDocument')).statement,
    ).toEqual([
      {
        sid: 'LogRouterWriteApplicationLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [group('LogGroup')],
      },
    ]);
    expect(
      dataAt(json(), 'aws_iam_policy_document', at(region, 'Containers/CollectorDocument')).statement,
    ).toEqual([
      {
        sid: 'CollectorTraces',
        effect: 'Allow',
        actions: ['xray:PutTraceSegments', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      },
      {
        sid: 'CollectorMetricsLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [group('Containers/MetricsLogGroup')],
      },
    ]);
    for (const suffix of ['Containers/LogRouterPolicy', 'Containers/CollectorPolicy']) {
      expect(resourceAt(json(), 'aws_iam_role_policy', at(region, suffix)).role).toBe(
        ref(json(), 'aws_iam_role', at(region, 'TaskRole')),
      );
    }
    expect(
      resourceAt(json(), 'aws_cloudwatch_log_group', at(region, 'Containers/MetricsLogGroup')).name,
    ).toBe('/ecs/fargate-test-api/metrics');
  });

  it.each(REGIONS)(
    '%s: the rendered containers wait as declared, and the service waits for the new policies',
    (region) => {
      const containers = containersIn(region);
      expect(containers.map((c) => c.name)).toEqual(['app', 'log-router', 'otel-collector', 'envoy']);
      expect(containers[0].dependsOn).toEqual([
        { containerName: 'envoy', condition: 'HEALTHY' },
        { containerName: 'log-router', condition: 'START' },
        { containerName: 'otel-collector', condition: 'START' },
      ]);
      const service = resourceAt(json(), 'aws_ecs_service', at(region, 'Service'));
      const dependsOn = service.depends_on as string[];
      for (const suffix of ['RegistryCredentialsPolicy', 'LogRouterPolicy', 'CollectorPolicy']) {
        const policy = ref(json(), 'aws_iam_role_policy', at(region, `Containers/${suffix}`)).replace(
          /^\$\{(.*)\.id\}$/,
          '$1',
        );
        expect(dependsOn).toContain(policy);
      }
      const volumes = (
        resourceAt(json(), 'aws_ecs_task_definition', at(region, 'TaskDefinition')).volume as Array<{
          name: string;
        }>
      ).map((v) => v.name);
      expect(volumes).toEqual([
        'efs-storage',
        'scratch-1',
        'log-router-scratch-1',
        'otel-collector-scratch-1',
        'envoy-scratch-1',
      ]);
    },
  );
});

describe('ContainerDefinitions under the policy pack', () => {
  const service = (sidecars: Record<string, unknown>) => ({
    api: {
      image: { repositoryUri: 'ghcr.io/acme/orders-api', tag: '1.2.3' },
      routing: { paths: ['/*'], priority: 10 },
      task: { healthCheckCommand: ['CMD-SHELL', 'true'] },
      sidecars,
    },
  });

  it('passes with a router, a collector and a sidecar; a root sidecar is accepted only with its reason, shown at synth', () => {
    // GIVEN a sidecar that must run as root, with its reason
    const lines: string[] = [];
    const app = Testing.app();
    buildStacks(
      app,
      testSettings({
        services: service({
          logRouter: {},
          collector: {},
          containers: {
            agent: {
              image: 'public.ecr.aws/example/agent:1.0.0',
              essential: false,
              user: '0',
              rootUserReason: 'the vendor agent reads /proc of the task as root',
            },
          },
        }),
      }),
      (line) => lines.push(line),
    );
    // WHEN synthesized with the pack THEN it passes, and the accepted finding names the setting and reason
    expect(() => app.synth()).not.toThrow();
    expect(lines.filter((line) => line.includes('ecs-non-root-user'))).toEqual([
      expect.stringContaining(
        'services.api.sidecars.containers.agent.rootUserReason: the vendor agent reads /proc of the task as root',
      ),
      expect.stringContaining(
        'services.api.sidecars.containers.agent.rootUserReason: the vendor agent reads /proc of the task as root',
      ),
    ]);
  });

  it('refuses a task definition over 64 KiB at synth, naming the service, bytes and limit', () => {
    // GIVEN a sidecar with 70 KB of variables
    const environment = Array.from({ length: 70 }, (_, i) => ({ name: `V${i}`, value: 'x'.repeat(1000) }));
    // WHEN the platform is built THEN it is refused before anything is synthesized
    expect(() =>
      synthPlatformOnce({
        services: service({
          containers: { envoy: { image: 'public.ecr.aws/envoyproxy/envoy:v1.31.2', environment } },
        }),
      }),
    ).toThrow(
      /^FargateService fargate-test-api: containers "2 containers" is not allowed; the task definition would be \d+\.\d KiB \(\d+ bytes\), of which container envoy \(services\.api\.sidecars\) \d+\.\d KiB(, [^;]+)?; AWS allows at most 65536 bytes \(64 KiB\).*\(attributes known only at apply counted at 2048 bytes each\)/,
    );
  });
});

describe('ContainerDefinitions with the shipped settings', () => {
  it.each(['dev', 'prod'])(
    '%s: adds nothing (no resource under Containers, one container per task definition, as before)',
    (environment) => {
      // GIVEN the shipped settings, which name no credentials or sidecars
      // WHEN the environment is synthesized through the app (into a scratch folder)
      const json = Object.values(synthEnvironment(environment).stacks)[0];
      // THEN nothing new exists, and every task definition holds the application alone
      expect(allBlocks(json).filter((block) => block.path.includes('/Containers/'))).toEqual([]);
      for (const task of resources(json, 'aws_ecs_task_definition')) {
        const containers = JSON.parse(String(task.container_definitions)) as Array<Record<string, unknown>>;
        expect(containers.map((c) => c.name)).toEqual(['app']);
        expect(containers[0].dependsOn).toBeUndefined();
        expect(containers[0].repositoryCredentials).toBeUndefined();
        expect((containers[0].logConfiguration as { logDriver: string }).logDriver).toBe('awslogs');
      }
    },
  );
});
