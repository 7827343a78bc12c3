import { RuleCheck } from '../stack-view';
import { PolicyStatement, policyStatements } from './_elb-iam-vpc-helpers';

/** Condition keys that confine a principal `*` to an account or an organization. */
const SCOPING_KEYS = ['aws:principalaccount', 'aws:sourceaccount', 'aws:principalorgid'];
/**
 * Operators that require the key to equal one of the values. Negated operators, `...IfExists` and
 * `ForAllValues:` (which pass when the key is absent) and `Null` do not restrict.
 */
const RESTRICTING_TEST = /^(ForAnyValue:)?String(Equals|EqualsIgnoreCase|Like)$/;

/**
 * A role's trust policy does not let every AWS principal assume it: no Allow statement with
 * principal `*` (`AWS: "*"`, or `Principal: "*"` in JSON) or with NotPrincipal (everyone but a
 * few), unless a condition pins aws:PrincipalAccount, aws:SourceAccount or aws:PrincipalOrgID to
 * values other than `*`. A trust policy that cannot be read from the stack is not applicable.
 * Principal identifiers given by expressions are taken to be the ARNs they reference, not `*`.
 */
export const iamNoWildcardTrust: RuleCheck = {
  appliesTo: ['aws_iam_role'],
  check(role, stack) {
    const statements = policyStatements(role.config.assume_role_policy, stack);
    if (statements === undefined) return 'not-applicable';
    return statements.some((s) => s.allow && trustsAnyone(s) && !scoped(s)) ? 'non-compliant' : 'compliant';
  },
};

function trustsAnyone(s: PolicyStatement): boolean {
  return (
    s.notPrincipals.length > 0 ||
    s.principals.some((p) => (p.type === 'AWS' || p.type === '*') && p.identifiers.includes('*'))
  );
}

function scoped(s: PolicyStatement): boolean {
  return s.conditions.some(
    (c) =>
      SCOPING_KEYS.includes(c.variable.toLowerCase()) &&
      RESTRICTING_TEST.test(c.test) &&
      c.values.length > 0 &&
      !c.values.includes('*'),
  );
}
