import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { efsTlsOnly } from '../../policies/rules/efs-tls-only';
import { ruleResults } from '../../test-support/policy';

const insecureTransport = [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }];
const everyone = [{ type: 'AWS', identifiers: ['*'] }];

/** A file system `id` with a policy built from a document of `statement`s. */
function withDocument(
  scope: Construct,
  provider: AwsProvider,
  id: string,
  statement: (arn: string) => DataAwsIamPolicyDocumentStatement[],
): void {
  const fileSystem = new EfsFileSystem(scope, id, { provider });
  const document = new DataAwsIamPolicyDocument(scope, `${id}Document`, {
    provider,
    statement: statement(fileSystem.arn),
  });
  new EfsFileSystemPolicy(scope, `${id}Policy`, {
    provider,
    fileSystemId: fileSystem.id,
    policy: document.json,
  });
}

describe('rule efs-tls-only', () => {
  it('passes a file system whose policy denies every action without TLS, in a document or JSON', () => {
    // GIVEN a policy document denying * without TLS, and a literal JSON policy denying the client actions
    const results = ruleResults(efsTlsOnly, (scope, provider) => {
      withDocument(scope, provider, 'Document', (arn) => [
        {
          effect: 'Deny',
          principals: everyone,
          actions: ['*'],
          resources: [arn],
          condition: insecureTransport,
        },
      ]);
      const fileSystem = new EfsFileSystem(scope, 'Json', { provider });
      new EfsFileSystemPolicy(scope, 'JsonPolicy', {
        provider,
        fileSystemId: fileSystem.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: [
              'elasticfilesystem:ClientMount',
              'elasticfilesystem:ClientWrite',
              'elasticfilesystem:ClientRoot*',
            ],
            Resource: fileSystem.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        }),
      });
    });
    // WHEN checked THEN both are compliant
    expect(results).toEqual({ Document: 'compliant', Json: 'compliant' });
  });

  it('fails a file system without a policy, or whose policy leaves some access without TLS', () => {
    // GIVEN no policy; an allow only; a deny of one client action; a deny for one principal; a deny
    // narrowed by another condition
    const results = ruleResults(efsTlsOnly, (scope, provider) => {
      new EfsFileSystem(scope, 'NoPolicy', { provider });
      withDocument(scope, provider, 'AllowOnly', (arn) => [
        {
          effect: 'Allow',
          principals: everyone,
          actions: ['elasticfilesystem:ClientMount'],
          resources: [arn],
        },
      ]);
      withDocument(scope, provider, 'WriteOnly', (arn) => [
        {
          effect: 'Deny',
          principals: everyone,
          actions: ['elasticfilesystem:ClientWrite'],
          resources: [arn],
          condition: insecureTransport,
        },
      ]);
      withDocument(scope, provider, 'OnePrincipal', (arn) => [
        {
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:role/app'] }],
          actions: ['*'],
          resources: [arn],
          condition: insecureTransport,
        },
      ]);
      withDocument(scope, provider, 'Narrowed', (arn) => [
        {
          effect: 'Deny',
          principals: everyone,
          actions: ['*'],
          resources: [arn],
          condition: [
            ...insecureTransport,
            { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: ['111111111111'] },
          ],
        },
      ]);
    });
    // WHEN checked THEN all are non-compliant
    expect(results).toEqual({
      NoPolicy: 'non-compliant',
      AllowOnly: 'non-compliant',
      WriteOnly: 'non-compliant',
      OnePrincipal: 'non-compliant',
      Narrowed: 'non-compliant',
    });
  });
});
