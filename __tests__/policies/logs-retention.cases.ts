import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { logsRetention } from '../../policies/rules/logs-retention';
import { ruleResults } from '../../test-support/policy';

describe('rule logs-retention', () => {
  it('passes a log group with a retention, fails one that keeps events forever', () => {
    // GIVEN / WHEN / THEN
    const results = ruleResults(logsRetention, (scope, provider) => {
      new CloudwatchLogGroup(scope, 'Kept', { provider, retentionInDays: 30 });
      new CloudwatchLogGroup(scope, 'Forever', { provider });
      new CloudwatchLogGroup(scope, 'Zero', { provider, retentionInDays: 0 });
    });
    expect(results).toEqual({ Kept: 'compliant', Forever: 'non-compliant', Zero: 'non-compliant' });
  });
});
