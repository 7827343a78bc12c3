import { ITerraformDependable, Token, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { countProblem, taskDefinitionSizeProblem } from '../settings/aws-limits';
import {
  ADOT_COLLECTOR_IMAGE,
  COLLECTOR_CONTAINER,
  COLLECTOR_VARIABLES,
  CONTAINER_NAME,
  DependencyCondition,
  FLUENT_BIT_IMAGE,
  LOG_ROUTER_CONTAINER,
  RESERVED_CONTAINER_NAMES,
  SidecarsSettings,
  dependencyCycle,
  resolveRegistryCredentials,
  resolveSidecarSecrets,
} from '../settings/containers';
import type { ServiceSettings } from '../settings/schema';
import { ValidationError } from './validation-error';

/**
 * Bytes an unresolved token (an attribute known only at apply: a log group name, a bucket name, an
 * ECR repository URL) is counted as in the size check: 2048, the longest ARN IAM accepts, and more
 * than any name or URL these attributes resolve to (log group names: 512, bucket names: 63).
 */
export const TOKEN_BOUND_BYTES = 2048;

/** A port a container listens on; Service Connect adds `name` and `appProtocol` on the application's. */
export interface ContainerPortMapping {
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
  /** @default - unnamed */
  readonly name?: string;
  /** @default - none */
  readonly appProtocol?: 'http' | 'http2' | 'grpc';
}

/** A container another one waits for. */
export interface ContainerDependency {
  readonly container: string;
  readonly condition: DependencyCondition;
}

/** A container health check, ECS's field names. */
export interface ContainerHealthCheck {
  readonly command: string[];
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly startPeriod: number;
}

/** A secret a container receives, read with the execution role at task start. */
export interface ContainerSecret {
  readonly name: string;
  readonly valueFrom: string;
  /** The exact ARN the execution role may read. */
  readonly resourceArn: string;
  readonly source: 'secretsmanager' | 'ssm';
  /** @default - AWS's managed key */
  readonly kmsKeyArn?: string;
}

/** The security baseline of a container beside the application. */
export interface ContainerBaseline {
  /** `uid:gid` or a name; root only with a reason (checked by the settings). */
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  /** Absolute paths backed by writable task storage. */
  readonly writablePaths: readonly string[];
}

/** One additional container. */
export interface SidecarContainer extends ContainerBaseline {
  /** DNS-safe name, unique in the task. */
  readonly name: string;
  /** Image with tag or digest. */
  readonly image: string;
  readonly essential: boolean;
  /** CPU units reserved (0: shares). */
  readonly cpu: number;
  /** @default - no hard limit */
  readonly memoryMiB?: number;
  readonly memoryReservationMiB: number;
  /** @default - the image's CMD */
  readonly command?: string[];
  /** @default - the image's ENTRYPOINT */
  readonly entryPoint?: string[];
  readonly environment: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly secrets: readonly ContainerSecret[];
  readonly portMappings: readonly ContainerPortMapping[];
  /** @default - no health check */
  readonly healthCheck?: ContainerHealthCheck;
  readonly dependsOn: readonly ContainerDependency[];
}

/** The FireLens log router. */
export interface LogRouterOptions extends ContainerBaseline {
  /** @default FLUENT_BIT_IMAGE */
  readonly image?: string;
  readonly cpu: number;
  readonly memoryReservationMiB: number;
}

/** The OpenTelemetry collector. */
export interface CollectorOptions extends ContainerBaseline {
  /** @default ADOT_COLLECTOR_IMAGE */
  readonly image?: string;
  readonly cpu: number;
  readonly memoryReservationMiB: number;
  /** CloudWatch namespace of the application's metrics. */
  readonly metricsNamespace: string;
}

/** A private registry's credentials: a Secrets Manager secret in the task's region. */
export interface RegistryCredentials {
  /** ECS `credentialsParameter` (ARN or, in the task's region, name). */
  readonly credentialsParameter: string;
  /** What the execution role may read (exact ARN, or `<name>-??????`). */
  readonly secretArn: string;
  /** @default - AWS's managed key */
  readonly kmsKeyArn?: string;
}

/** The application container, as FargateService builds it. */
export interface AppContainer {
  readonly name: string;
  readonly image: string;
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  /** @default - the image's CMD */
  readonly command?: string[];
  /** @default - the image's ENTRYPOINT */
  readonly entryPoint?: string[];
  /** The application's ports; a prop so Service Connect can name them (`name`, `appProtocol`). */
  readonly portMappings: readonly ContainerPortMapping[];
  readonly mountPoints: ReadonlyArray<{ sourceVolume: string; containerPath: string; readOnly: boolean }>;
  readonly environment: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly secrets: ReadonlyArray<{ readonly name: string; readonly valueFrom: string }>;
  /** @default - no container health check */
  readonly healthCheck?: ContainerHealthCheck;
}

/** What the size message calls the settings (or props) that take the space. */
export interface SizeSettingNames {
  readonly environment: string;
  readonly secrets: string;
  readonly command: string;
  readonly healthCheck: string;
  /** Where the containers beside the application are set, e.g. `services.api.sidecars`. */
  readonly sidecars: string;
}

export interface ContainerDefinitionsProps {
  /** The provider of the task's region. */
  readonly provider: AwsProvider;
  /** The task's region (awslogs and Fluent Bit options, kms:ViaService). */
  readonly region: string;
  /** Prefix of names, e.g. `orders-prod-api`: names the metrics log group and messages. */
  readonly namePrefix: string;
  /** The application container. */
  readonly app: AppContainer;
  /** The task's log group: awslogs of every container, and the log router's destination. */
  readonly logGroup: CloudwatchLogGroup;
  /** Retention of the collector's metrics log group, days. @default 90 */
  readonly logRetentionDays?: number;
  /** Key of the collector's metrics log group. @default - CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /** Gets repository credentials and sidecar secrets read permissions. */
  readonly executionRole: IamRole;
  /** Gets the log router's and collector's permissions. */
  readonly taskRole: IamRole;
  /** Task CPU units: the containers' reservations must fit. */
  readonly taskCpu: number;
  /** Task memory, MiB: the containers' reservations must fit. */
  readonly taskMemoryMiB: number;
  /** Bytes of the RegisterTaskDefinition request besides the container definitions. */
  readonly otherRequestBytes: number;
  /** How a task definition size message names the settings (or props) that take the space. */
  readonly sizeSettingNames: SizeSettingNames;
  /** Count of the application's own variables, for the size message. */
  readonly variableCount: number;
  /**
   * A private registry's credentials for the application image.
   * @default - the image is pulled without credentials (public, or ECR through the execution role)
   */
  readonly repositoryCredentials?: RegistryCredentials;
  /**
   * Containers beside the application.
   * @default - none
   */
  readonly sidecars?: readonly SidecarContainer[];
  /**
   * Containers the application waits for; the log router and collector are added at START.
   * @default - none
   */
  readonly appDependsOn?: readonly ContainerDependency[];
  /**
   * A FireLens log router sending the application's logs to the log group.
   * @default - the application logs with awslogs
   */
  readonly logRouter?: LogRouterOptions;
  /**
   * An OpenTelemetry collector.
   * @default - no collector
   */
  readonly collector?: CollectorOptions;
}

/**
 * The container definitions of a task (as aws-cdk's ContainerDefinition): the application's, its
 * sidecars, a FireLens log router and an OpenTelemetry collector, with exactly the permissions they
 * need (execution role: registry credentials and sidecar secrets; task role: the router's and
 * collector's writes), the scratch volumes of their writable paths, and ECS's limits checked at
 * synth: containers per task, dependencies, capacity and the 64 KiB task definition size.
 */
export class ContainerDefinitions extends Construct {
  /** The `container_definitions` JSON. */
  public readonly json: string;
  /** The containers, in order (the application first). */
  public readonly definitions: ReadonlyArray<Record<string, unknown>>;
  /** Volumes the sidecars' writable paths need, beside the application's. */
  public readonly volumes: ReadonlyArray<{ readonly name: string }>;
  /** Policies the service must wait for (its first tasks need them). */
  public readonly policies: ITerraformDependable[] = [];
  /** The collector's metrics (EMF) log group, with a collector only. */
  public readonly metricsLogGroup?: CloudwatchLogGroup;
  /** Bytes of the rendered container definitions, tokens counted at TOKEN_BOUND_BYTES. */
  public readonly measuredBytes: number;

  private readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: ContainerDefinitionsProps) {
    super(scope, id);
    const { provider, region, namePrefix } = props;
    this.provider = provider;
    const sidecars = props.sidecars ?? [];
    validate(props, sidecars);
    const volumes: Array<{ name: string }> = [];
    const scratch = (owner: string, paths: readonly string[]) =>
      paths.map((containerPath, index) => {
        const name = `${owner}-scratch-${index + 1}`;
        volumes.push({ name });
        return { sourceVolume: name, containerPath, readOnly: false };
      });
    const awslogs = (prefix: string) => ({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': props.logGroup.name,
        'awslogs-region': region,
        'awslogs-stream-prefix': prefix,
      },
    });
    const baseline = (c: ContainerBaseline, owner: string) => ({
      privileged: false,
      readonlyRootFilesystem: c.readonlyRootFilesystem,
      user: c.user,
      mountPoints: c.readonlyRootFilesystem ? scratch(owner, c.writablePaths) : [],
    });

    // The application: unchanged unless something below asks for more.
    const app: Record<string, unknown> = appDefinition(props.app, props.logGroup.name, region);
    if (props.repositoryCredentials) {
      app.repositoryCredentials = { credentialsParameter: props.repositoryCredentials.credentialsParameter };
    }
    const definitions: Array<Record<string, unknown>> = [app];
    const appDependsOn = [...(props.appDependsOn ?? [])];

    if (props.logRouter) {
      const router = props.logRouter;
      app.logConfiguration = {
        logDriver: 'awsfirelens',
        options: {
          Name: 'cloudwatch_logs',
          region,
          log_group_name: props.logGroup.name,
          log_stream_prefix: 'ecs/',
          auto_create_group: 'false',
        },
      };
      definitions.push({
        name: LOG_ROUTER_CONTAINER,
        image: router.image ?? FLUENT_BIT_IMAGE,
        essential: true,
        cpu: router.cpu,
        memoryReservation: router.memoryReservationMiB,
        ...baseline(router, LOG_ROUTER_CONTAINER),
        firelensConfiguration: {
          type: 'fluentbit',
          options: {
            'enable-ecs-log-metadata': 'true',
            // AWS for Fluent Bit's built-in configuration: the HTTP monitoring server with a health
            // endpoint that fails when outputs keep failing.
            'config-file-type': 'file',
            'config-file-value': '/fluent-bit/configs/output-metrics-healthcheck.conf',
          },
        },
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://127.0.0.1:2020/api/v1/health || exit 1'],
          interval: 10,
          timeout: 5,
          retries: 3,
          startPeriod: 30,
        },
        logConfiguration: awslogs(LOG_ROUTER_CONTAINER),
      });
      if (!appDependsOn.some((d) => d.container === LOG_ROUTER_CONTAINER)) {
        appDependsOn.push({ container: LOG_ROUTER_CONTAINER, condition: 'START' });
      }
      // Fluent Bit's cloudwatch_logs output calls CreateLogStream and PutLogEvents (no
      // CreateLogGroup: auto_create_group is false; no DescribeLogStreams in the C plugin).
      this.policies.push(
        this.rolePolicy('LogRouter', props.taskRole, 'log-router', [
          {
            sid: 'LogRouterWriteApplicationLogs',
            effect: 'Allow',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [`${props.logGroup.arn}:*`],
          },
        ]),
      );
    }

    if (props.collector) {
      const collector = props.collector;
      const metricsGroupName = `/ecs/${namePrefix}/metrics`;
      this.metricsLogGroup = new CloudwatchLogGroup(this, 'MetricsLogGroup', {
        provider,
        name: metricsGroupName,
        retentionInDays: props.logRetentionDays ?? 90,
        kmsKeyId: props.logKmsKeyArn,
      });
      definitions.push({
        name: COLLECTOR_CONTAINER,
        image: collector.image ?? ADOT_COLLECTOR_IMAGE,
        essential: false,
        cpu: collector.cpu,
        memoryReservation: collector.memoryReservationMiB,
        ...baseline(collector, COLLECTOR_CONTAINER),
        environment: [
          {
            name: 'AOT_CONFIG_CONTENT',
            value: collectorConfig(metricsGroupName, collector.metricsNamespace),
          },
        ],
        healthCheck: {
          command: ['CMD', '/healthcheck'],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 30,
        },
        logConfiguration: awslogs(COLLECTOR_CONTAINER),
      });
      app.environment = [
        ...(app.environment as Array<{ name: string; value: string }>),
        { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://127.0.0.1:4318' },
        { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
      ];
      if (!appDependsOn.some((d) => d.container === COLLECTOR_CONTAINER)) {
        appDependsOn.push({ container: COLLECTOR_CONTAINER, condition: 'START' });
      }
      // What the configuration above exports with: awsxray (PutTraceSegments), the awsxray
      // receiver's sampling proxy (GetSamplingRules, GetSamplingTargets), awsemf (CreateLogStream,
      // PutLogEvents on its own group). EMF metrics are extracted by CloudWatch from the log events,
      // so no cloudwatch:PutMetricData.
      this.policies.push(
        this.rolePolicy('Collector', props.taskRole, 'otel-collector', [
          {
            sid: 'CollectorTraces',
            effect: 'Allow',
            actions: ['xray:PutTraceSegments', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
            // X-Ray's trace and sampling actions take no resource ARN; AWS documents "*".
            resources: ['*'],
          },
          {
            sid: 'CollectorMetricsLogs',
            effect: 'Allow',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [`${this.metricsLogGroup.arn}:*`],
          },
        ]),
      );
    }

    const sidecarSecrets: ContainerSecret[] = [];
    for (const sidecar of sidecars) {
      sidecarSecrets.push(...sidecar.secrets);
      definitions.push({
        name: sidecar.name,
        image: sidecar.image,
        essential: sidecar.essential,
        cpu: sidecar.cpu,
        ...(sidecar.memoryMiB === undefined ? {} : { memory: sidecar.memoryMiB }),
        memoryReservation: sidecar.memoryReservationMiB,
        ...baseline(sidecar, sidecar.name),
        ...(sidecar.command ? { command: sidecar.command } : {}),
        ...(sidecar.entryPoint ? { entryPoint: sidecar.entryPoint } : {}),
        portMappings: sidecar.portMappings.map((p) => ({ ...p })),
        environment: sidecar.environment.map((v) => ({ name: v.name, value: v.value })),
        ...(sidecar.secrets.length
          ? { secrets: sidecar.secrets.map((s) => ({ name: s.name, valueFrom: s.valueFrom })) }
          : {}),
        ...(sidecar.dependsOn.length ? { dependsOn: sidecar.dependsOn.map((d) => ({ ...d })) } : {}),
        linuxParameters: { initProcessEnabled: true },
        ...(sidecar.healthCheck ? { healthCheck: { ...sidecar.healthCheck } } : {}),
        logConfiguration: awslogs(sidecar.name),
      });
    }
    if (appDependsOn.length) {
      app.dependsOn = appDependsOn.map((d) => ({ containerName: d.container, condition: d.condition }));
    }
    for (const definition of definitions.slice(1)) {
      const dependsOn = definition.dependsOn as ContainerDependency[] | undefined;
      if (dependsOn) {
        definition.dependsOn = dependsOn.map((d) => ({ containerName: d.container, condition: d.condition }));
      }
    }

    // The execution role reads exactly the credential secret (and its key, only through Secrets
    // Manager in this region) and the sidecars' secrets.
    const credentials = props.repositoryCredentials;
    if (credentials) {
      this.policies.push(
        this.rolePolicy('RegistryCredentials', props.executionRole, 'registry-credentials', [
          {
            sid: 'ReadRegistryCredentials',
            effect: 'Allow',
            actions: ['secretsmanager:GetSecretValue'],
            resources: [credentials.secretArn],
          },
          ...(credentials.kmsKeyArn
            ? [
                {
                  sid: 'DecryptRegistryCredentials',
                  effect: 'Allow',
                  actions: ['kms:Decrypt'],
                  resources: [credentials.kmsKeyArn],
                  condition: [
                    {
                      test: 'StringEquals',
                      variable: 'kms:ViaService',
                      values: [`secretsmanager.${region}.amazonaws.com`],
                    },
                  ],
                },
              ]
            : []),
        ]),
      );
    }
    if (sidecarSecrets.length) {
      const arnsOf = (source: string) => [
        ...new Set(sidecarSecrets.filter((s) => s.source === source).map((s) => s.resourceArn)),
      ];
      const keys = [...new Set(sidecarSecrets.flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])))];
      this.policies.push(
        this.rolePolicy('SidecarSecrets', props.executionRole, 'sidecar-secrets', [
          ...(arnsOf('secretsmanager').length
            ? [
                {
                  sid: 'ReadSidecarSecrets',
                  effect: 'Allow',
                  actions: ['secretsmanager:GetSecretValue'],
                  resources: arnsOf('secretsmanager'),
                },
              ]
            : []),
          ...(arnsOf('ssm').length
            ? [
                {
                  sid: 'ReadSidecarParameters',
                  effect: 'Allow',
                  actions: ['ssm:GetParameters'],
                  resources: arnsOf('ssm'),
                },
              ]
            : []),
          ...(keys.length
            ? [{ sid: 'DecryptSidecarSecrets', effect: 'Allow', actions: ['kms:Decrypt'], resources: keys }]
            : []),
        ]),
      );
    }

    this.definitions = definitions;
    this.volumes = volumes;
    this.json = JSON.stringify(definitions);
    this.measuredBytes = measureBytes(this.json);
    checkSize(this.json, definitions, props, volumes.length);
  }

  private rolePolicy(
    id: string,
    role: IamRole,
    name: string,
    statement: DataAwsIamPolicyDocumentStatement[],
  ): IamRolePolicy {
    const document = new DataAwsIamPolicyDocument(this, `${id}Document`, {
      provider: this.provider,
      statement,
    });
    return new IamRolePolicy(this, `${id}Policy`, {
      provider: this.provider,
      role: role.id,
      name,
      policy: document.json,
    });
  }
}

