import { Construct } from 'constructs';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { GlobalacceleratorAccelerator } from '@cdktf/provider-aws/lib/globalaccelerator-accelerator';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GlobalDashboard, GlobalDashboardProps } from '../constructs/global-dashboard';
import { MonitoredService } from '../constructs/service-dashboard';
import { SynthesizedJson, allBlocks, ref, resources, synthScopeJson } from '../test-support/synth';
import { RenderedWidget, bare, render } from '../test-support/dashboard-body';

/** The two regions of the fixture, by construct ID. */
const REGIONS = { UsEast1: 'us-east-1', EuWest1: 'eu-west-1' } as const;
type RegionId = keyof typeof REGIONS;
const SERVICE = 'fargate-test-app';
const ACCELERATOR_ID = '1234abcd-abcd-1234-abcd-1234abcdef56';
const ACCELERATOR_ARN = `arn:aws:globalaccelerator::123456789012:accelerator/${ACCELERATOR_ID}`;

/** What the fixture's references hold after apply, per region. */
function albSuffix(region: string): string {
  return `app/fargate-test-${region}-alb/${region === 'us-east-1' ? '0123456789abcdef' : 'fedcba9876543210'}`;
}
function clusterName(region: string): string {
  return `fargate-test-${region}`;
}

interface Fixture {
  /** The service of each region, its cluster and load balancer real resources (tokens until apply). */
  readonly services: MonitoredService[];
  readonly accelerator: GlobalacceleratorAccelerator;
}

type Overrides = Partial<Omit<GlobalDashboardProps, 'provider'>>;

/**
 * A global dashboard over a load balancer and a cluster in each of two regions, on their own
 * providers, and an accelerator (whose API lives in us-west-2); `overrides` replaces any prop.
 */
function synthGlobal(overrides: (fixture: Fixture) => Overrides = () => ({})): SynthesizedJson {
  return synthScopeJson((scope) => {
    const primary = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
    const secondary = new AwsProvider(scope, 'aws_eu', { region: 'eu-west-1', alias: 'eu_west_1' });
    const oregon = new AwsProvider(scope, 'aws_oregon', { region: 'us-west-2', alias: 'us_west_2' });
    const services = (Object.keys(REGIONS) as RegionId[]).map((id) => {
      const region = REGIONS[id];
      const provider = id === 'UsEast1' ? primary : secondary;
      const regional = new Construct(scope, id);
      const lb = new Lb(regional, 'Lb', { provider, name: `fargate-test-${region}-alb` });
      const cluster = new EcsCluster(regional, 'Cluster', { provider, name: clusterName(region) });
      return { region, clusterName: cluster.name, serviceName: SERVICE, loadBalancerArnSuffix: lb.arnSuffix };
    });
    const accelerator = new GlobalacceleratorAccelerator(scope, 'Accelerator', {
      provider: oregon,
      name: 'fargate-test',
    });
    new GlobalDashboard(scope, 'GlobalDashboard', {
      provider: primary,
      dashboardName: 'fargate-test-global',
      services,
      acceleratorArn: accelerator.arn,
      ...overrides({ services, accelerator }),
    });
  });
}

function appliedValues(json: SynthesizedJson): Record<string, string> {
  const values: Record<string, string> = {
    [bare(ref(json, 'aws_globalaccelerator_accelerator', 'Accelerator', 'arn'))]: ACCELERATOR_ARN,
  };
  for (const [id, region] of Object.entries(REGIONS)) {
    values[bare(ref(json, 'aws_lb', `${id}/Lb`, 'arn_suffix'))] = albSuffix(region);
    values[bare(ref(json, 'aws_ecs_cluster', `${id}/Cluster`, 'name'))] = clusterName(region);
  }
  return values;
}

function dashboardOf(json: SynthesizedJson) {
  const dashboards = resources(json, 'aws_cloudwatch_dashboard');
  expect(dashboards).toHaveLength(1);
  return dashboards[0];
}

function renderedWidgets(json: SynthesizedJson): RenderedWidget[] {
  return render(String(dashboardOf(json).dashboard_body), appliedValues(json));
}

const ROW_TITLES = [
  'CPU utilization (%)',
  'Memory utilization (%)',
  'Requests',
  'Target response time p99 (seconds)',
  '5xx responses',
  'Tasks',
];

