import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { kmsRotation } from '../../policies/rules/kms-rotation';
import { ruleResults } from '../../test-support/policy';

describe('rule kms-rotation', () => {
  it('passes a symmetric key with rotation, fails one without', () => {
    // GIVEN one key with rotation and one without WHEN checked THEN
    const results = ruleResults(kmsRotation, (scope, provider) => {
      new KmsKey(scope, 'Rotating', { provider, enableKeyRotation: true });
      new KmsKey(scope, 'Static', { provider });
    });
    expect(results).toEqual({ Rotating: 'compliant', Static: 'non-compliant' });
  });

  it('does not apply to asymmetric keys, which cannot rotate', () => {
    const results = ruleResults(kmsRotation, (scope, provider) => {
      new KmsKey(scope, 'Signing', {
        provider,
        customerMasterKeySpec: 'ECC_NIST_P256',
        keyUsage: 'SIGN_VERIFY',
      });
    });
    expect(results).toEqual({ Signing: 'not-applicable' });
  });
});
