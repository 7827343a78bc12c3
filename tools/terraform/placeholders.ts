/**
 * Placeholder values for what a consumer stack reads from a producer stack's state, for the offline
 * plan only: a plausible value KNOWN at plan time, shaped like what AWS would return for that
 * attribute of that resource type, so the AWS provider's plan-time checks (an ARN where it
 * validates an ARN, a `vpc-…` id, a list where a list goes) pass as they would against real state.
 *
 * Derived from the producer's synthesized output expression (`${aws_lb_listener.X.arn}`: the type,
 * the attribute, the resource's literal arguments and its provider's region) and nothing else, and
 * deterministic (hex digits are a hash of stack, address and attribute), so the same producer gives
 * the same placeholder and the offline plan's caches keep working. These values are written only
 * into scratch copies; the synthesized configuration never holds them.
 *
 * All rules are in the two tables below: TYPES (per resource type: ARN service and resource part,
 * what `id` is, `arn_suffix`) and ATTRIBUTES (per attribute name, whatever the type).
 */
import { createHash } from 'node:crypto';

/** The account in placeholder ARNs when the producer's provider pins none. */
export const PLACEHOLDER_ACCOUNT = '123456789012';
/** The region when the producer's resource has no provider with a literal region. */
const FALLBACK_REGION = 'us-east-1';

type Block = Record<string, unknown>;

/** What the placeholder rules need to know about a synthesized producer stack. */
export interface ProducerJson {
  provider?: { aws?: Array<{ alias?: string; region?: unknown; allowed_account_ids?: unknown }> };
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, { value?: unknown }>;
}

/** A producer output's expression, parsed: `${[data.]<type>.<name>.<attribute path>}`. */
export interface ProducerReference {
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** Attribute path, list indexes as strings: `access_logs[0].bucket` → ['access_logs', '0', 'bucket']. */
  readonly path: readonly string[];
}

const REFERENCE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_.[\]-]+)\}$/;

/** Parses a cross-stack output's value, or undefined when it is not a single attribute reference. */
export function parseReference(value: unknown): ProducerReference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value);
  if (!match) return undefined;
  const path = match[4].split(/[.[\]]+/).filter(Boolean);
  return { mode: match[1] ? 'data' : 'resource', type: match[2], name: match[3], path };
}

/** Everything a rule may use about the referenced resource. */
export interface PlaceholderContext {
  readonly stack: string;
  readonly type: string;
  /** The attribute read (the last name in the path: `bucket` for `access_logs[0].bucket`). */
  readonly attribute: string;
  readonly region: string;
  readonly account: string;
  /** The resource's literal arguments in the producer (values holding `${…}` left out). */
  readonly literals: Readonly<Record<string, unknown>>;
  /**
   * The producer's literal `name` (or `bucket`, `family`) when it has one, else a DNS-safe name
   * made from the resource's address.
   */
  readonly resourceName: string;
  /** `count` hex digits, a hash of the stack, the address and `salt`. */
  hex(count: number, salt?: string): string;
  /** The context of the producer resource that argument `argument` references, if it does. */
  related(argument: string): PlaceholderContext | undefined;
}

const literal = (value: unknown): boolean => !JSON.stringify(value ?? null).includes('${');

/** Lowercase letters, digits and single hyphens, at most `max` characters. */
export function dnsSafe(text: string, max = 32): string {
  const safe = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (safe.slice(0, max).replace(/-+$/, '') || 'offline').replace(/^[^a-z]/, 'x$&').slice(0, max);
}

