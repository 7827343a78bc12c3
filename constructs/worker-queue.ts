import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ValidationError } from './validation-error';

/** What a consumer of an SQS queue needs, and nothing more (no SendMessage, no PurgeQueue). */
export const SQS_CONSUME_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
] as const;

export interface WorkerQueueProps {
  /** The provider of the worker's region. */
  readonly provider: AwsProvider;
  /** The worker's region; the queue is resolved in it. */
  readonly region: string;
  /** The account that owns the queue (the worker's). */
  readonly accountId: string;
  /** Prefix of the scaling policy's name, e.g. `orders-dev-mailer`. */
  readonly namePrefix: string;
  /** Name of the SQS queue the worker consumes, e.g. `orders-dev-emails` (`.fifo` for a FIFO queue). */
  readonly queueName: string;
  /** Visible messages one task may have waiting: the target of `visible / running tasks`. */
  readonly messagesPerTask: number;
  /** The worker's task role, allowed to consume exactly this queue. */
  readonly taskRole: IamRole;
  /** The worker's scalable target (its ECS service's desired count). */
  readonly scalableTarget: AppautoscalingTarget;
  /** The cluster's name (`ClusterName` of Container Insights' RunningTaskCount). */
  readonly clusterName: string;
  /** The ECS service's name (`ServiceName` of RunningTaskCount). */
  readonly serviceName: string;
  /**
   * Seconds between scale-in activities.
   * @default 60
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds between scale-out activities.
   * @default 60
   */
  readonly scaleOutCooldownSeconds?: number;
}

/**
 * A worker's SQS queue in one region: the task role may consume exactly that queue, and a
 * target-tracking policy keeps the backlog per task (ApproximateNumberOfMessagesVisible divided by
 * the service's running tasks, as metric math) at `messagesPerTask`, beside the CPU and memory policies.
 * The queue itself belongs to its producer and is named, not created, here.
 */
export class WorkerQueue extends Construct {
  /** `arn:aws:sqs:<region>:<account>:<name>`. */
  public readonly queueArn: string;
  public readonly consumePolicy: IamRolePolicy;
  public readonly backlogScalingPolicy: AppautoscalingPolicy;

  constructor(scope: Construct, id: string, props: WorkerQueueProps) {
    super(scope, id);
    validate(props);
    const { provider } = props;
    this.queueArn = `arn:aws:sqs:${props.region}:${props.accountId}:${props.queueName}`;

    const consume = new DataAwsIamPolicyDocument(this, 'ConsumeDocument', {
      provider,
      statement: [
        {
          sid: 'ConsumeQueue',
          effect: 'Allow',
          actions: [...SQS_CONSUME_ACTIONS],
          resources: [this.queueArn],
        },
      ],
    });
    this.consumePolicy = new IamRolePolicy(this, 'ConsumePolicy', {
      provider,
      role: props.taskRole.id,
      name: 'queue',
      policy: consume.json,
    });

    this.backlogScalingPolicy = new AppautoscalingPolicy(this, 'BacklogScaling', {
      provider,
      name: `${props.namePrefix}-backlog-scaling`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: props.scalableTarget.serviceNamespace,
      scalableDimension: props.scalableTarget.scalableDimension,
      resourceId: props.scalableTarget.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.messagesPerTask,
        scaleInCooldown: props.scaleInCooldownSeconds ?? 60,
        scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible',
              label: `Visible messages in ${props.queueName}`,
              returnData: false,
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  metricName: 'ApproximateNumberOfMessagesVisible',
                  dimensions: [{ name: 'QueueName', value: props.queueName }],
                },
                stat: 'Sum',
              },
            },
            {
              id: 'running',
              label: `Running tasks of ${props.serviceName}`,
              returnData: false,
              metricStat: {
                metric: {
                  namespace: 'ECS/ContainerInsights',
                  metricName: 'RunningTaskCount',
                  dimensions: [
                    { name: 'ClusterName', value: props.clusterName },
                    { name: 'ServiceName', value: props.serviceName },
                  ],
                },
                stat: 'Average',
              },
            },
            {
              id: 'backlog',
              label: 'Visible messages per running task',
              expression: 'visible / running',
              returnData: true,
            },
          ],
        },
      },
    });
  }
}

function validate(props: WorkerQueueProps): void {
  const { queueName, messagesPerTask } = props;
  if (!Token.isUnresolved(queueName) && !/^(?=.{1,80}$)[A-Za-z0-9_-]+(\.fifo)?$/.test(queueName)) {
    throw new ValidationError(
      'WorkerQueue',
      'queueName',
      queueName,
      'use an SQS queue name: 1 to 80 letters, digits, - or _, optionally ending in .fifo (the name, not the URL or ARN)',
    );
  }
  if (!Token.isUnresolved(messagesPerTask) && !(Number.isInteger(messagesPerTask) && messagesPerTask >= 1)) {
    throw new ValidationError('WorkerQueue', 'messagesPerTask', messagesPerTask, 'use a whole number from 1');
  }
}
