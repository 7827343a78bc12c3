import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { ecrScanOnPush } from '../../policies/rules/ecr-scan-on-push';
import { ruleResults } from '../../test-support/policy';

describe('rule ecr-scan-on-push', () => {
  it('passes a repository that scans on push, fails one that does not or leaves it unset', () => {
    // GIVEN repositories with scan on push true, false and unset
    const results = ruleResults(ecrScanOnPush, (scope, provider) => {
      new EcrRepository(scope, 'Scanned', {
        provider,
        name: 'scanned',
        imageScanningConfiguration: { scanOnPush: true },
      });
      new EcrRepository(scope, 'NotScanned', {
        provider,
        name: 'not-scanned',
        imageScanningConfiguration: { scanOnPush: false },
      });
      new EcrRepository(scope, 'Unset', { provider, name: 'unset' });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Scanned: 'compliant', NotScanned: 'non-compliant', Unset: 'non-compliant' });
  });
});
