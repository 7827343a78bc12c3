import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  DEFAULT_PERIOD_SECONDS,
  WIDGET_HEIGHT,
  MetricLine,
  MonitoredService,
  Widget,
  WidgetContent,
  checkDashboardName,
  checkMonitoredService,
  checkPattern,
  cpuMetric,
  dashboardBody,
  grid,
  http5xxMetrics,
  memoryMetric,
  metricWidget,
  requestCountMetric,
  responseTimeMetrics,
  taskCountMetrics,
} from './service-dashboard';
import { ValidationError } from './validation-error';

export interface GlobalDashboardProps {
  /** The provider of the region the dashboard lives in (the platform puts one in every region). */
  readonly provider: AwsProvider;
  /** Name of the dashboard: 1 to 255 letters, digits, hyphens and underscores. */
  readonly dashboardName: string;
  /** The services of each region, at least one, each once per region, shown side by side in this order. */
  readonly services: MonitoredService[];
  /**
   * ARN of the Global Accelerator in front of the services (`GlobalacceleratorAccelerator.arn`),
   * `arn:aws:globalaccelerator::<account>:accelerator/<id>`; adds a row of its traffic.
   * @default - no accelerator row
   */
  readonly acceleratorArn?: string;
}

/** Global Accelerator publishes its metrics in US West (Oregon) only, whatever the endpoints' regions. */
export const GLOBAL_ACCELERATOR_METRICS_REGION = 'us-west-2';
/** Regions side by side in one row; more wrap onto the next row. */
const MAX_COLUMNS = 4;
const ACCELERATOR_ARN = /^arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator\/[0-9a-f-]+$/;

/** One row of the dashboard: a title and the metrics of a service. */
interface Row {
  readonly title: string;
  /** The load balancer's metrics: a service not behind it (a worker) gets a note instead. */
  readonly loadBalanced?: boolean;
  readonly metrics: (service: MonitoredService, loadBalancerArnSuffix: string) => MetricLine[];
  readonly maxY?: number;
}

const ROWS: Row[] = [
  { title: 'CPU utilization (%)', metrics: (s) => [cpuMetric(s)], maxY: 100 },
  { title: 'Memory utilization (%)', metrics: (s) => [memoryMetric(s)], maxY: 100 },
  {
    title: 'Requests',
    loadBalanced: true,
    metrics: (s, lb) => [requestCountMetric(lb, s.targetGroupArnSuffix)],
  },
  {
    title: 'Target response time p99 (seconds)',
    loadBalanced: true,
    metrics: (s, lb) => responseTimeMetrics(lb, ['p99'], s.targetGroupArnSuffix),
  },
  {
    title: '5xx responses',
    loadBalanced: true,
    metrics: (s, lb) => http5xxMetrics(lb, s.targetGroupArnSuffix),
  },
  { title: 'Tasks', metrics: (s) => taskCountMetrics(s) },
];

function validate(props: GlobalDashboardProps): void {
  const construct = 'GlobalDashboard';
  checkDashboardName(construct, props.dashboardName);
  const { services } = props;
  if (services.length === 0) {
    throw new ValidationError(construct, 'services', services, 'list at least one service');
  }
  services.forEach((service, index) => {
    checkMonitoredService(construct, service, `services[${index}].`);
    const first = services.findIndex(
      (other) => other.region === service.region && other.serviceName === service.serviceName,
    );
    if (first !== index && !Token.isUnresolved(service.region)) {
      throw new ValidationError(
        construct,
        `services[${index}].region`,
        service.region,
        `list each service once per region; services[${first}] is already ${service.serviceName} in it`,
      );
    }
  });
  if (props.acceleratorArn !== undefined) {
    checkPattern(
      construct,
      'acceleratorArn',
      props.acceleratorArn,
      ACCELERATOR_ARN,
      'use a Global Accelerator ARN, arn:aws:globalaccelerator::<account>:accelerator/<id>',
    );
  }
}

/**
 * One cross-region CloudWatch dashboard, in the primary region: a row per metric (CPU, memory,
 * requests, target response time p99, 5xx responses, tasks) with one graph per region side by side,
 * each reading its own region's metrics, and, with an accelerator, a row of its traffic read from
 * us-west-2, where Global Accelerator publishes it.
 */
export class GlobalDashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: GlobalDashboardProps) {
    super(scope, id);
    validate(props);
    const { services } = props;
    const columns = Math.min(services.length, MAX_COLUMNS);
    const rowsPerMetric = Math.ceil(services.length / columns);

    const widgets: Widget[] = ROWS.flatMap((row, index) =>
      grid(
        services.map((service): WidgetContent => {
          const title = `${service.region} ${service.serviceName}: ${row.title}`;
          const lb = service.loadBalancerArnSuffix;
          if (row.loadBalanced && lb === undefined) {
            return { type: 'text', properties: { markdown: `**${title}**\n\nnot behind the load balancer` } };
          }
          return metricWidget({
            title,
            region: service.region,
            periodSeconds: DEFAULT_PERIOD_SECONDS,
            metrics: row.metrics(service, lb as string),
            maxY: row.maxY,
          });
        }),
        columns,
        index * rowsPerMetric * WIDGET_HEIGHT,
      ),
    );
    if (props.acceleratorArn !== undefined) {
      const top = ROWS.length * rowsPerMetric * WIDGET_HEIGHT;
      widgets.push(...grid(acceleratorWidgets(props.acceleratorArn), 2, top));
    }

    this.dashboard = new CloudwatchDashboard(this, 'Dashboard', {
      provider: props.provider,
      dashboardName: props.dashboardName,
      dashboardBody: dashboardBody(widgets),
    });
  }
}

/**
 * New flows and bytes through the accelerator, summed (the only meaningful statistic), keyed by the
 * accelerator ID: the part of the ARN after `accelerator/`, taken by Terraform, so the ARN may be a
 * reference known only after apply.
 */
function acceleratorWidgets(acceleratorArn: string): WidgetContent[] {
  const acceleratorId: string = Fn.element(Fn.split('/', acceleratorArn), 1);
  const metric = (name: string, label: string): MetricLine => [
    'AWS/GlobalAccelerator',
    name,
    'Accelerator',
    acceleratorId,
    { stat: 'Sum', label },
  ];
  const graph = (title: string, metrics: MetricLine[]) =>
    metricWidget({
      title,
      region: GLOBAL_ACCELERATOR_METRICS_REGION,
      periodSeconds: DEFAULT_PERIOD_SECONDS,
      metrics,
    });
  return [
    graph('Global Accelerator: new flows', [metric('NewFlowCount', 'New flows')]),
    graph('Global Accelerator: bytes', [
      metric('ProcessedBytesIn', 'Bytes in'),
      metric('ProcessedBytesOut', 'Bytes out'),
    ]),
  ];
}