/** The application container's definition, key for key as it has always been synthesized. */
export function appDefinition(
  app: AppContainer,
  logGroupName: string,
  region: string,
): Record<string, unknown> {
  const container: Record<string, unknown> = {
    name: app.name,
    image: app.image,
    essential: true,
    privileged: false,
    readonlyRootFilesystem: app.readonlyRootFilesystem,
    user: app.user,
    ...(app.command ? { command: app.command } : {}),
    ...(app.entryPoint ? { entryPoint: app.entryPoint } : {}),
    ...(app.portMappings.length ? { portMappings: app.portMappings.map((p) => ({ ...p })) } : {}),
    mountPoints: app.mountPoints.map((m) => ({ ...m })),
    environment: app.environment.map((v) => ({ name: v.name, value: v.value })),
    ...(app.secrets.length
      ? { secrets: app.secrets.map((x) => ({ name: x.name, valueFrom: x.valueFrom })) }
      : {}),
    linuxParameters: { initProcessEnabled: true },
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': logGroupName,
        'awslogs-region': region,
        'awslogs-stream-prefix': 'ecs',
      },
    },
  };
  if (app.healthCheck) container.healthCheck = { ...app.healthCheck };
  return container;
}

/**
 * The collector's configuration (ADOT reads it from AOT_CONFIG_CONTENT), written as JSON (which is
 * YAML) to keep the task definition small: OTLP and X-Ray's UDP protocol on the task's loopback
 * only, traces to X-Ray, metrics as EMF to the service's own metrics log group and namespace.
 */
