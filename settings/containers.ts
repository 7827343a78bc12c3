/**
 * Issue 19, items 5 and 6: the containers of a service beyond its application, and the registry
 * credentials its image needs. The schemas (`image.credentials`, `regions.<region>.imageCredentials`,
 * `sidecars`), every check over them (`checkContainers`, called once per service by schema.ts), and
 * the pure resolution per region the composition builds from, so what is checked is what is built.
 */
import { z } from 'zod';
import type { ServiceSettings } from './schema';
import { checkedPath, mountPathProblem } from './path-settings';
import { quote } from './quote';
import { strictSettings } from './strict-settings';
import {
  KMS_KEY_ARN,
  SECRETS_MANAGER_ARN,
  SecretSetting,
  arnRegion,
  keyRegionProblem,
  resolveSecrets,
  secretSource,
} from './secrets';
import { credentialInValue, looksSecret } from '../policies/rules/ecs-no-plaintext-secrets';
import { countProblem } from './aws-limits';
import { kmsKeyArn, secretFields, variableName } from './secret-fields';

/** The application container's name (constructs/fargate-service.ts `CONTAINER_NAME`). */
export const APP_CONTAINER = 'app';
/** The FireLens log router's container name. */
export const LOG_ROUTER_CONTAINER = 'log-router';
/** The OpenTelemetry collector's container name. */
export const COLLECTOR_CONTAINER = 'otel-collector';
/** Names no sidecar may take: the application's and the two the platform adds itself. */
export const RESERVED_CONTAINER_NAMES = [APP_CONTAINER, LOG_ROUTER_CONTAINER, COLLECTOR_CONTAINER] as const;

/**
 * AWS for Fluent Bit, pinned (AWS's image on ECR Public; 2.32.3 carries Fluent Bit 1.9.10 and the
 * built-in `/fluent-bit/configs/output-metrics-healthcheck.conf`, present since 2.29.1).
 */
export const FLUENT_BIT_IMAGE = 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.3';
/** AWS Distro for OpenTelemetry collector, pinned (AWS's image on ECR Public). */
export const ADOT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1';
/** Variables the collector sets in the application container; the application's may not reuse them. */
export const COLLECTOR_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const;

/** ECS container dependency conditions. */
export const DEPENDENCY_CONDITIONS = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'] as const;
export type DependencyCondition = (typeof DEPENDENCY_CONDITIONS)[number];

/** Container names: DNS-safe (lower-case letters, digits, hyphens), 2 to 63 characters. */
export const CONTAINER_NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** An image reference a sidecar may name: a repository with a tag or a digest (never implicit latest). */
export const IMAGE_REFERENCE =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** A private ECR registry host: its pulls use the execution role, never repository credentials. */
const ECR_HOST = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;
/** A Secrets Manager secret name (what ECS accepts in place of the ARN in the task's own region). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

const credentialsSecret = z
  .string()
  .refine(
    (value) => SECRETS_MANAGER_ARN.test(value) || (!value.startsWith('arn:') && SECRET_NAME.test(value)),
    {
      error:
        'expected a Secrets Manager secret name (e.g. ci/ghcr-pull) or its full ARN with the 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf); the secret holds {"username": ..., "password": ...}',
    },
  );

/** `image.credentials`: the Secrets Manager secret ECS pulls a private registry's image with. */
export const registryCredentialsSchema = strictSettings({
  /** Secret name or ARN; an ARN of another region names that region's replica (same name). */
  secret: credentialsSecret,
  /** Customer-managed key encrypting the secret; omitted: AWS's managed key (no kms:Decrypt grant needed). */
  kmsKeyArn: kmsKeyArn.optional(),
});

/** `regions.<region>.imageCredentials`: that region's own secret or key. */
export const regionRegistryCredentialsSchema = strictSettings({
  secret: credentialsSecret.optional(),
  kmsKeyArn: kmsKeyArn.optional(),
});

const sidecarSecretSchema = strictSettings(secretFields);

