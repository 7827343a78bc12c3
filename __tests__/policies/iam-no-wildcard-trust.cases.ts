import { Fn } from 'cdktf';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamNoWildcardTrust } from '../../policies/rules/iam-no-wildcard-trust';
import { ruleResults } from '../../test-support/policy';

const assume = { effect: 'Allow', actions: ['sts:AssumeRole'] };
const anyone = [{ type: 'AWS', identifiers: ['*'] }];

describe('rule iam-no-wildcard-trust', () => {
  it('passes named principals and "*" pinned to an account or organization, fails unconditioned "*"', () => {
    // GIVEN roles trusting a service, everyone, everyone in an org, everyone but one account, and (JSON) "*"
    const results = ruleResults(iamNoWildcardTrust, (scope, provider) => {
      const role = (id: string, statement: DataAwsIamPolicyDocumentStatement) =>
        new IamRole(scope, id, {
          provider,
          assumeRolePolicy: new DataAwsIamPolicyDocument(scope, `${id}Trust`, {
            provider,
            statement: [statement],
          }).json,
        });
      role('Service', {
        ...assume,
        principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
      });
      role('Anyone', { ...assume, principals: anyone });
      role('AnyoneInOrg', {
        ...assume,
        principals: anyone,
        condition: [{ test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-abc123'] }],
      });
      role('AnyoneButOneAccount', {
        ...assume,
        principals: anyone,
        condition: [{ test: 'StringNotEquals', variable: 'aws:PrincipalAccount', values: ['111111111111'] }],
      });
      new IamRole(scope, 'LiteralStar', {
        provider,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }],
        }),
      });
      new IamRole(scope, 'LiteralStarInAccount', {
        provider,
        assumeRolePolicy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { AWS: ['*'] },
              Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } },
            },
          ],
        }),
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Service: 'compliant',
      Anyone: 'non-compliant',
      AnyoneInOrg: 'compliant',
      AnyoneButOneAccount: 'non-compliant',
      LiteralStar: 'non-compliant',
      LiteralStarInAccount: 'compliant',
    });
  });

  it('does not apply to a trust policy that is not in the stack', () => {
    // GIVEN a trust policy read from a file WHEN checked THEN not applicable
    const results = ruleResults(iamNoWildcardTrust, (scope, provider) => {
      new IamRole(scope, 'FromFile', { provider, assumeRolePolicy: Fn.file('trust.json') });
    });
    expect(results).toEqual({ FromFile: 'not-applicable' });
  });
});
