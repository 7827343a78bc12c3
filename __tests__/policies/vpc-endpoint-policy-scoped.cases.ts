import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpoints } from '../../constructs/vpc-endpoints';
import { vpcEndpointPolicyScoped } from '../../policies/rules/vpc-endpoint-policy-scoped';
import { ruleResults } from '../../test-support/policy';

const statement = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Principal: '*', ...extra });
const policy = (...statements: Array<Record<string, unknown>>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('rule vpc-endpoint-policy-scoped', () => {
  it("passes the platform's endpoints: every statement tied to the account or to named actions on named resources", () => {
    // GIVEN the platform's endpoints WHEN checked
    const results = ruleResults(vpcEndpointPolicyScoped, (scope, provider) => {
      new VpcEndpoints(scope, 'Endpoints', {
        provider,
        region: 'us-east-1',
        accountId: '123456789012',
        namePrefix: 'fargate-test',
        vpcId: 'vpc-0a1b2c3d4e5f67890',
        vpcCidr: '10.0.0.0/16',
        subnetIds: ['subnet-0a1b2c3d4e5f67890'],
        routeTableIds: ['rtb-0a1b2c3d4e5f67890'],
      });
    });
    // THEN all eight (seven interface endpoints and the S3 gateway) compliant
    expect(Object.values(results)).toHaveLength(8);
    expect(new Set(Object.values(results))).toEqual(new Set(['compliant']));
  });

  it('fails the default policy, an open statement, a wildcard action or resource, and an unreadable policy', () => {
    const results = ruleResults(vpcEndpointPolicyScoped, (scope, provider) => {
      const endpoint = (id: string, document?: string) =>
        new VpcEndpoint(scope, id, {
          provider,
          vpcId: 'vpc-1',
          serviceName: 'com.amazonaws.us-east-1.s3',
          vpcEndpointType: 'Gateway',
          policy: document,
        });
      endpoint('DefaultPolicy');
      endpoint('Open', policy(statement({ Action: '*', Resource: '*' })));
      endpoint('WildcardAction', policy(statement({ Action: 's3:Get*', Resource: 'arn:aws:s3:::bucket/*' })));
      endpoint('WildcardResource', policy(statement({ Action: 's3:GetObject', Resource: '*' })));
      endpoint('AnyBucket', policy(statement({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' })));
      endpoint(
        'NotAction',
        policy(statement({ NotAction: 's3:DeleteObject', Resource: 'arn:aws:s3:::bucket/*' })),
      );
      endpoint('Unreadable', '${data.aws_iam_policy_document.doc.json}');
      endpoint(
        'OneOpenAmongScoped',
        policy(
          statement({
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
          }),
          statement({ Action: 's3:*', Resource: '*' }),
        ),
      );
      endpoint(
        'ByAccount',
        policy(
          statement({
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
          }),
        ),
      );
      endpoint(
        'ByOrganization',
        policy(
          statement({
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
          }),
        ),
      );
      endpoint(
        'NamedPrincipal',
        policy({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: '*',
          Resource: '*',
        }),
      );
      endpoint(
        'NamedReadOfAwsBucket',
        policy(
          statement({
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*',
          }),
        ),
      );
      endpoint('OnlyDeny', policy({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }));
    });
    expect(results).toEqual({
      DefaultPolicy: 'non-compliant',
      Open: 'non-compliant',
      WildcardAction: 'non-compliant',
      WildcardResource: 'non-compliant',
      AnyBucket: 'non-compliant',
      NotAction: 'non-compliant',
      Unreadable: 'non-compliant',
      OneOpenAmongScoped: 'non-compliant',
      ByAccount: 'compliant',
      ByOrganization: 'compliant',
      NamedPrincipal: 'compliant',
      NamedReadOfAwsBucket: 'compliant',
      OnlyDeny: 'compliant',
    });
  });
});