export function collectorConfig(logGroupName: string, namespace: string): string {
  return JSON.stringify({
    extensions: { health_check: {} },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: '127.0.0.1:4317' }, http: { endpoint: '127.0.0.1:4318' } } },
      awsxray: { endpoint: '127.0.0.1:2000', transport: 'udp' },
    },
    processors: {
      'batch/traces': { timeout: '1s', send_batch_size: 50 },
      'batch/metrics': { timeout: '60s' },
    },
    exporters: {
      awsxray: {},
      awsemf: { namespace, log_group_name: logGroupName, log_stream_name: '{TaskId}' },
    },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp', 'awsxray'], processors: ['batch/traces'], exporters: ['awsxray'] },
        metrics: { receivers: ['otlp'], processors: ['batch/metrics'], exporters: ['awsemf'] },
      },
    },
  });
}

/** Bytes of `json` at apply: literals as they are, each unresolved token at TOKEN_BOUND_BYTES. */
export function measureBytes(json: string): number {
  const fragments = Tokenization.reverseString(json);
  const literals = fragments.literals.map((l) => String(l)).join('');
  return Buffer.byteLength(literals, 'utf8') + fragments.tokens.length * TOKEN_BOUND_BYTES;
}

function validate(props: ContainerDefinitionsProps, sidecars: readonly SidecarContainer[]): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('ContainerDefinitions', prop, value, allowed);
  };
  const names = new Set<string>([props.app.name]);
  if (props.logRouter) names.add(LOG_ROUTER_CONTAINER);
  if (props.collector) names.add(COLLECTOR_CONTAINER);
  for (const sidecar of sidecars) {
    if (!CONTAINER_NAME.test(sidecar.name)) {
      fail(
        'sidecars',
        sidecar.name,
        'use 2 to 63 lower-case letters, digits or hyphens, starting with a letter (DNS-safe)',
      );
    }
    if ((RESERVED_CONTAINER_NAMES as readonly string[]).includes(sidecar.name) || names.has(sidecar.name)) {
      fail(
        'sidecars',
        sidecar.name,
        `each container name once, and not ${RESERVED_CONTAINER_NAMES.join(', ')}`,
      );
    }
    names.add(sidecar.name);
  }
  if (props.collector) {
    const taken = props.app.environment.find((v) =>
      (COLLECTOR_VARIABLES as readonly string[]).includes(v.name),
    );
    if (taken)
      fail('app.environment', taken.name, `the collector sets ${COLLECTOR_VARIABLES.join(' and ')} itself`);
  }
  const containerCount = names.size;
  const tooMany = countProblem(
    'containersPerTaskDefinition',
    containerCount,
    'the task definition would have',
  );
  if (tooMany)
    fail(
      'sidecars',
      sidecars.map((s) => s.name),
      tooMany,
    );

  const graph = new Map<
    string,
    { essential: boolean; healthCheck: boolean; dependsOn: readonly ContainerDependency[] }
  >();
  graph.set(props.app.name, {
    essential: true,
    healthCheck: props.app.healthCheck !== undefined,
    dependsOn: props.appDependsOn ?? [],
  });
  if (props.logRouter) graph.set(LOG_ROUTER_CONTAINER, { essential: true, healthCheck: true, dependsOn: [] });
  if (props.collector) graph.set(COLLECTOR_CONTAINER, { essential: false, healthCheck: true, dependsOn: [] });
  for (const sidecar of sidecars) {
    graph.set(sidecar.name, {
      essential: sidecar.essential,
      healthCheck: sidecar.healthCheck !== undefined,
      dependsOn: sidecar.dependsOn,
    });
  }
  for (const [name, container] of graph) {
    for (const dependency of container.dependsOn) {
      const target = graph.get(dependency.container);
      const label = `${name} -> ${dependency.container} ${dependency.condition}`;
      if (!target || dependency.container === name) {
        fail(
          'dependsOn',
          label,
          `wait for another container of the task: ${[...graph.keys()].filter((n) => n !== name).join(', ')}`,
        );
      }
      if (dependency.condition === 'HEALTHY' && !target?.healthCheck) {
        fail('dependsOn', label, `${dependency.container} has no health check, so it never becomes HEALTHY`);
      }
      if (['COMPLETE', 'SUCCESS'].includes(dependency.condition) && target?.essential) {
        fail('dependsOn', label, `ECS allows ${dependency.condition} only on a non-essential container`);
      }
    }
  }
  const cycle = dependencyCycle(graph);
  if (cycle) fail('dependsOn', cycle.join(' -> '), 'containers may not wait for each other in a cycle');
  if (![...graph.values()].some((c) => c.essential))
    fail('sidecars', [...graph.keys()], 'at least one container must be essential');

  const reservations = [
    ...sidecars.map((s) => ({ cpu: s.cpu, memory: Math.max(s.memoryReservationMiB, s.memoryMiB ?? 0) })),
    ...(props.logRouter ? [{ cpu: props.logRouter.cpu, memory: props.logRouter.memoryReservationMiB }] : []),
    ...(props.collector ? [{ cpu: props.collector.cpu, memory: props.collector.memoryReservationMiB }] : []),
  ];
  const cpu = reservations.reduce((sum, r) => sum + r.cpu, 0);
  const memory = reservations.reduce((sum, r) => sum + r.memory, 0);
  if (!Token.isUnresolved(props.taskCpu) && cpu >= props.taskCpu) {
    fail(
      'sidecars',
      `${cpu} CPU units`,
      `the containers beside the application must reserve less than the task's ${props.taskCpu}`,
    );
  }
  if (!Token.isUnresolved(props.taskMemoryMiB) && memory >= props.taskMemoryMiB) {
    fail(
      'sidecars',
      `${memory} MiB`,
      `the containers beside the application must reserve less than the task's ${props.taskMemoryMiB} MiB`,
    );
  }
  for (const c of [
    ...sidecars,
    ...(props.logRouter ? [props.logRouter] : []),
    ...(props.collector ? [props.collector] : []),
  ]) {
    for (const path of c.writablePaths) {
      if (!Token.isUnresolved(path) && (!path.startsWith('/') || path === '/')) {
        fail('writablePaths', path, 'use absolute paths other than /');
      }
    }
  }
  if (props.repositoryCredentials?.secretArn.includes('*')) {
    fail(
      'repositoryCredentials',
      props.repositoryCredentials.secretArn,
      'name the exact secret; the execution role gets no wildcard',
    );
  }
}

