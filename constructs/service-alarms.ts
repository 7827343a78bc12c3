import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmConfig,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ValidationError } from './validation-error';

/** CloudWatch's limit on period × evaluation periods: one day for periods under an hour, else seven days. */
const MAX_EVALUATION_RANGE_SECONDS = { underAnHour: 86400, hourOrLonger: 604800 } as const;

/** A worker's queue, as its alarm sees it: the queue's name (the `QueueName` dimension) and the age limit. */
export interface WorkerQueueAlarm {
  /** Name of the SQS queue, in the service's region. */
  readonly name: string;
  /** Age of the oldest message, seconds (a whole number from 1), above which the alarm fires. */
  readonly maxMessageAgeSeconds: number;
}

export interface ServiceAlarmsProps {
  /** The provider of the region the service runs in (alarms are regional, like the metrics). */
  readonly provider: AwsProvider;
  /** Prefix of every alarm name, e.g. `orders-dev`; gives `<prefix>-high-cpu` and so on. */
  readonly namePrefix: string;
  /** ARN of this region's alarm topic; every alarm notifies it on entering ALARM and on returning to OK. */
  readonly topicArn: string;
  /**
   * Further SNS topics of this region that every alarm also notifies, on ALARM and on OK.
   * @default - only `topicArn`
   */
  readonly additionalTopicArns?: string[];
  /** Name of the ECS cluster (the `ClusterName` dimension). */
  readonly clusterName: string;
  /** Name of the ECS service (the `ServiceName` dimension). */
  readonly serviceName: string;
  /**
   * The load balancer's ARN suffix `app/<name>/<id>` (the `LoadBalancer` dimension); its name shows no data.
   * @default - no load balancer (a worker): no 5xx, unhealthy-targets or response-time alarms
   */
  readonly loadBalancerArnSuffix?: string;
  /**
   * The target group's ARN suffix `targetgroup/<name>/<id>` (the `TargetGroup` dimension); given with loadBalancerArnSuffix.
   * @default - no target group (a worker): its deployment alarm is the running-tasks alarm
   */
  readonly targetGroupArnSuffix?: string;
  /**
   * The SQS queue a worker consumes: its oldest message older than `maxMessageAgeSeconds` raises an
   * alarm (the worker has stopped taking messages, or does not keep up).
   * @default - no queue: no message-age alarm
   */
  readonly queue?: WorkerQueueAlarm;
  /** The service's autoscaling minimum, at least 1; fewer running tasks than this raises an alarm. */
  readonly minRunningTasks: number;
  /**
   * The service is paused (no tasks on purpose): the running-tasks alarm sends no notification.
   * @default false
   */
  readonly paused?: boolean;
  /**
   * Average CPU utilization of the service above which it alarms, percent (1 to 100).
   * @default 85 - the seed's high-CPU alarm
   */
  readonly cpuHighPercent?: number;
  /**
   * Average memory utilization of the service above which it alarms, percent (1 to 100).
   * @default 85
   */
  readonly memoryHighPercent?: number;
  /**
   * 5xx responses to clients per period (load balancer's and targets' together) above which it
   * alarms, a whole number from 0 (any 5xx alarms).
   * @default 10
   */
  readonly http5xxCount?: number;
  /**
   * Unhealthy targets at or above which it alarms, a whole number from 1.
   * @default 1 - any unhealthy target
   */
  readonly unhealthyHostCount?: number;
  /**
   * 99th percentile of the targets' response time above which it alarms, seconds (more than 0).
   * @default 2
   */
  readonly targetResponseTimeP99Seconds?: number;
  /**
   * Length of each evaluation period, seconds: 10, 20, 30 or a multiple of 60 (CloudWatch's rule).
   * The ECS, ALB and Container Insights metrics arrive once a minute, so a sub-minute period (a
   * high-resolution alarm, billed higher) sees gaps between data points.
   * @default 60 - the seed's
   */
  readonly periodSeconds?: number;
  /**
   * Consecutive breaching periods before an alarm fires, at least 1; periods × period may span at
   * most one day (periods under an hour) or seven days.
   * @default 2 - the seed's
   */
  readonly evaluationPeriods?: number;
}

