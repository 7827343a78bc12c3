/**
 * ContainerDefinitions: the application's container unchanged, sidecars, the FireLens log router
 * and the OpenTelemetry collector with exactly their permissions, ECS's limits at synth.
 */
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  AppContainer,
  ContainerDefinitions,
  ContainerDefinitionsProps,
  SidecarContainer,
  TOKEN_BOUND_BYTES,
  appDefinition,
  collectorConfig,
  measureBytes,
} from '../constructs/container-definitions';
import { ADOT_COLLECTOR_IMAGE, FLUENT_BIT_IMAGE } from '../settings/containers';
import { SynthesizedJson, dataAt, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

const ACCOUNT = '123456789012';

const APP: AppContainer = {
  name: 'app',
  image: 'ghcr.io/acme/orders-api:1.2.3',
  user: '1000:1000',
  readonlyRootFilesystem: true,
  portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
  mountPoints: [{ sourceVolume: 'scratch-1', containerPath: '/tmp', readOnly: false }],
  environment: [{ name: 'AWS_REGION', value: 'us-east-1' }],
  secrets: [],
};

const ENVOY: SidecarContainer = {
  name: 'envoy',
  image: 'public.ecr.aws/envoyproxy/envoy:v1.31.2',
  essential: true,
  cpu: 128,
  memoryReservationMiB: 128,
  environment: [],
  secrets: [],
  portMappings: [{ containerPort: 9901, protocol: 'tcp' }],
  healthCheck: { command: ['CMD-SHELL', 'true'], interval: 30, timeout: 5, retries: 3, startPeriod: 10 },
  dependsOn: [],
  user: '1000:1000',
  readonlyRootFilesystem: true,
  writablePaths: ['/tmp'],
};

const BASELINE = { user: '1000:1000', readonlyRootFilesystem: true, writablePaths: ['/tmp'] };

/** A ContainerDefinitions with the roles and log group it needs, in `scope`. */
function build(scope: Construct, props: Partial<ContainerDefinitionsProps> = {}): ContainerDefinitions {
  const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1' });
  const role = (id: string) => new IamRole(scope, id, { provider, assumeRolePolicy: '{}' });
  return new ContainerDefinitions(scope, 'Containers', {
    provider,
    region: 'us-east-1',
    namePrefix: 'orders-dev-api',
    app: APP,
    logGroup: new CloudwatchLogGroup(scope, 'LogGroup', { provider, name: '/ecs/orders-dev-api' }),
    executionRole: role('ExecutionRole'),
    taskRole: role('TaskRole'),
    taskCpu: 1024,
    taskMemoryMiB: 2048,
    otherRequestBytes: 2048,
    sizeSettingNames: {
      environment: 'services.api.task.environment',
      secrets: 'services.api.task.secrets',
      command: 'services.api.task.command',
      healthCheck: 'services.api.task.healthCheckCommand',
      sidecars: 'services.api.sidecars',
    },
    variableCount: 1,
    ...props,
  });
}

/** Builds in a fresh stack and returns the construct (for its fields) and the synthesized JSON. */
function synth(props: Partial<ContainerDefinitionsProps> = {}): {
  containers: ContainerDefinitions;
  json: SynthesizedJson;
} {
  let containers: ContainerDefinitions | undefined;
  const json = synthScopeJson((scope) => {
    containers = build(scope, props);
  });
  return { containers: containers as ContainerDefinitions, json };
}

const parsed = (containers: ContainerDefinitions) =>
  JSON.parse(containers.json.replace(/\$\{TfToken\[TOKEN\.\d+\]\}/g, 'TOKEN')) as Array<
    Record<string, unknown>
  >;

describe('ContainerDefinitions', () => {
  it('renders the application alone exactly as before, with no permissions added', () => {
    // GIVEN only the application WHEN built
    const { containers, json } = synth();
    // THEN one container, key for key appDefinition's, and no policy, volume or log group of its own
    expect(JSON.parse(containers.json)).toEqual([
      JSON.parse(
        JSON.stringify(
          appDefinition(
            APP,
            containers.definitions[0].logConfiguration
              ? (containers.definitions[0].logConfiguration as { options: Record<string, string> }).options[
                  'awslogs-group'
                ]
              : '',
            'us-east-1',
          ),
        ),
      ),
    ]);
    expect(Object.keys(JSON.parse(containers.json)[0])).toEqual([
      'name',
      'image',
      'essential',
      'privileged',
      'readonlyRootFilesystem',
      'user',
      'portMappings',
      'mountPoints',
      'environment',
      'linuxParameters',
      'logConfiguration',
    ]);
    expect(containers.policies).toEqual([]);
    expect(containers.volumes).toEqual([]);
    expect(resources(json, 'aws_iam_role_policy')).toEqual([]);
    expect(resources(json, 'aws_cloudwatch_log_group').map((g) => g.path)).toEqual(['test/LogGroup']);
  });

  it('takes the application port mappings as given, so Service Connect can name them', () => {
    const { containers } = synth({
      app: {
        ...APP,
        portMappings: [{ containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }],
      },
    });
    expect(parsed(containers)[0].portMappings).toEqual([
      { containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' },
    ]);
  });

  it('adds repository credentials, and the execution role reads exactly that secret and its key through Secrets Manager', () => {
    const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ci/ghcr-AbCdEf`;
    const kmsKeyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { containers, json } = synth({
      repositoryCredentials: { credentialsParameter: secretArn, secretArn, kmsKeyArn },
    });
    expect(parsed(containers)[0].repositoryCredentials).toEqual({ credentialsParameter: secretArn });
    expect(
      dataAt(json, 'aws_iam_policy_document', 'Containers/RegistryCredentialsDocument').statement,
    ).toEqual([
      {
        sid: 'ReadRegistryCredentials',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn],
      },
      {
        sid: 'DecryptRegistryCredentials',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        resources: [kmsKeyArn],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: ['secretsmanager.us-east-1.amazonaws.com'],
          },
        ],
      },
    ]);
    const policy = resourceAt(json, 'aws_iam_role_policy', 'Containers/RegistryCredentialsPolicy');
    expect(policy.role).toBe(ref(json, 'aws_iam_role', 'test/ExecutionRole'));
    expect(policy.name).toBe('registry-credentials');
  });

  it('routes the application logs through FireLens to its log group, and the task role may write exactly there', () => {
    const { containers, json } = synth({ logRouter: { cpu: 0, memoryReservationMiB: 50, ...BASELINE } });
    const [app, router] = parsed(containers);
    expect(app.logConfiguration).toEqual({
      logDriver: 'awsfirelens',
      options: {
        Name: 'cloudwatch_logs',
        region: 'us-east-1',
        log_group_name: 'TOKEN',
        log_stream_prefix: 'ecs/',
        auto_create_group: 'false',
      },
    });
    expect(app.dependsOn).toEqual([{ containerName: 'log-router', condition: 'START' }]);
    expect(router).toMatchObject({
      name: 'log-router',
      image: FLUENT_BIT_IMAGE,
      essential: true,
      user: '1000:1000',
      readonlyRootFilesystem: true,
      privileged: false,
      firelensConfiguration: { type: 'fluentbit' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'log-router' } },
      mountPoints: [{ sourceVolume: 'log-router-scratch-1', containerPath: '/tmp', readOnly: false }],
    });
    expect(containers.volumes).toEqual([{ name: 'log-router-scratch-1' }]);
    expect(dataAt(json, 'aws_iam_policy_document', 'Containers/LogRouterDocument').statement).toEqual([
      {
        sid: 'LogRouterWriteApplicationLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${ref(json, 'aws_cloudwatch_log_group', 'test/LogGroup', 'arn')}:*`],
      },
    ]);
    expect(resourceAt(json, 'aws_iam_role_policy', 'Containers/LogRouterPolicy').role).toBe(
      ref(json, 'aws_iam_role', 'test/TaskRole'),
    );
  });

  it('runs the collector with its own metrics log group, tells the application where to send, and grants only what its configuration exports with', () => {
    const { containers, json } = synth({
      collector: { cpu: 0, memoryReservationMiB: 128, metricsNamespace: 'orders/api', ...BASELINE },
      logRetentionDays: 30,
      logKmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
    const [app, collector] = parsed(containers);
    expect(app.environment).toEqual([
      { name: 'AWS_REGION', value: 'us-east-1' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://127.0.0.1:4318' },
      { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
    ]);
    expect(app.dependsOn).toEqual([{ containerName: 'otel-collector', condition: 'START' }]);
    expect(collector).toMatchObject({
      name: 'otel-collector',
      image: ADOT_COLLECTOR_IMAGE,
      essential: false,
      environment: [
        { name: 'AOT_CONFIG_CONTENT', value: collectorConfig('/ecs/orders-dev-api/metrics', 'orders/api') },
      ],
      healthCheck: { command: ['CMD', '/healthcheck'] },
    });
    const config = JSON.parse(collectorConfig('/ecs/orders-dev-api/metrics', 'orders/api')) as {
      receivers: Record<string, unknown>;
      exporters: Record<string, unknown>;
    };
    expect(config.receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: '127.0.0.1:4317' }, http: { endpoint: '127.0.0.1:4318' } } },
      awsxray: { endpoint: '127.0.0.1:2000', transport: 'udp' },
    });
    expect(config.exporters.awsemf).toEqual({
      namespace: 'orders/api',
      log_group_name: '/ecs/orders-dev-api/metrics',
      log_stream_name: '{TaskId}',
    });
    const group = resourceAt(json, 'aws_cloudwatch_log_group', 'Containers/MetricsLogGroup');
    expect(group).toMatchObject({ name: '/ecs/orders-dev-api/metrics', retention_in_days: 30 });
    expect(group.kms_key_id).toMatch(/^arn:aws:kms:/);
    expect(dataAt(json, 'aws_iam_policy_document', 'Containers/CollectorDocument').statement).toEqual([
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
        resources: [`${ref(json, 'aws_cloudwatch_log_group', 'Containers/MetricsLogGroup', 'arn')}:*`],
      },
    ]);
  });

  it('renders sidecars with their dependencies, and the execution role reads exactly their secrets', () => {
    const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:envoy/token-AbCdEf`;
    const { containers, json } = synth({
      sidecars: [
        {
          ...ENVOY,
          secrets: [{ name: 'TOKEN', valueFrom: secret, resourceArn: secret, source: 'secretsmanager' }],
        },
        { ...ENVOY, name: 'migrate', essential: false, cpu: 0, healthCheck: undefined, portMappings: [] },
      ],
      appDependsOn: [
        { container: 'envoy', condition: 'HEALTHY' },
        { container: 'migrate', condition: 'SUCCESS' },
      ],
    });
    const [app, envoy, migrate] = parsed(containers);
    expect(app.dependsOn).toEqual([
      { containerName: 'envoy', condition: 'HEALTHY' },
      { containerName: 'migrate', condition: 'SUCCESS' },
    ]);
    expect(envoy).toMatchObject({
      name: 'envoy',
      essential: true,
      cpu: 128,
      memoryReservation: 128,
      secrets: [{ name: 'TOKEN', valueFrom: secret }],
      portMappings: [{ containerPort: 9901, protocol: 'tcp' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'envoy' } },
    });
    expect(migrate).toMatchObject({ name: 'migrate', essential: false });
    expect(migrate.healthCheck).toBeUndefined();
    expect(dataAt(json, 'aws_iam_policy_document', 'Containers/SidecarSecretsDocument').statement).toEqual([
      {
        sid: 'ReadSidecarSecrets',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret],
      },
    ]);
  });

  describe('refuses at synth', () => {
    const refuse = (props: Partial<ContainerDefinitionsProps>) => () =>
      build(new TerraformStack(Testing.app(), 'test'), props);

    it('a name taken twice or reserved', () => {
      expect(refuse({ sidecars: [ENVOY, ENVOY] })).toThrow(
        'ContainerDefinitions: sidecars "envoy" is not allowed; each container name once, and not app, log-router, otel-collector',
      );
      expect(refuse({ sidecars: [{ ...ENVOY, name: 'otel-collector' }] })).toThrow(
        /sidecars "otel-collector" is not allowed/,
      );
    });

    it('more than ECS allows per task definition', () => {
      const many = Array.from({ length: 10 }, (_, i) => ({
        ...ENVOY,
        name: `side-${i}`,
        cpu: 0,
        memoryReservationMiB: 6,
      }));
      expect(refuse({ sidecars: many })).toThrow(
        /the task definition would have 11 containers; AWS allows at most 10 containers: containers per task definition/,
      );
    });

    it('a dependency on a missing container, HEALTHY without a health check, SUCCESS on an essential one, a cycle', () => {
      expect(refuse({ appDependsOn: [{ container: 'redis', condition: 'START' }] })).toThrow(
        'ContainerDefinitions: dependsOn "app -> redis START" is not allowed; wait for another container of the task: ',
      );
      expect(
        refuse({
          sidecars: [{ ...ENVOY, healthCheck: undefined }],
          appDependsOn: [{ container: 'envoy', condition: 'HEALTHY' }],
        }),
      ).toThrow('envoy has no health check, so it never becomes HEALTHY');
      expect(
        refuse({ sidecars: [ENVOY], appDependsOn: [{ container: 'envoy', condition: 'SUCCESS' }] }),
      ).toThrow('ECS allows SUCCESS only on a non-essential container');
      expect(
        refuse({
          sidecars: [{ ...ENVOY, dependsOn: [{ container: 'app', condition: 'START' }] }],
          appDependsOn: [{ container: 'envoy', condition: 'START' }],
        }),
      ).toThrow(
        'ContainerDefinitions: dependsOn "app -> envoy -> app" is not allowed; containers may not wait for each other in a cycle',
      );
    });

    it("reservations beyond the task's CPU or memory", () => {
      expect(refuse({ taskCpu: 256, sidecars: [{ ...ENVOY, cpu: 256 }] })).toThrow(
        `ContainerDefinitions: sidecars "256 CPU units" is not allowed; the containers beside the application must reserve less than the task's 256`,
      );
      expect(refuse({ taskMemoryMiB: 512, sidecars: [{ ...ENVOY, memoryMiB: 512 }] })).toThrow(
        /sidecars "512 MiB" is not allowed/,
      );
    });

    it("the collector's variables set by the application", () => {
      expect(
        refuse({
          app: { ...APP, environment: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'x' }] },
          collector: { cpu: 0, memoryReservationMiB: 128, metricsNamespace: 'n', ...BASELINE },
        }),
      ).toThrow(
        'ContainerDefinitions: app.environment "OTEL_EXPORTER_OTLP_ENDPOINT" is not allowed; the collector sets',
      );
    });

    it('a task definition over 64 KiB, naming the service, the bytes and the limit', () => {
      // GIVEN a sidecar whose variables take 70 KB
      const big = {
        ...ENVOY,
        environment: Array.from({ length: 70 }, (_, i) => ({ name: `V${i}`, value: 'x'.repeat(1000) })),
      };
      // WHEN built THEN refused with the service's name prefix, the bytes against 65536 and the sidecar named
      expect(refuse({ sidecars: [big] })).toThrow(
        /^FargateService orders-dev-api: containers "2 containers" is not allowed; the task definition would be \d+\.\d KiB \((\d+) bytes\), of which container envoy \(services\.api\.sidecars\) \d+\.\d KiB; AWS allows at most 65536 bytes \(64 KiB\): task definition size .* \(attributes known only at apply counted at 2048 bytes each\)\. Move large values out of the task definition/,
      );
    });
  });
});

describe('measureBytes', () => {
  it('counts literals as bytes and each unresolved token at TOKEN_BOUND_BYTES', () => {
    // GIVEN a JSON with one token (a log group name known at apply)
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const group = new CloudwatchLogGroup(stack, 'G', { provider, name: 'x' });
    const json = JSON.stringify({ group: group.name, é: 'é' });
    // WHEN measured THEN the literal bytes plus one bound
    const literal = Buffer.byteLength(JSON.stringify({ group: '', é: 'é' }), 'utf8');
    expect(measureBytes(json)).toBe(literal + TOKEN_BOUND_BYTES);
    expect(measureBytes('{"a":"b"}')).toBe(9);
  });
});
