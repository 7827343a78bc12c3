import { RuleCheck } from '../stack-view';
import { isCustomerManagedKey } from './_storage-helpers';

/**
 * Backup vaults encrypt recovery points under a customer-managed key: `kms_key_arn` set to anything
 * but an AWS-managed alias (without it AWS Backup uses aws/backup).
 */
export const backupVaultKms: RuleCheck = {
  appliesTo: ['aws_backup_vault'],
  check(vault, stack) {
    return isCustomerManagedKey(stack, vault.config.kms_key_arn) ? 'compliant' : 'non-compliant';
  },
};
