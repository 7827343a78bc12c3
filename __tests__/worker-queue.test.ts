import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SQS_CONSUME_ACTIONS, WorkerQueue, WorkerQueueProps } from '../constructs/worker-queue';
import { SynthesizedJson, dataAt, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

type Overrides = Partial<Omit<WorkerQueueProps, 'provider' | 'taskRole' | 'scalableTarget'>>;

function synthQueue(overrides: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const taskRole = new IamRole(scope, 'TaskRole', { provider, assumeRolePolicy: '{}' });
    const scalableTarget = new AppautoscalingTarget(scope, 'ScalableTarget', {
      provider,
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: 'service/fargate-test-cluster/fargate-test-mailer',
      minCapacity: 1,
      maxCapacity: 8,
    });
    new WorkerQueue(scope, 'Queue', {
      provider,
      region: 'eu-west-1',
      accountId: '123456789012',
      namePrefix: 'fargate-test-mailer',
      queueName: 'fargate-test-emails',
      messagesPerTask: 50,
      taskRole,
      scalableTarget,
      clusterName: 'fargate-test-cluster',
      serviceName: 'fargate-test-mailer',
      ...overrides,
    });
  });
}

describe('WorkerQueue', () => {
  it('allows the task role exactly the consume actions on the queue of its region', () => {
    const json = synthQueue();
    expect(dataAt(json, 'aws_iam_policy_document', 'Queue/ConsumeDocument').statement).toEqual([
      {
        sid: 'ConsumeQueue',
        effect: 'Allow',
        actions: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ],
        resources: ['arn:aws:sqs:eu-west-1:123456789012:fargate-test-emails'],
      },
    ]);
    expect(SQS_CONSUME_ACTIONS).not.toContain('sqs:SendMessage');
    const policy = resourceAt(json, 'aws_iam_role_policy', 'Queue/ConsumePolicy');
    expect(policy.role).toBe(ref(json, 'aws_iam_role', 'TaskRole'));
    expect(policy.name).toBe('queue');
  });

  it('tracks visible messages per running task at messagesPerTask, on the service scalable target', () => {
    const json = synthQueue();
    const [policy] = resources(json, 'aws_appautoscaling_policy');
    expect(policy).toMatchObject({
      name: 'fargate-test-mailer-backlog-scaling',
      policy_type: 'TargetTrackingScaling',
      resource_id: ref(json, 'aws_appautoscaling_target', 'ScalableTarget', 'resource_id'),
      scalable_dimension: ref(json, 'aws_appautoscaling_target', 'ScalableTarget', 'scalable_dimension'),
      service_namespace: ref(json, 'aws_appautoscaling_target', 'ScalableTarget', 'service_namespace'),
    });
    const config = policy.target_tracking_scaling_policy_configuration as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(config.target_value).toBe(50);
    expect(config.scale_in_cooldown).toBe(60);
    expect(config.customized_metric_specification.metrics).toEqual([
      {
        id: 'visible',
        label: 'Visible messages in fargate-test-emails',
        return_data: false,
        metric_stat: {
          metric: {
            namespace: 'AWS/SQS',
            metric_name: 'ApproximateNumberOfMessagesVisible',
            dimensions: [{ name: 'QueueName', value: 'fargate-test-emails' }],
          },
          stat: 'Sum',
        },
      },
      {
        id: 'running',
        label: 'Running tasks of fargate-test-mailer',
        return_data: false,
        metric_stat: {
          metric: {
            namespace: 'ECS/ContainerInsights',
            metric_name: 'RunningTaskCount',
            dimensions: [
              { name: 'ClusterName', value: 'fargate-test-cluster' },
              { name: 'ServiceName', value: 'fargate-test-mailer' },
            ],
          },
          stat: 'Average',
        },
      },
      {
        id: 'backlog',
        label: 'Visible messages per running task',
        expression: 'visible / running',
        return_data: true,
      },
    ]);
  });

  it('takes a FIFO queue', () => {
    const json = synthQueue({ queueName: 'orders.fifo' });
    expect(JSON.stringify(dataAt(json, 'aws_iam_policy_document', 'Queue/ConsumeDocument'))).toContain(
      'arn:aws:sqs:eu-west-1:123456789012:orders.fifo',
    );
  });

  it.each([
    ['queueName', 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', 'use an SQS queue name'],
    [
      'queueName',
      'arn:aws:sqs:eu-west-1:123456789012:q',
      'use an SQS queue name: 1 to 80 letters, digits, - or _, optionally ending in .fifo (the name, not the URL or ARN)',
    ],
    ['messagesPerTask', 0, 'use a whole number from 1'],
    ['messagesPerTask', 2.5, 'use a whole number from 1'],
  ])('refuses %s %p', (prop, value, allowed) => {
    expect(() => synthQueue({ [prop]: value })).toThrow(
      `WorkerQueue: ${prop} ${JSON.stringify(value)} is not allowed; ${allowed}`,
    );
  });
});
