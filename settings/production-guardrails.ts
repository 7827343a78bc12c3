/**
 * What tier `production` turns on by default (resolved in settings/tier-defaults.ts), and the rule that turning any of it off in a
 * production file needs a reason of its own, written under `productionExceptions["<setting>"]`.
 * Each accepted exception is printed at every synthesis (settings/stated-reasons.ts), beside the
 * accepted policy findings. One table, so a protection added later (the services map, failover)
 * is one more row.
 *
 * Some protections cannot be switched off in production at all, reason or not; they are refused
 * where they are validated (settings/schema.ts) and listed in `NOT_SWITCHABLE` for the record.
 */
import { z } from 'zod';
import type { TierDefaults } from './tier-defaults';

/** The parts of the validated settings the guardrails read. */
export interface GuardedSettings {
  readonly tier: string;
  readonly preventDestroy?: boolean;
  readonly services: Readonly<Record<string, { readonly service: { readonly deploymentAlarms: boolean } }>>;
  readonly failoverDrills: { readonly enabled?: boolean };
  readonly edge: { readonly accessLogs?: boolean; readonly connectionLogs?: boolean; readonly waf?: boolean };
  readonly accelerator: { readonly flowLogs?: boolean };
  readonly regions: ReadonlyArray<{ readonly webAclArn?: string; readonly existingNetwork?: unknown }>;
  readonly vpcEndpoints?: { readonly enabled?: boolean };
  readonly productionExceptions: Readonly<Record<string, string>>;
}

export interface Guardrail {
  /** The setting that turns the protection off, as its path reads in messages. */
  readonly setting: string;
  /** The same as a path for the message's location. */
  readonly path: readonly string[];
  /** What production loses without it. */
  readonly protects: string;
  /** Whether these settings turn it off. */
  readonly isOff: (settings: GuardedSettings) => boolean;
  /**
   * The setting it follows when it is not set itself.
   * @default - none: when not set, it is on in production
   */
  readonly follows?: string;
  /**
   * Policy pack rules whose findings the protection being off raises (policies/pack.ts); an
   * accepted exception accepts them for the environment's stacks, with the same reason.
   * @default - none
   */
  readonly policyRules?: readonly string[];
  /**
   * A protection each service has: `setting` and `path` hold `<name>`, and this says whether the
   * service of that name turns it off (`isOff` is then unused).
   * @default - the environment's protection
   */
  readonly perService?: (settings: GuardedSettings, name: string) => boolean;
  /**
   * The field of `tierDefaults` (settings/tier-defaults.ts) that resolves the protection when its
   * setting is absent: the one place its production default is decided.
   * @default - none: the setting's own schema default (the same in every tier)
   */
  readonly resolvedAs?: keyof TierDefaults;
}

/** Production's defaults that a setting can turn off, each needing its own reason. */
export const GUARDRAILS: readonly Guardrail[] = [
  {
    setting: 'preventDestroy',
    resolvedAs: 'preventDestroy',
    path: ['preventDestroy'],
    protects:
      'prevent_destroy on file systems, buckets, backup vaults, keys and repositories: a plan that would delete them fails',
    isOff: (s) => s.preventDestroy === false,
  },
  {
    setting: 'services.<name>.service.deploymentAlarms',
    path: ['services', '<name>', 'service', 'deploymentAlarms'],
    protects: 'a deployment that raises the 5xx, p99 or unhealthy-host alarms rolls back by itself',
    isOff: () => false,
    perService: (s, name) => s.services[name]?.service.deploymentAlarms === false,
  },
  {
    setting: 'failoverDrills.enabled',
    resolvedAs: 'failoverDrills',
    path: ['failoverDrills', 'enabled'],
    protects: 'failover drills (FIS templates) that prove a region can be lost',
    isOff: (s) => s.failoverDrills.enabled === false,
  },
  {
    setting: 'edge.accessLogs',
    resolvedAs: 'accessLogs',
    path: ['edge', 'accessLogs'],
    protects: 'a record of every request at the load balancers',
    isOff: (s) => s.edge.accessLogs === false,
    policyRules: ['elb-access-logs'],
  },
  {
    setting: 'edge.connectionLogs',
    resolvedAs: 'connectionLogs',
    path: ['edge', 'connectionLogs'],
    protects: 'a record of every connection and TLS handshake at the load balancers',
    isOff: (s) => (s.edge.connectionLogs ?? s.edge.accessLogs) === false,
    follows: 'edge.accessLogs',
  },
  {
    setting: 'edge.waf',
    resolvedAs: 'waf',
    path: ['edge', 'waf'],
    protects:
      'a web ACL (managed rules, rate limit) in front of every region without its own regions[].webAclArn',
    isOff: (s) => s.edge.waf === false && s.regions.some((region) => region.webAclArn === undefined),
    policyRules: ['elb-waf'],
  },
  {
    setting: 'accelerator.flowLogs',
    resolvedAs: 'acceleratorFlowLogs',
    path: ['accelerator', 'flowLogs'],
    protects: 'flow logs of the accelerator, the record of who reached the application',
    isOff: (s) => s.accelerator.flowLogs === false,
  },
  {
    setting: 'vpcEndpoints.enabled',
    resolvedAs: 'vpcEndpoints',
    path: ['vpcEndpoints', 'enabled'],
    protects:
      "VPC endpoints in every region whose network the platform creates: image pulls, logs, secrets and AWS API calls stay on AWS's network, under policies admitting this account only, instead of crossing the NAT gateways",
    isOff: (s) =>
      s.vpcEndpoints?.enabled === false && s.regions.some((region) => region.existingNetwork === undefined),
  },
];