function uuid(c: PlaceholderContext, salt = 'uuid'): string {
  const h = c.hex(32, salt);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function arn(c: PlaceholderContext, service: string, resource: string, scope: ArnScope = 'regional'): string {
  const region = scope === 'regional' ? c.region : '';
  const account = scope === 'none' ? '' : c.account;
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}

/** Which of region and account an ARN of the type holds. */
type ArnScope = 'regional' | 'global' | 'none';

interface TypeRule {
  /** ARN service namespace. */
  readonly service: string;
  /** The ARN's resource part. */
  readonly resource: (c: PlaceholderContext) => string;
  readonly scope?: ArnScope;
  /**
   * What `id` is: an id with this prefix (`vpc` → `vpc-<17 hex>`), `arn`, `name`, or a function.
   * @default - the name
   */
  readonly id?: string | 'arn' | 'name' | ((c: PlaceholderContext) => string);
  /** `arn_suffix` (ELB's CloudWatch dimension). */
  readonly arnSuffix?: (c: PlaceholderContext) => string;
}

/** `<prefix>-<17 hex>`, the shape of EC2 and EFS ids. */
const prefixed = (prefix: string, c: PlaceholderContext, salt = 'id') => `${prefix}-${c.hex(17, salt)}`;

const lbKind = (c: PlaceholderContext) => (c.literals.load_balancer_type === 'network' ? 'net' : 'app');
const lbSuffix = (c: PlaceholderContext) => `${lbKind(c)}/${c.resourceName}/${c.hex(16, 'lb')}`;
const tgSuffix = (c: PlaceholderContext) => `targetgroup/${c.resourceName}/${c.hex(16, 'tg')}`;
const ec2 = (kind: string, prefix: string): TypeRule => ({
  service: 'ec2',
  resource: (c) => `${kind}/${prefixed(prefix, c)}`,
  id: prefix,
});

/** Per resource (or data source) type. A type not listed gets a generic ARN and its name as id. */
const TYPES: Readonly<Record<string, TypeRule>> = {
  aws_vpc: ec2('vpc', 'vpc'),
  aws_subnet: ec2('subnet', 'subnet'),
  aws_security_group: ec2('security-group', 'sg'),
  aws_default_security_group: ec2('security-group', 'sg'),
  aws_internet_gateway: ec2('internet-gateway', 'igw'),
  aws_egress_only_internet_gateway: ec2('egress-only-internet-gateway', 'eigw'),
  aws_nat_gateway: ec2('natgateway', 'nat'),
  aws_route_table: ec2('route-table', 'rtb'),
  aws_default_route_table: ec2('route-table', 'rtb'),
  aws_network_acl: ec2('network-acl', 'acl'),
  aws_default_network_acl: ec2('network-acl', 'acl'),
  aws_eip: ec2('elastic-ip', 'eipalloc'),
  aws_vpc_endpoint: ec2('vpc-endpoint', 'vpce'),
  aws_flow_log: ec2('vpc-flow-log', 'fl'),
  aws_vpc_security_group_ingress_rule: ec2('security-group-rule', 'sgr'),
  aws_vpc_security_group_egress_rule: ec2('security-group-rule', 'sgr'),
  aws_lb: {
    service: 'elasticloadbalancing',
    resource: (c) => `loadbalancer/${lbSuffix(c)}`,
    id: 'arn',
    arnSuffix: lbSuffix,
  },
  aws_lb_target_group: {
    service: 'elasticloadbalancing',
    resource: tgSuffix,
    id: 'arn',
    arnSuffix: tgSuffix,
  },
  aws_lb_listener: {
    service: 'elasticloadbalancing',
    // Under its load balancer's ARN, when the producer says which.
    resource: (c) => `listener/${lbSuffix(c.related('load_balancer_arn') ?? c)}/${c.hex(16, 'listener')}`,
    id: 'arn',
  },
  aws_lb_listener_rule: {
    service: 'elasticloadbalancing',
    resource: (c) => {
      const listener = c.related('listener_arn');
      const lb = listener?.related('load_balancer_arn') ?? c;
      return `listener-rule/${lbSuffix(lb)}/${(listener ?? c).hex(16, 'listener')}/${c.hex(16, 'rule')}`;
    },
    id: 'arn',
  },
  aws_ecs_cluster: { service: 'ecs', resource: (c) => `cluster/${c.resourceName}`, id: 'arn' },
  aws_ecs_service: {
    service: 'ecs',
    resource: (c) => `service/${c.resourceName}/${c.resourceName}`,
    id: 'arn',
  },
  aws_ecs_task_definition: { service: 'ecs', resource: (c) => `task-definition/${c.resourceName}:1` },
  aws_kms_key: { service: 'kms', resource: (c) => `key/${uuid(c)}`, id: (c) => uuid(c) },
  aws_kms_alias: {
    service: 'kms',
    resource: (c) => `alias/${c.resourceName}`,
    id: (c) => `alias/${c.resourceName}`,
  },
  aws_efs_file_system: {
    service: 'elasticfilesystem',
    resource: (c) => `file-system/${prefixed('fs', c)}`,
    id: 'fs',
  },
  aws_efs_access_point: {
    service: 'elasticfilesystem',
    resource: (c) => `access-point/${prefixed('fsap', c)}`,
    id: 'fsap',
  },
  aws_efs_mount_target: {
    service: 'elasticfilesystem',
    resource: (c) => `mount-target/${prefixed('fsmt', c)}`,
    id: 'fsmt',
  },
  aws_s3_bucket: { service: 's3', resource: (c) => c.resourceName, scope: 'none' },
  aws_iam_role: { service: 'iam', resource: (c) => `role/${c.resourceName}`, scope: 'global' },
  aws_iam_policy: { service: 'iam', resource: (c) => `policy/${c.resourceName}`, scope: 'global', id: 'arn' },
  aws_cloudwatch_log_group: { service: 'logs', resource: (c) => `log-group:${c.resourceName}` },
  aws_cloudwatch_metric_alarm: { service: 'cloudwatch', resource: (c) => `alarm:${c.resourceName}` },
  aws_ecr_repository: { service: 'ecr', resource: (c) => `repository/${c.resourceName}` },
  aws_sns_topic: { service: 'sns', resource: (c) => c.resourceName, id: 'arn' },
  aws_sqs_queue: {
    service: 'sqs',
    resource: (c) => c.resourceName,
    id: (c) => `https://sqs.${c.region}.amazonaws.com/${c.account}/${c.resourceName}`,
  },
  aws_secretsmanager_secret: {
    service: 'secretsmanager',
    resource: (c) => `secret:${c.resourceName}-${c.hex(6, 'secret')}`,
    id: 'arn',
  },
  aws_ssm_parameter: { service: 'ssm', resource: (c) => `parameter/${c.resourceName}` },
  aws_acm_certificate: { service: 'acm', resource: (c) => `certificate/${uuid(c)}`, id: 'arn' },
  aws_wafv2_web_acl: {
    service: 'wafv2',
    resource: (c) => `regional/webacl/${c.resourceName}/${uuid(c)}`,
    id: (c) => uuid(c),
  },
  aws_backup_vault: { service: 'backup', resource: (c) => `backup-vault:${c.resourceName}` },
  aws_backup_plan: { service: 'backup', resource: (c) => `backup-plan:${uuid(c)}`, id: (c) => uuid(c) },
  aws_service_discovery_private_dns_namespace: {
    service: 'servicediscovery',
    resource: (c) => `namespace/${prefixed('ns', c)}`,
    id: 'ns',
  },
  aws_service_discovery_http_namespace: {
    service: 'servicediscovery',
    resource: (c) => `namespace/${prefixed('ns', c)}`,
    id: 'ns',
  },
  aws_service_discovery_service: {
    service: 'servicediscovery',
    resource: (c) => `service/${prefixed('srv', c)}`,
    id: 'srv',
  },
  aws_route53_zone: {
    service: 'route53',
    resource: (c) => `hostedzone/${zoneId(c)}`,
    scope: 'none',
    id: (c) => zoneId(c),
  },
  aws_globalaccelerator_accelerator: {
    service: 'globalaccelerator',
    resource: (c) => `accelerator/${uuid(c)}`,
    scope: 'global',
    id: 'arn',
  },
  aws_scheduler_schedule_group: { service: 'scheduler', resource: (c) => `schedule-group/${c.resourceName}` },
  aws_region: { service: 'ec2', resource: (c) => c.region, id: (c) => c.region },
};

/** `Z` and 13 upper-case hex digits, the shape of a Route 53 hosted zone id. */
const zoneId = (c: PlaceholderContext) => `Z${c.hex(13, 'zone').toUpperCase()}`;

/** `*_arn` (and `kms_key_id`) attributes that name another resource's ARN: that type's ARN. */
const ARN_OF: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(kms_key_arn|kms_key_id|target_key_arn)$/, 'aws_kms_key'],
  [/^(execution_role_arn|task_role_arn|role_arn|iam_role_arn)$/, 'aws_iam_role'],
  [/^target_group_arns?$/, 'aws_lb_target_group'],
  [/^load_balancer_arn$/, 'aws_lb'],
  [/^listener_arn$/, 'aws_lb_listener'],
  [/^(topic_arn|sns_topic_arn)$/, 'aws_sns_topic'],
  [/^certificate_arn$/, 'aws_acm_certificate'],
  [/^log_group_arn$/, 'aws_cloudwatch_log_group'],
  [/^(cluster_arn|cluster)$/, 'aws_ecs_cluster'],
  [/^file_system_arn$/, 'aws_efs_file_system'],
  [/^access_point_arn$/, 'aws_efs_access_point'],
];