/**
 * A region's alarms on one ECS service behind an ALB (seed 8.6), each notifying the alarm topic on
 * ALARM and on OK: high CPU (the seed's), high memory, 5xx responses, unhealthy targets, p99 response
 * time, and fewer running tasks than the autoscaling minimum; for a worker with a queue, the age of
 * the queue's oldest message.
 *
 * Missing data is chosen per alarm. The ECS utilization and ALB metrics are absent only when there
 * is nothing to measure (no task running, no request, no 5xx), which is not high usage, errors or
 * latency, so those alarms treat gaps as not breaching and return to OK rather than lingering in
 * INSUFFICIENT_DATA; no task running is what the running-tasks alarm is for, and it treats a gap as
 * breaching, since silence from the service is the failure it watches for.
 */
export class ServiceAlarms extends Construct {
  /** AWS/ECS CPUUtilization, Average, above `cpuHighPercent`: the seed's alarm. */
  public readonly cpuHigh: CloudwatchMetricAlarm;
  /** AWS/ECS MemoryUtilization, Average, above `memoryHighPercent`. */
  public readonly memoryHigh: CloudwatchMetricAlarm;
  /** Load balancer plus target 5xx responses per period, above `http5xxCount` (with a target group). */
  public readonly alb5xx?: CloudwatchMetricAlarm;
  /** UnHealthyHostCount of the target group, Maximum, at or above `unhealthyHostCount` (with a target group). */
  public readonly unhealthyHosts?: CloudwatchMetricAlarm;
  /** TargetResponseTime p99 above `targetResponseTimeP99Seconds` (with a target group). */
  public readonly targetResponseTimeP99?: CloudwatchMetricAlarm;
  /** ECS/ContainerInsights RunningTaskCount, Minimum, below `minRunningTasks`. */
  public readonly runningTasksLow: CloudwatchMetricAlarm;
  /** AWS/SQS ApproximateAgeOfOldestMessage of the worker's queue, Maximum, above its limit (with a queue). */
  public readonly queueMessageAge?: CloudwatchMetricAlarm;
  /** Every alarm above, in that order. */
  public readonly alarms: CloudwatchMetricAlarm[];
  /**
   * The alarms that mean a bad release, for ECS deployment alarms: 5xx responses, p99 response time
   * and unhealthy targets. CPU, memory and task count mean load or capacity, which a rollback would
   * not fix.
   */
  public readonly deploymentAlarms: CloudwatchMetricAlarm[];
  /**
   * The alarms that mean clients are hurt in this region, for drill stop conditions: 5xx responses
   * and p99 response time. A drill that takes the region down trips the unhealthy-targets and
   * running-tasks alarms by design; these two stay quiet once the traffic has failed over, so they
   * fire only when it has not.
   */
  public readonly clientImpactAlarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    validate(props);
    const { provider, namePrefix, topicArn } = props;
    const period = props.periodSeconds ?? 60;
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const targetGroup = {
      TargetGroup: props.targetGroupArnSuffix as string,
      LoadBalancer: props.loadBalancerArnSuffix as string,
    };
    const alarm = (
      alarmId: string,
      config: Omit<CloudwatchMetricAlarmConfig, 'evaluationPeriods' | 'alarmActions' | 'okActions'>,
    ) =>
      new CloudwatchMetricAlarm(this, alarmId, {
        provider,
        evaluationPeriods: props.evaluationPeriods ?? 2,
        alarmActions: [topicArn, ...(props.additionalTopicArns ?? [])],
        okActions: [topicArn, ...(props.additionalTopicArns ?? [])],
        ...config,
      });

    this.cpuHigh = alarm('CpuHigh', {
      alarmName: `${namePrefix}-high-cpu`,
      alarmDescription: `Average CPU of ECS service ${props.serviceName} is high`,
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: service,
      statistic: 'Average',
      period,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.cpuHighPercent ?? 85,
      treatMissingData: 'notBreaching',
    });

    this.memoryHigh = alarm('MemoryHigh', {
      alarmName: `${namePrefix}-high-memory`,
      alarmDescription: `Average memory of ECS service ${props.serviceName} is high`,
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      dimensions: service,
      statistic: 'Average',
      period,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.memoryHighPercent ?? 85,
      treatMissingData: 'notBreaching',
    });

