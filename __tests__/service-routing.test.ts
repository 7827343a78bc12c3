import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LoadBalancer, LoadBalancerCertificateProps } from '../constructs/load-balancer';
import { ServiceRouting, ServiceRoutingProps } from '../constructs/service-routing';
import {
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
} from '../test-support/synth';

const certificate = { domainName: 'app.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

type RoutingProps = Omit<ServiceRoutingProps, 'provider' | 'loadBalancer'>;

const defaults: RoutingProps = {
  targetGroupName: 'fargate-test-api-8080',
  vpcId: 'vpc-0123456789abcdef0',
  targetSecurityGroupId: 'sg-0123456789abcdef0',
  targetPort: 8080,
  paths: ['/api/*'],
  priority: 100,
};

/** A load balancer (with a certificate if given) and the routing of each service given, by construct ID. */
function synthRoutings(
  routings: Record<string, Partial<RoutingProps>>,
  domain?: LoadBalancerCertificateProps,
): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
    const loadBalancer = new LoadBalancer(scope, 'Alb', {
      provider,
      namePrefix: 'fargate-test',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      certificate: domain,
    });
    for (const [id, props] of Object.entries(routings)) {
      new ServiceRouting(scope, id, { provider, loadBalancer, ...defaults, ...props });
    }
  });
}

/** One service's routing, `Routing`, with props over the defaults. */
function synthRouting(props: Partial<RoutingProps> = {}, domain?: LoadBalancerCertificateProps) {
  return synthRoutings({ Routing: props }, domain);
}

