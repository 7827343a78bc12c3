import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ValidationError } from './validation-error';

/** The ECS service and load balancer of one region, as CloudWatch names them in metric dimensions. */
export interface MonitoredService {
  /** Region the service and its metrics live in, e.g. `eu-west-1`; every widget of the service names it. */
  readonly region: string;
  /** Name of the ECS cluster (`ClusterName` dimension). */
  readonly clusterName: string;
  /** Name of the ECS service (`ServiceName` dimension). */
  readonly serviceName: string;
  /**
   * ARN suffix of the load balancer, `app/<name>/<id>` (`Lb.arnSuffix`), CloudWatch's `LoadBalancer` dimension.
   * @default - not behind a load balancer (a worker): no request, response-time or 5xx graphs
   */
  readonly loadBalancerArnSuffix?: string;
  /**
   * ARN suffix of the service's target group, `targetgroup/<name>/<id>` (`LbTargetGroup.arnSuffix`):
   * its requests, response times and target 5xx are the service's own, not the whole load balancer's.
   * @default - the load balancer's metrics, every service behind it together
   */
  readonly targetGroupArnSuffix?: string;
}

export interface ServiceDashboardProps extends MonitoredService {
  /** The provider of the region the dashboard lives in. */
  readonly provider: AwsProvider;
  /** Name of the dashboard: 1 to 255 letters, digits, hyphens and underscores. */
  readonly dashboardName: string;
  /**
   * ARN suffix of the target group, `targetgroup/<name>/<id>` (`LbTargetGroup.arnSuffix`), CloudWatch's `TargetGroup` dimension.
   * @default - no target group (a worker): no request, response-time, 5xx or target graphs
   */
  readonly targetGroupArnSuffix?: string;
  /**
   * ARNs of alarms (at most 100) shown in an alarm status widget.
   * @default - no alarm status widget (nor with an empty list)
   */
  readonly alarmArns?: string[];
  /**
   * Period of every graph, in seconds: a positive multiple of 60.
   * @default 300
   */
  readonly periodSeconds?: number;
}

/** CloudWatch's dashboard grid is 24 units wide. */
export const GRID_WIDTH = 24;
/** Height of every widget, in grid units. */
export const WIDGET_HEIGHT = 6;
/** Default period of the graphs: five minutes, CloudWatch's own default. */
export const DEFAULT_PERIOD_SECONDS = 300;

/** Rendering options of one metric: its statistic and its legend label. */
export interface MetricOptions {
  /** Statistic of the metric, e.g. `Sum`, `Average`, `p99`. */
  readonly stat: string;
  /** Legend label. */
  readonly label: string;
}

/** One metric of a metric widget: namespace, metric name, dimension name/value pairs, then its options. */
export type MetricLine = ReadonlyArray<string | MetricOptions>;

/** A widget before it has a place on the grid. */
export interface WidgetContent {
  readonly type: 'metric' | 'alarm' | 'text';
  readonly properties: Record<string, unknown>;
}

