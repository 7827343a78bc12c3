import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { backupVaultKms } from '../../policies/rules/backup-vault-kms';
import { ruleResults } from '../../test-support/policy';

describe('rule backup-vault-kms', () => {
  it('passes a vault under a customer-managed key, fails the default or an AWS-managed key', () => {
    // GIVEN vaults under a stack key, under no key, and under aws/backup by alias ARN
    const results = ruleResults(backupVaultKms, (scope, provider) => {
      const key = new KmsKey(scope, 'Key', { provider, enableKeyRotation: true });
      new BackupVault(scope, 'CustomerKey', { provider, name: 'customer-key', kmsKeyArn: key.arn });
      new BackupVault(scope, 'DefaultKey', { provider, name: 'default-key' });
      new BackupVault(scope, 'AwsManaged', {
        provider,
        name: 'aws-managed',
        kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:alias/aws/backup',
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      CustomerKey: 'compliant',
      DefaultKey: 'non-compliant',
      AwsManaged: 'non-compliant',
    });
  });
});
