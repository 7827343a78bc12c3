import { TerraformVariable } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { alarmActions } from '../../policies/rules/alarm-actions';
import { ruleResults } from '../../test-support/policy';

const METRIC = {
  namespace: 'AWS/ECS',
  metricName: 'CPUUtilization',
  statistic: 'Average',
  period: 60,
  evaluationPeriods: 2,
  threshold: 85,
  comparisonOperator: 'GreaterThanThreshold',
};

describe('rule alarm-actions', () => {
  it('passes an alarm notifying on ALARM and OK, fails missing, empty or disabled actions', () => {
    // GIVEN alarms with both actions, without OK actions, with none, with an empty list, and disabled
    const results = ruleResults(alarmActions, (scope, provider) => {
      const topic = new SnsTopic(scope, 'Topic', { provider, name: 'alarms' });
      const alarm = (id: string, config: Record<string, unknown>) =>
        new CloudwatchMetricAlarm(scope, id, { provider, alarmName: id, ...METRIC, ...config });
      alarm('Notifying', { alarmActions: [topic.arn], okActions: [topic.arn] });
      alarm('NoOkActions', { alarmActions: [topic.arn] });
      alarm('NoActions', {});
      alarm('EmptyAlarmActions', { alarmActions: [], okActions: [topic.arn] });
      alarm('Disabled', { actionsEnabled: false, alarmActions: [topic.arn], okActions: [topic.arn] });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Notifying: 'compliant',
      NoOkActions: 'non-compliant',
      NoActions: 'non-compliant',
      EmptyAlarmActions: 'non-compliant',
      Disabled: 'non-compliant',
    });
  });

  it('counts a whole-list expression as actions set', () => {
    // GIVEN an alarm whose action lists come from a variable
    const results = ruleResults(alarmActions, (scope, provider) => {
      const topics = new TerraformVariable(scope, 'topics', { type: 'list(string)' });
      new CloudwatchMetricAlarm(scope, 'FromVariable', {
        provider,
        alarmName: 'from-variable',
        ...METRIC,
        alarmActions: topics.listValue,
        okActions: topics.listValue,
      });
    });
    // WHEN checked THEN compliant: the rule cannot evaluate the list and takes it as wired
    expect(results).toEqual({ FromVariable: 'compliant' });
  });
});
