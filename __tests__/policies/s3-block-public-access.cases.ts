import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { s3BlockPublicAccess } from '../../policies/rules/s3-block-public-access';
import { ruleResults } from '../../test-support/policy';

describe('rule s3-block-public-access', () => {
  it('passes a bucket blocking all four kinds of public access, fails partial or no blocks', () => {
    // GIVEN a bucket with all four settings, one without restrict_public_buckets, one without a block
    const results = ruleResults(s3BlockPublicAccess, (scope, provider) => {
      const blocked = new S3Bucket(scope, 'Blocked', { provider, bucket: 'blocked-bucket' });
      new S3BucketPublicAccessBlock(scope, 'BlockedBlock', {
        provider,
        bucket: blocked.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const partial = new S3Bucket(scope, 'Partial', { provider, bucket: 'partial-bucket' });
      new S3BucketPublicAccessBlock(scope, 'PartialBlock', {
        provider,
        bucket: partial.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
      });
      new S3Bucket(scope, 'Open', { provider, bucket: 'open-bucket' });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Blocked: 'compliant', Partial: 'non-compliant', Open: 'non-compliant' });
  });
});
