/**
 * Limits AWS enforces when Terraform applies (not when it plans) that settings can break, in one
 * table with their sources, and pure checks over them. Each check returns what is wrong in words
 * (or nothing), for the caller to report under the setting that caused it; synthesis calls them
 * so a configuration AWS would refuse is refused before the first apply.
 *
 * Sources (AWS documentation, read on 2026-12-03):
 * - ECS: "Amazon ECS endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/ecs-service.html
 *   (task definition size 64 KiB, containers per task definition 10; neither adjustable).
 * - ALB: "Quotas for your Application Load Balancers",
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 *   (rules per ALB excluding default rules 100, condition values per rule 5, condition wildcards
 *   per rule 5, target groups per ALB 100, target groups per action 5, listeners per ALB 50,
 *   certificates per ALB excluding the default 25).
 * - Names: the ELBv2 API reference, CreateLoadBalancer and CreateTargetGroup (`Name`: at most 32
 *   characters, alphanumerics and hyphens, not beginning or ending with a hyphen; a load
 *   balancer's not beginning with "internal-").
 * - Tags: "Tag restrictions" (e.g. https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html,
 *   the same in every service that tags): 50 tags per resource (aws: tags not counted), keys up to
 *   128 and values up to 256 Unicode characters.
 */

export interface AwsLimit {
  /** The limit's value, in `unit`. */
  readonly max: number;
  readonly unit: string;
  /** What is limited, as AWS words it. */
  readonly what: string;
  /** Whether a quota increase can raise it (checks still use the default). */
  readonly adjustable: boolean;
  /** Where AWS documents it. */
  readonly source: string;
}

const ECS_QUOTAS = 'https://docs.aws.amazon.com/general/latest/gr/ecs-service.html';
const ALB_QUOTAS =
  'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html';
const ELB_API = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/';
const TAGS = 'https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html';

/** The table. */
export const AWS_LIMITS = {
  taskDefinitionBytes: {
    max: 64 * 1024,
    unit: 'bytes',
    what: 'task definition size (the RegisterTaskDefinition request, container definitions included)',
    adjustable: false,
    source: ECS_QUOTAS,
  },
  containersPerTaskDefinition: {
    max: 10,
    unit: 'containers',
    what: 'containers per task definition',
    adjustable: false,
    source: ECS_QUOTAS,
  },
  rulesPerLoadBalancer: {
    max: 100,
    unit: 'rules',
    what: 'rules per Application Load Balancer, not counting default rules',
    adjustable: true,
    source: ALB_QUOTAS,
  },
  conditionValuesPerRule: {
    max: 5,
    unit: 'condition values',
    what: 'condition values per rule',
    adjustable: false,
    source: ALB_QUOTAS,
  },
  conditionWildcardsPerRule: {
    max: 5,
    unit: 'wildcards',
    what: 'condition wildcards per rule',
    adjustable: false,
    source: ALB_QUOTAS,
  },
  targetGroupsPerLoadBalancer: {
    max: 100,
    unit: 'target groups',
    what: 'target groups per Application Load Balancer',
    adjustable: false,
    source: ALB_QUOTAS,
  },
  targetGroupsPerAction: {
    max: 5,
    unit: 'target groups',
    what: 'target groups per action per Application Load Balancer',
    adjustable: false,
    source: ALB_QUOTAS,
  },
  listenersPerLoadBalancer: {
    max: 50,
    unit: 'listeners',
    what: 'listeners per Application Load Balancer',
    adjustable: true,
    source: ALB_QUOTAS,
  },
  certificatesPerLoadBalancer: {
    max: 25,
    unit: 'certificates',
    what: 'certificates per Application Load Balancer, not counting the default certificate',
    adjustable: true,
    source: ALB_QUOTAS,
  },
  loadBalancerNameLength: {
    max: 32,
    unit: 'characters',
    what: 'load balancer name',
    adjustable: false,
    source: `${ELB_API}API_CreateLoadBalancer.html`,
  },
  targetGroupNameLength: {
    max: 32,
    unit: 'characters',
    what: 'target group name',
    adjustable: false,
    source: `${ELB_API}API_CreateTargetGroup.html`,
  },
  tagsPerResource: {
    max: 50,
    unit: 'tags',
    what: 'tags per resource (tags starting with aws: not counted)',
    adjustable: false,
    source: TAGS,
  },
} as const satisfies Record<string, AwsLimit>;

export type AwsLimitName = keyof typeof AWS_LIMITS;

