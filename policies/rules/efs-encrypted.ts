import { RuleCheck } from '../stack-view';
import { isCustomerManagedKey, isTrue } from './_storage-helpers';

/**
 * EFS file systems are encrypted at rest under a customer-managed key: `encrypted` true and
 * `kms_key_id` set to anything but an AWS-managed alias (without it EFS uses aws/elasticfilesystem).
 */
export const efsEncrypted: RuleCheck = {
  appliesTo: ['aws_efs_file_system'],
  check(fileSystem, stack) {
    const { encrypted, kms_key_id: key } = fileSystem.config;
    return isTrue(encrypted) && isCustomerManagedKey(stack, key) ? 'compliant' : 'non-compliant';
  },
};
