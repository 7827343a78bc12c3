/**
 * Helpers shared by the EFS, S3 and AWS Backup rules: nested blocks, companion resources, provider
 * regions, customer-managed keys and resource-policy statements (from `aws_iam_policy_document`
 * data blocks or literal JSON). Pure functions of the StackView.
 */
import { Block, RuleResult, StackView } from '../stack-view';

type Config = Record<string, unknown>;

/** A nested block as synthesized: one object, a list of objects, or nothing. */
export function blocks(value: unknown): Config[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is Config => item !== null && typeof item === 'object');
}

/** Terraform JSON booleans are usually `true`, sometimes the string "true". */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Whether `value` holds a reference to `target` (any of its attributes). */
export function references(stack: StackView, value: unknown, target: Block): boolean {
  return stack.referencedBy(value, target.type).includes(target);
}

/** Resources of `type` whose argument `field` references `target`. */
export function companions(stack: StackView, target: Block, type: string, field: string): Block[] {
  return stack.resources(type).filter((b) => references(stack, b.config[field], target));
}

/**
 * Resources of `type` attached to `bucket` through their `bucket` argument: a reference to the
 * bucket, or its literal name.
 */
export function bucketCompanions(stack: StackView, bucket: Block, type: string): Block[] {
  const name = literal(bucket.config.bucket);
  return stack
    .resources(type)
    .filter(
      (b) => references(stack, b.config.bucket, bucket) || (name !== undefined && b.config.bucket === name),
    );
}

/**
 * The verdict over every place that configures a setting (an inline argument, companion resources
 * that overwrite each other): compliant only if there is at least one and each is compliant.
 */
export function allHold(results: boolean[]): RuleResult {
  return results.length > 0 && results.every(Boolean) ? 'compliant' : 'non-compliant';
}

/** A string without interpolation, else undefined. */
export function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The region of a block's provider. The view has no provider blocks, so this relies on the project's
 * convention that an aliased provider is named after its region with underscores (`aws.us_east_1`
 * is us-east-1). Undefined for the default provider or an alias that is not a region.
 */
export function providerRegion(block: Block): string | undefined {
  const alias = /^aws\.(.+)$/.exec(String(block.config.provider ?? ''))?.[1]?.replace(/_/g, '-');
  return alias !== undefined && REGION.test(alias) ? alias : undefined;
}

/** Same region: by alias-derived regions when both are known, else by provider (default = `aws`). */
export function sameRegion(a: Block, b: Block): boolean {
  const [ra, rb] = [providerRegion(a), providerRegion(b)];
  if (ra !== undefined && rb !== undefined) return ra === rb;
  return (a.config.provider ?? 'aws') === (b.config.provider ?? 'aws');
}

const AWS_MANAGED_ALIAS = /alias\/aws\//;

/**
 * A KMS key argument that names a customer-managed key: set, and neither a literal AWS-managed
 * alias (`alias/aws/...`) nor a `data.aws_kms_key` / `data.aws_kms_alias` looking one up. A reference
 * to anything else (a key in the stack, a variable) counts as customer-managed.
 */
export function isCustomerManagedKey(stack: StackView, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  if (AWS_MANAGED_ALIAS.test(literal(value) ?? '')) return false;
  const lookups = [...stack.referencedBy(value, 'aws_kms_key'), ...stack.referencedBy(value, 'aws_kms_alias')]
    .filter((b) => b.mode === 'data')
    .map((b) => String(b.config.key_id ?? b.config.name ?? ''));
  return !lookups.some((id) => AWS_MANAGED_ALIAS.test(id));
}

/** IAM-style wildcard match: `*` any run of characters, `?` one character. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** One policy statement, normalized from a policy document data block or from JSON. */
export interface Statement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
  readonly principals: Array<{ type: string; identifiers: string[] }>;
  readonly notPrincipals: Array<{ type: string; identifiers: string[] }>;
  readonly conditions: Array<{ test: string; variable: string; values: string[] }>;
}

const DOCUMENT_JSON = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(?:json|minified_json)\}$/;

/**
 * The statements of a policy argument: `${data.aws_iam_policy_document.x.json}` (with its source and
 * override documents merged by sid, as the data source does) or a literal JSON document. Undefined
 * when the policy cannot be read from the configuration (a variable, another resource's attribute,
 * a `jsonencode` expression): callers treat that as unproven, hence non-compliant.
 */
