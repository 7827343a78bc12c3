import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LoadBalancerAlarms, LoadBalancerAlarmsProps } from '../constructs/load-balancer-alarms';
import { resourceAt, synthScopeJson } from '../test-support/synth';

const LB = 'app/fargate-test-alb/50dc6c495c0c9188';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:fargate-test-alarms';

function synthAlarms(overrides: Partial<LoadBalancerAlarmsProps> = {}) {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1' });
    new LoadBalancerAlarms(scope, 'LoadBalancerAlarms', {
      provider,
      namePrefix: 'fargate-test',
      loadBalancerArnSuffix: LB,
      topicArn: TOPIC,
      ...overrides,
    });
  });
}

describe('LoadBalancerAlarms', () => {
  it('sums the load balancer’s own 5xx and the targets’ over the whole load balancer', () => {
    // GIVEN / WHEN
    const alarm = resourceAt(synthAlarms(), 'aws_cloudwatch_metric_alarm', 'Http5xx');
    // THEN
    expect(alarm).toMatchObject({
      alarm_name: 'fargate-test-lb-5xx',
      threshold: 10,
      evaluation_periods: 2,
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    });
    const queries = alarm.metric_query as Array<{
      id: string;
      expression?: string;
      metric?: Record<string, unknown>;
    }>;
    expect(
      queries.filter((q) => q.metric).map((q) => [q.id, q.metric?.metric_name, q.metric?.dimensions]),
    ).toEqual([
      ['elb5xx', 'HTTPCode_ELB_5XX_Count', { LoadBalancer: LB }],
      ['target5xx', 'HTTPCode_Target_5XX_Count', { LoadBalancer: LB }],
    ]);
    expect(queries.find((q) => q.expression)?.expression).toBe('FILL(elb5xx, 0) + FILL(target5xx, 0)');
  });

  it('watches the p99 response time behind the whole load balancer', () => {
    const alarm = resourceAt(synthAlarms(), 'aws_cloudwatch_metric_alarm', 'ResponseTimeP99');
    expect(alarm).toMatchObject({
      alarm_name: 'fargate-test-lb-p99-response-time',
      metric_name: 'TargetResponseTime',
      dimensions: { LoadBalancer: LB },
      extended_statistic: 'p99',
      threshold: 2,
      evaluate_low_sample_count_percentiles: 'ignore',
    });
  });

  it('takes thresholds, period, evaluation periods and further topics as props', () => {
    // GIVEN / WHEN
    const json = synthAlarms({
      http5xxCount: 3,
      targetResponseTimeP99Seconds: 0.5,
      periodSeconds: 300,
      evaluationPeriods: 4,
      additionalTopicArns: ['arn:aws:sns:us-east-1:123456789012:chat'],
    });
    // THEN
    const http = resourceAt(json, 'aws_cloudwatch_metric_alarm', 'Http5xx');
    const p99 = resourceAt(json, 'aws_cloudwatch_metric_alarm', 'ResponseTimeP99');
    expect([http.threshold, p99.threshold, http.evaluation_periods, p99.period]).toEqual([3, 0.5, 4, 300]);
    expect(p99.alarm_actions).toEqual([TOPIC, 'arn:aws:sns:us-east-1:123456789012:chat']);
  });
});
