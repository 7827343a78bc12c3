import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ServiceDashboard, ServiceDashboardProps } from '../constructs/service-dashboard';
import { SynthesizedJson, allBlocks, ref, resources, synthScopeJson } from '../test-support/synth';
import { MetricLine, RenderedWidget, bare, render } from '../test-support/dashboard-body';

const SERVICE = 'fargate-test-app';
const ALB_NAME = 'fargate-test-alb';
const ALB_SUFFIX = `app/${ALB_NAME}/0123456789abcdef`;
const TG_SUFFIX = 'targetgroup/fargate-test-tg-8080/fedcba9876543210';
const CLUSTER = 'fargate-test-cluster';
const ALARM_ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fargate-test-high-cpu';

type Overrides = Partial<Omit<ServiceDashboardProps, 'provider'>>;

/**
 * A dashboard fed, like in the platform, with references to a real load balancer, target group and
 * cluster (tokens until apply); `props` overrides any of them, or builds the overrides from a real
 * alarm.
 */
function synthDashboard(
  props: Overrides | ((alarm: CloudwatchMetricAlarm) => Overrides) = {},
): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const lb = new Lb(scope, 'Lb', { provider, name: ALB_NAME });
    const targetGroup = new LbTargetGroup(scope, 'TargetGroup', { provider, name: 'fargate-test-tg-8080' });
    const cluster = new EcsCluster(scope, 'Cluster', { provider, name: CLUSTER });
    const alarm = new CloudwatchMetricAlarm(scope, 'Alarm', {
      provider,
      alarmName: 'fargate-test-high-memory',
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 2,
    });
    new ServiceDashboard(scope, 'Dashboard', {
      provider,
      dashboardName: 'fargate-test-eu-west-1',
      region: 'eu-west-1',
      clusterName: cluster.name,
      serviceName: SERVICE,
      loadBalancerArnSuffix: lb.arnSuffix,
      targetGroupArnSuffix: targetGroup.arnSuffix,
      ...(typeof props === 'function' ? props(alarm) : props),
    });
  });
}

/** What each reference of the fixture holds after apply, realistic values keyed by reference. */
function appliedValues(json: SynthesizedJson): Record<string, string> {
  return {
    [bare(ref(json, 'aws_lb', 'Lb', 'arn_suffix'))]: ALB_SUFFIX,
    [bare(ref(json, 'aws_lb', 'Lb', 'name'))]: ALB_NAME,
    [bare(ref(json, 'aws_lb_target_group', 'TargetGroup', 'arn_suffix'))]: TG_SUFFIX,
    [bare(ref(json, 'aws_ecs_cluster', 'Cluster', 'name'))]: CLUSTER,
    [bare(ref(json, 'aws_cloudwatch_metric_alarm', 'Alarm', 'arn'))]:
      'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fargate-test-high-memory',
  };
}

function dashboardOf(json: SynthesizedJson) {
  const dashboards = resources(json, 'aws_cloudwatch_dashboard');
  expect(dashboards).toHaveLength(1);
  return dashboards[0];
}

function renderedWidgets(json: SynthesizedJson, values = appliedValues(json)): RenderedWidget[] {
  return render(String(dashboardOf(json).dashboard_body), values);
}

function widgetTitled(widgets: RenderedWidget[], title: string): RenderedWidget {
  const widget = widgets.find((w) => w.properties.title === title);
  if (!widget) throw new Error(`no widget titled ${title}`);
  return widget;
}