/**
 * ECS refuses a task definition above 64 KiB when Terraform applies it (settings/aws-limits.ts):
 * refuse it here, saying which settings take the space. Unresolved tokens count TOKEN_BOUND_BYTES
 * each; the request's other fields are `otherRequestBytes` plus 64 bytes per sidecar volume.
 */
function checkSize(
  json: string,
  definitions: ReadonlyArray<Record<string, unknown>>,
  props: ContainerDefinitionsProps,
  sidecarVolumes: number,
): void {
  const size = (value: unknown) => (value === undefined ? 0 : measureBytes(JSON.stringify(value)));
  const [app, ...others] = definitions;
  const names = props.sizeSettingNames;
  const measured = measureBytes(json);
  const literalBytes = Buffer.byteLength(json, 'utf8');
  // taskDefinitionSizeProblem counts the string as written; the difference to the bound goes in
  // with the other fields.
  const otherBytes = props.otherRequestBytes + 64 * sidecarVolumes + Math.max(0, measured - literalBytes);
  const parts: Record<string, number> = {
    [`environment variables (${names.environment})`]: size(app.environment),
    [`secrets (${names.secrets})`]: size(app.secrets),
    [`command and entry point (${names.command})`]: size(app.command) + size(app.entryPoint),
    [`health check command (${names.healthCheck})`]: size(app.healthCheck),
  };
  for (const other of others) parts[`container ${String(other.name)} (${names.sidecars})`] = size(other);
  const problem = taskDefinitionSizeProblem(json, otherBytes, parts);
  if (!problem) return;
  if (others.length === 0) {
    throw new ValidationError(
      `FargateService ${props.namePrefix}`,
      'environment',
      `${props.variableCount} variables`,
      `${problem}. Move large or many values out of the task definition: into ${names.secrets} (Secrets Manager or SSM, read at start), or a file the image reads`,
    );
  }
  throw new ValidationError(
    `FargateService ${props.namePrefix}`,
    'containers',
    `${definitions.length} containers`,
    `${problem} (attributes known only at apply counted at ${TOKEN_BOUND_BYTES} bytes each). Move large values out of the task definition (secrets, a file the image reads), or drop containers from ${names.sidecars}`,
  );
}