const dependencySchema = strictSettings({
  /** The container waited for: a sidecar, `log-router`, `otel-collector` or (for a sidecar) `app`. */
  container: z.string(),
  /** START (started), COMPLETE (exited), SUCCESS (exited 0) or HEALTHY (its health check passes). */
  condition: z.enum(DEPENDENCY_CONDITIONS, {
    error: `expected one of ${DEPENDENCY_CONDITIONS.join(', ')}`,
  }),
});

const healthCheckSchema = strictSettings({
  /** ["CMD", executable, args...] or ["CMD-SHELL", "shell command"]. */
  command: z
    .array(z.string())
    .min(2)
    .refine((command) => ['CMD', 'CMD-SHELL'].includes(command[0]), {
      error: 'expected ["CMD", executable, args...] or ["CMD-SHELL", "shell command"]',
    }),
  intervalSeconds: z.number().int().min(5).max(300).default(30),
  timeoutSeconds: z.number().int().min(2).max(120).default(5),
  retries: z.number().int().min(1).max(10).default(3),
  startPeriodSeconds: z.number().int().min(0).max(300).default(60),
});

const userSchema = z
  .string()
  .regex(/^([a-z_][a-z0-9_-]{0,31}|\d{1,10})(:([a-z_][a-z0-9_-]{0,31}|\d{1,10}))?$/, {
    error: 'expected uid, uid:gid, user or user:group, e.g. 1000:1000',
  })
  .default('1000:1000');
const reason = z.string().trim().min(20, { error: 'explain in at least 20 characters' }).max(500);

/** The security baseline every container shares with the application's. */
const baselineShape = {
  /** `uid`, `uid:gid`, `user` or `user:group`; root (`root`, `0`) needs rootUserReason. */
  user: userSchema,
  /** Why this container must run as root (at least 20 characters); printed on every synth. */
  rootUserReason: reason.optional(),
  /** Mount the root filesystem read-only; false needs writableRootFilesystemReason. */
  readonlyRootFilesystem: z.boolean().default(true),
  /** Why this container must write to its root filesystem (at least 20 characters). */
  writableRootFilesystemReason: reason.optional(),
  /** Absolute paths given writable task storage (the root filesystem is read-only). */
  writablePaths: z.array(checkedPath(mountPathProblem)).default(['/tmp']),
};

/** One additional container of the task. */
const sidecarSchema = strictSettings({
  /** Full image reference with a tag or digest, e.g. `public.ecr.aws/envoyproxy/envoy:v1.31.2`. */
  image: z.string().regex(IMAGE_REFERENCE, {
    error:
      'expected an image reference with a tag or a digest, e.g. public.ecr.aws/nginx/nginx:1.27 or …@sha256:<64 hex>',
  }),
  /** An essential container that stops stops the task; a non-essential one may exit (COMPLETE, SUCCESS). */
  essential: z.boolean().default(true),
  /** CPU units reserved for this container (0: it shares what the task has left). */
  cpu: z.number().int().min(0).max(16384).default(0),
  /** Hard memory limit, MiB; the container is killed above it. Omitted: none. */
  memoryMiB: z.number().int().min(6).max(122880).optional(),
  /** Memory reserved for this container, MiB (soft limit). */
  memoryReservationMiB: z.number().int().min(6).max(122880).default(64),
  /** Overrides the image's CMD. */
  command: z.array(z.string().min(1).max(4096)).min(1).optional(),
  /** Overrides the image's ENTRYPOINT. */
  entryPoint: z.array(z.string().min(1).max(4096)).min(1).optional(),
  /** Plain variables; a name that looks like a secret is refused (use secrets). */
  environment: z.array(strictSettings({ name: variableName, value: z.string().max(32768) })).default([]),
  /** Secrets as variables (Secrets Manager or SSM); the execution role may read exactly these. */
  secrets: z.array(sidecarSecretSchema).default([]),
  /** Ports the container listens on, inside the task (no load balancer reaches them). */
  portMappings: z
    .array(
      strictSettings({
        containerPort: z.number().int().min(1).max(65535),
        protocol: z.enum(['tcp', 'udp']).default('tcp'),
      }),
    )
    .default([]),
  /** Container health check; required for HEALTHY dependencies on this container. */
  healthCheck: healthCheckSchema.optional(),
  /** Containers this one waits for, with the condition. */
  dependsOn: z.array(dependencySchema).default([]),
  ...baselineShape,
});

