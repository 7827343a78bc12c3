/**
 * Service kinds (issue 19): what a service is decides what the platform builds for it and which
 * settings mean something for it.
 *
 * - `web` (the default): an ECS service behind the shared load balancer (target group, listener
 *   rule, ingress from the load balancer), as every service was before kinds.
 * - `worker`: an ECS service that serves no HTTP: no target group, listener rule or ingress; healthy
 *   by its container health check; scales on CPU and memory and, with `queue`, on its SQS backlog.
 * - `scheduled`: no ECS service; its task definition is started by EventBridge Scheduler on
 *   `schedule`, with retries, a dead-letter queue and alarms.
 *
 * The refusals run on the settings as written (before defaults), so a setting that means nothing for
 * a kind is refused even when it holds its default value; one message names every such setting.
 */
import { z } from 'zod';
import { shorten } from './quote';
import { strictSettings } from './strict-settings';

export const SERVICE_KINDS = ['web', 'worker', 'scheduled'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** `services.<name>.kind`. */
export const serviceKindSchema = z
  .enum(SERVICE_KINDS, {
    error:
      'expected "web" (behind the shared load balancer), "worker" (no HTTP; container health check, optional queue scaling) or "scheduled" (a task started on a schedule, no ECS service)',
  })
  .default('web');

/** SQS queue names: 1 to 80 letters, digits, hyphens and underscores; FIFO queues end in `.fifo`. */
const SQS_QUEUE_NAME = /^(?=.{1,80}$)[A-Za-z0-9_-]+(\.fifo)?$/;

/** `services.<name>.queue` (workers only): scale on the backlog of an SQS queue the worker consumes. */
export const workerQueueSchema = strictSettings({
  /**
   * Name of the SQS queue the worker consumes, the same name in every region (the platform
   * resolves it to `arn:aws:sqs:<region>:<account>:<name>` in each); the queue itself belongs to
   * the producer.
   */
  name: z.string().regex(SQS_QUEUE_NAME, {
    error: 'expected an SQS queue name: 1 to 80 letters, digits, - or _, optionally ending in .fifo',
  }),
  /**
   * Visible messages one task may have waiting (the acceptable latency divided by the time one
   * message takes): target tracking keeps `ApproximateNumberOfMessagesVisible / running tasks` at it.
   */
  messagesPerTask: z.number().int().min(1).max(1000000),
  /**
   * Age of the oldest message, seconds, above which the worker's queue alarm fires
   * (`ApproximateAgeOfOldestMessage`): the worker has stopped taking messages, or does not keep
   * up. 60 s to 14 days (SQS's longest retention).
   * @default 900
   */
  maxMessageAgeSeconds: z.number().int().min(60).max(1209600).default(900),
});

/** `services.<name>.schedule` (scheduled jobs only): when EventBridge Scheduler starts the task. */
export const jobScheduleSchema = strictSettings({
  /** `cron(minutes hours day-of-month month day-of-week year)`, `rate(n units)` or `at(yyyy-mm-ddThh:mm:ss)`. */
  expression: z.string(),
  /** IANA time zone the expression is read in, e.g. `Europe/Dublin`. */
  timezone: z.string().default('UTC'),
  /** Minutes the start may drift, so Scheduler can spread invocations; omitted: starts on time. */
  flexibleWindowMinutes: z.number().int().min(1).max(1440).optional(),
  /** Retries of a start that fails (RunTask refused or throttled), 0 to 185. */
  retryAttempts: z.number().int().min(0).max(185).default(2),
  /** Seconds a start may keep being retried, 60 to 86400; then it goes to the dead-letter queue. */
  maxEventAgeSeconds: z.number().int().min(60).max(86400).default(3600),
});

/** The service fields of kinds, spread into the service's schema. */
export const serviceKindFields = {
  /** What the service is: `web` (behind the load balancer, the default), `worker` or `scheduled`. */
  kind: serviceKindSchema,
  /** Kind worker: scale on the backlog of the SQS queue it consumes. */
  queue: workerQueueSchema.optional(),
  /** Kind scheduled: when EventBridge Scheduler starts the task. */
  schedule: jobScheduleSchema.optional(),
};

export type WorkerQueueSettings = z.output<typeof workerQueueSchema>;
export type JobScheduleSettings = z.output<typeof jobScheduleSchema>;

/**
 * The settings each kind refuses, as paths under `services.<name>`. A web service takes everything
 * but `queue` and `schedule`.
 */
const ALB_SETTINGS = [
  'service.healthCheckPath',
  'service.healthCheckMatcher',
  'service.healthCheckIntervalSeconds',
  'service.unhealthyThresholdCount',
  'service.deregistrationDelaySeconds',
  'service.healthCheckGracePeriodSeconds',
  'service.requestCountPerTarget',
];
const REFUSED: Record<ServiceKind, { refused: string[]; allowed: string }> = {
  web: {
    refused: ['queue', 'schedule'],
    allowed:
      'a web service takes image, task, service, routing, regions, legacyNames, sidecars, serviceConnect, egress and existingSecurityGroups; queue is for kind "worker", schedule for kind "scheduled"',
  },
  worker: {
    refused: [
      'routing',
      'legacyNames',
      'schedule',
      'task.containerPort',
      ...ALB_SETTINGS,
      'service.peakTasks',
    ],
    allowed:
      'a worker takes image, task (without containerPort: it receives no connections), service (desiredCount, minCapacity, maxCapacity, cpuTargetPercent, memoryTargetPercent, scaleInCooldownSeconds, scaleOutCooldownSeconds, enableExecuteCommand, paused, scheduledScaling, capacityProviders, deploymentAlarms), queue, regions, sidecars, serviceConnect (calls only: it offers no port), egress and existingSecurityGroups; its health is task.healthCheckCommand (with task.healthCheckStartPeriodSeconds as its grace period)',
  },
  scheduled: {
    refused: [
      'routing',
      'legacyNames',
      'queue',
      'task.containerPort',
      'service.desiredCount',
      'service.minCapacity',
      'service.maxCapacity',
      'service.cpuTargetPercent',
      'service.memoryTargetPercent',
      'service.scaleInCooldownSeconds',
      'service.scaleOutCooldownSeconds',
      ...ALB_SETTINGS,
      'service.scheduledScaling',
      'service.deploymentAlarms',
      'service.peakTasks',
      'serviceConnect',
    ],
    allowed:
      'a scheduled job takes image, task (without containerPort), schedule, regions, sidecars, egress, existingSecurityGroups and service.capacityProviders, service.enableExecuteCommand and service.paused (the schedule disabled); it has no ECS service, so no count, scaling, load balancer or Service Connect settings',
  },
};

/** The value at a dotted path of raw settings, or undefined. */
function valueAt(raw: Record<string, unknown>, path: string): unknown {
  let node: unknown = raw;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/**
 * Refuses, in one message at `services.<name>.kind`, every setting written for a service that means
 * nothing for its kind. Runs on the service as written; an unknown kind is left to the schema.
 */
export function kindRefusal(
  raw: unknown,
): { kind: ServiceKind; present: Array<{ path: string; value: unknown }>; allowed: string } | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const service = raw as Record<string, unknown>;
  const kind = service.kind === undefined ? 'web' : service.kind;
  if (typeof kind !== 'string' || !(SERVICE_KINDS as readonly string[]).includes(kind)) return undefined;
  const rules = REFUSED[kind as ServiceKind];
  const present = rules.refused
    .map((path) => ({ path, value: valueAt(service, path) }))
    .filter((entry) => entry.value !== undefined);
  return present.length ? { kind: kind as ServiceKind, present, allowed: rules.allowed } : undefined;
}

/** The refusal's message, naming each setting under `services.<name>` with its value. */
export function kindRefusalMessage(
  name: string,
  refusal: NonNullable<ReturnType<typeof kindRefusal>>,
): string {
  const listed = refusal.present
    .map((entry) => `services.${name}.${entry.path} (got ${shorten(entry.value)})`)
    .join(', ');
  const noun = refusal.present.length === 1 ? 'this setting means' : 'these settings mean';
  return `${noun} nothing for kind "${refusal.kind}": ${listed}; remove ${refusal.present.length === 1 ? 'it' : 'them'}. ${refusal.allowed}`;
}

/**
 * The `services` record's schema, after a first pass that refuses, for each service, the settings
 * its kind does not take (see `kindRefusal`); the services' own schema runs only when there is
 * nothing to refuse.
 */
export function kindedServices<T extends z.ZodType>(schema: T) {
  return z.preprocess<unknown, T, z.input<T>>((raw, ctx) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
    for (const [name, service] of Object.entries(raw)) {
      const refusal = kindRefusal(service);
      if (!refusal) continue;
      ctx.addIssue({
        code: 'custom',
        path: [name, 'kind'],
        input: refusal.kind,
        message: kindRefusalMessage(name, refusal),
        params: { value: refusal.kind },
      });
    }
    return raw;
  }, schema);
}