/** What FargateService takes of a service's validated `image.credentials` and `sidecars` in one region. */
export interface ServiceContainerProps {
  readonly repositoryCredentials?: RegistryCredentials;
  readonly sidecars: SidecarContainer[];
  readonly appDependsOn: ContainerDependency[];
  readonly logRouter?: LogRouterOptions;
  readonly collector?: CollectorOptions;
}

/** The props of a service's containers in `region`, from its validated settings (settings/containers.ts). */
export function serviceContainerProps(
  service: ServiceSettings,
  region: string,
  accountId: string,
  namePrefix: string,
): ServiceContainerProps {
  const { sidecars } = service;
  const baseline = (c: SidecarsSettings['logRouter'] & object) => ({
    user: c.user,
    readonlyRootFilesystem: c.readonlyRootFilesystem,
    writablePaths: c.writablePaths,
  });
  return {
    repositoryCredentials: resolveRegistryCredentials(service, region, accountId),
    sidecars: Object.entries(sidecars.containers).map(([name, s]) => ({
      name,
      image: s.image,
      essential: s.essential,
      cpu: s.cpu,
      memoryMiB: s.memoryMiB,
      memoryReservationMiB: s.memoryReservationMiB,
      command: s.command,
      entryPoint: s.entryPoint,
      environment: s.environment,
      secrets: resolveSidecarSecrets(s, region, accountId),
      portMappings: s.portMappings,
      healthCheck: s.healthCheck
        ? {
            command: s.healthCheck.command,
            interval: s.healthCheck.intervalSeconds,
            timeout: s.healthCheck.timeoutSeconds,
            retries: s.healthCheck.retries,
            startPeriod: s.healthCheck.startPeriodSeconds,
          }
        : undefined,
      dependsOn: s.dependsOn,
      user: s.user,
      readonlyRootFilesystem: s.readonlyRootFilesystem,
      writablePaths: s.writablePaths,
    })),
    appDependsOn: sidecars.appDependsOn,
    logRouter: sidecars.logRouter && {
      image: sidecars.logRouter.image,
      cpu: sidecars.logRouter.cpu,
      memoryReservationMiB: sidecars.logRouter.memoryReservationMiB,
      ...baseline(sidecars.logRouter),
    },
    collector: sidecars.collector && {
      image: sidecars.collector.image,
      cpu: sidecars.collector.cpu,
      memoryReservationMiB: sidecars.collector.memoryReservationMiB,
      metricsNamespace: sidecars.collector.metricsNamespace ?? namePrefix,
      ...baseline(sidecars.collector),
    },
  };
}

