import { Fn } from 'cdktf';
import { DataAwsIamPolicy } from '@cdktf/provider-aws/lib/data-aws-iam-policy';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { iamNoAdminPolicies } from '../../policies/rules/iam-no-admin-policies';
import { ruleResults } from '../../test-support/policy';

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
  ],
});

describe('rule iam-no-admin-policies', () => {
  it('fails a policy allowing "*" on "*", passes narrower ones', () => {
    // GIVEN policies allowing *:*, * on one bucket, and s3:* on *
    const results = ruleResults(iamNoAdminPolicies, (scope, provider) => {
      const policy = (id: string, actions: string[], resources: string[]) =>
        new IamPolicy(scope, id, {
          provider,
          policy: new DataAwsIamPolicyDocument(scope, `${id}Doc`, {
            provider,
            statement: [{ actions, resources }],
          }).json,
        });
      policy('Admin', ['*'], ['*']);
      policy('AllOnOneBucket', ['*'], ['arn:aws:s3:::b']);
      policy('S3Everywhere', ['s3:*'], ['*']);
    });
    // WHEN checked THEN only *:* fails (the others are iam-no-wildcard-actions' business)
    expect(results).toEqual({
      Admin: 'non-compliant',
      AllOnOneBucket: 'compliant',
      S3Everywhere: 'compliant',
    });
  });

  it('fails attaching AdministratorAccess in any partition or through a data source, passes other policies', () => {
    // GIVEN attachments of AdministratorAccess (literal, GovCloud, partition-interpolated, data source) and ReadOnlyAccess
    const results = ruleResults(iamNoAdminPolicies, (scope, provider) => {
      const attach = (id: string, policyArn: string) =>
        new IamRolePolicyAttachment(scope, id, { provider, role: 'r', policyArn });
      const partition = new DataAwsPartition(scope, 'Partition', { provider });
      attach('Admin', 'arn:aws:iam::aws:policy/AdministratorAccess');
      attach('AdminGovCloud', 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess');
      attach('AdminAnyPartition', `arn:${partition.partition}:iam::aws:policy/AdministratorAccess`);
      attach(
        'AdminByName',
        new DataAwsIamPolicy(scope, 'AdminData', { provider, name: 'AdministratorAccess' }).arn,
      );
      attach('ReadOnly', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
      attach('OwnPolicy', new IamPolicy(scope, 'Own', { provider, policy: '{"Statement":[]}' }).arn);
      attach('FromFile', Fn.trimspace(Fn.file('arn.txt')));
    });
    // WHEN checked THEN an ARN the rule cannot read is not applicable
    expect(results).toEqual({
      Admin: 'non-compliant',
      AdminGovCloud: 'non-compliant',
      AdminAnyPartition: 'non-compliant',
      AdminByName: 'non-compliant',
      ReadOnly: 'compliant',
      OwnPolicy: 'compliant',
      Own: 'compliant',
      FromFile: 'not-applicable',
    });
  });

  it("checks a role's managed_policy_arns and inline policies, skips a role with neither", () => {
    // GIVEN a role with AdministratorAccess in managed_policy_arns, one with a narrow inline policy, one with neither
    const results = ruleResults(iamNoAdminPolicies, (scope, provider) => {
      new IamRole(scope, 'ManagedAdmin', {
        provider,
        assumeRolePolicy: trust,
        managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      });
      new IamRole(scope, 'NarrowInline', {
        provider,
        assumeRolePolicy: trust,
        inlinePolicy: [
          {
            name: 'p',
            policy: JSON.stringify({
              Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
            }),
          },
        ],
      });
      new IamRole(scope, 'Bare', { provider, assumeRolePolicy: trust });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      ManagedAdmin: 'non-compliant',
      NarrowInline: 'compliant',
      Bare: 'not-applicable',
    });
  });
});