/** Schedule expressions EventBridge Scheduler takes, or why not. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const format =
    'use cron(minutes hours day-of-month month day-of-week year), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)';
  const rate = /^rate\((.*)\)$/.exec(expression)?.[1];
  if (rate !== undefined) {
    const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(rate);
    if (!match || Number(match[1]) < 1) return `${format}; a rate is a whole number from 1 and a unit`;
    if ((Number(match[1]) === 1) !== !match[2].endsWith('s')) {
      return `${format}; Scheduler wants the singular unit with 1 (rate(1 hour)) and the plural otherwise (rate(5 minutes))`;
    }
    return undefined;
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const real =
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day &&
      hour < 24 &&
      minute < 60 &&
      second < 60;
    return real ? undefined : `${format}; ${expression} is not a real date and time`;
  }
  if (expression.startsWith('at(')) return `${format}; at() takes yyyy-mm-ddThh:mm:ss`;
  const cron = /^cron\((.*)\)$/.exec(expression)?.[1];
  if (cron === undefined) return format;
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) return `${format}; a cron expression has 6 fields, found ${fields.length}`;
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return `${format}; exactly one of day-of-month (3rd field) and day-of-week (5th field) must be "?"`;
  }
  const shapes: Array<[string, RegExp]> = [
    ['minutes', /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/],
    ['hours', /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/],
    [
      'day-of-month',
      /^(\?|\*|L|LW|\d{1,2}W|(\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,\d{1,2}(-\d{1,2})?(\/\d{1,2})?)*)$/,
    ],
    [
      'month',
      /^(\*|([1-9]|1[0-2]|[A-Z]{3})(-([1-9]|1[0-2]|[A-Z]{3}))?(\/\d{1,2})?(,([1-9]|1[0-2]|[A-Z]{3})(-([1-9]|1[0-2]|[A-Z]{3}))?)*)$/,
    ],
    [
      'day-of-week',
      /^(\?|\*|L|([1-7]|[A-Z]{3})(L|#[1-5])?|([1-7]|[A-Z]{3})(-([1-7]|[A-Z]{3}))?(,([1-7]|[A-Z]{3})(-([1-7]|[A-Z]{3}))?)*)$/,
    ],
    ['year', /^(\*|\d{4}(-\d{4})?)(\/\d{1,3})?(,\d{4}(-\d{4})?)*$/],
  ];
  const limits = [59, 23, 31];
  for (const [index, [field, shape]] of shapes.entries()) {
    const value = fields[index];
    const outOfRange =
      index < 3 &&
      (value.match(/\d+/g) ?? []).some((n) => Number(n) > limits[index] || (index === 2 && Number(n) === 0));
    if (!shape.test(value) || (outOfRange && !value.includes('/'))) {
      return `${format}; the ${field} field "${value}" is not valid`;
    }
  }
  return undefined;
}

/** IANA time zones the runtime knows (Scheduler takes the same database), with UTC. */
const TIME_ZONES = new Set(['UTC', 'Etc/UTC', ...Intl.supportedValuesOf('timeZone')]);