/** A widget with its place on the grid. */
export interface Widget extends WidgetContent {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The names of an ECS service, as its metrics' `ClusterName` and `ServiceName` dimensions. */
type EcsNames = Pick<MonitoredService, 'clusterName' | 'serviceName'>;

const ECS = 'AWS/ECS';
const CONTAINER_INSIGHTS = 'ECS/ContainerInsights';
const ALB = 'AWS/ApplicationELB';

function ecsDimensions(service: EcsNames): string[] {
  return ['ClusterName', service.clusterName, 'ServiceName', service.serviceName];
}

/** The service's CPU utilization (% of the reserved CPU), averaged over its tasks and the period. */
export function cpuMetric(service: EcsNames): MetricLine {
  return [ECS, 'CPUUtilization', ...ecsDimensions(service), { stat: 'Average', label: 'CPU' }];
}

/** The service's memory utilization (% of the reserved memory), averaged over its tasks and the period. */
export function memoryMetric(service: EcsNames): MetricLine {
  return [ECS, 'MemoryUtilization', ...ecsDimensions(service), { stat: 'Average', label: 'Memory' }];
}

/**
 * Running tasks against desired tasks (Container Insights, enabled on the cluster): the fewest tasks
 * that ran and the most that were wanted in each period, so a dip never averages away.
 */
export function taskCountMetrics(service: EcsNames): MetricLine[] {
  return [
    [
      CONTAINER_INSIGHTS,
      'RunningTaskCount',
      ...ecsDimensions(service),
      { stat: 'Minimum', label: 'Running' },
    ],
    [
      CONTAINER_INSIGHTS,
      'DesiredTaskCount',
      ...ecsDimensions(service),
      { stat: 'Maximum', label: 'Desired' },
    ],
  ];
}

/** Requests the load balancer received, summed over the period. */
export function requestCountMetric(loadBalancerArnSuffix: string, targetGroupArnSuffix?: string): MetricLine {
  return [
    ALB,
    'RequestCount',
    ...albDimensions(loadBalancerArnSuffix, targetGroupArnSuffix),
    { stat: 'Sum', label: 'Requests' },
  ];
}

/** The dimensions of a load balancer metric: of the target group when given, else the whole load balancer's. */
function albDimensions(loadBalancerArnSuffix: string, targetGroupArnSuffix?: string): string[] {
  return targetGroupArnSuffix === undefined
    ? ['LoadBalancer', loadBalancerArnSuffix]
    : ['TargetGroup', targetGroupArnSuffix, 'LoadBalancer', loadBalancerArnSuffix];
}

/**
 * Seconds from the request leaving the load balancer to the target's response headers, at the given
 * percentiles: an average hides the slow tail that users notice.
 */
export function responseTimeMetrics(
  loadBalancerArnSuffix: string,
  percentiles: string[],
  targetGroupArnSuffix?: string,
): MetricLine[] {
  return percentiles.map((stat) => [
    ALB,
    'TargetResponseTime',
    ...albDimensions(loadBalancerArnSuffix, targetGroupArnSuffix),
    { stat, label: stat },
  ]);
}

/**
 * 5xx responses, summed: those of the targets (by target group when given) and those the load
 * balancer generated itself (502/503/504 when no healthy target answers).
 */
export function http5xxMetrics(loadBalancerArnSuffix: string, targetGroupArnSuffix?: string): MetricLine[] {
  return [
    [
      ALB,
      'HTTPCode_Target_5XX_Count',
      ...albDimensions(loadBalancerArnSuffix, targetGroupArnSuffix),
      { stat: 'Sum', label: 'Target 5xx' },
    ],
    [
      ALB,
      'HTTPCode_ELB_5XX_Count',
      'LoadBalancer',
      loadBalancerArnSuffix,
      { stat: 'Sum', label: 'Load balancer 5xx' },
    ],
  ];
}

/** Healthy and unhealthy targets of the target group: the fewest healthy and the most unhealthy per period. */
export function hostCountMetrics(loadBalancerArnSuffix: string, targetGroupArnSuffix: string): MetricLine[] {
  const dimensions = ['TargetGroup', targetGroupArnSuffix, 'LoadBalancer', loadBalancerArnSuffix];
  return [
    [ALB, 'HealthyHostCount', ...dimensions, { stat: 'Minimum', label: 'Healthy' }],
    [ALB, 'UnHealthyHostCount', ...dimensions, { stat: 'Maximum', label: 'Unhealthy' }],
  ];
}

/** A time-series graph of `metrics` read from `region`, its y axis from 0 (to `maxY` when given). */
export function metricWidget(options: {
  title: string;
  region: string;
  periodSeconds: number;
  metrics: MetricLine[];
  maxY?: number;
}): WidgetContent {
  return {
    type: 'metric',
    properties: {
      title: options.title,
      region: options.region,
      view: 'timeSeries',
      stacked: false,
      period: options.periodSeconds,
      metrics: options.metrics,
      yAxis: { left: options.maxY === undefined ? { min: 0 } : { min: 0, max: options.maxY } },
    },
  };
}

/** Places widgets left to right, `columns` to a row, starting at grid row `top`. */
export function grid(contents: WidgetContent[], columns: number, top = 0): Widget[] {
  const width = Math.floor(GRID_WIDTH / columns);
  return contents.map((content, index) => ({
    type: content.type,
    x: (index % columns) * width,
    y: top + Math.floor(index / columns) * WIDGET_HEIGHT,
    width,
    height: WIDGET_HEIGHT,
    properties: content.properties,
  }));
}

/**
 * The dashboard body, serialized by Terraform's `jsonencode` at apply time, so the referenced values
 * (ARN suffixes, names) are encoded by Terraform and the body is valid JSON whatever they hold.
 *
 * cdktf writes the literal strings of the object into HCL without escaping `"`, `\` or `%{`, so
 * every literal that reaches here is checked first (the constructs' own texts hold none of them).
 */
export function dashboardBody(widgets: Widget[]): string {
  return Fn.jsonencode({ widgets });
}

const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const LOAD_BALANCER_ARN_SUFFIX = /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/;
const TARGET_GROUP_ARN_SUFFIX = /^targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:(?:[^"\\%\n]|%(?!\{))+$/;
/** The alarm status widget shows at most 100 alarms. */
const MAX_ALARMS = 100;

/** Checks `value` against `pattern` unless it is a token; throws a ValidationError otherwise. */
export function checkPattern(
  construct: string,
  prop: string,
  value: string,
  pattern: RegExp,
  allowed: string,
): void {
  if (!Token.isUnresolved(value) && !pattern.test(value)) {
    throw new ValidationError(construct, prop, value, allowed);
  }
}

/** CloudWatch's dashboard naming rule. */
export function checkDashboardName(construct: string, value: string): void {
  checkPattern(
    construct,
    'dashboardName',
    value,
    DASHBOARD_NAME,
    'use 1 to 255 letters, digits, hyphens and underscores (CloudWatch dashboard naming)',
  );
}

/** The region, names and ARN suffix of a monitored service; `prefix` is prepended to each prop's name. */
export function checkMonitoredService(construct: string, service: MonitoredService, prefix = ''): void {
  checkPattern(
    construct,
    `${prefix}region`,
    service.region,
    REGION,
    'use an AWS region code such as eu-west-1',
  );
  for (const [prop, kind] of [
    ['clusterName', 'cluster'],
    ['serviceName', 'service'],
  ] as const) {
    checkPattern(
      construct,
      `${prefix}${prop}`,
      service[prop],
      ECS_NAME,
      `use 1 to 255 letters, digits, hyphens and underscores (ECS ${kind} naming)`,
    );
  }
  if (service.loadBalancerArnSuffix !== undefined) {
    checkPattern(
      construct,
      `${prefix}loadBalancerArnSuffix`,
      service.loadBalancerArnSuffix,
      LOAD_BALANCER_ARN_SUFFIX,
      "use the load balancer's ARN suffix app/<name>/<id> (Lb.arnSuffix), CloudWatch's LoadBalancer dimension, not its name or ARN",
    );
  }
  if (service.targetGroupArnSuffix !== undefined && service.loadBalancerArnSuffix === undefined) {
    throw new ValidationError(
      construct,
      `${prefix}loadBalancerArnSuffix`,
      undefined,
      "give the load balancer's ARN suffix with a target group's: CloudWatch keys target group metrics by both",
    );
  }
  if (service.targetGroupArnSuffix !== undefined) {
    checkPattern(
      construct,
      `${prefix}targetGroupArnSuffix`,
      service.targetGroupArnSuffix,
      TARGET_GROUP_ARN_SUFFIX,
      "use the target group's ARN suffix targetgroup/<name>/<id> (LbTargetGroup.arnSuffix), CloudWatch's TargetGroup dimension, not its name or ARN",
    );
  }
}

function validate(props: ServiceDashboardProps): void {
  const construct = 'ServiceDashboard';
  checkDashboardName(construct, props.dashboardName);
  checkMonitoredService(construct, props);
  const period = props.periodSeconds;
  if (period !== undefined && !Token.isUnresolved(period) && !(Number.isInteger(period / 60) && period > 0)) {
    throw new ValidationError(
      construct,
      'periodSeconds',
      period,
      'use a positive multiple of 60 seconds (ECS and load balancer metrics have one data point a minute)',
    );
  }
  const alarms = props.alarmArns;
  if (alarms === undefined || Token.isUnresolved(alarms)) return;
  if (alarms.length > MAX_ALARMS) {
    throw new ValidationError(
      construct,
      'alarmArns',
      `${alarms.length} ARNs`,
      `list at most ${MAX_ALARMS} alarms (the alarm status widget's limit)`,
    );
  }
  alarms.forEach((arn, index) =>
    checkPattern(
      construct,
      `alarmArns[${index}]`,
      arn,
      ALARM_ARN,
      'use a CloudWatch alarm ARN, arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>, whose name holds no double quote, backslash or "%{"',
    ),
  );
}

/**
 * A region's CloudWatch dashboard for one ECS service behind an Application Load Balancer: CPU and
 * memory, requests and target response time (p50, p99), 5xx responses, healthy and unhealthy
 * targets, running against desired tasks, and, when alarms are given, their status. Every graph
 * names its region; the load balancer metrics are keyed by ARN suffixes, as CloudWatch publishes
 * them.
 */
export class ServiceDashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    validate(props);
    const { region, loadBalancerArnSuffix: lb, targetGroupArnSuffix: tg } = props;
    const periodSeconds = props.periodSeconds ?? DEFAULT_PERIOD_SECONDS;
    const graph = (title: string, metrics: MetricLine[], maxY?: number) =>
      metricWidget({ title, region, periodSeconds, metrics, maxY });

    const contents: WidgetContent[] = [
      graph('CPU utilization (%)', [cpuMetric(props)], 100),
      graph('Memory utilization (%)', [memoryMetric(props)], 100),
      ...(tg === undefined || lb === undefined
        ? []
        : [
            graph('Requests', [requestCountMetric(lb, tg)]),
            graph('Target response time (seconds)', responseTimeMetrics(lb, ['p50', 'p99'], tg)),
            graph('5xx responses', http5xxMetrics(lb, tg)),
            graph('Targets', hostCountMetrics(lb, tg)),
          ]),
      graph('Tasks', taskCountMetrics(props)),
    ];
    if (props.alarmArns !== undefined && props.alarmArns.length > 0) {
      contents.push({
        type: 'alarm',
        properties: { title: 'Alarms', alarms: props.alarmArns, sortBy: 'stateUpdatedTimestamp' },
      });
    }

    this.dashboard = new CloudwatchDashboard(this, 'Dashboard', {
      provider: props.provider,
      dashboardName: props.dashboardName,
      dashboardBody: dashboardBody(grid(contents, 2)),
    });
  }
}
