import { Fn } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ServiceAlarms, ServiceAlarmsProps } from '../constructs/service-alarms';
import { SynthesizedJson, allBlocks, resourceAt, resources, synthScopeJson } from '../test-support/synth';

type Overrides = Partial<Omit<ServiceAlarmsProps, 'provider'>>;

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:fargate-test-alarms';
const LB = 'app/fargate-test-alb/50dc6c495c0c9188';
const TG = 'targetgroup/fargate-test-tg-80/73e2d6bc24d8a067';
const SERVICE = { ClusterName: 'fargate-test-cluster', ServiceName: 'fargate-test-service' };

function synthAlarms(props: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new ServiceAlarms(scope, 'Alarms', {
      provider,
      namePrefix: 'fargate-test',
      topicArn: TOPIC,
      clusterName: 'fargate-test-cluster',
      serviceName: 'fargate-test-service',
      loadBalancerArnSuffix: LB,
      targetGroupArnSuffix: TG,
      minRunningTasks: 2,
      ...props,
    });
  });
}

function alarm(json: SynthesizedJson, id: string) {
  return resourceAt(json, 'aws_cloudwatch_metric_alarm', `Alarms/${id}`);
}

const ALARM_IDS = [
  'CpuHigh',
  'MemoryHigh',
  'Alb5xx',
  'UnhealthyHosts',
  'TargetResponseTimeP99',
  'RunningTasksLow',
];