/** `*_id(s)` attributes and list attributes that hold another resource's id: that type's. */
const ID_OF: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(vpc_id)$/, 'aws_vpc'],
  [/^(subnet_id|subnet_ids|subnets|private_subnets|public_subnets)$/, 'aws_subnet'],
  [/^(security_group_id|security_group_ids|security_groups|vpc_security_group_ids)$/, 'aws_security_group'],
  [/^(file_system_id)$/, 'aws_efs_file_system'],
  [/^(access_point_id)$/, 'aws_efs_access_point'],
  [/^(route_table_id|route_table_ids)$/, 'aws_route_table'],
  [/^(nat_gateway_id)$/, 'aws_nat_gateway'],
  [/^(internet_gateway_id|gateway_id)$/, 'aws_internet_gateway'],
  [/^(network_acl_id|default_network_acl_id)$/, 'aws_network_acl'],
  [/^(default_security_group_id)$/, 'aws_security_group'],
  [/^(default_route_table_id|main_route_table_id)$/, 'aws_route_table'],
  [/^(allocation_id)$/, 'aws_eip'],
  [/^(hosted_zone_id|zone_id)$/, 'aws_route53_zone'],
  [/^(namespace_id)$/, 'aws_service_discovery_private_dns_namespace'],
  [/^(web_acl_id)$/, 'aws_wafv2_web_acl'],
];