/** The FireLens log router (AWS for Fluent Bit): the application's logs to the service's log group. */
const logRouterSchema = strictSettings({
  /** Another reference of AWS for Fluent Bit (a mirror, a newer pin), with tag or digest. */
  image: z
    .string()
    .regex(IMAGE_REFERENCE, { error: 'expected an image reference with a tag or a digest' })
    .default(FLUENT_BIT_IMAGE),
  /** CPU units reserved for the router. */
  cpu: z.number().int().min(0).max(16384).default(0),
  /** Memory reserved for the router, MiB (AWS's examples: 50). */
  memoryReservationMiB: z.number().int().min(6).max(122880).default(50),
  ...baselineShape,
});

/** The OpenTelemetry collector (ADOT): traces to X-Ray, metrics as EMF to the service's metrics log group. */
const collectorSchema = strictSettings({
  /** Another reference of the ADOT collector (a mirror, a newer pin), with tag or digest. */
  image: z
    .string()
    .regex(IMAGE_REFERENCE, { error: 'expected an image reference with a tag or a digest' })
    .default(ADOT_COLLECTOR_IMAGE),
  /** CPU units reserved for the collector. */
  cpu: z.number().int().min(0).max(16384).default(0),
  /** Memory reserved for the collector, MiB. */
  memoryReservationMiB: z.number().int().min(6).max(122880).default(128),
  /** CloudWatch namespace of the application's metrics. Omitted: the service's name prefix, e.g. orders-prod-api. */
  metricsNamespace: z
    .string()
    .regex(/^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/, {
      error:
        'expected a CloudWatch namespace: 1 to 255 of letters, digits and . - _ / # :, not starting with AWS/',
    })
    .optional(),
  ...baselineShape,
});

/** `services.<name>.sidecars`: the containers beside the application. */
export const sidecarsSchema = strictSettings({
  /** Additional containers, keyed by their container name (DNS-safe; not app, log-router, otel-collector). */
  containers: z.record(z.string(), sidecarSchema).default({}),
  /** Containers the application waits for, with the condition (the router and collector are added at START). */
  appDependsOn: z.array(dependencySchema).default([]),
  /** A FireLens log router for the application's logs; `{}` turns it on with its defaults. */
  logRouter: logRouterSchema.optional(),
  /** An OpenTelemetry collector beside the application; `{}` turns it on with its defaults. */
  collector: collectorSchema.optional(),
});

export type SidecarsSettings = z.output<typeof sidecarsSchema>;
export type SidecarSettings = z.output<typeof sidecarSchema>;

type RefinementContext = Parameters<Parameters<z.ZodType['superRefine']>[0]>[1];

function problem(ctx: RefinementContext, path: PropertyKey[], input: unknown, message: string): void {
  ctx.addIssue(
    input === undefined
      ? { code: 'custom', path, message, params: { missing: true } }
      : { code: 'custom', path, input, message, params: { value: input } },
  );
}

const isRoot = (user: string) => ['root', '0'].includes(user.split(':')[0]);

/** What checkContainers reads of the environment. */
interface EnvironmentView {
  readonly tier: 'production' | 'development';
  readonly regions: ReadonlyArray<{ readonly name: string }>;
}

/** One container as the dependency and capacity checks see it. */
interface ContainerView {
  readonly path: PropertyKey[];
  readonly essential: boolean;
  readonly healthCheck: boolean;
  readonly dependsOn: ReadonlyArray<{ container: string; condition: DependencyCondition }>;
  readonly dependsOnPath: PropertyKey[];
}

/**
 * Every rule of a service's registry credentials and sidecars, reported under `services.<name>`
 * through `ctx` (paths relative to the service; `regions`, index resolved by the caller).
 */
