import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmConfig,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { scheduleExpressionProblem } from '../settings/service-kinds';
import { FargateCapacityProvider } from './fargate-service';
import { ValidationError } from './validation-error';
import { ECS_TASKS_SERVICE, assumeRolePolicy } from './assume-role-policy';

export interface ScheduledJobProps {
  /** The provider of the job's region. */
  readonly provider: AwsProvider;
  /** The job's region. */
  readonly region: string;
  /** The account ID: scopes the role's trust, RunTask's resource and the failure rule. */
  readonly accountId: string;
  /** Prefix of every name, e.g. `orders-dev-nightly`: schedule group, queue, role, alarms, rule. */
  readonly namePrefix: string;
  /** The cluster the task runs in; RunTask is allowed in this cluster only. */
  readonly cluster: EcsCluster;
  /** The task definition the schedule starts (its latest revision, as Terraform knows it). */
  readonly taskDefinition: EcsTaskDefinition;
  /** The task definition's family; RunTask is allowed on its revisions only. */
  readonly taskFamily: string;
  /** The task's execution role, one of the two roles the schedule may pass. */
  readonly executionRole: IamRole;
  /** The task's role, the other role the schedule may pass. */
  readonly taskRole: IamRole;
  /** Private subnets the task runs in (no public IP). */
  readonly subnetIds: string[];
  /** The task's security group. */
  readonly securityGroupId: string;
  /** `cron(...)`, `rate(...)` or `at(...)`, as EventBridge Scheduler reads them. */
  readonly scheduleExpression: string;
  /**
   * IANA time zone of the expression.
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * Minutes the start may drift (1 to 1440), so Scheduler can spread invocations.
   * @default - off: starts on time
   */
  readonly flexibleWindowMinutes?: number;
  /**
   * Retries of a start that fails, 0 to 185.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Seconds a start may keep being retried (60 to 86400) before it goes to the dead-letter queue.
   * @default 3600
   */
  readonly maxEventAgeSeconds?: number;
  /**
   * Capacity provider strategy of the started task.
   * @default - launch type FARGATE
   */
  readonly capacityProviders?: readonly FargateCapacityProvider[];
  /**
   * Start the task with ECS Exec enabled.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * The schedule is created disabled (the job is paused).
   * @default false
   */
  readonly paused?: boolean;
  /** This region's alarm topic: failed invocations, dead letters and failed runs notify it. */
  readonly alarmTopicArn: string;
  /**
   * Further topics of this region the alarms notify.
   * @default - none
   */
  readonly additionalTopicArns?: string[];
  /**
   * Alarm period, seconds (a multiple of 60).
   * @default 60
   */
  readonly periodSeconds?: number;
}

/**
 * A task started on a schedule (settings kind `scheduled`), in one region: an EventBridge Scheduler
 * schedule in the job's own schedule group that runs the task definition on Fargate in the private
 * subnets with the job's security group and no public IP; retries and an encrypted dead-letter
 * queue; its own role allowed RunTask on that family in that cluster only and PassRole on exactly
 * the task's two roles; alarms on failed invocations (AWS/Scheduler, per schedule group) and on the
 * dead-letter queue's depth; and an EventBridge rule that tells the alarm topic when a run of the
 * task stops with a non-zero exit code or fails to start.
 */
export class ScheduledJob extends Construct {
  public readonly scheduleGroup: SchedulerScheduleGroup;
  public readonly schedule: SchedulerSchedule;
  public readonly deadLetterQueue: SqsQueue;
  /** The role EventBridge Scheduler assumes to start the task. */
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;
  /** Scheduler's failed invocations of the group: target errors, dropped invocations, failed dead-lettering. */
  public readonly failedInvocations: CloudwatchMetricAlarm;
  /** Messages in the dead-letter queue: starts that never succeeded. */
  public readonly deadLetters: CloudwatchMetricAlarm;
  /** ECS Task State Change, STOPPED, of this family with a non-zero exit code or failed to start. */
  public readonly failedRunRule: CloudwatchEventRule;
  public readonly failedRunTarget: CloudwatchEventTarget;
  /** Both alarms. */
  public readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    validate(props);
    const { provider, region, accountId, namePrefix } = props;
    const period = props.periodSeconds ?? 60;
    const topics = [props.alarmTopicArn, ...(props.additionalTopicArns ?? [])];