type Context = Parameters<Parameters<z.ZodType['superRefine']>[0]>[1];

function problem(ctx: Context, path: PropertyKey[], input: unknown, message: string): void {
  ctx.addIssue(
    input === undefined
      ? { code: 'custom', path, message, params: { missing: true } }
      : { code: 'custom', path, input, message, params: { value: input } },
  );
}

/** What a service of each kind must have; reported under `services.<name>` through `ctx`. */
export function checkServiceKind(
  service: {
    kind: ServiceKind;
    routing?: unknown;
    task: { healthCheckCommand?: string[] };
    schedule?: JobScheduleSettings;
  },
  ctx: Context,
): void {
  if (service.kind === 'web' && service.routing === undefined) {
    problem(
      ctx,
      ['routing'],
      undefined,
      'a web service needs its routing on the shared load balancer (hosts and/or paths, priority); a service that serves no HTTP is kind "worker" or "scheduled"',
    );
  }
  if (service.kind === 'worker' && service.task.healthCheckCommand === undefined) {
    problem(
      ctx,
      ['task', 'healthCheckCommand'],
      undefined,
      'required for kind "worker": no load balancer checks a worker, so its container health check is the only way ECS learns that a task hangs (without one a stuck worker keeps its place forever); e.g. ["CMD-SHELL", "test -f /tmp/alive || exit 1"]',
    );
  }
  if (service.kind === 'scheduled') {
    const schedule = service.schedule;
    if (schedule === undefined) {
      problem(
        ctx,
        ['schedule'],
        undefined,
        'required for kind "scheduled": { "expression": "cron(0 2 * * ? *)", "timezone": "Europe/Dublin" } starts the task at 02:00 Dublin time every day',
      );
      return;
    }
    const expressionProblem = scheduleExpressionProblem(schedule.expression);
    if (expressionProblem) problem(ctx, ['schedule', 'expression'], schedule.expression, expressionProblem);
    if (!TIME_ZONES.has(schedule.timezone)) {
      problem(
        ctx,
        ['schedule', 'timezone'],
        schedule.timezone,
        'expected an IANA time zone such as UTC, Europe/Dublin or America/New_York',
      );
    }
  }
}
