import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { ecsContainerInsights } from '../../policies/rules/ecs-container-insights';
import { ruleResults } from '../../test-support/policy';

describe('rule ecs-container-insights', () => {
  it('passes clusters with Container Insights enabled or enhanced, fails the others', () => {
    // GIVEN clusters with insights enabled, enhanced, disabled and unset
    const results = ruleResults(ecsContainerInsights, (scope, provider) => {
      new EcsCluster(scope, 'Enabled', {
        provider,
        name: 'enabled',
        setting: [{ name: 'containerInsights', value: 'enabled' }],
      });
      new EcsCluster(scope, 'Enhanced', {
        provider,
        name: 'enhanced',
        setting: [{ name: 'containerInsights', value: 'enhanced' }],
      });
      new EcsCluster(scope, 'Disabled', {
        provider,
        name: 'disabled',
        setting: [{ name: 'containerInsights', value: 'disabled' }],
      });
      new EcsCluster(scope, 'Unset', { provider, name: 'unset' });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Enabled: 'compliant',
      Enhanced: 'compliant',
      Disabled: 'non-compliant',
      Unset: 'non-compliant',
    });
  });
});
