import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { ecrImmutableTags } from '../../policies/rules/ecr-immutable-tags';
import { ruleResults } from '../../test-support/policy';

describe('rule ecr-immutable-tags', () => {
  it('passes IMMUTABLE, fails MUTABLE and the unset default', () => {
    // GIVEN repositories with immutable, mutable and default tags
    const results = ruleResults(ecrImmutableTags, (scope, provider) => {
      new EcrRepository(scope, 'Immutable', { provider, name: 'immutable', imageTagMutability: 'IMMUTABLE' });
      new EcrRepository(scope, 'Mutable', { provider, name: 'mutable', imageTagMutability: 'MUTABLE' });
      new EcrRepository(scope, 'Unset', { provider, name: 'unset' });
    });
    // WHEN checked THEN (AWS's default is MUTABLE)
    expect(results).toEqual({ Immutable: 'compliant', Mutable: 'non-compliant', Unset: 'non-compliant' });
  });
});
