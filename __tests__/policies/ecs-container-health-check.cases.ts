import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { ecsContainerHealthCheck } from '../../policies/rules/ecs-container-health-check';
import { ruleResults } from '../../test-support/policy';

const check = { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30 };
const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  ...extra,
});

const tasks = (scope: Construct, provider: AwsProvider) => {
  const task = (id: string, containers: object[]) =>
    new EcsTaskDefinition(scope, id, {
      provider,
      family: id.toLowerCase(),
      containerDefinitions: JSON.stringify(containers),
    });
  task('Checked', [container('app', { healthCheck: check }), container('init', { essential: false })]);
  task('Unchecked', [container('app')]);
  task('EmptyCommand', [container('app', { healthCheck: { command: [] } })]);
  task('SidecarUnchecked', [
    container('app', { healthCheck: check }),
    container('proxy', { essential: true }),
  ]);
  // Started by a schedule only (a scheduled job), and started by a schedule and run by a service
  const schedule = (id: string, definition: EcsTaskDefinition) =>
    new SchedulerSchedule(scope, `${id}Schedule`, {
      provider,
      scheduleExpression: 'rate(1 hour)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c',
        roleArn: 'arn:aws:iam::123456789012:role/r',
        ecsParameters: { taskDefinitionArn: definition.arnWithoutRevision },
      },
    });
  schedule('ScheduledJob', task('ScheduledJob', [container('job')]));
  const both = task('ScheduledAndServed', [container('app')]);
  schedule('ScheduledAndServed', both);
  new EcsService(scope, 'Service', { provider, name: 'svc', taskDefinition: both.arn });
};

describe('rule ecs-container-health-check', () => {
  it('in prod, passes when every essential container has a health check command, fails otherwise', () => {
    // GIVEN tasks with checked essentials, none, an empty command, an unchecked essential sidecar
    const results = ruleResults(ecsContainerHealthCheck, tasks, { environment: 'prod', tier: 'production' });
    // WHEN checked for prod THEN a non-essential container needs none; every essential one does
    expect(results).toEqual({
      Checked: 'compliant',
      Unchecked: 'non-compliant',
      EmptyCommand: 'non-compliant',
      SidecarUnchecked: 'non-compliant',
      // a task only a schedule starts runs to its end: no ECS service replaces it on its health
      ScheduledJob: 'not-applicable',
      // one a service runs too needs the check, whatever else starts it
      ScheduledAndServed: 'non-compliant',
    });
  });

  it('does not apply outside prod', () => {
    const results = ruleResults(ecsContainerHealthCheck, tasks, { environment: 'dev', tier: 'development' });
    expect(Object.values(results)).toEqual(Array(6).fill('not-applicable'));
  });
});