/** Production protections no reason can turn off; where each is refused. */
export const NOT_SWITCHABLE: ReadonlyArray<{ setting: string; refused: string }> = [
  { setting: 'natGateways: "single"', refused: 'settings/schema.ts: tier "production" requires "perAz"' },
  {
    setting: 'backup.vaultLock (missing)',
    refused: 'settings/schema.ts: tier "production" requires a vault lock',
  },
  { setting: 'image.tag: "latest"', refused: 'settings/schema.ts: tier "production" refuses "latest"' },
  {
    setting: 'task.healthCheckCommand (missing)',
    refused:
      'settings/schema.ts: a container health check, of every service an ECS service runs (web, worker)',
  },
  { setting: 'alarms (nobody reached)', refused: 'settings/schema.ts: an email or a topic in every region' },
  { setting: 'ALB deletion protection', refused: 'no setting: always on in tier production' },
  { setting: 'domain (missing)', refused: 'its own reason, edge.plainHttpReason' },
];

/** Whether `key` names the guardrail: its setting, or with `<name>` a service's name. */
function keyMatches(guardrail: Guardrail, key: string): boolean {
  if (!guardrail.perService) return guardrail.setting === key;
  const [before, after] = guardrail.setting.split('<name>');
  return (
    key.startsWith(before) &&
    key.endsWith(after) &&
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/.test(key.slice(before.length, key.length - after.length))
  );
}

/** Every guardrail of these settings: a per-service one once for each service. */
function guardrailsOf(settings: GuardedSettings): Guardrail[] {
  return GUARDRAILS.flatMap((guardrail) => {
    const { perService } = guardrail;
    if (!perService) return [guardrail];
    return Object.keys(settings.services).map((name) => ({
      ...guardrail,
      setting: guardrail.setting.replace('<name>', name),
      path: guardrail.path.map((part) => (part === '<name>' ? name : part)),
      isOff: (s: GuardedSettings) => perService(s, name),
    }));
  });
}

/** Reasons are one line of 20 to 500 characters, like every other reason. */
const REASON = /^[^\p{Cc}\u2028\u2029]{20,500}$/u;

/** `productionExceptions`: a reason per guardrail setting, checked against the table with the other settings. */
export const productionExceptionsSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an object of reasons by setting, e.g. {"preventDestroy": "why"}; settings: ${GUARDRAILS.map((g) => g.setting).join(', ')}`,
        params: { value },
      });
      return;
    }
    for (const [key, reason] of Object.entries(value)) {
      if (!GUARDRAILS.some((g) => keyMatches(g, key))) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `not a production protection that can be turned off with a reason; these are: ${GUARDRAILS.map((g) => g.setting).join(', ')}`,
          params: { value: key },
        });
      } else if (typeof reason !== 'string' || !REASON.test(reason.trim())) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'write why production does without this protection: one line of 20 to 500 characters',
          params: { value: reason },
        });
      }
    }
  })
  .transform(
    (value) =>
      Object.fromEntries(
        Object.entries((value ?? {}) as Record<string, string>).map(([key, reason]) => [key, reason.trim()]),
      ) as Record<string, string>,
  );

/** A problem at a path, with the value to echo (or none: the setting is missing). */
export interface GuardrailProblem {
  readonly path: readonly string[];
  readonly value: unknown;
  readonly message: string;
}

/**
 * In tier production, each protection turned off without its reason; in any tier, each reason
 * that accepts nothing (its protection is on, or the tier is not production), so a stale reason
 * never sits in a file looking like an exception that holds.
 */
export function guardrailProblems(settings: GuardedSettings): GuardrailProblem[] {
  const problems: GuardrailProblem[] = [];
  const production = settings.tier === 'production';
  for (const key of Object.keys(settings.productionExceptions)) {
    const guardrail = GUARDRAILS.find((g) => keyMatches(g, key));
    if (guardrail?.perService && !guardrailsOf(settings).some((g) => g.setting === key)) {
      problems.push({
        path: ['productionExceptions', key],
        value: settings.productionExceptions[key],
        message: `names no service of services (${Object.keys(settings.services).join(', ')}); remove it`,
      });
    }
  }
  for (const guardrail of guardrailsOf(settings)) {
    const off = guardrail.isOff(settings);
    const reason = settings.productionExceptions[guardrail.setting];
    if (production && off && reason === undefined) {
      const value = guardrail.path.reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key],
        settings,
      );
      problems.push({
        path: guardrail.path,
        value,
        message: `${value === undefined && guardrail.follows ? `off, as it follows ${guardrail.follows}; ` : ''}tier "production" turns this on (${guardrail.protects}); to turn it off, state why in productionExceptions["${guardrail.setting}"] (one line, 20 to 500 characters), printed at every synth`,
      });
    } else if (reason !== undefined && !(production && off)) {
      problems.push({
        path: ['productionExceptions', guardrail.setting],
        value: reason,
        message: production
          ? `${guardrail.setting} is on, so this reason accepts nothing; remove it`
          : `only tier "production" needs a reason to turn ${guardrail.setting} off; remove it`,
      });
    }
  }
  return problems;
}

/** The production exceptions in effect, for the synthesis to print. */
export function acceptedExceptions(
  settings: GuardedSettings,
): Array<{ setting: string; protects: string; reason: string; policyRules: readonly string[] }> {
  if (settings.tier !== 'production') return [];
  return guardrailsOf(settings)
    .filter((g) => g.isOff(settings) && settings.productionExceptions[g.setting] !== undefined)
    .map((g) => ({
      setting: g.setting,
      protects: g.protects,
      reason: settings.productionExceptions[g.setting],
      policyRules: g.policyRules ?? [],
    }));
}
