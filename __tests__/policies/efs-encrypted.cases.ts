import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { efsEncrypted } from '../../policies/rules/efs-encrypted';
import { ruleResults } from '../../test-support/policy';

describe('rule efs-encrypted', () => {
  it('passes a file system encrypted under a customer-managed key, fails the others', () => {
    // GIVEN file systems encrypted under a stack key, unencrypted, under the default key, and under
    // AWS's own key named literally or looked up
    const results = ruleResults(efsEncrypted, (scope, provider) => {
      const key = new KmsKey(scope, 'Key', { provider, enableKeyRotation: true });
      const awsKey = new DataAwsKmsKey(scope, 'AwsKey', { provider, keyId: 'alias/aws/elasticfilesystem' });
      new EfsFileSystem(scope, 'CustomerKey', { provider, encrypted: true, kmsKeyId: key.arn });
      new EfsFileSystem(scope, 'Unencrypted', { provider });
      new EfsFileSystem(scope, 'DefaultKey', { provider, encrypted: true });
      new EfsFileSystem(scope, 'KeyWithoutEncryption', { provider, kmsKeyId: key.arn });
      new EfsFileSystem(scope, 'AwsManagedAlias', {
        provider,
        encrypted: true,
        kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:alias/aws/elasticfilesystem',
      });
      new EfsFileSystem(scope, 'AwsManagedLookup', { provider, encrypted: true, kmsKeyId: awsKey.arn });
    });
    // WHEN checked THEN only the customer-managed key passes
    expect(results).toEqual({
      CustomerKey: 'compliant',
      Unencrypted: 'non-compliant',
      DefaultKey: 'non-compliant',
      KeyWithoutEncryption: 'non-compliant',
      AwsManagedAlias: 'non-compliant',
      AwsManagedLookup: 'non-compliant',
    });
  });
});
