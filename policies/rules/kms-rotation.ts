import { RuleCheck } from '../stack-view';

/** Symmetric customer-managed keys rotate automatically. */
export const kmsRotation: RuleCheck = {
  appliesTo: ['aws_kms_key'],
  check(key) {
    const spec = key.config.customer_master_key_spec;
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return 'not-applicable';
    return key.config.enable_key_rotation === true ? 'compliant' : 'non-compliant';
  },
};