export function checkContainers(
  settings: EnvironmentView,
  service: ServiceSettings,
  ctx: RefinementContext,
): void {
  checkCredentials(settings, service, ctx);
  const sidecars = service.sidecars;
  const names = Object.keys(sidecars.containers);
  for (const name of names) {
    if (!CONTAINER_NAME.test(name)) {
      problem(
        ctx,
        ['sidecars', 'containers', name],
        name,
        'expected a container name: 2 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen (DNS-safe)',
      );
    } else if ((RESERVED_CONTAINER_NAMES as readonly string[]).includes(name)) {
      problem(
        ctx,
        ['sidecars', 'containers', name],
        name,
        `is the name of the ${name === APP_CONTAINER ? 'application container' : `platform's own ${name} (sidecars.${name === LOG_ROUTER_CONTAINER ? 'logRouter' : 'collector'})`}; choose another name`,
      );
    }
  }

  // The dependency graph: every container with its dependencies, the platform's own included.
  const graph = new Map<string, ContainerView>();
  const appDependsOn = [
    ...sidecars.appDependsOn,
    ...(sidecars.logRouter && !sidecars.appDependsOn.some((d) => d.container === LOG_ROUTER_CONTAINER)
      ? [{ container: LOG_ROUTER_CONTAINER, condition: 'START' as const }]
      : []),
    ...(sidecars.collector && !sidecars.appDependsOn.some((d) => d.container === COLLECTOR_CONTAINER)
      ? [{ container: COLLECTOR_CONTAINER, condition: 'START' as const }]
      : []),
  ];
  graph.set(APP_CONTAINER, {
    path: ['task'],
    essential: true,
    healthCheck: service.task.healthCheckCommand !== undefined,
    dependsOn: appDependsOn,
    dependsOnPath: ['sidecars', 'appDependsOn'],
  });
  if (sidecars.logRouter) {
    graph.set(LOG_ROUTER_CONTAINER, {
      path: ['sidecars', 'logRouter'],
      essential: true,
      healthCheck: true,
      dependsOn: [],
      dependsOnPath: [],
    });
  }
  if (sidecars.collector) {
    graph.set(COLLECTOR_CONTAINER, {
      path: ['sidecars', 'collector'],
      essential: false,
      healthCheck: true,
      dependsOn: [],
      dependsOnPath: [],
    });
  }
  for (const [name, sidecar] of Object.entries(sidecars.containers)) {
    graph.set(name, {
      path: ['sidecars', 'containers', name],
      essential: sidecar.essential,
      healthCheck: sidecar.healthCheck !== undefined,
      dependsOn: sidecar.dependsOn,
      dependsOnPath: ['sidecars', 'containers', name, 'dependsOn'],
    });
  }
  for (const [name, container] of graph) {
    const seen = new Set<string>();
    container.dependsOn.forEach((dependency, index) => {
      const at = [...container.dependsOnPath, index, 'container'];
      const target = graph.get(dependency.container);
      if (dependency.container === name) {
        problem(ctx, at, dependency.container, 'a container cannot wait for itself');
      } else if (!target) {
        problem(
          ctx,
          at,
          dependency.container,
          `not a container of this task; its containers are ${[...graph.keys()].filter((n) => n !== name).join(', ')}`,
        );
      } else if (seen.has(dependency.container)) {
        problem(ctx, at, dependency.container, 'listed twice; give each container one condition');
      } else if (dependency.condition === 'HEALTHY' && !target.healthCheck) {
        problem(
          ctx,
          [...container.dependsOnPath, index, 'condition'],
          dependency.condition,
          `${dependency.container} has no health check, so it never becomes HEALTHY; give it one (${target.path.join('.')}${dependency.container === APP_CONTAINER ? '.healthCheckCommand' : '.healthCheck'}) or wait for START`,
        );
      } else if (['COMPLETE', 'SUCCESS'].includes(dependency.condition) && target.essential) {
        problem(
          ctx,
          [...container.dependsOnPath, index, 'condition'],
          dependency.condition,
          `${dependency.container} is essential: an essential container that exits stops the task, so ECS allows ${dependency.condition} only on non-essential containers; set its essential to false or wait for START or HEALTHY`,
        );
      }
      seen.add(dependency.container);
    });
  }
  const cycle = dependencyCycle(graph);
  if (cycle) {
    const first = graph.get(cycle[0]) as ContainerView;
    problem(
      ctx,
      first.dependsOnPath,
      cycle.join(' -> '),
      'containers wait for each other in a cycle, so none of them would ever start; remove one of these dependencies',
    );
  }
  if (![...graph.values()].some((c) => c.essential)) {
    problem(ctx, ['sidecars'], names, 'a task needs at least one essential container');
  }

  // Capacity: what the containers reserve must fit the task.
  const reserved = [
    ...Object.entries(sidecars.containers).map(([name, s]) => ({
      name,
      cpu: s.cpu,
      memory: Math.max(s.memoryReservationMiB, s.memoryMiB ?? 0),
      hard: s.memoryMiB,
      path: ['sidecars', 'containers', name],
    })),
    ...(sidecars.logRouter
      ? [
          {
            name: LOG_ROUTER_CONTAINER,
            cpu: sidecars.logRouter.cpu,
            memory: sidecars.logRouter.memoryReservationMiB,
            hard: undefined,
            path: ['sidecars', 'logRouter'],
          },
        ]
      : []),
    ...(sidecars.collector
      ? [
          {
            name: COLLECTOR_CONTAINER,
            cpu: sidecars.collector.cpu,
            memory: sidecars.collector.memoryReservationMiB,
            hard: undefined,
            path: ['sidecars', 'collector'],
          },
        ]
      : []),
  ];
  const cpu = reserved.reduce((sum, c) => sum + c.cpu, 0);
  const memory = reserved.reduce((sum, c) => sum + c.memory, 0);
  const list = (key: 'cpu' | 'memory') =>
    reserved
      .filter((c) => c[key] > 0)
      .map((c) => `${c.name} ${c[key]}`)
      .join(', ');
  if (cpu >= service.task.cpu) {
    problem(
      ctx,
      ['sidecars'],
      `${cpu} CPU units`,
      `the containers beside the application reserve ${cpu} of the task's ${service.task.cpu} CPU units (${list('cpu')}), leaving none for the application; lower their cpu or raise task.cpu`,
    );
  }
  if (memory >= service.task.memoryMiB) {
    problem(
      ctx,
      ['sidecars'],
      `${memory} MiB`,
      `the containers beside the application reserve ${memory} of the task's ${service.task.memoryMiB} MiB (${list('memory')}), leaving none for the application; lower their memory or raise task.memoryMiB`,
    );
  }

  // The security baseline, and the application's contract, for every container.
  const baseline = (
    path: PropertyKey[],
    c: {
      user: string;
      rootUserReason?: string;
      readonlyRootFilesystem: boolean;
      writableRootFilesystemReason?: string;
      writablePaths: string[];
    },
  ) => {
    if (isRoot(c.user) && c.rootUserReason === undefined) {
      problem(
        ctx,
        [...path, 'user'],
        c.user,
        `runs the container as root (Security Hub ECS.20); use a non-root user such as 1000:1000, or state why in ${path.join('.')}.rootUserReason`,
      );
    } else if (!isRoot(c.user) && c.rootUserReason !== undefined) {
      problem(
        ctx,
        [...path, 'rootUserReason'],
        c.rootUserReason,
        `only with a root user; user is "${c.user}"`,
      );
    }
    if (!c.readonlyRootFilesystem && c.writableRootFilesystemReason === undefined) {
      problem(
        ctx,
        [...path, 'writableRootFilesystemReason'],
        undefined,
        'required with readonlyRootFilesystem false: the security policy refuses a writable root filesystem (ECS.5) unless you say why (20 characters or more)',
      );
    } else if (c.readonlyRootFilesystem && c.writableRootFilesystemReason !== undefined) {
      problem(
        ctx,
        [...path, 'writableRootFilesystemReason'],
        c.writableRootFilesystemReason,
        'only allowed with readonlyRootFilesystem false',
      );
    }
    c.writablePaths.forEach((writable, index) => {
      if (writable.split('/').some((segment) => segment === '.' || segment === '..')) {
        problem(
          ctx,
          [...path, 'writablePaths', index],
          writable,
          'use a normalized absolute path, without . or .. segments',
        );
      } else if (c.writablePaths.indexOf(writable) !== index) {
        problem(ctx, [...path, 'writablePaths', index], writable, 'listed twice');
      }
    });
  };
  if (settings.tier === 'production') {
    const images: Array<[PropertyKey[], string | undefined]> = [
      [['sidecars', 'logRouter', 'image'], sidecars.logRouter?.image],
      [['sidecars', 'collector', 'image'], sidecars.collector?.image],
      ...Object.entries(sidecars.containers).map(
        ([name, c]) => [['sidecars', 'containers', name, 'image'], c.image] as [PropertyKey[], string],
      ),
    ];
    for (const [path, image] of images) {
      if (image?.endsWith(':latest')) {
        problem(
          ctx,
          path,
          image,
          'tier "production" refuses "latest": deployments must be reproducible; pin a version tag or a digest',
        );
      }
    }
  }
  if (sidecars.logRouter) baseline(['sidecars', 'logRouter'], sidecars.logRouter);
  if (sidecars.collector) baseline(['sidecars', 'collector'], sidecars.collector);
  for (const [name, sidecar] of Object.entries(sidecars.containers)) {
    const path = ['sidecars', 'containers', name];
    baseline(path, sidecar);
    checkSidecarVariables(settings, path, sidecar, ctx);
    if (sidecar.memoryMiB !== undefined && sidecar.memoryMiB < sidecar.memoryReservationMiB) {
      problem(
        ctx,
        [...path, 'memoryMiB'],
        sidecar.memoryMiB,
        `must be at least memoryReservationMiB (${sidecar.memoryReservationMiB})`,
      );
    }
    if (sidecar.healthCheck && sidecar.healthCheck.timeoutSeconds >= sidecar.healthCheck.intervalSeconds) {
      problem(
        ctx,
        [...path, 'healthCheck', 'timeoutSeconds'],
        sidecar.healthCheck.timeoutSeconds,
        `must be shorter than intervalSeconds (${sidecar.healthCheck.intervalSeconds})`,
      );
    }
    if (settings.tier === 'production' && sidecar.essential && !sidecar.healthCheck) {
      problem(
        ctx,
        [...path, 'healthCheck'],
        undefined,
        'tier "production" requires a health check on every essential container: without one ECS cannot tell a hung sidecar from a working one (or set essential to false)',
      );
    }
    const ports = new Map<string, string>([
      [`${service.task.containerPort}/tcp`, "the application's port"],
      ...platformPorts(sidecars),
    ]);
    sidecar.portMappings.forEach((mapping, index) => {
      const key = `${mapping.containerPort}/${mapping.protocol}`;
      const owner = ports.get(key);
      if (owner !== undefined) {
        problem(
          ctx,
          [...path, 'portMappings', index, 'containerPort'],
          mapping.containerPort,
          `${key} is already taken in this task (${owner}); containers of a task share one network namespace`,
        );
      }
      ports.set(key, `portMappings[${index}] of ${name}`);
    });
  }
  const appPortOwner = new Map(platformPorts(sidecars)).get(`${service.task.containerPort}/tcp`);
  if (appPortOwner !== undefined) {
    problem(
      ctx,
      ['task', 'containerPort'],
      service.task.containerPort,
      `${service.task.containerPort}/tcp is taken in this task by ${appPortOwner}; choose another port for the application`,
    );
  }
  const containerCount = 1 + names.length + (sidecars.logRouter ? 1 : 0) + (sidecars.collector ? 1 : 0);
  const tooMany = countProblem(
    'containersPerTaskDefinition',
    containerCount,
    'the task definition would have',
  );
  if (tooMany)
    problem(
      ctx,
      ['sidecars', 'containers'],
      names,
      `${tooMany} (the application, the sidecars, the log router and the collector)`,
    );
  const reservedVariables = [...(sidecars.collector ? COLLECTOR_VARIABLES : [])] as readonly string[];
  service.task.environment.forEach((variable, index) => {
    if (reservedVariables.includes(variable.name)) {
      problem(
        ctx,
        ['task', 'environment', index, 'name'],
        variable.name,
        `the collector (sidecars.collector) sets ${COLLECTOR_VARIABLES.join(' and ')} itself; remove it`,
      );
    }
  });
}