describe('ServiceDashboard', () => {
  it('creates one dashboard with the given name on the region’s provider', () => {
    // GIVEN / WHEN a dashboard with the defaults
    const json = synthDashboard();
    // THEN
    expect(dashboardOf(json)).toMatchObject({ dashboard_name: 'fargate-test-eu-west-1' });
    const blocks = allBlocks(json);
    expect(blocks.map((b) => b.type)).toContain('aws_cloudwatch_dashboard');
    expect(blocks.filter((block) => block.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it('has Terraform encode the body, with the references unquoted inside jsonencode', () => {
    // GIVEN / WHEN
    const json = synthDashboard();
    // THEN the body is one jsonencode expression over an object holding bare references
    const body = String(dashboardOf(json).dashboard_body);
    expect(body).toMatch(/^\$\{jsonencode\(\{"widgets" = \[.*\]\}\)\}$/s);
    expect(body).toContain(`"LoadBalancer", ${bare(ref(json, 'aws_lb', 'Lb', 'arn_suffix'))}`);
    expect(body).not.toContain('"${');
  });

  it('renders to valid JSON, every graph in the given region over the default 5 minutes', () => {
    // GIVEN / WHEN
    const json = synthDashboard();
    // THEN
    const widgets = renderedWidgets(json);
    expect(
      widgets.map((w) => [w.type, w.properties.title, w.properties.region, w.properties.period]),
    ).toEqual([
      ['metric', 'CPU utilization (%)', 'eu-west-1', 300],
      ['metric', 'Memory utilization (%)', 'eu-west-1', 300],
      ['metric', 'Requests', 'eu-west-1', 300],
      ['metric', 'Target response time (seconds)', 'eu-west-1', 300],
      ['metric', '5xx responses', 'eu-west-1', 300],
      ['metric', 'Targets', 'eu-west-1', 300],
      ['metric', 'Tasks', 'eu-west-1', 300],
    ]);
  });

  it('keys the load balancer metrics by the load balancer’s ARN suffix, never its name', () => {
    // GIVEN / WHEN
    const json = synthDashboard();
    // THEN the body references arn_suffix, not name, and every LoadBalancer dimension renders to the suffix
    const body = String(dashboardOf(json).dashboard_body);
    expect(body).not.toContain(bare(ref(json, 'aws_lb', 'Lb', 'name')));
    const lines = renderedWidgets(json).flatMap((w) => w.properties.metrics ?? []);
    const dimension = (line: MetricLine, name: string) => line[line.indexOf(name) + 1];
    const keyed = lines.filter((line) => line.includes('LoadBalancer'));
    expect(keyed).toHaveLength(7);
    expect(new Set(keyed.map((line) => dimension(line, 'LoadBalancer')))).toEqual(new Set([ALB_SUFFIX]));
    // Everything but the load balancer's own 5xx is the service's target group's (a shared ALB
    // carries other services' requests too)
    const byTargetGroup = lines.filter((line) => line.includes('TargetGroup'));
    expect(byTargetGroup).toHaveLength(6);
    expect(new Set(byTargetGroup.map((line) => dimension(line, 'TargetGroup')))).toEqual(
      new Set([TG_SUFFIX]),
    );
  });

  it('stays valid JSON whatever the referenced values hold, since Terraform encodes them', () => {
    // GIVEN values a string template would break JSON with
    const json = synthDashboard();
    const hostile = 'app/a"b\\c/1';
    const values = { ...appliedValues(json), [bare(ref(json, 'aws_lb', 'Lb', 'arn_suffix'))]: hostile };
    // WHEN rendered as Terraform's jsonencode does
    const widgets = renderedWidgets(json, values);
    // THEN it parses and the value comes back intact
    expect(widgetTitled(widgets, 'Requests').properties.metrics?.[0][5]).toBe(hostile);
  });

  it('shows the service’s CPU and memory, averaged, by cluster and service name', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard());
    // THEN
    const dimensions = ['ClusterName', CLUSTER, 'ServiceName', SERVICE];
    expect(widgetTitled(widgets, 'CPU utilization (%)').properties).toMatchObject({
      metrics: [['AWS/ECS', 'CPUUtilization', ...dimensions, { stat: 'Average', label: 'CPU' }]],
      yAxis: { left: { min: 0, max: 100 } },
    });
    expect(widgetTitled(widgets, 'Memory utilization (%)').properties).toMatchObject({
      metrics: [['AWS/ECS', 'MemoryUtilization', ...dimensions, { stat: 'Average', label: 'Memory' }]],
      yAxis: { left: { min: 0, max: 100 } },
    });
  });

  it('shows the target group’s requests summed and target response time at p50 and p99 (not a sum)', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard());
    // THEN the service's own traffic, not every service's on the shared load balancer
    const alb = ['AWS/ApplicationELB'];
    const byTargetGroup = ['TargetGroup', TG_SUFFIX, 'LoadBalancer', ALB_SUFFIX];
    expect(widgetTitled(widgets, 'Requests').properties.metrics).toEqual([
      [...alb, 'RequestCount', ...byTargetGroup, { stat: 'Sum', label: 'Requests' }],
    ]);
    expect(widgetTitled(widgets, 'Target response time (seconds)').properties.metrics).toEqual([
      [...alb, 'TargetResponseTime', ...byTargetGroup, { stat: 'p50', label: 'p50' }],
      [...alb, 'TargetResponseTime', ...byTargetGroup, { stat: 'p99', label: 'p99' }],
    ]);
  });

  it('shows 5xx responses summed and the fewest healthy, most unhealthy targets of the target group', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard());
    // THEN
    const alb = 'AWS/ApplicationELB';
    const byTargetGroup = ['TargetGroup', TG_SUFFIX, 'LoadBalancer', ALB_SUFFIX];
    expect(widgetTitled(widgets, '5xx responses').properties.metrics).toEqual([
      [alb, 'HTTPCode_Target_5XX_Count', ...byTargetGroup, { stat: 'Sum', label: 'Target 5xx' }],
      [
        alb,
        'HTTPCode_ELB_5XX_Count',
        'LoadBalancer',
        ALB_SUFFIX,
        { stat: 'Sum', label: 'Load balancer 5xx' },
      ],
    ]);
    expect(widgetTitled(widgets, 'Targets').properties.metrics).toEqual([
      [alb, 'HealthyHostCount', ...byTargetGroup, { stat: 'Minimum', label: 'Healthy' }],
      [alb, 'UnHealthyHostCount', ...byTargetGroup, { stat: 'Maximum', label: 'Unhealthy' }],
    ]);
  });

  it('shows running against desired tasks from Container Insights', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard());
    // THEN
    const dimensions = ['ClusterName', CLUSTER, 'ServiceName', SERVICE];
    expect(widgetTitled(widgets, 'Tasks').properties.metrics).toEqual([
      ['ECS/ContainerInsights', 'RunningTaskCount', ...dimensions, { stat: 'Minimum', label: 'Running' }],
      ['ECS/ContainerInsights', 'DesiredTaskCount', ...dimensions, { stat: 'Maximum', label: 'Desired' }],
    ]);
  });

  it('lays the widgets out two to a row on the 24-unit grid', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard((alarm) => ({ alarmArns: [alarm.arn] })));
    // THEN
    expect(widgets.map((w) => [w.x, w.y, w.width, w.height])).toEqual([
      [0, 0, 12, 6],
      [12, 0, 12, 6],
      [0, 6, 12, 6],
      [12, 6, 12, 6],
      [0, 12, 12, 6],
      [12, 12, 12, 6],
      [0, 18, 12, 6],
      [12, 18, 12, 6],
    ]);
  });

  it('adds an alarm status widget listing the given alarms', () => {
    // GIVEN a literal alarm ARN and a reference to an alarm
    const json = synthDashboard((alarm) => ({ alarmArns: [ALARM_ARN, alarm.arn] }));
    // WHEN
    const widgets = renderedWidgets(json);
    // THEN
    expect(widgets.filter((w) => w.type === 'alarm')).toEqual([
      {
        type: 'alarm',
        x: 12,
        y: 18,
        width: 12,
        height: 6,
        properties: {
          title: 'Alarms',
          alarms: [ALARM_ARN, 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fargate-test-high-memory'],
          sortBy: 'stateUpdatedTimestamp',
        },
      },
    ]);
  });

  it.each([
    ['no alarm ARNs', {}],
    ['an empty list of alarm ARNs', { alarmArns: [] }],
  ])('adds no alarm status widget with %s', (_case, props: Overrides) => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard(props));
    // THEN
    expect(widgets.filter((w) => w.type === 'alarm')).toEqual([]);
  });

  it('uses the given period on every graph', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthDashboard({ periodSeconds: 60 }));
    // THEN
    expect(new Set(widgets.map((w) => w.properties.period))).toEqual(new Set([60]));
  });

  const tooManyAlarms = Array.from({ length: 101 }, (_, i) => `${ALARM_ARN}-${i}`);
  it.each<[string, Partial<ServiceDashboardProps>, string]>([
    [
      'a dashboard name with a space',
      { dashboardName: 'fargate test' },
      'ServiceDashboard: dashboardName "fargate test" is not allowed; use 1 to 255 letters, digits, hyphens and underscores (CloudWatch dashboard naming)',
    ],
    [
      'a region that is an availability zone',
      { region: 'eu-west-1a' },
      'ServiceDashboard: region "eu-west-1a" is not allowed; use an AWS region code such as eu-west-1',
    ],
    [
      'a cluster name with a slash',
      { clusterName: 'fargate/test' },
      'ServiceDashboard: clusterName "fargate/test" is not allowed; use 1 to 255 letters, digits, hyphens and underscores (ECS cluster naming)',
    ],
    [
      'a service name with a quote',
      { serviceName: 'app"' },
      'ServiceDashboard: serviceName "app\\"" is not allowed; use 1 to 255 letters, digits, hyphens and underscores (ECS service naming)',
    ],
    [
      'the load balancer’s name instead of its ARN suffix (the seed’s mistake)',
      { loadBalancerArnSuffix: ALB_NAME },
      `ServiceDashboard: loadBalancerArnSuffix "${ALB_NAME}" is not allowed; use the load balancer's ARN suffix app/<name>/<id> (Lb.arnSuffix), CloudWatch's LoadBalancer dimension, not its name or ARN`,
    ],
    [
      'the target group’s full ARN instead of its ARN suffix',
      { targetGroupArnSuffix: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:${TG_SUFFIX}` },
      `ServiceDashboard: targetGroupArnSuffix "arn:aws:elasticloadbalancing:eu-west-1:123456789012:${TG_SUFFIX}" is not allowed; use the target group's ARN suffix targetgroup/<name>/<id> (LbTargetGroup.arnSuffix), CloudWatch's TargetGroup dimension, not its name or ARN`,
    ],
    [
      'a period that is not a multiple of a minute',
      { periodSeconds: 90 },
      'ServiceDashboard: periodSeconds 90 is not allowed; use a positive multiple of 60 seconds (ECS and load balancer metrics have one data point a minute)',
    ],
    [
      'an alarm ARN that is not one',
      { alarmArns: ['fargate-test-high-cpu'] },
      'ServiceDashboard: alarmArns[0] "fargate-test-high-cpu" is not allowed; use a CloudWatch alarm ARN, arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>, whose name holds no double quote, backslash or "%{"',
    ],
    [
      'more alarms than the alarm status widget shows',
      { alarmArns: tooManyAlarms },
      'ServiceDashboard: alarmArns "101 ARNs" is not allowed; list at most 100 alarms (the alarm status widget\'s limit)',
    ],
  ])('rejects %s', (_case, props, message) => {
    // GIVEN / WHEN / THEN
    expect(() => synthDashboard(props)).toThrow(message);
  });
});

describe('ServiceDashboard without a target group (service kind worker)', () => {
  it('shows CPU, memory and tasks, no request, response-time, 5xx or target graphs', () => {
    const json = synthDashboard({ targetGroupArnSuffix: undefined });
    expect(renderedWidgets(json).map((widget) => widget.properties.title)).toEqual([
      'CPU utilization (%)',
      'Memory utilization (%)',
      'Tasks',
    ]);
  });
});
