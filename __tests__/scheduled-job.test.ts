import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ScheduledJob, ScheduledJobProps } from '../constructs/scheduled-job';
import { SynthesizedJson, dataAt, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

type Overrides = Partial<
  Omit<ScheduledJobProps, 'provider' | 'cluster' | 'taskDefinition' | 'executionRole' | 'taskRole'>
>;

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:fargate-test-alarms';

function synthJob(overrides: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const cluster = new EcsCluster(scope, 'Cluster', { provider, name: 'fargate-test-cluster' });
    const executionRole = new IamRole(scope, 'ExecutionRole', { provider, assumeRolePolicy: '{}' });
    const taskRole = new IamRole(scope, 'TaskRole', { provider, assumeRolePolicy: '{}' });
    const taskDefinition = new EcsTaskDefinition(scope, 'TaskDefinition', {
      provider,
      family: 'fargate-test-nightly-task',
      containerDefinitions: '[]',
    });
    new ScheduledJob(scope, 'Job', {
      provider,
      region: 'eu-west-1',
      accountId: '123456789012',
      namePrefix: 'fargate-test-nightly',
      cluster,
      taskDefinition,
      taskFamily: 'fargate-test-nightly-task',
      executionRole,
      taskRole,
      subnetIds: ['subnet-a', 'subnet-b'],
      securityGroupId: 'sg-tasks',
      scheduleExpression: 'cron(0 2 * * ? *)',
      alarmTopicArn: TOPIC,
      ...overrides,
    });
  });
}