/** Ports the platform's own containers listen on inside the task, with who listens. */
function platformPorts(sidecars: SidecarsSettings): Array<[string, string]> {
  return [
    // FireLens: the Fluent Bit forward input the log driver writes to, and its monitoring server.
    ...(sidecars.logRouter
      ? ([
          ['24224/tcp', 'the log router (FireLens forward input)'],
          ['2020/tcp', "the log router's health endpoint"],
        ] as Array<[string, string]>)
      : []),
    ...(sidecars.collector
      ? ([
          ['4317/tcp', 'the collector (OTLP gRPC)'],
          ['4318/tcp', 'the collector (OTLP HTTP)'],
          ['2000/udp', 'the collector (X-Ray)'],
          ['2000/tcp', "the collector (X-Ray's sampling proxy)"],
          ['13133/tcp', "the collector's health check"],
        ] as Array<[string, string]>)
      : []),
  ];
}

/** A sidecar's variables and secrets, by the application's rules. */
function checkSidecarVariables(
  settings: EnvironmentView,
  path: PropertyKey[],
  sidecar: SidecarSettings,
  ctx: RefinementContext,
): void {
  const names = new Map<string, string>();
  sidecar.environment.forEach((variable, index) => {
    const at = [...path, 'environment', index];
    if (names.has(variable.name))
      problem(ctx, [...at, 'name'], variable.name, `already set at ${names.get(variable.name)}`);
    else if (looksSecret(variable.name)) {
      problem(
        ctx,
        [...at, 'name'],
        variable.name,
        `looks like a secret, and plaintext variables are visible to anyone who can read the task definition; move it to ${path.join('.')}.secrets`,
      );
    }
    const credential = credentialInValue(variable.value);
    if (credential !== undefined) {
      problem(
        ctx,
        [...at, 'value'],
        `${variable.value.slice(0, 4)}... (${variable.value.length} characters, the rest not shown)`,
        `carries ${credential}; move it to ${path.join('.')}.secrets`,
      );
    }
    names.set(variable.name, `environment[${index}]`);
  });
  sidecar.secrets.forEach((secret, index) => {
    const at = [...path, 'secrets', index];
    if (names.has(secret.name))
      problem(ctx, [...at, 'name'], secret.name, `already set at ${names.get(secret.name)}`);
    names.set(secret.name, `secrets[${index}]`);
    if (secretSource(secret.valueFrom) === 'ssm') {
      for (const field of ['jsonKey', 'versionStage', 'versionId'] as const) {
        if (secret[field] !== undefined) {
          problem(
            ctx,
            [...at, field],
            secret[field],
            'only Secrets Manager secrets have JSON keys and versions; valueFrom names an SSM parameter',
          );
        }
      }
    }
    for (const region of settings.regions) {
      const keyProblem = secret.kmsKeyArn && keyRegionProblem(secret.kmsKeyArn, region.name);
      if (keyProblem) {
        problem(
          ctx,
          [...at, 'kmsKeyArn'],
          secret.kmsKeyArn,
          `the key is in ${arnRegion(secret.kmsKeyArn as string)}, and a single-region key cannot decrypt in ${region.name}; a sidecar's secrets have no per-region override: use a multi-Region key (mrk-...)`,
        );
        break;
      }
    }
  });
}

