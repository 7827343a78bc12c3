import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SchedulerSchedule, SchedulerScheduleTarget } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { schedulerEcsNoPublicIp } from '../../policies/rules/scheduler-ecs-no-public-ip';
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
const ecs = (assignPublicIp?: boolean) => ({
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/job:1',
  networkConfiguration: { subnets: ['subnet-1'], assignPublicIp },
});

describe('rule scheduler-ecs-no-public-ip', () => {
  it('passes a schedule that starts tasks without a public IP', () => {
    expect(ruleResults(schedulerEcsNoPublicIp, schedule({ ecsParameters: ecs(false) }))).toEqual({
      Schedule: 'compliant',
    });
  });

  it('fails a schedule that gives its tasks public IPs, or leaves it unsaid', () => {
    expect(ruleResults(schedulerEcsNoPublicIp, schedule({ ecsParameters: ecs(true) }))).toEqual({
      Schedule: 'non-compliant',
    });
    expect(ruleResults(schedulerEcsNoPublicIp, schedule({ ecsParameters: ecs() }))).toEqual({
      Schedule: 'non-compliant',
    });
  });

  it('does not apply to a schedule of another target', () => {
    expect(ruleResults(schedulerEcsNoPublicIp, schedule({}))).toEqual({ Schedule: 'not-applicable' });
  });
});