    if (props.targetGroupArnSuffix !== undefined) {
      // This service's own errors: the 5xx its targets return, counted on its target group, so one
      // service's bad release never rolls back another's. The load balancer's own 502/503/504 (no
      // healthy target) are published per load balancer only: LoadBalancerAlarms watches them, and
      // this service's unhealthy-hosts alarm sees the crash behind them.
      this.alb5xx = alarm('Alb5xx', {
        alarmName: `${namePrefix}-alb-5xx`,
        alarmDescription: `Targets of ${props.targetGroupArnSuffix} return 5xx responses to clients`,
        metricQuery: [
          {
            id: 'target5xx',
            label: 'HTTP 5xx returned by the targets',
            metric: {
              namespace: 'AWS/ApplicationELB',
              metricName: 'HTTPCode_Target_5XX_Count',
              dimensions: targetGroup,
              stat: 'Sum',
              period,
            },
          },
          {
            id: 'client5xx',
            label: 'HTTP 5xx returned to clients by this service',
            // Published only for periods that had such responses.
            expression: 'FILL(target5xx, 0)',
            returnData: true,
          },
        ],
        comparisonOperator: 'GreaterThanThreshold',
        threshold: props.http5xxCount ?? 10,
        treatMissingData: 'notBreaching',
      });

      this.unhealthyHosts = alarm('UnhealthyHosts', {
        alarmName: `${namePrefix}-unhealthy-hosts`,
        alarmDescription: `Target group ${props.targetGroupArnSuffix} has unhealthy targets`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'UnHealthyHostCount',
        dimensions: targetGroup,
        statistic: 'Maximum',
        period,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: props.unhealthyHostCount ?? 1,
        treatMissingData: 'notBreaching',
      });

      this.targetResponseTimeP99 = alarm('TargetResponseTimeP99', {
        alarmName: `${namePrefix}-p99-response-time`,
        alarmDescription: `99th percentile response time of the targets of ${props.targetGroupArnSuffix} is high`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        dimensions: targetGroup,
        extendedStatistic: 'p99',
        period,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: props.targetResponseTimeP99Seconds ?? 2,
        treatMissingData: 'notBreaching',
        // A p99 over a handful of requests is just the slowest one; keep the state until there are enough.
        evaluateLowSampleCountPercentiles: 'ignore',
      });
    }

    this.runningTasksLow = alarm('RunningTasksLow', {
      alarmName: `${namePrefix}-low-running-tasks`,
      alarmDescription: `ECS service ${props.serviceName} runs fewer than ${props.minRunningTasks} tasks (its autoscaling minimum)`,
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensions: service,
      statistic: 'Minimum',
      period,
      comparisonOperator: 'LessThanThreshold',
      threshold: props.minRunningTasks,
      treatMissingData: 'breaching',
      // A paused service runs no tasks on purpose: the alarm keeps its state but notifies no one.
      actionsEnabled: !props.paused,
    });

    if (props.queue) {
      const { name, maxMessageAgeSeconds } = props.queue;
      this.queueMessageAge = alarm('QueueMessageAge', {
        alarmName: `${namePrefix}-queue-message-age`,
        alarmDescription: `The oldest message in SQS queue ${name}, which ${props.serviceName} consumes, is older than ${maxMessageAgeSeconds} s`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: name },
        statistic: 'Maximum',
        period,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: maxMessageAgeSeconds,
        // SQS stops sending a queue's metrics after six hours without activity: nothing waits then.
        treatMissingData: 'notBreaching',
        // A paused worker leaves its messages waiting on purpose.
        actionsEnabled: !props.paused,
      });
    }

    const targetGroupAlarms = [this.alb5xx, this.unhealthyHosts, this.targetResponseTimeP99].filter(
      (a): a is CloudwatchMetricAlarm => a !== undefined,
    );
    this.alarms = [
      this.cpuHigh,
      this.memoryHigh,
      ...targetGroupAlarms,
      this.runningTasksLow,
      ...(this.queueMessageAge ? [this.queueMessageAge] : []),
    ];
    // Behind a load balancer a bad release shows as 5xx, slow or unhealthy targets. A worker has
    // none of those: a release whose tasks fail their container health check or exit keeps the
    // service below its minimum, which the running-tasks alarm sees (not while paused, when it is
    // in ALARM on purpose and would roll back every deployment). Its queue's message age is no
    // deployment alarm: a burst from the producers ages the queue too, which a rollback does not fix.
    this.deploymentAlarms =
      props.targetGroupArnSuffix !== undefined
        ? [this.alb5xx, this.targetResponseTimeP99, this.unhealthyHosts].filter(
            (a): a is CloudwatchMetricAlarm => a !== undefined,
          )
        : props.paused
          ? []
          : [this.runningTasksLow];
    this.clientImpactAlarms = [this.alb5xx, this.targetResponseTimeP99].filter(
      (a): a is CloudwatchMetricAlarm => a !== undefined,
    );
  }
}