    this.scheduleGroup = new SchedulerScheduleGroup(this, 'ScheduleGroup', {
      provider,
      name: namePrefix,
    });
    this.deadLetterQueue = new SqsQueue(this, 'DeadLetterQueue', {
      provider,
      name: `${namePrefix}-schedule-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });

    const trust = assumeRolePolicy(this, 'SchedulerTrust', {
      provider,
      service: 'scheduler.amazonaws.com',
      sourceAccount: accountId,
      sourceArn: `arn:aws:scheduler:${region}:${accountId}:schedule/${namePrefix}/*`,
    });
    this.role = new IamRole(this, 'SchedulerRole', {
      provider,
      namePrefix: `${namePrefix}-sched-`.slice(0, 38),
      description: `EventBridge Scheduler starts the ${namePrefix} task`,
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'SchedulerPermissions', {
      provider,
      statement: [
        {
          sid: 'RunTheTask',
          effect: 'Allow',
          actions: ['ecs:RunTask'],
          resources: [`arn:aws:ecs:${region}:${accountId}:task-definition/${props.taskFamily}:*`],
          condition: [{ test: 'ArnEquals', variable: 'ecs:cluster', values: [props.cluster.arn] }],
        },
        {
          sid: 'PassTheTaskRoles',
          effect: 'Allow',
          actions: ['iam:PassRole'],
          resources: [props.executionRole.arn, props.taskRole.arn],
          condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: [ECS_TASKS_SERVICE] }],
        },
        {
          // The tasks it starts carry the task definition's tags (the service's team, its cost
          // centre); the scheduler tags them as RunTask creates them.
          sid: 'TagTheTasks',
          effect: 'Allow',
          actions: ['ecs:TagResource'],
          resources: [`arn:aws:ecs:${region}:${accountId}:task/${props.cluster.name}/*`],
          condition: [{ test: 'StringEquals', variable: 'ecs:CreateAction', values: ['RunTask'] }],
        },
        {
          sid: 'DeadLetters',
          effect: 'Allow',
          actions: ['sqs:SendMessage'],
          resources: [this.deadLetterQueue.arn],
        },
      ],
    });
    this.rolePolicy = new IamRolePolicy(this, 'SchedulerPolicy', {
      provider,
      role: this.role.id,
      name: 'run-task',
      policy: permissions.json,
    });

    this.schedule = new SchedulerSchedule(this, 'Schedule', {
      provider,
      name: `${namePrefix}-run`,
      groupName: this.scheduleGroup.name,
      description: `Starts the ${namePrefix} task`,
      scheduleExpression: props.scheduleExpression,
      scheduleExpressionTimezone: props.timezone ?? 'UTC',
      state: props.paused ? 'DISABLED' : 'ENABLED',
      flexibleTimeWindow:
        props.flexibleWindowMinutes === undefined
          ? { mode: 'OFF' }
          : { mode: 'FLEXIBLE', maximumWindowInMinutes: props.flexibleWindowMinutes },
      target: {
        arn: props.cluster.arn,
        roleArn: this.role.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: {
          maximumRetryAttempts: props.retryAttempts ?? 2,
          maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 3600,
        },
        ecsParameters: {
          taskDefinitionArn: props.taskDefinition.arn,
          taskCount: 1,
          ...(props.capacityProviders
            ? { capacityProviderStrategy: props.capacityProviders.map((p) => ({ ...p })) }
            : { launchType: 'FARGATE' }),
          platformVersion: 'LATEST',
          propagateTags: 'TASK_DEFINITION',
          enableExecuteCommand: props.enableExecuteCommand ?? false,
          networkConfiguration: {
            subnets: props.subnetIds,
            securityGroups: [props.securityGroupId],
            assignPublicIp: false,
          },
        },
      },
      // The first run needs the role's permissions.
      dependsOn: [this.rolePolicy],
    });

    const alarm = (
      alarmId: string,
      config: Omit<
        CloudwatchMetricAlarmConfig,
        'evaluationPeriods' | 'comparisonOperator' | 'threshold' | 'alarmActions' | 'okActions'
      >,
    ) =>
      new CloudwatchMetricAlarm(this, alarmId, {
        ...config,
        provider,
        evaluationPeriods: 1,
        alarmActions: topics,
        okActions: topics,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        treatMissingData: 'notBreaching',
      });
    const group = { ScheduleGroup: this.scheduleGroup.name };
    const schedulerMetric = (metricId: string, metricName: string) => ({
      id: metricId,
      metric: { namespace: 'AWS/Scheduler', metricName, dimensions: group, stat: 'Sum', period },
    });
    this.failedInvocations = alarm('FailedInvocations', {
      alarmName: `${namePrefix}-schedule-failed`,
      alarmDescription: `EventBridge Scheduler could not start the ${namePrefix} task (RunTask refused, dropped, or not dead-lettered)`,
      metricQuery: [
        schedulerMetric('targetErrors', 'TargetErrorCount'),
        schedulerMetric('dropped', 'InvocationDroppedCount'),
        schedulerMetric('deadLetterFailed', 'InvocationsFailedToBeSentToDeadLetterCount'),
        {
          id: 'failed',
          label: 'Failed invocations',
          // Each is published only for periods that had such invocations.
          expression: 'FILL(targetErrors, 0) + FILL(dropped, 0) + FILL(deadLetterFailed, 0)',
          returnData: true,
        },
      ],
    });
    this.deadLetters = alarm('DeadLetters', {
      alarmName: `${namePrefix}-schedule-dead-letters`,
      alarmDescription: `Starts of the ${namePrefix} task that failed after every retry are in ${namePrefix}-schedule-dlq`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: 'Maximum',
      period,
    });
    this.alarms = [this.failedInvocations, this.deadLetters];

    // The run itself: a started task whose container exits non-zero, or that never starts (image
    // pull, secrets, capacity), stops with these details; the alarm topic's policy admits this
    // region's EventBridge rules.
    this.failedRunRule = new CloudwatchEventRule(this, 'FailedRunRule', {
      provider,
      name: `${namePrefix}-run-failed`,
      description: `A run of the ${namePrefix} task stopped with a non-zero exit code or failed to start`,
      eventPattern: JSON.stringify({
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [props.cluster.arn],
          lastStatus: ['STOPPED'],
          taskDefinitionArn: [
            { prefix: `arn:aws:ecs:${region}:${accountId}:task-definition/${props.taskFamily}:` },
          ],
          $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
        },
      }),
    });
    this.failedRunTarget = new CloudwatchEventTarget(this, 'FailedRunTarget', {
      provider,
      rule: this.failedRunRule.name,
      arn: props.alarmTopicArn,
      inputTransformer: {
        inputPaths: {
          task: '$.detail.taskArn',
          stopCode: '$.detail.stopCode',
          reason: '$.detail.stoppedReason',
          exitCode: '$.detail.containers[0].exitCode',
        },
        inputTemplate: `"Scheduled job ${namePrefix} in ${region}: task <task> stopped (<stopCode>, exit code <exitCode>): <reason>"`,
      },
    });
  }
}

function validate(props: ScheduledJobProps): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('ScheduledJob', prop, value, allowed);
  };
  const known = <T>(value: T | undefined): value is T => value !== undefined && !Token.isUnresolved(value);
  if (known(props.scheduleExpression)) {
    const problem = scheduleExpressionProblem(props.scheduleExpression);
    if (problem) fail('scheduleExpression', props.scheduleExpression, problem);
  }
  if (known(props.namePrefix) && !/^[0-9a-zA-Z_.-]{1,40}$/.test(props.namePrefix)) {
    fail(
      'namePrefix',
      props.namePrefix,
      'use 1 to 40 of 0-9 a-z A-Z _ . - (the schedule group and queue names)',
    );
  }
  for (const [prop, value, min, max] of [
    ['flexibleWindowMinutes', props.flexibleWindowMinutes, 1, 1440],
    ['retryAttempts', props.retryAttempts, 0, 185],
    ['maxEventAgeSeconds', props.maxEventAgeSeconds, 60, 86400],
  ] as const) {
    if (known(value) && !(Number.isInteger(value) && value >= min && value <= max)) {
      fail(prop, value, `use a whole number from ${min} to ${max}`);
    }
  }
  if (props.subnetIds.length === 0) fail('subnetIds', [], 'list at least one private subnet');
  if (props.capacityProviders && props.capacityProviders.length === 0) {
    fail('capacityProviders', [], 'list at least one provider, or leave it out for launch type FARGATE');
  }
}
