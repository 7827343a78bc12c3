import { RuleCheck } from '../stack-view';

/** The keys that tie a statement to principals of one account or organization. */
const PRINCIPAL_KEYS = /^aws:(PrincipalAccount|PrincipalOrgID|PrincipalOrgPaths)$/i;

type Statement = Record<string, unknown>;

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The condition keys a statement tests, whatever the operator. */
function conditionKeys(statement: Statement): string[] {
  const condition = statement.Condition;
  if (condition === null || typeof condition !== 'object') return [];
  return Object.values(condition as Record<string, unknown>).flatMap((test) =>
    test !== null && typeof test === 'object' ? Object.keys(test as Record<string, unknown>) : [],
  );
}

/**
 * Whether an Allow statement admits only this account's principals: a principal condition, a
 * principal that is not `*`, or (for an AWS-owned resource such as ECR's image layer bucket, where
 * neither the resource nor the signer is the account) named actions without wildcards on named
 * resources.
 */
function scoped(statement: Statement): boolean {
  if (statement.Effect !== 'Allow') return true;
  if (conditionKeys(statement).some((key) => PRINCIPAL_KEYS.test(key))) return true;
  const principal = statement.Principal;
  const principals =
    principal !== null && typeof principal === 'object'
      ? Object.values(principal as Record<string, unknown>).flatMap(list)
      : list(principal);
  if (principals.length > 0 && principals.every((p) => typeof p === 'string' && !p.includes('*')))
    return true;
  const actions = list(statement.Action);
  const resources = list(statement.Resource);
  return (
    statement.NotAction === undefined &&
    statement.NotResource === undefined &&
    actions.length > 0 &&
    actions.every((a) => typeof a === 'string' && !a.includes('*')) &&
    resources.length > 0 &&
    resources.every(
      (r) =>
        typeof r === 'string' &&
        r !== '*' &&
        !/^arn:[^:]+:[^:]*:[^:]*:[^:]*:\*?$/.test(r) &&
        !r.startsWith('arn:aws:s3:::*'),
    )
  );
}

/**
 * A VPC endpoint has a policy of its own (without one, AWS attaches full access for any principal,
 * so the endpoint reaches any account's resources), written inline as JSON, whose every Allow
 * statement admits only the account's principals, or only named actions on named resources.
 */
export const vpcEndpointPolicyScoped: RuleCheck = {
  appliesTo: ['aws_vpc_endpoint'],
  check(endpoint) {
    const policy = endpoint.config.policy;
    if (typeof policy !== 'string') return 'non-compliant';
    let document: { Statement?: unknown };
    try {
      document = JSON.parse(policy) as { Statement?: unknown };
    } catch {
      // An expression (a data source's JSON, a function) cannot be read here: write the policy inline.
      return 'non-compliant';
    }
    const statements = list(document.Statement);
    return statements.length > 0 &&
      statements.every((s) => s !== null && typeof s === 'object' && scoped(s as Statement))
      ? 'compliant'
      : 'non-compliant';
  },
};
