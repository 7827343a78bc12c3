import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { s3AclsDisabled } from '../../policies/rules/s3-acls-disabled';
import { ruleResults } from '../../test-support/policy';

describe('rule s3-acls-disabled', () => {
  it('passes a bucket owner-enforced bucket, fails one that keeps ACLs', () => {
    // GIVEN BucketOwnerEnforced, BucketOwnerPreferred and no ownership controls
    const results = ruleResults(s3AclsDisabled, (scope, provider) => {
      const enforced = new S3Bucket(scope, 'Enforced', { provider, bucket: 'enforced-bucket' });
      new S3BucketOwnershipControls(scope, 'EnforcedControls', {
        provider,
        bucket: enforced.id,
        rule: { objectOwnership: 'BucketOwnerEnforced' },
      });
      const preferred = new S3Bucket(scope, 'Preferred', { provider, bucket: 'preferred-bucket' });
      new S3BucketOwnershipControls(scope, 'PreferredControls', {
        provider,
        bucket: preferred.id,
        rule: { objectOwnership: 'BucketOwnerPreferred' },
      });
      new S3Bucket(scope, 'Uncontrolled', { provider, bucket: 'uncontrolled-bucket' });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Enforced: 'compliant',
      Preferred: 'non-compliant',
      Uncontrolled: 'non-compliant',
    });
  });
});