function validate(props: ServiceAlarmsProps): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('ServiceAlarms', prop, value, allowed);
  };
  const known = <T>(value: T | undefined): value is T => value !== undefined && !Token.isUnresolved(value);

  const period = props.periodSeconds;
  if (
    known(period) &&
    !([10, 20, 30].includes(period) || (Number.isInteger(period) && period > 0 && period % 60 === 0))
  ) {
    fail('periodSeconds', period, 'CloudWatch alarm periods are 10, 20, 30 or a multiple of 60 seconds');
  }
  const evaluations = props.evaluationPeriods;
  if (known(evaluations) && !(Number.isInteger(evaluations) && evaluations >= 1)) {
    fail('evaluationPeriods', evaluations, 'use a whole number from 1');
  }
  const effectivePeriod = props.periodSeconds ?? 60;
  const effectiveEvaluations = props.evaluationPeriods ?? 2;
  if (!Token.isUnresolved(effectivePeriod) && !Token.isUnresolved(effectiveEvaluations)) {
    const range = effectivePeriod * effectiveEvaluations;
    const limit =
      effectivePeriod < 3600
        ? MAX_EVALUATION_RANGE_SECONDS.underAnHour
        : MAX_EVALUATION_RANGE_SECONDS.hourOrLonger;
    if (range > limit) {
      fail(
        'evaluationPeriods',
        effectiveEvaluations,
        `${effectiveEvaluations} periods of ${effectivePeriod} s span ${range} s; CloudWatch allows at most ` +
          '86400 s (one day) for periods under an hour and 604800 s (seven days) otherwise',
      );
    }
  }

  for (const prop of ['cpuHighPercent', 'memoryHighPercent'] as const) {
    const percent = props[prop];
    if (known(percent) && !(percent >= 1 && percent <= 100)) {
      fail(prop, percent, 'use a percentage from 1 to 100');
    }
  }
  const count5xx = props.http5xxCount;
  if (known(count5xx) && !(Number.isInteger(count5xx) && count5xx >= 0)) {
    fail('http5xxCount', count5xx, 'use a whole number from 0 (0 alarms on any 5xx)');
  }
  const unhealthy = props.unhealthyHostCount;
  if (known(unhealthy) && !(Number.isInteger(unhealthy) && unhealthy >= 1)) {
    fail('unhealthyHostCount', unhealthy, 'use a whole number from 1 (at 0 it would always alarm)');
  }
  const p99 = props.targetResponseTimeP99Seconds;
  if (known(p99) && !(p99 > 0)) fail('targetResponseTimeP99Seconds', p99, 'use a number of seconds above 0');
  const age = props.queue?.maxMessageAgeSeconds;
  if (known(age) && !(Number.isInteger(age) && age >= 1)) {
    fail('queue.maxMessageAgeSeconds', age, 'use a whole number of seconds from 1');
  }
  const minTasks = props.minRunningTasks;
  if (known(minTasks) && !(Number.isInteger(minTasks) && minTasks >= 1)) {
    fail('minRunningTasks', minTasks, 'use a whole number from 1 (with 0 the alarm could never fire)');
  }

  if (known(props.loadBalancerArnSuffix) && !/^app\/[^/]+\/[0-9a-f]+$/.test(props.loadBalancerArnSuffix)) {
    fail(
      'loadBalancerArnSuffix',
      props.loadBalancerArnSuffix,
      'use the ARN suffix app/<name>/<id> (the LoadBalancer dimension), not the name or the full ARN',
    );
  }
  if (
    known(props.targetGroupArnSuffix) &&
    !/^targetgroup\/[^/]+\/[0-9a-f]+$/.test(props.targetGroupArnSuffix)
  ) {
    fail(
      'targetGroupArnSuffix',
      props.targetGroupArnSuffix,
      'use the ARN suffix targetgroup/<name>/<id> (the TargetGroup dimension), not the name or the full ARN',
    );
  }
}