/** Registry credentials only where they mean something, overridden only where they exist. */
function checkCredentials(settings: EnvironmentView, service: ServiceSettings, ctx: RefinementContext): void {
  const credentials = service.image.credentials;
  if (credentials) {
    const repository = service.image.repositoryUri;
    if (repository === undefined) {
      problem(
        ctx,
        ['image', 'credentials'],
        credentials.secret,
        "the service pulls from the platform's own ECR repository, which the execution role reads without credentials; remove image.credentials, or name the private registry's image.repositoryUri",
      );
    } else if (ECR_HOST.test(`${repository}/`)) {
      problem(
        ctx,
        ['image', 'credentials'],
        credentials.secret,
        `${quote(repository)} is an Amazon ECR repository: ECS pulls it with the execution role (AmazonECSTaskExecutionRolePolicy), never with repository credentials; remove image.credentials`,
      );
    }
  }
  settings.regions.forEach((region, regionIndex) => {
    const override = service.regions[region.name]?.imageCredentials;
    const at = (field: string) => ['regions', regionIndex, 'imageCredentials', field];
    if (override && !credentials) {
      problem(
        ctx,
        ['regions', regionIndex, 'imageCredentials'],
        override,
        'overrides image.credentials, which is not set; add it there first',
      );
      return;
    }
    if (override && override.secret === undefined && override.kmsKeyArn === undefined) {
      problem(ctx, at('secret'), undefined, 'give secret, kmsKeyArn or both');
    }
    if (override?.secret?.startsWith('arn:') && arnRegion(override.secret) !== region.name) {
      problem(
        ctx,
        at('secret'),
        override.secret,
        `an override for ${region.name} must name a secret in ${region.name}`,
      );
    }
    if (override?.kmsKeyArn && arnRegion(override.kmsKeyArn) !== region.name) {
      problem(
        ctx,
        at('kmsKeyArn'),
        override.kmsKeyArn,
        `an override for ${region.name} must name a key in ${region.name}`,
      );
    }
    const key = override?.kmsKeyArn ?? credentials?.kmsKeyArn;
    const keyProblem = !override?.kmsKeyArn && key ? keyRegionProblem(key, region.name) : undefined;
    if (keyProblem) {
      problem(
        ctx,
        ['image', 'credentials', 'kmsKeyArn'],
        key,
        keyProblem.replace(
          `services.<name>.regions.${region.name}.secrets`,
          `regions.${region.name}.imageCredentials`,
        ),
      );
    }
  });
}

