import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { s3KmsEncryption } from '../../policies/rules/s3-kms-encryption';
import { ruleResults } from '../../test-support/policy';

describe('rule s3-kms-encryption', () => {
  it('passes buckets encrypted by default with aws:kms or aws:kms:dsse, fails AES256 or none', () => {
    // GIVEN buckets with SSE-KMS, DSSE-KMS, SSE-S3 and no encryption configuration
    const results = ruleResults(s3KmsEncryption, (scope, provider) => {
      const key = new KmsKey(scope, 'Key', { provider, enableKeyRotation: true });
      const encrypt = (id: string, sseAlgorithm: string) => {
        const bucket = new S3Bucket(scope, id, { provider, bucket: `${id.toLowerCase()}-bucket` });
        new S3BucketServerSideEncryptionConfigurationA(scope, `${id}Encryption`, {
          provider,
          bucket: bucket.id,
          rule: [
            {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm,
                kmsMasterKeyId: sseAlgorithm === 'AES256' ? undefined : key.arn,
              },
            },
          ],
        });
      };
      encrypt('Kms', 'aws:kms');
      encrypt('Dsse', 'aws:kms:dsse');
      encrypt('S3Managed', 'AES256');
      new S3Bucket(scope, 'Unconfigured', { provider, bucket: 'unconfigured-bucket' });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Kms: 'compliant',
      Dsse: 'compliant',
      S3Managed: 'non-compliant',
      Unconfigured: 'non-compliant',
    });
  });

  it('does not apply to a load balancer log bucket with SSE-S3, the only encryption ELB log delivery takes', () => {
    // GIVEN SSE-S3 buckets receiving ALB access logs, ALB connection logs, logs that are off, and none
    const results = ruleResults(s3KmsEncryption, (scope, provider) => {
      const bucket = (id: string) => {
        const b = new S3Bucket(scope, id, { provider, bucket: `${id.toLowerCase()}-bucket` });
        new S3BucketServerSideEncryptionConfigurationA(scope, `${id}Encryption`, {
          provider,
          bucket: b.id,
          rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
        });
        return b;
      };
      const subnets = ['subnet-1', 'subnet-2'];
      new Lb(scope, 'AccessLogging', {
        provider,
        subnets,
        accessLogs: { enabled: true, bucket: bucket('AccessLogs').bucket },
      });
      new Lb(scope, 'ConnectionLogging', {
        provider,
        subnets,
        connectionLogs: { enabled: true, bucket: bucket('ConnectionLogs').bucket },
      });
      new Lb(scope, 'LogsOff', {
        provider,
        subnets,
        accessLogs: { enabled: false, bucket: bucket('Off').bucket },
      });
      bucket('Plain');
    });
    // WHEN checked THEN log buckets are exempt; a bucket no load balancer logs to still needs KMS
    expect(results).toEqual({
      AccessLogs: 'not-applicable',
      ConnectionLogs: 'not-applicable',
      Off: 'non-compliant',
      Plain: 'non-compliant',
    });
  });
});