/**
 * The stated reasons of a service's containers beside the application, for the policy pack: each
 * root user and writable root filesystem accepted with its setting's reason.
 */
export function sidecarReasons(
  service: ServiceSettings,
  settingsPath: string,
): Array<{ ruleId: 'ecs-non-root-user' | 'ecs-readonly-root-filesystem'; reason: string }> {
  const { sidecars } = service;
  const containers: Array<[string, SidecarsSettings['logRouter'] & object]> = [
    ...Object.entries(sidecars.containers).map(
      ([name, c]) => [`containers.${name}`, c] as [string, typeof c],
    ),
    ...(sidecars.logRouter ? [['logRouter', sidecars.logRouter] as [string, typeof sidecars.logRouter]] : []),
    ...(sidecars.collector ? [['collector', sidecars.collector] as [string, typeof sidecars.collector]] : []),
  ];
  return containers.flatMap(([at, c]) => [
    ...(c.rootUserReason
      ? [
          {
            ruleId: 'ecs-non-root-user' as const,
            reason: `${settingsPath}.sidecars.${at}.rootUserReason: ${c.rootUserReason}`,
          },
        ]
      : []),
    ...(c.writableRootFilesystemReason
      ? [
          {
            ruleId: 'ecs-readonly-root-filesystem' as const,
            reason: `${settingsPath}.sidecars.${at}.writableRootFilesystemReason: ${c.writableRootFilesystemReason}`,
          },
        ]
      : []),
  ]);
}