describe('ServiceRouting', () => {
  it('registers the tasks by IP in a target group with a fast-failing health check', () => {
    // GIVEN / WHEN the defaults
    const json = synthRouting();
    // THEN
    expect(resources(json, 'aws_lb_target_group')).toHaveLength(1);
    expect(resourceAt(json, 'aws_lb_target_group', 'Routing/TargetGroup')).toMatchObject({
      name: 'fargate-test-api-8080',
      target_type: 'ip',
      protocol: 'HTTP',
      port: 8080,
      vpc_id: 'vpc-0123456789abcdef0',
      deregistration_delay: '30',
      health_check: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: '/',
        matcher: '200-399',
        interval: 10,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 2,
      },
      lifecycle: { create_before_destroy: true },
    });
  });

  it('applies the health check path, interval, threshold and deregistration delay given', () => {
    // GIVEN / WHEN
    const json = synthRouting({
      healthCheckPath: '/healthz',
      healthCheckIntervalSeconds: 30,
      unhealthyThresholdCount: 3,
      deregistrationDelaySeconds: 0,
    });
    // THEN the rest of the health check is unchanged
    expect(resourceAt(json, 'aws_lb_target_group', 'Routing/TargetGroup')).toMatchObject({
      deregistration_delay: '0',
      health_check: {
        path: '/healthz',
        interval: 30,
        unhealthy_threshold: 3,
        timeout: 5,
        healthy_threshold: 2,
        matcher: '200-399',
      },
    });
  });

  it('checks targets with the given matcher', () => {
    // GIVEN / WHEN a list of codes
    const group = resourceAt(
      synthRouting({ healthCheckMatcher: '200,204' }),
      'aws_lb_target_group',
      'Routing/TargetGroup',
    );
    // THEN
    expect((group.health_check as { matcher: string }).matcher).toBe('200,204');
  });

  it('names the target group as given and creates a new one before the old one goes', () => {
    // GIVEN / WHEN a legacy name carrying the port, and another port
    const json = synthRouting({ targetGroupName: 'fargate-test-tg-3000', targetPort: 3000 });
    // THEN the group and the egress follow the port
    expect(resourceAt(json, 'aws_lb_target_group', 'Routing/TargetGroup')).toMatchObject({
      name: 'fargate-test-tg-3000',
      port: 3000,
      lifecycle: { create_before_destroy: true },
    });
    expect(resourceAt(json, 'aws_vpc_security_group_egress_rule', 'Routing/TargetEgress')).toMatchObject({
      from_port: 3000,
      to_port: 3000,
    });
  });

  it('lets the load balancer reach the service’s tasks on their port only', () => {
    // GIVEN / WHEN
    const json = synthRouting();
    // THEN one egress rule on the load balancer's group, to the tasks' group
    const egress = resources(json, 'aws_vpc_security_group_egress_rule');
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({
      path: expect.stringMatching(/Routing\/TargetEgress$/) as unknown,
      security_group_id: ref(json, 'aws_security_group', 'Alb/SecurityGroup'),
      description: 'Requests and health checks to fargate-test-api-8080',
      ip_protocol: 'tcp',
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: 'sg-0123456789abcdef0',
    });
    expect(egress[0].cidr_ipv4).toBeUndefined();
    expect(egress[0].cidr_ipv6).toBeUndefined();
  });

  it('forwards its paths to its target group from the HTTP listener without a certificate', () => {
    // GIVEN / WHEN a load balancer without a domain
    const json = synthRouting();
    // THEN
    expect(resources(json, 'aws_lb_listener_rule')).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/Routing\/ListenerRule$/) as unknown,
        listener_arn: ref(json, 'aws_lb_listener', 'Alb/HttpListener', 'arn'),
        priority: 100,
        action: [
          {
            type: 'forward',
            target_group_arn: ref(json, 'aws_lb_target_group', 'Routing/TargetGroup', 'arn'),
          },
        ],
        condition: [{ path_pattern: { values: ['/api/*'] } }],
      }),
    ]);
  });

  it('puts its rule on the HTTPS listener with a certificate, leaving HTTP to the redirect', () => {
    // GIVEN / WHEN a load balancer with a domain
    const json = synthRouting({}, certificate);
    // THEN
    expect(resources(json, 'aws_lb_listener_rule')).toEqual([
      expect.objectContaining({
        listener_arn: ref(json, 'aws_lb_listener', 'Alb/HttpsListener', 'arn'),
        priority: 100,
        action: [
          {
            type: 'forward',
            target_group_arn: ref(json, 'aws_lb_target_group', 'Routing/TargetGroup', 'arn'),
          },
        ],
      }),
    ]);
    expect(resourceAt(json, 'aws_lb_listener', 'Alb/HttpListener').default_action).toEqual([
      { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } },
    ]);
  });

  it('matches the hosts given, and both hosts and paths when both are given', () => {
    // GIVEN / WHEN hosts only, and hosts with paths
    const hostsOnly = synthRouting({ hosts: ['api.example.com'], paths: undefined }, certificate);
    const both = synthRouting({ hosts: ['app.example.com'], paths: ['/admin/*', '/admin'] }, certificate);
    // THEN
    expect(resourceAt(hostsOnly, 'aws_lb_listener_rule', 'Routing/ListenerRule').condition).toEqual([
      { host_header: { values: ['api.example.com'] } },
    ]);
    expect(resourceAt(both, 'aws_lb_listener_rule', 'Routing/ListenerRule').condition).toEqual([
      { host_header: { values: ['app.example.com'] } },
      { path_pattern: { values: ['/admin/*', '/admin'] } },
    ]);
  });

  it('gives each service on one load balancer its own target group, rule and egress', () => {
    // GIVEN / WHEN two services on one load balancer
    const json = synthRoutings({
      App: { targetGroupName: 'fargate-test-tg-8080', paths: ['/*'], priority: 50000 },
      Api: {
        targetGroupName: 'fargate-test-api-3000',
        targetPort: 3000,
        targetSecurityGroupId: 'sg-0fedcba9876543210',
        paths: ['/api/*'],
        priority: 100,
      },
    });
    // THEN one listener, two rules in their priorities, each to its own group
    const byPath = <T extends { path: string }>(list: T[]) =>
      [...list].sort((a, b) => a.path.localeCompare(b.path));
    expect(resources(json, 'aws_lb_listener')).toHaveLength(1);
    const listener = ref(json, 'aws_lb_listener', 'Alb/HttpListener', 'arn');
    expect(
      byPath(resources(json, 'aws_lb_listener_rule')).map((rule) => [
        rule.path,
        rule.listener_arn,
        rule.priority,
      ]),
    ).toEqual([
      ['test/Api/ListenerRule', listener, 100],
      ['test/App/ListenerRule', listener, 50000],
    ]);
    for (const id of ['App', 'Api']) {
      expect(resourceAt(json, 'aws_lb_listener_rule', `${id}/ListenerRule`).action).toEqual([
        { type: 'forward', target_group_arn: ref(json, 'aws_lb_target_group', `${id}/TargetGroup`, 'arn') },
      ]);
    }
    expect(
      byPath(resources(json, 'aws_lb_target_group')).map((group) => [group.path, group.name, group.port]),
    ).toEqual([
      ['test/Api/TargetGroup', 'fargate-test-api-3000', 3000],
      ['test/App/TargetGroup', 'fargate-test-tg-8080', 8080],
    ]);
    // and the load balancer's group reaches each service's tasks on that service's port only
    const group = ref(json, 'aws_security_group', 'Alb/SecurityGroup');
    expect(
      byPath(resources(json, 'aws_vpc_security_group_egress_rule')).map((rule) => [
        rule.path,
        rule.security_group_id,
        rule.from_port,
        rule.to_port,
        rule.referenced_security_group_id,
      ]),
    ).toEqual([
      ['test/Api/TargetEgress', group, 3000, 3000, 'sg-0fedcba9876543210'],
      ['test/App/TargetEgress', group, 8080, 8080, 'sg-0123456789abcdef0'],
    ]);
  });

  it('exposes its children and the ARN suffix CloudWatch uses as a dimension', () => {
    // GIVEN
    let routing: ServiceRouting | undefined;
    // WHEN the suffix is used in an output
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
      const loadBalancer = new LoadBalancer(scope, 'Alb', {
        provider,
        namePrefix: 'fargate-test',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-a', 'subnet-b'],
      });
      routing = new ServiceRouting(scope, 'Routing', { provider, loadBalancer, ...defaults });
      new TerraformOutput(scope, 'TargetGroupDimension', { value: routing.targetGroupArnSuffix });
    });
    // THEN
    expect(json.output?.TargetGroupDimension.value).toBe(
      ref(json, 'aws_lb_target_group', 'Routing/TargetGroup', 'arn_suffix'),
    );
    expect([routing!.targetGroup, routing!.rule, routing!.egress].map((child) => child.node.path)).toEqual(
      ['TargetGroup', 'ListenerRule', 'TargetEgress'].map((id) => `test/Routing/${id}`),
    );
  });

  it('puts every block on the given provider', () => {
    // GIVEN / WHEN with and without a certificate
    for (const json of [synthRouting(), synthRouting({}, certificate)]) {
      // THEN the routing's three blocks, like the load balancer's, are on the region's provider
      const blocks = allBlocks(json);
      expect(blocks.filter((block) => block.path.startsWith('test/Routing/'))).toHaveLength(3);
      expect(blocks.filter((block) => block.provider !== 'aws.us_east_1')).toEqual([]);
    }
  });

  it('accepts a target group name of exactly 32 characters', () => {
    // GIVEN / WHEN
    const json = synthRouting({ targetGroupName: 'a'.repeat(32) });
    // THEN
    expect(resourceAt(json, 'aws_lb_target_group', 'Routing/TargetGroup').name).toHaveLength(32);
  });

  it.each([1, 50000])('accepts priority %p', (priority) => {
    const json = synthRouting({ priority });
    expect(resourceAt(json, 'aws_lb_listener_rule', 'Routing/ListenerRule').priority).toBe(priority);
  });

  it('rejects a 33-character target group name', () => {
    const name = 'a'.repeat(33);
    expect(() => synthRouting({ targetGroupName: name })).toThrow(
      `ServiceRouting: targetGroupName "${name}" is not allowed; use at most 32 letters, digits and hyphens, not beginning or ending with a hyphen`,
    );
  });

  it.each(['fargate_test_api', '-fargate-api', 'fargate-api-'])(
    'rejects the target group name %p',
    (targetGroupName) => {
      expect(() => synthRouting({ targetGroupName })).toThrow(
        `ServiceRouting: targetGroupName "${targetGroupName}" is not allowed; use at most 32 letters, digits and hyphens, not beginning or ending with a hyphen`,
      );
    },
  );

  it.each([0, 65536, 80.5])('rejects targetPort %p', (targetPort) => {
    expect(() => synthRouting({ targetPort })).toThrow(
      `ServiceRouting: targetPort ${targetPort} is not allowed; use an integer from 1 to 65535`,
    );
  });

  it.each([0, 50001, 1.5])('rejects priority %p', (priority) => {
    expect(() => synthRouting({ priority })).toThrow(
      `ServiceRouting: priority ${priority} is not allowed; use an integer from 1 to 50000`,
    );
  });

  it.each([
    [undefined, undefined],
    [[], []],
  ])('rejects a rule without hosts or paths (hosts %j, paths %j)', (hosts, paths) => {
    expect(() => synthRouting({ hosts, paths })).toThrow(
      'ServiceRouting: hosts/paths [] is not allowed; give hosts, paths or both: a rule without a condition would take every request',
    );
  });

  it('rejects a health check path not starting with "/"', () => {
    expect(() => synthRouting({ healthCheckPath: 'healthz' })).toThrow(
      'ServiceRouting: healthCheckPath "healthz" is not allowed; use a path starting with "/", at most 1024 characters',
    );
  });

  it('rejects a health check path longer than 1024 characters', () => {
    const healthCheckPath = `/${'a'.repeat(1024)}`;
    expect(() => synthRouting({ healthCheckPath })).toThrow(
      `ServiceRouting: healthCheckPath "${healthCheckPath}" is not allowed; use a path starting with "/", at most 1024 characters`,
    );
  });

  it.each([4, 301, 7.5])('rejects healthCheckIntervalSeconds %p outside 5 to 300', (interval) => {
    expect(() => synthRouting({ healthCheckIntervalSeconds: interval })).toThrow(
      `ServiceRouting: healthCheckIntervalSeconds ${interval} is not allowed; use an integer from 5 to 300 seconds`,
    );
  });

  it('rejects a health check interval not longer than the 5-second timeout', () => {
    expect(() => synthRouting({ healthCheckIntervalSeconds: 5 })).toThrow(
      'ServiceRouting: healthCheckIntervalSeconds 5 is not allowed; the interval must be longer than the 5-second health check timeout',
    );
  });

  it.each([1, 11])('rejects unhealthyThresholdCount %p', (count) => {
    expect(() => synthRouting({ unhealthyThresholdCount: count })).toThrow(
      `ServiceRouting: unhealthyThresholdCount ${count} is not allowed; use an integer from 2 to 10`,
    );
  });

  it.each([-1, 3601])('rejects deregistrationDelaySeconds %p', (delay) => {
    expect(() => synthRouting({ deregistrationDelaySeconds: delay })).toThrow(
      `ServiceRouting: deregistrationDelaySeconds ${delay} is not allowed; use an integer from 0 to 3600 seconds`,
    );
  });

  it.each(['500', '399-200', '200-', '200-300-400', '2xx'])('rejects healthCheckMatcher %p', (matcher) => {
    expect(() => synthRouting({ healthCheckMatcher: matcher })).toThrow(
      `ServiceRouting: healthCheckMatcher "${matcher}" is not allowed; use HTTP codes from 200 to 499: a code, a range such as 200-399 or a list such as 200,204`,
    );
  });
});