/** Why a list of containers waits in a cycle: the cycle's names (first repeated at the end), or undefined. */
export function dependencyCycle(
  graph: ReadonlyMap<string, { readonly dependsOn: ReadonlyArray<{ container: string }> }>,
): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dependency of graph.get(name)?.dependsOn ?? []) {
      if (!graph.has(dependency.container) || dependency.container === name) continue;
      const cycle = visit(dependency.container);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of [...graph.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Registry credentials as one region's task definition and execution role need them. */
export interface ResolvedRegistryCredentials {
  /** ECS `credentialsParameter`: the secret's ARN, or its name (ECS accepts it in the task's region). */
  readonly credentialsParameter: string;
  /**
   * What the execution role may read: the ARN, or for a name `…:secret:<name>-??????` (the six
   * characters Secrets Manager appends; `?` matches exactly one, so only that secret matches).
   */
  readonly secretArn: string;
  /** The customer-managed key, in this region. */
  readonly kmsKeyArn?: string;
}

/** The same ARN in another region. */
function inRegion(arn: string, region: string): string {
  return arn.replace(/^(arn:aws:[a-z0-9-]+:)[a-z0-9-]+:/, `$1${region}:`);
}

/** A service's registry credentials in one region, or undefined without `image.credentials`. */
export function resolveRegistryCredentials(
  service: ServiceSettings,
  region: string,
  accountId: string,
): ResolvedRegistryCredentials | undefined {
  const base = service.image.credentials;
  if (!base) return undefined;
  const override = service.regions[region]?.imageCredentials;
  const secret = override?.secret ?? base.secret;
  const key = override?.kmsKeyArn ?? base.kmsKeyArn;
  const kmsKeyArn =
    key === undefined
      ? undefined
      : KMS_KEY_ARN.exec(key)?.[3].startsWith('mrk-')
        ? inRegion(key, region)
        : key;
  if (secret.startsWith('arn:')) {
    const arn = inRegion(secret, region);
    return { credentialsParameter: arn, secretArn: arn, kmsKeyArn };
  }
  return {
    credentialsParameter: secret,
    secretArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${secret}-??????`,
    kmsKeyArn,
  };
}

/** A sidecar's secrets in one region (replica ARNs, multi-Region keys), as the application's resolve. */
export function resolveSidecarSecrets(
  sidecar: SidecarSettings,
  region: string,
  accountId: string,
): ReturnType<typeof resolveSecrets> {
  return resolveSecrets(sidecar.secrets as SecretSetting[], [], region, accountId);
}