/** Attributes whose value is a list (of ids by ID_OF, else of strings). */
const LIST_ATTRIBUTE =
  /^(subnets|security_groups|[a-z_]+_ids|[a-z_]+_arns|cidr_blocks|ipv6_cidr_blocks|name_servers|names|zone_ids|ip_addresses|availability_zones)$/;

/** A context for another type (the one an `*_arn` or `*_id` attribute names), same address. */
const asType = (c: PlaceholderContext, type: string): PlaceholderContext => ({ ...c, type, literals: {} });

/** The type's ARN. */
export function arnOf(c: PlaceholderContext): string {
  const rule = TYPES[c.type];
  if (rule) return arn(c, rule.service, rule.resource(c), rule.scope);
  const [, service = 'offline', ...rest] = c.type.split('_');
  return arn(c, service, `${rest.join('-') || 'resource'}/${c.resourceName}`);
}

/** The type's `id`. */
export function idOf(c: PlaceholderContext): string {
  const id = TYPES[c.type]?.id ?? 'name';
  if (typeof id === 'function') return id(c);
  if (id === 'arn') return arnOf(c);
  if (id === 'name') return c.resourceName;
  return prefixed(id, c);
}

/** A list of two distinct values (a load balancer wants two subnets, for instance). */
const two = (value: (salt: string) => string) => [value('a'), value('b')];

/** Per attribute name, whatever the type; the first match wins. */
const ATTRIBUTES: ReadonlyArray<readonly [RegExp, (c: PlaceholderContext) => unknown]> = [
  [/^arn$/, arnOf],
  [/^id$/, idOf],
  [/^arn_suffix$/, (c) => (TYPES[c.type]?.arnSuffix ?? ((x: PlaceholderContext) => x.resourceName))(c)],
  [/^(name|bucket|family|name_prefix)$/, (c) => (c.type === 'aws_region' ? c.region : c.resourceName)],
  [/^key_id$/, (c) => uuid(c)],
  [/^(owner_id|account_id|registry_id)$/, (c) => c.account],
  [/^partition$/, () => 'aws'],
  [/^(region|region_name)$/, (c) => c.region],
  [/^availability_zone$/, (c) => `${c.region}a`],
  [/^(availability_zones|names)$/, (c) => [`${c.region}a`, `${c.region}b`]],
  [/^repository_url$/, (c) => `${c.account}.dkr.ecr.${c.region}.amazonaws.com/${c.resourceName}`],
  [/^url$/, (c) => `https://sqs.${c.region}.amazonaws.com/${c.account}/${c.resourceName}`],
  [/^bucket_domain_name$/, (c) => `${c.resourceName}.s3.amazonaws.com`],
  [/^bucket_regional_domain_name$/, (c) => `${c.resourceName}.s3.${c.region}.amazonaws.com`],
  [
    /^dns_name$/,
    (c) =>
      c.type === 'aws_efs_file_system'
        ? `${idOf(c)}.efs.${c.region}.amazonaws.com`
        : c.type.startsWith('aws_globalaccelerator')
          ? `${c.hex(16, 'dns')}.awsglobalaccelerator.com`
          : `${c.resourceName}-${parseInt(c.hex(8, 'dns'), 16)}.${c.region}.elb.amazonaws.com`,
  ],
  [/^name_servers$/, (c) => two((s) => `ns-${parseInt(c.hex(3, s), 16)}.awsdns-${s === 'a' ? 1 : 2}.org`)],
  [/^cidr_block$/, () => '10.0.0.0/16'],
  [/^cidr_blocks$/, () => ['10.0.0.0/16']],
  [/^ipv6_cidr_block$/, (c) => `2600:1f18:${c.hex(4, 'v6')}:${c.hex(2, 'v6b')}00::/56`],
  [/^(tags|tags_all)$/, (c) => (c.literals.tags as Record<string, string> | undefined) ?? {}],
  [/^revision$/, () => 1],
  [/^port$/, () => 443],
  [/_arn$/, (c) => arnOf(relatedType(c, ARN_OF) ?? c)],
  [
    /_arns$/,
    (c) => two((s) => arnOf({ ...(relatedType(c, ARN_OF) ?? c), resourceName: `${c.resourceName}-${s}` })),
  ],
  [/^kms_key_id$/, (c) => arnOf(asType(c, 'aws_kms_key'))],
  [
    LIST_ATTRIBUTE,
    (c) => two((s) => idOf({ ...(relatedType(c, ID_OF) ?? c), hex: (n, salt) => c.hex(n, `${salt}-${s}`) })),
  ],
  [/_id$/, (c) => idOf(relatedType(c, ID_OF) ?? c)],
];

