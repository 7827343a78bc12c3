import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { iamNoWildcardActions } from '../../policies/rules/iam-no-wildcard-actions';
import { ruleResults } from '../../test-support/policy';

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
  ],
});

/** The `.json` of a policy document with these statements. */
const document = (
  scope: Construct,
  provider: AwsProvider,
  id: string,
  statement: DataAwsIamPolicyDocumentStatement[],
) => new DataAwsIamPolicyDocument(scope, id, { provider, statement }).json;

describe('rule iam-no-wildcard-actions', () => {
  it('passes policies listing their actions, fails those allowing "*", "service:*" or NotAction', () => {
    // GIVEN identity policies from policy documents and literal JSON, and a KMS key policy with kms:*
    const results = ruleResults(iamNoWildcardActions, (scope, provider) => {
      new IamRolePolicy(scope, 'Listed', {
        provider,
        role: 'r',
        policy: document(scope, provider, 'ListedDoc', [
          { actions: ['s3:GetObject', 's3:Get*'], resources: ['arn:aws:s3:::b/*'] },
          { effect: 'Deny', actions: ['*'], resources: ['*'] },
        ]),
      });
      new IamPolicy(scope, 'ServiceWildcard', {
        provider,
        policy: document(scope, provider, 'ServiceWildcardDoc', [{ actions: ['s3:*'], resources: ['*'] }]),
      });
      new IamRolePolicy(scope, 'LiteralStar', {
        provider,
        role: 'r',
        policy: JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' } }),
      });
      new IamPolicy(scope, 'NotAction', {
        provider,
        policy: document(scope, provider, 'NotActionDoc', [{ notActions: ['iam:*'], resources: ['*'] }]),
      });
      new KmsKey(scope, 'Key', {
        provider,
        policy: document(scope, provider, 'KeyPolicy', [
          {
            actions: ['kms:*'],
            resources: ['*'],
            principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::1:root'] }],
          },
        ]),
      });
    });
    // WHEN checked THEN wildcards and NotAction fail; the key policy is not an IAM policy and is not checked
    expect(results).toEqual({
      Listed: 'compliant',
      ServiceWildcard: 'non-compliant',
      LiteralStar: 'non-compliant',
      NotAction: 'non-compliant',
    });
  });

  it("checks a role's inline_policy blocks and skips a role without them", () => {
    // GIVEN a role with a wildcard inline policy, one with a narrow one, and one with none
    const results = ruleResults(iamNoWildcardActions, (scope, provider) => {
      const inline = (id: string, actions: string[]) =>
        new IamRole(scope, id, {
          provider,
          assumeRolePolicy: trust,
          inlinePolicy: [
            {
              name: 'p',
              policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
            },
          ],
        });
      inline('WildcardInline', ['logs:CreateLogStream', 'ec2:*']);
      inline('NarrowInline', ['logs:CreateLogStream']);
      new IamRole(scope, 'NoInline', { provider, assumeRolePolicy: trust });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      WildcardInline: 'non-compliant',
      NarrowInline: 'compliant',
      NoInline: 'not-applicable',
    });
  });

  it('does not apply to a policy whose document is not in the stack', () => {
    // GIVEN a policy read from a file at plan time WHEN checked THEN not applicable
    const results = ruleResults(iamNoWildcardActions, (scope, provider) => {
      new IamPolicy(scope, 'FromFile', { provider, policy: Fn.file('policy.json') });
    });
    expect(results).toEqual({ FromFile: 'not-applicable' });
  });
});
