import { TerraformOutput, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  GLOBAL_ACCELERATOR_REACTION_SECONDS,
  GlobalAccelerator,
  GlobalAcceleratorProps,
  expectedFailoverSeconds,
  expectedTrafficTimings,
} from '../constructs/global-accelerator';
import { SynthesizedJson, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

const ACCOUNT = '123456789012';

/** A fake but well-formed Application Load Balancer ARN in `region`. */
function albArn(region: string, type = 'app'): string {
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/${type}/fargate-test-alb/0123456789abcdef`;
}

const TWO_REGIONS = [
  { region: 'us-east-1', loadBalancerArn: albArn('us-east-1') },
  { region: 'eu-west-1', loadBalancerArn: albArn('eu-west-1') },
];

type Props = Partial<Omit<GlobalAcceleratorProps, 'provider'>>;

/** Synthesizes the construct on a us-west-2 provider, with its URL, DNS name and static IPs as outputs. */
function synthAccelerator(props: Props = {}): { json: SynthesizedJson; accelerator: GlobalAccelerator } {
  let accelerator: GlobalAccelerator | undefined;
  const json = synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-west-2', alias: 'us_west_2' });
    accelerator = new GlobalAccelerator(scope, 'GlobalAccelerator', {
      provider,
      name: 'fargate-test',
      endpoints: TWO_REGIONS,
      ...props,
    });
    new TerraformOutput(scope, 'AppUrl', { value: accelerator.appUrl });
    new TerraformOutput(scope, 'DnsName', { value: accelerator.dnsName });
    new TerraformOutput(scope, 'StaticIps', { value: accelerator.staticIps });
  });
  return { json, accelerator: accelerator as GlobalAccelerator };
}

/** The Terraform name (logical ID) of the one resource of a type whose construct path ends with `suffix`. */
function logicalId(json: SynthesizedJson, type: string, suffix: string): string {
  const path = resourceAt(json, type, suffix).path;
  return Object.entries(json.resource?.[type] ?? {}).find(
    ([, block]) => (block['//'] as { metadata: { path: string } }).metadata.path === path,
  )?.[0] as string;
}

const GROUP = 'aws_globalaccelerator_endpoint_group';
const LISTENER = 'aws_globalaccelerator_listener';
const ACCELERATOR = 'aws_globalaccelerator_accelerator';

describe('GlobalAccelerator', () => {
  it('creates an enabled IPv4 accelerator with the given name and flow logs explicitly off', () => {
    // GIVEN / WHEN the defaults
    const { json } = synthAccelerator();
    // THEN flow logs off is written out, so that turning them off later is not ignored by the provider
    expect(resources(json, ACCELERATOR)).toEqual([
      expect.objectContaining({
        name: 'fargate-test',
        enabled: true,
        ip_address_type: 'IPV4',
        attributes: { flow_logs_enabled: false },
      }),
    ]);
  });

  it('listens on TCP 80 only, with no client affinity, by default', () => {
    // GIVEN / WHEN the defaults
    const { json, accelerator } = synthAccelerator();
    // THEN
    expect(resources(json, LISTENER)).toEqual([
      expect.objectContaining({
        path: 'test/GlobalAccelerator/HttpListener',
        accelerator_arn: ref(json, ACCELERATOR, 'GlobalAccelerator/Accelerator', 'arn'),
        protocol: 'TCP',
        client_affinity: 'NONE',
        port_range: [{ from_port: 80, to_port: 80 }],
      }),
    ]);
    expect(Object.keys(accelerator.listeners)).toEqual(['80']);
  });

  it('gives each region an endpoint group with its own load balancer, weight 100, dial 100 and client IP preservation', () => {
    // GIVEN / WHEN two regions with the defaults
    const { json } = synthAccelerator();
    // THEN each group is pinned to its region (the provider's own region would be us-west-2)
    for (const { region, loadBalancerArn } of TWO_REGIONS) {
      expect(resourceAt(json, GROUP, `GlobalAccelerator/${region}/HttpEndpointGroup`)).toMatchObject({
        listener_arn: ref(json, LISTENER, 'HttpListener', 'arn'),
        endpoint_group_region: region,
        traffic_dial_percentage: 100,
        endpoint_configuration: [
          { endpoint_id: loadBalancerArn, weight: 100, client_ip_preservation_enabled: true },
        ],
      });
    }
    expect(resources(json, GROUP)).toHaveLength(2);
  });

  it('pins the endpoint-group health check to TCP on the listener port, every 10 s, threshold 3', () => {
    // GIVEN / WHEN TLS, so both listeners have groups
    const { json } = synthAccelerator({ tlsEnabled: true });
    // THEN
    for (const [scheme, port] of [
      ['Http', 80],
      ['Https', 443],
    ] as const) {
      expect(resourceAt(json, GROUP, `us-east-1/${scheme}EndpointGroup`)).toMatchObject({
        health_check_protocol: 'TCP',
        health_check_port: port,
        health_check_interval_seconds: 10,
        threshold_count: 3,
      });
    }
  });

  it('exposes the endpoint groups by region and port', () => {
    // GIVEN / WHEN TLS on
    const { accelerator } = synthAccelerator({ tlsEnabled: true });
    // THEN
    expect(Object.keys(accelerator.endpointGroups)).toEqual(['us-east-1', 'eu-west-1']);
    expect(Object.keys(accelerator.endpointGroups['eu-west-1'])).toEqual(['80', '443']);
    expect(accelerator.endpointGroups['eu-west-1'][443].node.path).toBe(
      'test/GlobalAccelerator/eu-west-1/HttpsEndpointGroup',
    );
    expect(Object.keys(accelerator.listeners)).toEqual(['80', '443']);
  });

  it('keeps a region’s endpoint group address when another region is removed', () => {
    // GIVEN two regions, then only the second one
    const both = synthAccelerator().json;
    const one = synthAccelerator({ endpoints: [TWO_REGIONS[1]] }).json;
    // THEN eu-west-1's group keeps its Terraform address
    expect(logicalId(one, GROUP, 'eu-west-1/HttpEndpointGroup')).toBe(
      logicalId(both, GROUP, 'eu-west-1/HttpEndpointGroup'),
    );
    expect(resources(one, GROUP)).toHaveLength(1);
  });

  it('applies each region’s weight and traffic dial, a dial of 0 making a standby', () => {
    // GIVEN an active primary and a standby secondary
    const { json } = synthAccelerator({
      endpoints: [
        { ...TWO_REGIONS[0], weight: 255, trafficDialPercentage: 100 },
        { ...TWO_REGIONS[1], weight: 0, trafficDialPercentage: 0 },
      ],
    });
    // THEN
    expect(resourceAt(json, GROUP, 'us-east-1/HttpEndpointGroup')).toMatchObject({
      traffic_dial_percentage: 100,
      endpoint_configuration: [expect.objectContaining({ weight: 255 })],
    });
    expect(resourceAt(json, GROUP, 'eu-west-1/HttpEndpointGroup')).toMatchObject({
      traffic_dial_percentage: 0,
      endpoint_configuration: [expect.objectContaining({ weight: 0 })],
    });
  });

  it('accepts a fractional traffic dial', () => {
    // GIVEN a 12.5 % canary region
    const { json } = synthAccelerator({ endpoints: [{ ...TWO_REGIONS[0], trafficDialPercentage: 12.5 }] });
    // THEN
    expect(resourceAt(json, GROUP, 'us-east-1/HttpEndpointGroup').traffic_dial_percentage).toBe(12.5);
  });

  it('keeps a client on one endpoint with SOURCE_IP affinity on every listener', () => {
    // GIVEN source-IP affinity and TLS
    const { json } = synthAccelerator({ clientAffinity: 'SOURCE_IP', tlsEnabled: true });
    // THEN
    const listeners = resources(json, LISTENER);
    expect(listeners).toHaveLength(2);
    expect(listeners.every((listener) => listener.client_affinity === 'SOURCE_IP')).toBe(true);
  });

  it('adds a TCP listener on 443 with its own endpoint group per region when TLS is enabled', () => {
    // GIVEN TLS
    const { json } = synthAccelerator({ tlsEnabled: true });
    // THEN
    expect(resourceAt(json, LISTENER, 'GlobalAccelerator/HttpsListener')).toMatchObject({
      protocol: 'TCP',
      port_range: [{ from_port: 443, to_port: 443 }],
    });
    for (const { region, loadBalancerArn } of TWO_REGIONS) {
      expect(resourceAt(json, GROUP, `${region}/HttpsEndpointGroup`)).toMatchObject({
        listener_arn: ref(json, LISTENER, 'HttpsListener', 'arn'),
        endpoint_group_region: region,
        endpoint_configuration: [expect.objectContaining({ endpoint_id: loadBalancerArn })],
      });
    }
    expect(resources(json, GROUP)).toHaveLength(4);
  });

  it('sends flow logs to the given bucket under globalaccelerator/', () => {
    // GIVEN a flow-log bucket made elsewhere
    const { json } = synthAccelerator({ flowLogsBucketName: 'fargate-test-flow-logs' });
    // THEN
    expect(resourceAt(json, ACCELERATOR, 'Accelerator').attributes).toEqual({
      flow_logs_enabled: true,
      flow_logs_s3_bucket: 'fargate-test-flow-logs',
      flow_logs_s3_prefix: 'globalaccelerator/',
    });
    expect(json.resource?.aws_s3_bucket).toBeUndefined();
  });

  it('creates no DNS resources by default and serves the app on the accelerator’s DNS name', () => {
    // GIVEN / WHEN no dns
    const { json, accelerator } = synthAccelerator();
    // THEN
    expect(json.resource?.aws_route53_record).toBeUndefined();
    expect(json.resource?.aws_route53_zone).toBeUndefined();
    expect(accelerator.records).toEqual([]);
    expect(accelerator.zone).toBeUndefined();
    const dnsName = ref(json, ACCELERATOR, 'Accelerator', 'dns_name');
    expect(json.output?.DnsName.value).toBe(dnsName);
    expect(json.output?.AppUrl.value).toBe(`http://${dnsName}`);
  });

  it('exposes the static IPs as every address of every IP set', () => {
    // GIVEN / WHEN the defaults
    const { json } = synthAccelerator();
    // THEN
    const sets = ref(json, ACCELERATOR, 'Accelerator', 'ip_sets[*].ip_addresses');
    expect(json.output?.StaticIps.value).toBe(`\${flatten(${sets.slice(2, -1)})}`);
  });

  it('aliases app.<zone> in an existing zone to the accelerator, with its hosted_zone_id attribute', () => {
    // GIVEN an existing zone
    const { json, accelerator } = synthAccelerator({
      dns: { zoneName: 'example.com', recordName: 'app', hostedZoneId: 'Z0123456789ABC' },
    });
    // THEN one A alias; the zone ID of the target is the attribute, never Global Accelerator's literal ID
    expect(resources(json, 'aws_route53_record')).toEqual([
      expect.objectContaining({
        zone_id: 'Z0123456789ABC',
        name: 'app.example.com',
        type: 'A',
        alias: {
          name: ref(json, ACCELERATOR, 'Accelerator', 'dns_name'),
          zone_id: ref(json, ACCELERATOR, 'Accelerator', 'hosted_zone_id'),
          evaluate_target_health: true,
        },
      }),
    ]);
    expect(JSON.stringify(json)).not.toContain('Z2BJ6XQ5FK7U4H');
    expect(json.resource?.aws_route53_zone).toBeUndefined();
    expect(accelerator.records).toHaveLength(1);
    expect(json.output?.AppUrl.value).toBe('http://app.example.com');
  });

  it('creates the hosted zone and puts the record in it when asked', () => {
    // GIVEN a new zone
    const { json, accelerator } = synthAccelerator({
      dns: { zoneName: 'example.com', recordName: 'app', createZone: true },
    });
    // THEN
    expect(resources(json, 'aws_route53_zone')).toEqual([expect.objectContaining({ name: 'example.com' })]);
    expect(resourceAt(json, 'aws_route53_record', 'ARecord').zone_id).toBe(
      ref(json, 'aws_route53_zone', 'GlobalAccelerator/Zone', 'zone_id'),
    );
    expect(accelerator.zone).toBeDefined();
  });

  it('adds an AAAA alias to the dual-stack DNS name for a dual-stack accelerator', () => {
    // GIVEN dual stack with a domain
    const { json, accelerator } = synthAccelerator({
      ipAddressType: 'DUAL_STACK',
      dns: { zoneName: 'example.com', recordName: 'app', hostedZoneId: 'Z0123456789ABC' },
    });
    // THEN
    expect(resourceAt(json, ACCELERATOR, 'Accelerator').ip_address_type).toBe('DUAL_STACK');
    const hostedZoneId = ref(json, ACCELERATOR, 'Accelerator', 'hosted_zone_id');
    expect(resourceAt(json, 'aws_route53_record', 'ARecord')).toMatchObject({
      type: 'A',
      alias: { name: ref(json, ACCELERATOR, 'Accelerator', 'dns_name'), zone_id: hostedZoneId },
    });
    expect(resourceAt(json, 'aws_route53_record', 'AaaaRecord')).toMatchObject({
      zone_id: 'Z0123456789ABC',
      name: 'app.example.com',
      type: 'AAAA',
      alias: {
        name: ref(json, ACCELERATOR, 'Accelerator', 'dual_stack_dns_name'),
        zone_id: hostedZoneId,
        evaluate_target_health: true,
      },
    });
    expect(accelerator.records).toHaveLength(2);
  });

  it('exposes the dual-stack DNS name, which resolves to every address, when dual-stack', () => {
    // GIVEN dual stack without a domain
    const { json } = synthAccelerator({ ipAddressType: 'DUAL_STACK' });
    // THEN
    const dualStackName = ref(json, ACCELERATOR, 'Accelerator', 'dual_stack_dns_name');
    expect(json.output?.DnsName.value).toBe(dualStackName);
    expect(json.output?.AppUrl.value).toBe(`http://${dualStackName}`);
  });

  it('serves the app over https on the record when TLS is enabled', () => {
    // GIVEN TLS and a domain
    const { json } = synthAccelerator({
      tlsEnabled: true,
      dns: { zoneName: 'example.com', recordName: 'shop', hostedZoneId: 'Z0123456789ABC' },
    });
    // THEN
    expect(json.output?.AppUrl.value).toBe('https://shop.example.com');
  });

  it('accepts load balancer ARNs known only at apply time', () => {
    // GIVEN an ARN that is a token
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'us-west-2', alias: 'us_west_2' });
      const arn = new TerraformVariable(scope, 'alb_arn', { type: 'string' });
      new GlobalAccelerator(scope, 'GlobalAccelerator', {
        provider,
        name: 'fargate-test',
        endpoints: [{ region: 'us-east-1', loadBalancerArn: arn.stringValue }],
      });
    });
    // THEN it is passed through unchecked
    expect(resourceAt(json, GROUP, 'us-east-1/HttpEndpointGroup').endpoint_configuration).toEqual([
      expect.objectContaining({ endpoint_id: '${var.alb_arn}' }),
    ]);
  });

  it('puts every resource on the given us-west-2 provider', () => {
    // GIVEN every option that adds resources
    const { json } = synthAccelerator({
      tlsEnabled: true,
      ipAddressType: 'DUAL_STACK',
      dns: { zoneName: 'example.com', recordName: 'app', createZone: true },
    });
    // THEN
    const blocks = [...Object.values(json.resource ?? {}), ...Object.values(json.data ?? {})].flatMap((b) =>
      Object.values(b),
    );
    expect(blocks).toHaveLength(10);
    expect(blocks.every((block) => block.provider === 'aws.us_west_2')).toBe(true);
  });

  it('estimates the worst-case failover from the target group health check', () => {
    // GIVEN the load balancer's defaults: every 10 s, 2 failures, 5 s timeout
    // THEN 10 × 2 + 5 + Global Accelerator's 30 s
    expect(GLOBAL_ACCELERATOR_REACTION_SECONDS).toBe(30);
    expect(
      expectedFailoverSeconds({
        healthCheckIntervalSeconds: 10,
        unhealthyThresholdCount: 2,
        healthCheckTimeoutSeconds: 5,
      }),
    ).toBe(55);
    // AND AWS's own target group defaults (30 s, 2 failures, 5 s) give a far slower failover
    expect(
      expectedFailoverSeconds({
        healthCheckIntervalSeconds: 30,
        unhealthyThresholdCount: 2,
        healthCheckTimeoutSeconds: 5,
      }),
    ).toBe(95);
  });

  it('rejects a failover estimate input that is not a positive number', () => {
    expect(() =>
      expectedFailoverSeconds({
        healthCheckIntervalSeconds: 0,
        unhealthyThresholdCount: 2,
        healthCheckTimeoutSeconds: 5,
      }),
    ).toThrow('expectedFailoverSeconds: healthCheckIntervalSeconds 0 is not allowed; use a positive number');
  });

  it('computes failover, drain and return times in one place from the health check and the delay', () => {
    const defaults = {
      healthCheckIntervalSeconds: 10,
      unhealthyThresholdCount: 2,
      healthCheckTimeoutSeconds: 5,
      healthyThresholdCount: 2,
      deregistrationDelaySeconds: 30,
    };
    // THEN failover 10 × 2 + 5 + 30, drain 30 + 30 s delay, return 10 × 2 healthy checks + 30
    expect(expectedTrafficTimings(defaults)).toEqual({
      failoverSeconds: 55,
      drainSeconds: 60,
      returnSeconds: 50,
    });
    expect(
      expectedTrafficTimings({
        ...defaults,
        healthCheckIntervalSeconds: 15,
        healthyThresholdCount: 3,
        deregistrationDelaySeconds: 0,
      }),
    ).toEqual({ failoverSeconds: 65, drainSeconds: 30, returnSeconds: 75 });
  });

  it.each([
    [
      { healthyThresholdCount: 0 },
      'expectedTrafficTimings: healthyThresholdCount 0 is not allowed; use a whole number from 1',
    ],
    [
      { deregistrationDelaySeconds: -1 },
      'expectedTrafficTimings: deregistrationDelaySeconds -1 is not allowed; use a number of seconds from 0',
    ],
  ])('rejects the timing input %j', (bad, message) => {
    expect(() =>
      expectedTrafficTimings({
        healthCheckIntervalSeconds: 10,
        unhealthyThresholdCount: 2,
        healthCheckTimeoutSeconds: 5,
        healthyThresholdCount: 2,
        deregistrationDelaySeconds: 30,
        ...bad,
      }),
    ).toThrow(message);
  });

  it('rejects a name AWS does not allow', () => {
    expect(() => synthAccelerator({ name: 'fargate-' })).toThrow(
      'GlobalAccelerator: name "fargate-" is not allowed; use 1 to 64 letters, digits and hyphens, not beginning or ending with a hyphen',
    );
    expect(() => synthAccelerator({ name: 'a'.repeat(65) })).toThrow(
      `GlobalAccelerator: name "${'a'.repeat(65)}" is not allowed`,
    );
  });

  it('rejects an empty list of endpoints', () => {
    expect(() => synthAccelerator({ endpoints: [] })).toThrow(
      "GlobalAccelerator: endpoints [] is not allowed; list at least one region's load balancer",
    );
  });

  it('rejects a region that is not a region code', () => {
    expect(() =>
      synthAccelerator({ endpoints: [{ region: 'useast1', loadBalancerArn: albArn('us-east-1') }] }),
    ).toThrow(
      'GlobalAccelerator: endpoints[0].region "useast1" is not allowed; use a literal AWS region code such as us-east-1 (it names the endpoint groups)',
    );
  });

  it('rejects a region listed twice', () => {
    expect(() => synthAccelerator({ endpoints: [TWO_REGIONS[0], TWO_REGIONS[0]] })).toThrow(
      'GlobalAccelerator: endpoints[1].region "us-east-1" is not allowed; list each region once (a listener has one endpoint group per region)',
    );
  });

  it('rejects an ARN that is not an Application Load Balancer’s', () => {
    const nlb = albArn('us-east-1', 'net');
    expect(() => synthAccelerator({ endpoints: [{ region: 'us-east-1', loadBalancerArn: nlb }] })).toThrow(
      `GlobalAccelerator: endpoints[us-east-1].loadBalancerArn "${nlb}" is not allowed; use the ARN of an Application Load Balancer`,
    );
  });

  it('rejects a load balancer from another region than its endpoint group', () => {
    const arn = albArn('eu-west-1');
    expect(() => synthAccelerator({ endpoints: [{ region: 'us-east-1', loadBalancerArn: arn }] })).toThrow(
      `GlobalAccelerator: endpoints[us-east-1].loadBalancerArn "${arn}" is not allowed; the load balancer is in eu-west-1; an endpoint group in us-east-1 needs one in us-east-1`,
    );
  });

  it('rejects a weight outside 0 to 255', () => {
    expect(() =>
      synthAccelerator({ endpoints: [TWO_REGIONS[0], { ...TWO_REGIONS[1], weight: 256 }] }),
    ).toThrow(
      'GlobalAccelerator: endpoints[eu-west-1].weight 256 is not allowed; use an integer from 0 to 255',
    );
    expect(() => synthAccelerator({ endpoints: [{ ...TWO_REGIONS[1], weight: 1.5 }] })).toThrow(
      'GlobalAccelerator: endpoints[eu-west-1].weight 1.5 is not allowed; use an integer from 0 to 255',
    );
  });

  it('rejects a traffic dial outside 0 to 100', () => {
    expect(() =>
      synthAccelerator({ endpoints: [{ ...TWO_REGIONS[0], trafficDialPercentage: 101 }] }),
    ).toThrow(
      'GlobalAccelerator: endpoints[us-east-1].trafficDialPercentage 101 is not allowed; use a number from 0 to 100',
    );
    expect(() => synthAccelerator({ endpoints: [{ ...TWO_REGIONS[0], trafficDialPercentage: -1 }] })).toThrow(
      'GlobalAccelerator: endpoints[us-east-1].trafficDialPercentage -1 is not allowed; use a number from 0 to 100',
    );
  });

  it('rejects a flow-log bucket name S3 does not allow', () => {
    expect(() => synthAccelerator({ flowLogsBucketName: 'Flow_Logs' })).toThrow(
      'GlobalAccelerator: flowLogsBucketName "Flow_Logs" is not allowed; use an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit',
    );
  });

  it('rejects a zone name that is not a lower-case domain', () => {
    expect(() =>
      synthAccelerator({
        dns: { zoneName: 'Example.com.', recordName: 'app', hostedZoneId: 'Z0123456789ABC' },
      }),
    ).toThrow(
      'GlobalAccelerator: dns.zoneName "Example.com." is not allowed; use a lower-case DNS domain such as example.com, without a trailing dot',
    );
  });

  it('rejects a record name that is not one DNS label', () => {
    expect(() =>
      synthAccelerator({
        dns: { zoneName: 'example.com', recordName: 'app.eu', hostedZoneId: 'Z0123456789ABC' },
      }),
    ).toThrow(
      'GlobalAccelerator: dns.recordName "app.eu" is not allowed; use one lower-case DNS label such as app',
    );
  });

  it('rejects both an existing zone and a new one', () => {
    expect(() =>
      synthAccelerator({
        dns: { zoneName: 'example.com', recordName: 'app', hostedZoneId: 'Z0123456789ABC', createZone: true },
      }),
    ).toThrow(
      'GlobalAccelerator: dns.hostedZoneId "Z0123456789ABC" is not allowed; give either hostedZoneId (an existing zone) or createZone: true (a new zone), exactly one',
    );
  });

  it('rejects neither an existing zone nor a new one', () => {
    expect(() => synthAccelerator({ dns: { zoneName: 'example.com', recordName: 'app' } })).toThrow(
      'GlobalAccelerator: dns.hostedZoneId undefined is not allowed; give either hostedZoneId (an existing zone) or createZone: true (a new zone), exactly one',
    );
  });

  it('rejects a hosted zone ID that is not a Route 53 zone ID', () => {
    expect(() =>
      synthAccelerator({ dns: { zoneName: 'example.com', recordName: 'app', hostedZoneId: 'example.com' } }),
    ).toThrow(
      'GlobalAccelerator: dns.hostedZoneId "example.com" is not allowed; use a Route 53 hosted zone ID such as Z0123456789ABC',
    );
  });
});
