import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { s3Versioning } from '../../policies/rules/s3-versioning';
import { ruleResults } from '../../test-support/policy';

describe('rule s3-versioning', () => {
  it('passes buckets with versioning enabled, fails suspended or unversioned ones', () => {
    // GIVEN buckets versioned by reference, by literal name and inline; one suspended, one without
    const results = ruleResults(s3Versioning, (scope, provider) => {
      const versioned = new S3Bucket(scope, 'Versioned', { provider, bucket: 'versioned-bucket' });
      new S3BucketVersioningA(scope, 'VersionedVersioning', {
        provider,
        bucket: versioned.id,
        versioningConfiguration: { status: 'Enabled' },
      });
      new S3Bucket(scope, 'ByName', { provider, bucket: 'by-name-bucket' });
      new S3BucketVersioningA(scope, 'ByNameVersioning', {
        provider,
        bucket: 'by-name-bucket',
        versioningConfiguration: { status: 'Enabled' },
      });
      new S3Bucket(scope, 'Inline', { provider, bucket: 'inline-bucket', versioning: { enabled: true } });
      const suspended = new S3Bucket(scope, 'Suspended', { provider, bucket: 'suspended-bucket' });
      new S3BucketVersioningA(scope, 'SuspendedVersioning', {
        provider,
        bucket: suspended.id,
        versioningConfiguration: { status: 'Suspended' },
      });
      new S3Bucket(scope, 'Unversioned', { provider, bucket: 'unversioned-bucket' });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Versioned: 'compliant',
      ByName: 'compliant',
      Inline: 'compliant',
      Suspended: 'non-compliant',
      Unversioned: 'non-compliant',
    });
  });
});