/** A literal service in `region`, for layouts with more regions than the fixture has. */
function literalService(region: string): MonitoredService {
  return {
    region,
    clusterName: clusterName(region),
    serviceName: SERVICE,
    loadBalancerArnSuffix: `app/fargate-test-${region}-alb/0123456789abcdef`,
  };
}

describe('GlobalDashboard', () => {
  it('creates one dashboard in the primary region, on its provider', () => {
    // GIVEN / WHEN
    const json = synthGlobal();
    // THEN
    expect(dashboardOf(json)).toMatchObject({
      dashboard_name: 'fargate-test-global',
      provider: 'aws.us_east_1',
    });
    expect(allBlocks(json).filter((block) => block.provider === undefined)).toEqual([]);
  });

  it('has Terraform encode the body, with the references unquoted inside jsonencode', () => {
    // GIVEN / WHEN
    const json = synthGlobal();
    // THEN
    const body = String(dashboardOf(json).dashboard_body);
    expect(body).toMatch(/^\$\{jsonencode\(\{"widgets" = \[.*\]\}\)\}$/s);
    expect(body).not.toContain('"${');
  });

  it('renders to valid JSON: a row per metric, the regions side by side, each graph in its region', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthGlobal(() => ({ acceleratorArn: undefined })));
    // THEN
    expect(
      widgets.map((w) => [w.properties.title, w.properties.region, w.x, w.y, w.width, w.height]),
    ).toEqual(
      ROW_TITLES.flatMap((title, row) => [
        [`us-east-1 ${SERVICE}: ${title}`, 'us-east-1', 0, row * 6, 12, 6],
        [`eu-west-1 ${SERVICE}: ${title}`, 'eu-west-1', 12, row * 6, 12, 6],
      ]),
    );
    expect(new Set(widgets.map((w) => w.properties.period))).toEqual(new Set([300]));
  });

  it('reads each region’s graphs from that region’s cluster and load balancer ARN suffix', () => {
    // GIVEN / WHEN
    const json = synthGlobal(() => ({ acceleratorArn: undefined }));
    const widgets = renderedWidgets(json);
    // THEN the body refers to each load balancer's arn_suffix, never its name
    const body = String(dashboardOf(json).dashboard_body);
    for (const id of Object.keys(REGIONS)) {
      expect(body).toContain(bare(ref(json, 'aws_lb', `${id}/Lb`, 'arn_suffix')));
      expect(body).not.toContain(bare(ref(json, 'aws_lb', `${id}/Lb`, 'name')));
    }
    // AND every dimension of a graph renders to its own region's values
    for (const widget of widgets) {
      const region = widget.properties.region;
      for (const line of widget.properties.metrics) {
        const dimension = (name: string) => (line.includes(name) ? line[line.indexOf(name) + 1] : undefined);
        expect([
          dimension('LoadBalancer') ?? albSuffix(region),
          dimension('ClusterName') ?? clusterName(region),
        ]).toEqual([albSuffix(region), clusterName(region)]);
      }
    }
  });

  it('shows each metric with its statistic: averages, sums, p99, fewest running and most desired tasks', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthGlobal());
    // THEN the eu-west-1 graphs, row by row
    const eu = widgets.filter((w) => w.properties.region === 'eu-west-1').map((w) => w.properties.metrics);
    const ecs = ['ClusterName', clusterName('eu-west-1'), 'ServiceName', SERVICE];
    const lb = ['LoadBalancer', albSuffix('eu-west-1')];
    const alb = 'AWS/ApplicationELB';
    expect(eu).toEqual([
      [['AWS/ECS', 'CPUUtilization', ...ecs, { stat: 'Average', label: 'CPU' }]],
      [['AWS/ECS', 'MemoryUtilization', ...ecs, { stat: 'Average', label: 'Memory' }]],
      [[alb, 'RequestCount', ...lb, { stat: 'Sum', label: 'Requests' }]],
      [[alb, 'TargetResponseTime', ...lb, { stat: 'p99', label: 'p99' }]],
      [
        [alb, 'HTTPCode_Target_5XX_Count', ...lb, { stat: 'Sum', label: 'Target 5xx' }],
        [alb, 'HTTPCode_ELB_5XX_Count', ...lb, { stat: 'Sum', label: 'Load balancer 5xx' }],
      ],
      [
        ['ECS/ContainerInsights', 'RunningTaskCount', ...ecs, { stat: 'Minimum', label: 'Running' }],
        ['ECS/ContainerInsights', 'DesiredTaskCount', ...ecs, { stat: 'Maximum', label: 'Desired' }],
      ],
    ]);
  });

  it('adds a row of the accelerator’s traffic, read from us-west-2, keyed by the ID taken from its ARN', () => {
    // GIVEN / WHEN the accelerator's ARN as a reference
    const json = synthGlobal();
    // THEN Terraform takes the ID from the ARN
    const arn = bare(ref(json, 'aws_globalaccelerator_accelerator', 'Accelerator', 'arn'));
    expect(String(dashboardOf(json).dashboard_body)).toContain(`element(split("/", ${arn}), 1)`);
    // AND the row renders below the regions' rows, in us-west-2
    const accelerator = ['Accelerator', ACCELERATOR_ID];
    expect(renderedWidgets(json).filter((w) => w.properties.region === 'us-west-2')).toEqual([
      expect.objectContaining({
        x: 0,
        y: 36,
        width: 12,
        properties: expect.objectContaining({
          title: 'Global Accelerator: new flows',
          metrics: [
            ['AWS/GlobalAccelerator', 'NewFlowCount', ...accelerator, { stat: 'Sum', label: 'New flows' }],
          ],
        }),
      }),
      expect.objectContaining({
        x: 12,
        y: 36,
        width: 12,
        properties: expect.objectContaining({
          title: 'Global Accelerator: bytes',
          metrics: [
            ['AWS/GlobalAccelerator', 'ProcessedBytesIn', ...accelerator, { stat: 'Sum', label: 'Bytes in' }],
            [
              'AWS/GlobalAccelerator',
              'ProcessedBytesOut',
              ...accelerator,
              { stat: 'Sum', label: 'Bytes out' },
            ],
          ],
        }),
      }),
    ]);
  });

  it('takes the accelerator ID from a literal ARN too', () => {
    // GIVEN / WHEN
    const json = synthGlobal(() => ({ acceleratorArn: ACCELERATOR_ARN }));
    // THEN
    const lines = renderedWidgets(json)
      .filter((w) => w.properties.region === 'us-west-2')
      .flatMap((w) => w.properties.metrics);
    expect(lines.map((line) => line.slice(2, 4))).toEqual([
      ['Accelerator', ACCELERATOR_ID],
      ['Accelerator', ACCELERATOR_ID],
      ['Accelerator', ACCELERATOR_ID],
    ]);
  });

  it('adds no accelerator row without an accelerator', () => {
    // GIVEN / WHEN
    const widgets = renderedWidgets(synthGlobal(() => ({ acceleratorArn: undefined })));
    // THEN
    expect(widgets.filter((w) => w.properties.region === 'us-west-2')).toEqual([]);
    expect(widgets).toHaveLength(12);
  });

  it('shows each service of a region under its own name, side by side with the others', () => {
    // GIVEN two services in each of two regions
    const services = ['us-east-1', 'eu-west-1'].flatMap((region) =>
      ['fargate-test-web', 'fargate-test-api'].map((serviceName) => ({
        ...literalService(region),
        serviceName,
      })),
    );
    // WHEN
    const widgets = renderedWidgets(synthGlobal(() => ({ services, acceleratorArn: undefined })));
    // THEN four graphs per metric in one row, in the order given, each on its own service's metrics
    const cpu = widgets.filter((w) => w.properties.title.endsWith('CPU utilization (%)'));
    expect(cpu.map((w) => [w.properties.title, w.properties.region, w.x, w.y, w.width])).toEqual([
      ['us-east-1 fargate-test-web: CPU utilization (%)', 'us-east-1', 0, 0, 6],
      ['us-east-1 fargate-test-api: CPU utilization (%)', 'us-east-1', 6, 0, 6],
      ['eu-west-1 fargate-test-web: CPU utilization (%)', 'eu-west-1', 12, 0, 6],
      ['eu-west-1 fargate-test-api: CPU utilization (%)', 'eu-west-1', 18, 0, 6],
    ]);
    expect(cpu.map((w) => w.properties.metrics[0].slice(4, 6))).toEqual([
      ['ServiceName', 'fargate-test-web'],
      ['ServiceName', 'fargate-test-api'],
      ['ServiceName', 'fargate-test-web'],
      ['ServiceName', 'fargate-test-api'],
    ]);
    expect(widgets).toHaveLength(ROW_TITLES.length * 4);
  });

  it('keys a service’s requests, p99 and target 5xx by its target group when given, so a shared ALB’s rows are per service', () => {
    // GIVEN two services sharing each region's load balancer, each with its own target group
    const tg = (region: string, name: string) => `targetgroup/${name}-${region}/0123456789abcdef`;
    const services = ['us-east-1', 'eu-west-1'].flatMap((region) =>
      ['fargate-test-web', 'fargate-test-api'].map((serviceName) => ({
        ...literalService(region),
        serviceName,
        targetGroupArnSuffix: tg(region, serviceName),
      })),
    );
    // WHEN
    const widgets = renderedWidgets(synthGlobal(() => ({ services, acceleratorArn: undefined })));
    // THEN each graph of those rows reads its own service's target group; only the load balancer's
    // own 5xx (answered before any target) stays load-balancer-wide
    const graphs = widgets.filter((w) =>
      /(Requests|p99 \(seconds\)|5xx responses)$/.test(w.properties.title),
    );
    expect(graphs).toHaveLength(3 * 4);
    for (const graph of graphs) {
      const [region, serviceName] = graph.properties.title.split(/[ :]/);
      const lines = graph.properties.metrics.filter((line) => line[1] !== 'HTTPCode_ELB_5XX_Count');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.slice(2, 6)).toEqual([
          'TargetGroup',
          tg(region, serviceName),
          'LoadBalancer',
          literalService(region).loadBalancerArnSuffix,
        ]);
      }
    }
  });

  it('puts at most four regions side by side and wraps the rest', () => {
    // GIVEN five regions
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1', 'eu-central-1'];
    // WHEN
    const widgets = renderedWidgets(synthGlobal(() => ({ services: regions.map(literalService) })));
    // THEN each metric takes two grid rows of width-6 graphs, the accelerator row follows
    const cpu = widgets.filter((w) => w.properties.title.endsWith('CPU utilization (%)'));
    expect(cpu.map((w) => [w.properties.region, w.x, w.y, w.width])).toEqual([
      ['us-east-1', 0, 0, 6],
      ['eu-west-1', 6, 0, 6],
      ['ap-southeast-2', 12, 0, 6],
      ['sa-east-1', 18, 0, 6],
      ['eu-central-1', 0, 6, 6],
    ]);
    expect(widgets.find((w) => w.properties.title.endsWith('Memory utilization (%)'))?.y).toBe(12);
    expect(widgets.filter((w) => w.properties.region === 'us-west-2').map((w) => w.y)).toEqual([72, 72]);
  });

  it.each<[string, (fixture: Fixture) => Overrides, string]>([
    [
      'a dashboard name with a dot',
      () => ({ dashboardName: 'fargate.global' }),
      'GlobalDashboard: dashboardName "fargate.global" is not allowed; use 1 to 255 letters, digits, hyphens and underscores (CloudWatch dashboard naming)',
    ],
    [
      'no services',
      () => ({ services: [] }),
      'GlobalDashboard: services [] is not allowed; list at least one service',
    ],
    [
      'the same service twice in one region',
      (f) => ({ services: [...f.services, literalService('eu-west-1')] }),
      `GlobalDashboard: services[2].region "eu-west-1" is not allowed; list each service once per region; services[1] is already ${SERVICE} in it`,
    ],
    [
      'a service keyed by its load balancer’s name',
      (f) => ({
        services: [
          f.services[0],
          { ...literalService('eu-west-1'), loadBalancerArnSuffix: 'fargate-test-alb' },
        ],
      }),
      `GlobalDashboard: services[1].loadBalancerArnSuffix "fargate-test-alb" is not allowed; use the load balancer's ARN suffix app/<name>/<id> (Lb.arnSuffix), CloudWatch's LoadBalancer dimension, not its name or ARN`,
    ],
    [
      'a service with an invalid region',
      () => ({ services: [literalService('Europe')] }),
      'GlobalDashboard: services[0].region "Europe" is not allowed; use an AWS region code such as eu-west-1',
    ],
    [
      'an accelerator ID instead of its ARN',
      () => ({ acceleratorArn: ACCELERATOR_ID }),
      `GlobalDashboard: acceleratorArn "${ACCELERATOR_ID}" is not allowed; use a Global Accelerator ARN, arn:aws:globalaccelerator::<account>:accelerator/<id>`,
    ],
  ])('rejects %s', (_case, overrides, message) => {
    // GIVEN / WHEN / THEN
    expect(() => synthGlobal(overrides)).toThrow(message);
  });
});
