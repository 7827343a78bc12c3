import { RuleCheck } from '../stack-view';
import { PolicyStatement, isWildcardAction, policyDocuments } from './_elb-iam-vpc-helpers';

/**
 * IAM policies (managed, role inline, and aws_iam_role's inline_policy blocks) allow no wildcard
 * action: no Allow of `*` or `<service>:*`, and no Allow with NotAction (which allows every action
 * but a few). Partial wildcards such as `s3:Get*` pass. A role without inline_policy blocks, or a
 * policy whose document cannot be read from the stack or whose action list is an expression,
 * is not applicable (unless another statement already fails). Resource policies (KMS keys, buckets,
 * topics) are not IAM policies and are not checked.
 */
export const iamNoWildcardActions: RuleCheck = {
  appliesTo: ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_role'],
  check(resource, stack) {
    const documents = policyDocuments(resource, stack);
    if (documents.length === 0) return 'not-applicable';
    if (documents.some((d) => d?.some(allowsWildcard))) return 'non-compliant';
    return documents.every((d) => d?.every((s) => !s.opaqueActions)) ? 'compliant' : 'not-applicable';
  },
};

function allowsWildcard(s: PolicyStatement): boolean {
  return s.allow && (s.notActions.length > 0 || s.actions.some(isWildcardAction));
}