/** `AWS allows at most 100 rules per …` with the source, for the end of a message. */
export function limitText(name: AwsLimitName): string {
  const limit = AWS_LIMITS[name];
  return `AWS allows at most ${limit.max} ${limit.unit === 'bytes' ? `bytes (${limit.max / 1024} KiB)` : limit.unit}: ${limit.what}${limit.adjustable ? ' (a default quota; an increase can be requested)' : ''}; see ${limit.source}`;
}

/** `count` against a count limit: what is over, or undefined. */
export function countProblem(name: AwsLimitName, count: number, subject: string): string | undefined {
  const limit = AWS_LIMITS[name];
  return count > limit.max ? `${subject} ${count} ${limit.unit}; ${limitText(name)}` : undefined;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * The size of a task definition against ECS's 64 KiB: `containerDefinitions` is the JSON of the
 * container definitions, `otherBytes` the size of the request's other fields. `parts` names what
 * takes the space (e.g. `{ 'environment variables': 80000 }`), largest first in the message
 * (parts under 1 KiB left out).
 */
export function taskDefinitionSizeProblem(
  containerDefinitions: string,
  otherBytes: number,
  parts: Readonly<Record<string, number>> = {},
): string | undefined {
  const bytes = Buffer.byteLength(containerDefinitions, 'utf8') + otherBytes;
  if (bytes <= AWS_LIMITS.taskDefinitionBytes.max) return undefined;
  const largest = Object.entries(parts)
    .filter(([, size]) => size >= 1024)
    .sort((a, b) => b[1] - a[1])
    .map(([part, size]) => `${part} ${kib(size)}`)
    .join(', ');
  return `the task definition would be ${kib(bytes)} (${bytes} bytes)${largest ? `, of which ${largest}` : ''}; ${limitText('taskDefinitionBytes')}`;
}

/** Why `name` cannot name a load balancer or target group, or undefined. */
export function elbNameProblem(kind: 'load balancer' | 'target group', name: string): string | undefined {
  const limit = AWS_LIMITS[kind === 'load balancer' ? 'loadBalancerNameLength' : 'targetGroupNameLength'];
  if (name.length > limit.max) {
    return `the ${kind} name ${JSON.stringify(name)} is ${name.length} characters; AWS allows at most ${limit.max}; see ${limit.source}`;
  }
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name)) {
    return `the ${kind} name ${JSON.stringify(name)} must be letters, digits and hyphens, not beginning or ending with a hyphen; see ${limit.source}`;
  }
  if (kind === 'load balancer' && name.startsWith('internal-')) {
    return `the load balancer name ${JSON.stringify(name)} may not begin with "internal-"; see ${limit.source}`;
  }
  return undefined;
}

/** A listener rule as far as the limits see it. */
export interface RuleShape {
  /** What names the rule in messages, e.g. the service it routes to. */
  readonly name: string;
  /** Every value of every condition (host headers, paths, …). */
  readonly conditionValues: readonly string[];
  /** Target groups its forward action spreads over. @default 1 */
  readonly targetGroups?: number;
}

/** A load balancer as far as the limits see it: its rules (default rules left out) and target groups. */
export interface LoadBalancerShape {
  readonly name: string;
  readonly rules: readonly RuleShape[];
  readonly targetGroups: number;
  /** @default 0 */
  readonly listeners?: number;
  /** Certificates besides the default one. @default 0 */
  readonly extraCertificates?: number;
}

/**
 * Every limit one load balancer's rules and target groups break: rules per load balancer,
 * condition values and wildcards per rule, target groups per action and per load balancer,
 * listeners and certificates. One message per problem.
 */
export function loadBalancerProblems(lb: LoadBalancerShape): string[] {
  const problems = [
    countProblem('rulesPerLoadBalancer', lb.rules.length, `load balancer ${lb.name} would have`),
    countProblem('targetGroupsPerLoadBalancer', lb.targetGroups, `load balancer ${lb.name} would have`),
    countProblem('listenersPerLoadBalancer', lb.listeners ?? 0, `load balancer ${lb.name} would have`),
    countProblem(
      'certificatesPerLoadBalancer',
      lb.extraCertificates ?? 0,
      `load balancer ${lb.name} would have`,
    ),
  ];
  for (const rule of lb.rules) {
    const subject = `the rule for ${rule.name} on ${lb.name} would have`;
    problems.push(
      countProblem('conditionValuesPerRule', rule.conditionValues.length, subject),
      countProblem(
        'conditionWildcardsPerRule',
        rule.conditionValues.reduce((sum, value) => sum + (value.match(/[*?]/g)?.length ?? 0), 0),
        subject,
      ),
      countProblem('targetGroupsPerAction', rule.targetGroups ?? 1, subject),
    );
  }
  return problems.filter((p): p is string => p !== undefined);
}