export function policyStatements(stack: StackView, policy: unknown): Statement[] | undefined {
  if (typeof policy !== 'string') return undefined;
  const address = DOCUMENT_JSON.exec(policy)?.[1];
  if (address !== undefined) {
    const document = stack.byAddress(address);
    return document ? documentStatements(stack, document) : undefined;
  }
  try {
    const parsed = JSON.parse(policy) as { Statement?: unknown };
    return blocks(parsed.Statement).map(jsonStatement);
  } catch {
    return undefined;
  }
}

function documentStatements(stack: StackView, document: Block): Statement[] | undefined {
  const merged: Statement[] = [];
  const add = (statements: Statement[]): void => {
    for (const statement of statements) {
      const same = merged.findIndex((s) => statement.sid && s.sid === statement.sid);
      if (same >= 0) merged.splice(same, 1);
      merged.push(statement);
    }
  };
  // Unreadable sources cannot take anything away (the document's own statements override them);
  // an unreadable override could, so it makes the whole document unreadable.
  strings(document.config.source_policy_documents).forEach((s) => add(policyStatements(stack, s) ?? []));
  add(blocks(document.config.statement).map(documentStatement));
  for (const override of strings(document.config.override_policy_documents)) {
    const statements = policyStatements(stack, override);
    if (!statements) return undefined;
    add(statements);
  }
  return merged;
}

function documentStatement(s: Config): Statement {
  const principals = (value: unknown) =>
    blocks(value).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) }));
  return {
    sid: typeof s.sid === 'string' && s.sid !== '' ? s.sid : undefined,
    effect: String(s.effect ?? 'Allow'),
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    notResources: strings(s.not_resources),
    principals: principals(s.principals),
    notPrincipals: principals(s.not_principals),
    conditions: blocks(s.condition).map((c) => ({
      test: String(c.test),
      variable: String(c.variable),
      values: strings(c.values),
    })),
  };
}

function jsonStatement(s: Config): Statement {
  const principals = (value: unknown) =>
    value === '*'
      ? [{ type: '*', identifiers: ['*'] }]
      : Object.entries(blocks(value)[0] ?? {}).map(([type, ids]) => ({ type, identifiers: strings(ids) }));
  return {
    sid: typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined,
    effect: String(s.Effect),
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
    principals: principals(s.Principal),
    notPrincipals: principals(s.NotPrincipal),
    conditions: blocks(s.Condition).flatMap((byTest) =>
      Object.entries(byTest).flatMap(([test, byVariable]) =>
        Object.entries(blocks(byVariable)[0] ?? {}).map(([variable, values]) => ({
          test,
          variable,
          values: strings(values),
        })),
      ),
    ),
  };
}

/**
 * A Deny for every principal whose only conditions are `aws:SecureTransport` = false (Bool or
 * BoolIfExists, the key is always present): it refuses every request made without TLS. A statement
 * with NotPrincipal or extra conditions exempts some requests, so it does not count.
 */
export function deniesInsecureTransport(statement: Statement): boolean {
  const everyone = statement.principals.some(
    (p) => (p.type === '*' || p.type === 'AWS') && p.identifiers.includes('*'),
  );
  return (
    statement.effect.toLowerCase() === 'deny' &&
    everyone &&
    statement.notPrincipals.length === 0 &&
    statement.conditions.length > 0 &&
    statement.conditions.every(
      (c) =>
        ['bool', 'boolifexists'].includes(c.test.toLowerCase()) &&
        c.variable.toLowerCase() === 'aws:securetransport' &&
        c.values.some((v) => v.toLowerCase() === 'false'),
    )
  );
}

/** Whether `value` is a string interpolating `target`'s `attribute` (e.g. `${aws_x.name.arn}`). */
export function referencesAttribute(value: unknown, target: Block, attribute: string): boolean {
  if (typeof value !== 'string' || !value.includes('${')) return false;
  const address = target.address.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`(?<![\\w.-])${address}\\.${attribute}\\b`).test(value);
}

/** A list argument as strings (a single value counts as a one-element list). */
export const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).map(String);