describe('ServiceAlarms', () => {
  it('creates the seed’s high-CPU alarm exactly', () => {
    // GIVEN / WHEN alarms with the defaults
    const json = synthAlarms();
    // THEN AWS/ECS CPUUtilization by cluster and service, Average, 60 s, 2 periods, > 85
    expect(alarm(json, 'CpuHigh')).toMatchObject({
      alarm_name: 'fargate-test-high-cpu',
      namespace: 'AWS/ECS',
      metric_name: 'CPUUtilization',
      dimensions: SERVICE,
      statistic: 'Average',
      period: 60,
      evaluation_periods: 2,
      comparison_operator: 'GreaterThanThreshold',
      threshold: 85,
      treat_missing_data: 'notBreaching',
    });
  });

  it('alarms on the service’s average memory above 85 %', () => {
    // GIVEN / WHEN alarms with the defaults
    const json = synthAlarms();
    // THEN
    expect(alarm(json, 'MemoryHigh')).toMatchObject({
      alarm_name: 'fargate-test-high-memory',
      namespace: 'AWS/ECS',
      metric_name: 'MemoryUtilization',
      dimensions: SERVICE,
      statistic: 'Average',
      period: 60,
      evaluation_periods: 2,
      comparison_operator: 'GreaterThanThreshold',
      threshold: 85,
      treat_missing_data: 'notBreaching',
    });
  });

  it('alarms on more than 10 5xx per period returned by this service’s own targets', () => {
    // GIVEN / WHEN
    const json = synthAlarms();
    const alb5xx = alarm(json, 'Alb5xx');
    // THEN a metric-math alarm, with no single metric of its own
    expect(alb5xx).toMatchObject({
      alarm_name: 'fargate-test-alb-5xx',
      evaluation_periods: 2,
      comparison_operator: 'GreaterThanThreshold',
      threshold: 10,
      treat_missing_data: 'notBreaching',
    });
    for (const key of ['namespace', 'metric_name', 'statistic', 'period', 'dimensions']) {
      expect(alb5xx[key]).toBeUndefined();
    }
    // AND the targets' count on this service's target group (another service's errors never roll
    // this one back), gaps filled with 0; the load balancer's own 5xx are LoadBalancerAlarms'
    expect(alb5xx.metric_query).toEqual([
      {
        id: 'target5xx',
        label: 'HTTP 5xx returned by the targets',
        metric: {
          namespace: 'AWS/ApplicationELB',
          metric_name: 'HTTPCode_Target_5XX_Count',
          dimensions: { TargetGroup: TG, LoadBalancer: LB },
          stat: 'Sum',
          period: 60,
        },
      },
      {
        id: 'client5xx',
        label: 'HTTP 5xx returned to clients by this service',
        expression: 'FILL(target5xx, 0)',
        return_data: true,
      },
    ]);
  });

  it('alarms on any unhealthy target of the target group', () => {
    // GIVEN / WHEN alarms with the defaults
    const json = synthAlarms();
    // THEN
    expect(alarm(json, 'UnhealthyHosts')).toMatchObject({
      alarm_name: 'fargate-test-unhealthy-hosts',
      namespace: 'AWS/ApplicationELB',
      metric_name: 'UnHealthyHostCount',
      dimensions: { TargetGroup: TG, LoadBalancer: LB },
      statistic: 'Maximum',
      period: 60,
      evaluation_periods: 2,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      treat_missing_data: 'notBreaching',
    });
  });

  it('alarms on a p99 target response time above 2 s, ignoring too few requests', () => {
    // GIVEN / WHEN alarms with the defaults
    const json = synthAlarms();
    // THEN
    const p99 = alarm(json, 'TargetResponseTimeP99');
    expect(p99).toMatchObject({
      alarm_name: 'fargate-test-p99-response-time',
      namespace: 'AWS/ApplicationELB',
      metric_name: 'TargetResponseTime',
      dimensions: { LoadBalancer: LB },
      extended_statistic: 'p99',
      period: 60,
      evaluation_periods: 2,
      comparison_operator: 'GreaterThanThreshold',
      threshold: 2,
      treat_missing_data: 'notBreaching',
      evaluate_low_sample_count_percentiles: 'ignore',
    });
    expect(p99.statistic).toBeUndefined();
  });

  it('alarms when fewer tasks run than the autoscaling minimum, and when the count goes missing', () => {
    // GIVEN / WHEN an autoscaling minimum of 3
    const json = synthAlarms({ minRunningTasks: 3 });
    // THEN
    expect(alarm(json, 'RunningTasksLow')).toMatchObject({
      alarm_name: 'fargate-test-low-running-tasks',
      namespace: 'ECS/ContainerInsights',
      metric_name: 'RunningTaskCount',
      dimensions: SERVICE,
      statistic: 'Minimum',
      period: 60,
      evaluation_periods: 2,
      comparison_operator: 'LessThanThreshold',
      threshold: 3,
      treat_missing_data: 'breaching',
    });
  });

  it('notifies the given topic from every alarm, on ALARM and on OK', () => {
    // GIVEN / WHEN
    const json = synthAlarms();
    // THEN
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => a.path.split('/').pop()).sort()).toEqual([...ALARM_IDS].sort());
    for (const a of alarms) {
      expect({ id: a.path, alarm: a.alarm_actions, ok: a.ok_actions }).toEqual({
        id: a.path,
        alarm: [TOPIC],
        ok: [TOPIC],
      });
      expect(a.insufficient_data_actions).toBeUndefined();
    }
  });

  it('also notifies the additional topics of its region, on ALARM and on OK', () => {
    // GIVEN an existing chat-integration topic
    const chat = 'arn:aws:sns:eu-west-1:123456789012:chatops';
    // WHEN
    const json = synthAlarms({ additionalTopicArns: [chat] });
    // THEN
    for (const a of resources(json, 'aws_cloudwatch_metric_alarm')) {
      expect({ alarm: a.alarm_actions, ok: a.ok_actions }).toEqual({
        alarm: [TOPIC, chat],
        ok: [TOPIC, chat],
      });
    }
  });

  it('keys every load balancer metric by the ARN suffixes, never by a name', () => {
    // GIVEN / WHEN
    const json = synthAlarms();
    // THEN every LoadBalancer and TargetGroup dimension, in single metrics and metric queries alike
    const dimensions = resources(json, 'aws_cloudwatch_metric_alarm').flatMap((a) => [
      ...(a.dimensions ? [a.dimensions as Record<string, string>] : []),
      ...((a.metric_query as Array<{ metric?: { dimensions: Record<string, string> } }> | undefined) ?? [])
        .filter((q) => q.metric)
        .map((q) => q.metric!.dimensions),
    ]);
    // 5xx, unhealthy hosts and p99: each on this service's target group of its load balancer
    const loadBalancers = dimensions.filter((d) => 'LoadBalancer' in d).map((d) => d.LoadBalancer);
    expect(loadBalancers).toEqual([LB, LB, LB]);
    expect(dimensions.filter((d) => 'TargetGroup' in d).map((d) => d.TargetGroup)).toEqual([TG, TG, TG]);
  });

  it('takes the thresholds, period and evaluation periods as settings', () => {
    // GIVEN / WHEN every threshold set
    const json = synthAlarms({
      cpuHighPercent: 90,
      memoryHighPercent: 80,
      http5xxCount: 0,
      unhealthyHostCount: 2,
      targetResponseTimeP99Seconds: 0.5,
      periodSeconds: 300,
      evaluationPeriods: 3,
    });
    // THEN
    const thresholds = Object.fromEntries(ALARM_IDS.map((id) => [id, alarm(json, id).threshold]));
    expect(thresholds).toEqual({
      CpuHigh: 90,
      MemoryHigh: 80,
      Alb5xx: 0,
      UnhealthyHosts: 2,
      TargetResponseTimeP99: 0.5,
      RunningTasksLow: 2,
    });
    for (const id of ALARM_IDS) expect(alarm(json, id).evaluation_periods).toBe(3);
    for (const id of ALARM_IDS.filter((i) => i !== 'Alb5xx')) expect(alarm(json, id).period).toBe(300);
    const queries = alarm(json, 'Alb5xx').metric_query as Array<{ metric?: { period: number } }>;
    expect(queries.filter((q) => q.metric).map((q) => q.metric!.period)).toEqual([300]);
  });

  it.each([10, 20, 30, 60, 120])('accepts a period of %i s', (periodSeconds) => {
    // GIVEN / WHEN
    const json = synthAlarms({ periodSeconds, evaluationPeriods: 1 });
    // THEN
    expect(alarm(json, 'CpuHigh').period).toBe(periodSeconds);
  });

  it('accepts seven days of evaluation for periods of an hour or more', () => {
    // GIVEN / WHEN 168 hourly periods
    const json = synthAlarms({ periodSeconds: 3600, evaluationPeriods: 168 });
    // THEN
    expect(alarm(json, 'CpuHigh')).toMatchObject({ period: 3600, evaluation_periods: 168 });
  });

  it('accepts a topic ARN and dimensions that are Terraform expressions', () => {
    // GIVEN / WHEN tokens (the topic, load balancer and target group of the same stack)
    const json = synthAlarms({
      topicArn: Fn.lower(TOPIC),
      loadBalancerArnSuffix: Fn.lower(LB),
      targetGroupArnSuffix: Fn.lower(TG),
    });
    // THEN they are interpolated unvalidated
    expect(alarm(json, 'UnhealthyHosts')).toMatchObject({
      alarm_actions: [`\${lower("${TOPIC}")}`],
      dimensions: { TargetGroup: `\${lower("${TG}")}`, LoadBalancer: `\${lower("${LB}")}` },
    });
  });

  it('puts every alarm on the given provider', () => {
    // GIVEN / WHEN
    const json = synthAlarms();
    // THEN
    const blocks = allBlocks(json);
    expect(blocks).toHaveLength(6);
    expect(blocks.filter((b) => b.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it.each([45, 90, 0, -60, 60.5])('rejects a period of %p s', (periodSeconds) => {
    expect(() => synthAlarms({ periodSeconds })).toThrow(
      `ServiceAlarms: periodSeconds ${periodSeconds} is not allowed; ` +
        'CloudWatch alarm periods are 10, 20, 30 or a multiple of 60 seconds',
    );
  });

  it.each([0, 1.5])('rejects %p evaluation periods', (evaluationPeriods) => {
    expect(() => synthAlarms({ evaluationPeriods })).toThrow(
      `ServiceAlarms: evaluationPeriods ${evaluationPeriods} is not allowed; use a whole number from 1`,
    );
  });

  it('rejects more than one day of evaluation for periods under an hour', () => {
    expect(() => synthAlarms({ periodSeconds: 60, evaluationPeriods: 1441 })).toThrow(
      'ServiceAlarms: evaluationPeriods 1441 is not allowed; 1441 periods of 60 s span 86460 s; ' +
        'CloudWatch allows at most 86400 s (one day) for periods under an hour and 604800 s (seven days) otherwise',
    );
  });

  it('rejects more than seven days of evaluation for periods of an hour or more', () => {
    expect(() => synthAlarms({ periodSeconds: 3600, evaluationPeriods: 169 })).toThrow(
      'ServiceAlarms: evaluationPeriods 169 is not allowed; 169 periods of 3600 s span 608400 s; ' +
        'CloudWatch allows at most 86400 s (one day) for periods under an hour and 604800 s (seven days) otherwise',
    );
  });

  it.each([
    ['cpuHighPercent', 0],
    ['cpuHighPercent', 101],
    ['memoryHighPercent', 0.5],
    ['memoryHighPercent', 150],
  ] as const)('rejects %s %p', (prop, value) => {
    expect(() => synthAlarms({ [prop]: value })).toThrow(
      `ServiceAlarms: ${prop} ${value} is not allowed; use a percentage from 1 to 100`,
    );
  });

  it.each([-1, 2.5])('rejects an http5xxCount of %p', (http5xxCount) => {
    expect(() => synthAlarms({ http5xxCount })).toThrow(
      `ServiceAlarms: http5xxCount ${http5xxCount} is not allowed; use a whole number from 0 (0 alarms on any 5xx)`,
    );
  });

  it.each([0, 1.5])('rejects an unhealthyHostCount of %p', (unhealthyHostCount) => {
    expect(() => synthAlarms({ unhealthyHostCount })).toThrow(
      `ServiceAlarms: unhealthyHostCount ${unhealthyHostCount} is not allowed; ` +
        'use a whole number from 1 (at 0 it would always alarm)',
    );
  });

  it.each([0, -2])('rejects a targetResponseTimeP99Seconds of %p', (targetResponseTimeP99Seconds) => {
    expect(() => synthAlarms({ targetResponseTimeP99Seconds })).toThrow(
      `ServiceAlarms: targetResponseTimeP99Seconds ${targetResponseTimeP99Seconds} is not allowed; ` +
        'use a number of seconds above 0',
    );
  });

  it.each([0, 1.5])('rejects a minRunningTasks of %p', (minRunningTasks) => {
    expect(() => synthAlarms({ minRunningTasks })).toThrow(
      `ServiceAlarms: minRunningTasks ${minRunningTasks} is not allowed; ` +
        'use a whole number from 1 (with 0 the alarm could never fire)',
    );
  });

  it.each(['fargate-test-alb', `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/${LB}`])(
    'rejects a load balancer name or full ARN: %s',
    (loadBalancerArnSuffix) => {
      expect(() => synthAlarms({ loadBalancerArnSuffix })).toThrow(
        `ServiceAlarms: loadBalancerArnSuffix ${JSON.stringify(loadBalancerArnSuffix)} is not allowed; ` +
          'use the ARN suffix app/<name>/<id> (the LoadBalancer dimension), not the name or the full ARN',
      );
    },
  );

  it('rejects a target group name', () => {
    expect(() => synthAlarms({ targetGroupArnSuffix: 'fargate-test-tg-80' })).toThrow(
      'ServiceAlarms: targetGroupArnSuffix "fargate-test-tg-80" is not allowed; ' +
        'use the ARN suffix targetgroup/<name>/<id> (the TargetGroup dimension), not the name or the full ARN',
    );
  });
});

describe('ServiceAlarms without a target group (service kind worker)', () => {
  /** A worker's alarms (no load balancer, one task at least), the construct and its synthesized JSON. */
  const buildWorker = (props: Overrides = {}) => {
    let alarms: ServiceAlarms | undefined;
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
      alarms = new ServiceAlarms(scope, 'Alarms', {
        provider,
        namePrefix: 'fargate-test',
        topicArn: TOPIC,
        clusterName: 'fargate-test-cluster',
        serviceName: 'fargate-test-service',
        minRunningTasks: 1,
        ...props,
      });
    });
    return { alarms: alarms as ServiceAlarms, json };
  };

  it('watches CPU, memory and running tasks only', () => {
    const json = synthAlarms({ loadBalancerArnSuffix: undefined, targetGroupArnSuffix: undefined });
    expect(
      resources(json, 'aws_cloudwatch_metric_alarm')
        .map((a) => a.path.split('/').pop())
        .sort(),
    ).toEqual(['CpuHigh', 'MemoryHigh', 'RunningTasksLow']);
  });

  it('alarms when the oldest message of its queue is older than the limit, and not on an idle queue', () => {
    // GIVEN a worker consuming fargate-test-emails, whose messages may wait 300 s
    const json = synthAlarms({
      loadBalancerArnSuffix: undefined,
      targetGroupArnSuffix: undefined,
      queue: { name: 'fargate-test-emails', maxMessageAgeSeconds: 300 },
    });
    // THEN one more alarm watches the queue's oldest message, notifying the same topic
    expect(alarm(json, 'QueueMessageAge')).toMatchObject({
      alarm_name: 'fargate-test-queue-message-age',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: 'fargate-test-emails' },
      statistic: 'Maximum',
      period: 60,
      evaluation_periods: 2,
      comparison_operator: 'GreaterThanThreshold',
      threshold: 300,
      treat_missing_data: 'notBreaching',
      actions_enabled: true,
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    });
    expect(resources(json, 'aws_cloudwatch_metric_alarm')).toHaveLength(4);
  });

  it('keeps the queue alarm out of the deployment alarms, and silent while paused', () => {
    const queue = { name: 'fargate-test-emails', maxMessageAgeSeconds: 900 };
    const running = buildWorker({ queue }).alarms;
    expect(running.alarms).toContain(running.queueMessageAge);
    expect(running.deploymentAlarms).toEqual([running.runningTasksLow]);
    expect(alarm(buildWorker({ queue, paused: true }).json, 'QueueMessageAge').actions_enabled).toBe(false);
  });

  it.each([0, 1.5, -60])('rejects a queue age limit of %s seconds, naming the prop', (age) => {
    expect(() => synthAlarms({ queue: { name: 'fargate-test-emails', maxMessageAgeSeconds: age } })).toThrow(
      `ServiceAlarms: queue.maxMessageAgeSeconds ${age} is not allowed; use a whole number of seconds from 1`,
    );
  });

  it('names the running-tasks alarm as its deployment alarm, none while paused, and no client-impact alarm', () => {
    const build = (paused: boolean) => buildWorker({ paused }).alarms;
    const running = build(false);
    expect(running.deploymentAlarms).toEqual([running.runningTasksLow]);
    expect(running.clientImpactAlarms).toEqual([]);
    expect(running.alb5xx).toBeUndefined();
    expect(build(true).deploymentAlarms).toEqual([]);
  });
});