function relatedType(
  c: PlaceholderContext,
  table: ReadonlyArray<readonly [RegExp, string]>,
): PlaceholderContext | undefined {
  const entry = table.find(([pattern]) => pattern.test(c.attribute));
  return entry ? asType(c, entry[1]) : undefined;
}

/** The region of the resource's provider (`aws.<alias>`) in the producer, else of its default one. */
function regionOf(producer: ProducerJson, block: Block | undefined): string {
  const providers = producer.provider?.aws ?? [];
  const alias = typeof block?.provider === 'string' ? block.provider.split('.')[1] : undefined;
  const provider = providers.find((p) => p.alias === alias) ?? providers.find((p) => !p.alias);
  return typeof provider?.region === 'string' && literal(provider.region) ? provider.region : FALLBACK_REGION;
}

function accountOf(producer: ProducerJson): string {
  const ids = new Set(
    (producer.provider?.aws ?? []).flatMap((p) =>
      Array.isArray(p.allowed_account_ids) ? p.allowed_account_ids : [],
    ),
  );
  const [only] = [...ids];
  return ids.size === 1 && typeof only === 'string' && /^\d{12}$/.test(only) ? only : PLACEHOLDER_ACCOUNT;
}

/** The context of one reference into a producer stack. */
export function placeholderContext(
  stack: string,
  producer: ProducerJson,
  reference: ProducerReference,
): PlaceholderContext {
  const blocks = reference.mode === 'data' ? producer.data : producer.resource;
  const block = blocks?.[reference.type]?.[reference.name];
  const literals = Object.fromEntries(
    Object.entries(block ?? {}).filter(([key, value]) => key !== '//' && literal(value)),
  );
  const named = [literals.name, literals.bucket, literals.family].find(
    (value): value is string => typeof value === 'string',
  );
  const address = `${reference.mode === 'data' ? 'data.' : ''}${reference.type}.${reference.name}`;
  const attribute = [...reference.path].reverse().find((part) => !/^\d+$/.test(part)) ?? reference.path[0];
  return {
    stack,
    type: reference.type,
    attribute,
    region: regionOf(producer, block),
    account: accountOf(producer),
    literals,
    resourceName: named ?? dnsSafe(reference.name),
    related: (argument) => {
      const target = parseReference(block?.[argument]);
      return target ? placeholderContext(stack, producer, target) : undefined;
    },
    hex: (count, salt = '') => {
      let out = '';
      for (let i = 0; out.length < count; i += 1) {
        out += createHash('sha256').update(`${stack}\0${address}\0${salt}\0${i}`).digest('hex');
      }
      return out.slice(0, count);
    },
  };
}

/**
 * The placeholder for one reference into a producer: the producer's own literal argument when the
 * attribute is one (a `name`, a `cidr_block`), else the first ATTRIBUTES rule that matches, else a
 * DNS-safe string naming the address and attribute.
 */
export function placeholderFor(stack: string, producer: ProducerJson, reference: ProducerReference): unknown {
  const c = placeholderContext(stack, producer, reference);
  if (reference.path.length === 1 && c.attribute in c.literals) return c.literals[c.attribute];
  const rule = ATTRIBUTES.find(([pattern]) => pattern.test(c.attribute));
  return rule ? rule[1](c) : dnsSafe(`${c.resourceName}-${c.attribute}`, 63);
}
