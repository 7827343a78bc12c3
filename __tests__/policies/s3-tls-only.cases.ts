import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { s3TlsOnly } from '../../policies/rules/s3-tls-only';
import { ruleResults } from '../../test-support/policy';

const insecureTransport = [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }];
const everyone = [{ type: 'AWS', identifiers: ['*'] }];

describe('rule s3-tls-only', () => {
  it('passes buckets whose policy denies s3:* without TLS on the bucket and its objects', () => {
    // GIVEN a policy document on the bucket's ARN and objects, and a literal JSON policy by bucket name
    const results = ruleResults(s3TlsOnly, (scope, provider) => {
      const bucket = new S3Bucket(scope, 'Document', { provider, bucket: 'document-bucket' });
      const document = new DataAwsIamPolicyDocument(scope, 'DocumentPolicyDocument', {
        provider,
        statement: [
          {
            effect: 'Deny',
            principals: everyone,
            actions: ['s3:*'],
            resources: [bucket.arn, `${bucket.arn}/*`],
            condition: insecureTransport,
          },
        ],
      });
      new S3BucketPolicy(scope, 'DocumentPolicy', { provider, bucket: bucket.id, policy: document.json });
      const json = new S3Bucket(scope, 'Json', { provider, bucket: 'json-bucket' });
      new S3BucketPolicy(scope, 'JsonPolicy', {
        provider,
        bucket: json.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: '*',
              Resource: ['arn:aws:s3:::json-bucket', 'arn:aws:s3:::json-bucket/*'],
              Condition: { Bool: { 'aws:SecureTransport': false } },
            },
          ],
        }),
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Document: 'compliant', Json: 'compliant' });
  });

  it('fails buckets without a policy, or whose deny misses the objects or most actions', () => {
    // GIVEN no policy; a deny on the objects only; a deny of s3:GetObject only
    const results = ruleResults(s3TlsOnly, (scope, provider) => {
      new S3Bucket(scope, 'NoPolicy', { provider, bucket: 'no-policy-bucket' });
      const deny = (id: string, actions: string[], resources: (arn: string) => string[]) => {
        const bucket = new S3Bucket(scope, id, { provider, bucket: `${id.toLowerCase()}-bucket` });
        const document = new DataAwsIamPolicyDocument(scope, `${id}PolicyDocument`, {
          provider,
          statement: [
            {
              effect: 'Deny',
              principals: everyone,
              actions,
              resources: resources(bucket.arn),
              condition: insecureTransport,
            },
          ],
        });
        new S3BucketPolicy(scope, `${id}Policy`, { provider, bucket: bucket.id, policy: document.json });
      };
      deny('ObjectsOnly', ['s3:*'], (arn) => [`${arn}/*`]);
      deny('GetOnly', ['s3:GetObject'], (arn) => [arn, `${arn}/*`]);
    });
    // WHEN checked THEN
    expect(results).toEqual({
      NoPolicy: 'non-compliant',
      ObjectsOnly: 'non-compliant',
      GetOnly: 'non-compliant',
    });
  });
});
