import { RuleCheck, StackView } from '../stack-view';
import { PolicyStatement, isExpression, policyDocuments, strings } from './_elb-iam-vpc-helpers';

/** AWS's AdministratorAccess managed policy, in any partition (also `arn:${...partition}:...`). */
const ADMINISTRATOR_ACCESS = /^arn:[^:]+:iam::aws:policy\/AdministratorAccess$/;

/**
 * No IAM policy allows `*` on `*`, and no role gets AdministratorAccess, whether through an
 * aws_iam_role_policy_attachment, the role's managed_policy_arns, or a data.aws_iam_policy of that
 * name. A role with neither inline policies nor managed ARNs is not applicable (its attachments are
 * checked on their own). Not applicable too: a document that cannot be read or whose action list
 * is an expression, and an attached ARN given by an expression naming no policy of the stack (a
 * variable, a file). An ARN referencing a policy of the stack is compliant here: that policy's
 * document is checked on its own.
 */
export const iamNoAdminPolicies: RuleCheck = {
  appliesTo: ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment'],
  check(resource, stack) {
    const arns =
      resource.type === 'aws_iam_role_policy_attachment'
        ? [resource.config.policy_arn]
        : resource.type === 'aws_iam_role'
          ? managedArns(resource.config.managed_policy_arns)
          : [];
    const documents =
      resource.type === 'aws_iam_role_policy_attachment' ? [] : policyDocuments(resource, stack);
    if (arns.length === 0 && documents.length === 0) return 'not-applicable';
    const arnResults = arns.map((arn) => attachedArn(arn, stack));
    if (arnResults.includes('admin') || documents.some((d) => d?.some(allowsAll))) return 'non-compliant';
    const unknown =
      arnResults.includes('unknown') ||
      documents.some((d) => d === undefined || d.some((s) => s.opaqueActions));
    return unknown ? 'not-applicable' : 'compliant';
  },
};

function allowsAll(s: PolicyStatement): boolean {
  return s.allow && s.actions.includes('*') && s.resources.includes('*');
}

/** `managed_policy_arns` is a list, or one expression for the whole list. */
function managedArns(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function attachedArn(arn: unknown, stack: StackView): 'admin' | 'other' | 'unknown' {
  if (typeof arn !== 'string') return 'unknown';
  if (ADMINISTRATOR_ACCESS.test(arn)) return 'admin';
  if (!isExpression(arn)) return 'other';
  const policies = stack.referencedBy(arn, 'aws_iam_policy');
  const adminData = policies.some(
    (p) =>
      p.mode === 'data' &&
      (p.config.name === 'AdministratorAccess' ||
        strings(p.config.arn).some((a) => ADMINISTRATOR_ACCESS.test(a))),
  );
  if (adminData) return 'admin';
  return policies.some((p) => p.mode === 'resource') ? 'other' : 'unknown';
}
