import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SchedulerSchedule, SchedulerScheduleTarget } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { schedulerDeadLetterQueue } from '../../policies/rules/scheduler-dead-letter-queue';
import { ruleResults } from '../../test-support/policy';

const schedule = (target: Partial<SchedulerScheduleTarget>) => (scope: Construct, provider: AwsProvider) => {
  new SchedulerSchedule(scope, 'Schedule', {
    provider,
    scheduleExpression: 'rate(1 day)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/c',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      ...target,
    },
  });
};

describe('rule scheduler-dead-letter-queue', () => {
  it('passes a schedule with a retry policy and a dead-letter queue', () => {
    const results = ruleResults(
      schedulerDeadLetterQueue,
      schedule({
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' },
      }),
    );
    expect(results).toEqual({ Schedule: 'compliant' });
  });

  it('fails a schedule without a dead-letter queue', () => {
    const results = ruleResults(
      schedulerDeadLetterQueue,
      schedule({ retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } }),
    );
    expect(results).toEqual({ Schedule: 'non-compliant' });
  });

  it('fails a schedule without a retry policy', () => {
    const results = ruleResults(
      schedulerDeadLetterQueue,
      schedule({ deadLetterConfig: { arn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' } }),
    );
    expect(results).toEqual({ Schedule: 'non-compliant' });
  });
});