describe('ScheduledJob', () => {
  it('starts the task definition on Fargate in the private subnets, with the task security group and no public IP', () => {
    const json = synthJob();
    const schedule = resourceAt(json, 'aws_scheduler_schedule', 'Job/Schedule');
    expect(schedule).toMatchObject({
      name: 'fargate-test-nightly-run',
      group_name: ref(json, 'aws_scheduler_schedule_group', 'Job/ScheduleGroup', 'name'),
      schedule_expression: 'cron(0 2 * * ? *)',
      schedule_expression_timezone: 'UTC',
      state: 'ENABLED',
      flexible_time_window: { mode: 'OFF' },
    });
    expect(schedule.target).toEqual({
      arn: ref(json, 'aws_ecs_cluster', 'Cluster', 'arn'),
      role_arn: ref(json, 'aws_iam_role', 'Job/SchedulerRole', 'arn'),
      dead_letter_config: { arn: ref(json, 'aws_sqs_queue', 'Job/DeadLetterQueue', 'arn') },
      retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
      ecs_parameters: {
        task_definition_arn: ref(json, 'aws_ecs_task_definition', 'TaskDefinition', 'arn'),
        task_count: 1,
        launch_type: 'FARGATE',
        platform_version: 'LATEST',
        // The tasks carry the task definition's tags (a service's team and cost centre).
        propagate_tags: 'TASK_DEFINITION',
        enable_execute_command: false,
        network_configuration: {
          subnets: ['subnet-a', 'subnet-b'],
          security_groups: ['sg-tasks'],
          assign_public_ip: false,
        },
      },
    });
    // The first run needs the role's permissions: `${aws_iam_role_policy.<id>.id}` without `${`, `.id}`.
    expect(schedule.depends_on).toEqual([
      ref(json, 'aws_iam_role_policy', 'Job/SchedulerPolicy').slice(2, -'.id}'.length),
    ]);
    expect(resourceAt(json, 'aws_scheduler_schedule_group', 'Job/ScheduleGroup').name).toBe(
      'fargate-test-nightly',
    );
  });

  it('takes a time zone, a flexible window, retries, a capacity provider strategy, ECS Exec and pause', () => {
    const json = synthJob({
      timezone: 'Europe/Dublin',
      flexibleWindowMinutes: 30,
      retryAttempts: 0,
      maxEventAgeSeconds: 60,
      capacityProviders: [{ capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 }],
      enableExecuteCommand: true,
      paused: true,
    });
    const schedule = resourceAt(json, 'aws_scheduler_schedule', 'Job/Schedule');
    expect(schedule.schedule_expression_timezone).toBe('Europe/Dublin');
    expect(schedule.flexible_time_window).toEqual({ mode: 'FLEXIBLE', maximum_window_in_minutes: 30 });
    expect(schedule.state).toBe('DISABLED');
    const target = schedule.target as Record<string, Record<string, unknown>>;
    expect(target.retry_policy).toEqual({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 });
    expect(target.ecs_parameters.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    expect(target.ecs_parameters.launch_type).toBeUndefined();
    expect(target.ecs_parameters.enable_execute_command).toBe(true);
  });

  it('keeps failed starts for 14 days in an encrypted dead-letter queue', () => {
    expect(resourceAt(synthJob(), 'aws_sqs_queue', 'Job/DeadLetterQueue')).toMatchObject({
      name: 'fargate-test-nightly-schedule-dlq',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
  });

  it('has its own role: Scheduler of this account and schedule group only, RunTask of the family in the cluster, PassRole of the two roles', () => {
    const json = synthJob();
    expect(dataAt(json, 'aws_iam_policy_document', 'Job/SchedulerTrust').statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/fargate-test-nightly/*'],
          },
        ],
      },
    ]);
    expect(dataAt(json, 'aws_iam_policy_document', 'Job/SchedulerPermissions').statement).toEqual([
      {
        sid: 'RunTheTask',
        effect: 'Allow',
        actions: ['ecs:RunTask'],
        resources: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/fargate-test-nightly-task:*'],
        condition: [
          {
            test: 'ArnEquals',
            variable: 'ecs:cluster',
            values: [ref(json, 'aws_ecs_cluster', 'Cluster', 'arn')],
          },
        ],
      },
      {
        sid: 'PassTheTaskRoles',
        effect: 'Allow',
        actions: ['iam:PassRole'],
        resources: [
          ref(json, 'aws_iam_role', 'ExecutionRole', 'arn'),
          ref(json, 'aws_iam_role', 'TaskRole', 'arn'),
        ],
        condition: [
          { test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] },
        ],
      },
      {
        sid: 'TagTheTasks',
        effect: 'Allow',
        actions: ['ecs:TagResource'],
        resources: [
          `arn:aws:ecs:eu-west-1:123456789012:task/${ref(json, 'aws_ecs_cluster', 'Cluster', 'name')}/*`,
        ],
        condition: [{ test: 'StringEquals', variable: 'ecs:CreateAction', values: ['RunTask'] }],
      },
      {
        sid: 'DeadLetters',
        effect: 'Allow',
        actions: ['sqs:SendMessage'],
        resources: [ref(json, 'aws_sqs_queue', 'Job/DeadLetterQueue', 'arn')],
      },
    ]);
    const policy = resourceAt(json, 'aws_iam_role_policy', 'Job/SchedulerPolicy');
    expect(policy.role).toBe(ref(json, 'aws_iam_role', 'Job/SchedulerRole'));
    // No managed policy: the role holds exactly the inline policy above.
    expect(resources(json, 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  it('alarms on failed invocations of its schedule group and on dead letters, to the alarm topic', () => {
    const json = synthJob({ additionalTopicArns: ['arn:aws:sns:eu-west-1:123456789012:chat'] });
    const topics = [TOPIC, 'arn:aws:sns:eu-west-1:123456789012:chat'];
    const failed = resourceAt(json, 'aws_cloudwatch_metric_alarm', 'Job/FailedInvocations');
    expect(failed).toMatchObject({
      alarm_name: 'fargate-test-nightly-schedule-failed',
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluation_periods: 1,
      treat_missing_data: 'notBreaching',
      alarm_actions: topics,
      ok_actions: topics,
    });
    const group = ref(json, 'aws_scheduler_schedule_group', 'Job/ScheduleGroup', 'name');
    expect(failed.metric_query).toEqual([
      ...['TargetErrorCount', 'InvocationDroppedCount', 'InvocationsFailedToBeSentToDeadLetterCount'].map(
        (metricName, index) => ({
          id: ['targetErrors', 'dropped', 'deadLetterFailed'][index],
          metric: {
            namespace: 'AWS/Scheduler',
            metric_name: metricName,
            dimensions: { ScheduleGroup: group },
            stat: 'Sum',
            period: 60,
          },
        }),
      ),
      {
        id: 'failed',
        label: 'Failed invocations',
        expression: 'FILL(targetErrors, 0) + FILL(dropped, 0) + FILL(deadLetterFailed, 0)',
        return_data: true,
      },
    ]);
    expect(resourceAt(json, 'aws_cloudwatch_metric_alarm', 'Job/DeadLetters')).toMatchObject({
      alarm_name: 'fargate-test-nightly-schedule-dead-letters',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: ref(json, 'aws_sqs_queue', 'Job/DeadLetterQueue', 'name') },
      statistic: 'Maximum',
      threshold: 1,
      alarm_actions: topics,
    });
  });

  it('tells the alarm topic when a run of its family in its cluster exits non-zero or fails to start', () => {
    const json = synthJob();
    const rule = resourceAt(json, 'aws_cloudwatch_event_rule', 'Job/FailedRunRule');
    expect(rule.name).toBe('fargate-test-nightly-run-failed');
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: {
        clusterArn: [ref(json, 'aws_ecs_cluster', 'Cluster', 'arn')],
        lastStatus: ['STOPPED'],
        taskDefinitionArn: [
          { prefix: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/fargate-test-nightly-task:' },
        ],
        $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
      },
    });
    const target = resourceAt(json, 'aws_cloudwatch_event_target', 'Job/FailedRunTarget');
    expect(target.rule).toBe(ref(json, 'aws_cloudwatch_event_rule', 'Job/FailedRunRule', 'name'));
    expect(target.arn).toBe(TOPIC);
    expect(target.input_transformer).toEqual({
      input_paths: {
        task: '$.detail.taskArn',
        stopCode: '$.detail.stopCode',
        reason: '$.detail.stoppedReason',
        exitCode: '$.detail.containers[0].exitCode',
      },
      input_template:
        '"Scheduled job fargate-test-nightly in eu-west-1: task <task> stopped (<stopCode>, exit code <exitCode>): <reason>"',
    });
  });

  it.each([
    ['scheduleExpression', 'cron(0 2 * * *)', 'a cron expression has 6 fields, found 5'],
    ['scheduleExpression', 'rate(1 days)', 'singular unit with 1'],
    ['flexibleWindowMinutes', 0, 'use a whole number from 1 to 1440'],
    ['retryAttempts', 186, 'use a whole number from 0 to 185'],
    ['maxEventAgeSeconds', 59, 'use a whole number from 60 to 86400'],
    ['subnetIds', [], 'list at least one private subnet'],
    ['capacityProviders', [], 'list at least one provider'],
    ['namePrefix', 'a/b', 'use 1 to 40 of 0-9 a-z A-Z _ . -'],
  ])('refuses %s %p', (prop, value, allowed) => {
    expect(() => synthJob({ [prop]: value })).toThrow(`ScheduledJob: ${prop} `);
    expect(() => synthJob({ [prop]: value })).toThrow(allowed);
  });
});
