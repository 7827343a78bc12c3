/**
 * The application contract and the edge controls as Terraform plans them: the shipped dev and prod
 * environments through the shared plan cache (the same synthesis and plan as terraform.test.ts),
 * checked region by region: secrets resolved to each region's ARN and the execution role allowed
 * exactly those, HTTPS with the TLS 1.3 policy and the redirect, the web ACL on each load balancer,
 * access logs to a bucket of the same region that admits that region's ELB log delivery principal,
 * accelerator flow logs, capacity providers and request-count scaling.
 */
import { OfflineResult, PlanOutput, PlannedResource, providerKeys } from '../tools/terraform/offline';
import { SynthesizedEnvironment, planStack, synthEnvironment } from '../test-support/environment';
import { resources } from '../test-support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- plan values and container definitions are free-form JSON */

const synthesized: Record<string, SynthesizedEnvironment> = {};
const plans: Record<string, OfflineResult> = {};
const REGIONS = [
  { name: 'us-east-1', alias: 'aws.us_east_1', elbPrincipal: 'arn:aws:iam::127311923021:root' },
  { name: 'eu-west-1', alias: 'aws.eu_west_1', elbPrincipal: 'arn:aws:iam::156460612806:root' },
];
const ACCOUNT = '222222222222';

beforeAll(async () => {
  await Promise.all(
    ['dev', 'prod'].map(async (environment) => {
      synthesized[environment] = synthEnvironment(environment);
      plans[environment] = await planStack(synthesized[environment].stackDirs[`fargate-${environment}`]);
    }),
  );
});

/** Managed changes of a type on a provider. */
function inRegion(plan: PlanOutput, type: string, alias: string): PlannedResource[] {
  const keys = providerKeys(plan);
  return plan.resource_changes.filter(
    (c) => c.mode === 'managed' && c.type === type && keys.get(c.address) === alias,
  );
}

/** The one managed change of a type on a provider. */
function oneInRegion(plan: PlanOutput, type: string, alias: string): PlannedResource {
  const found = inRegion(plan, type, alias);
  expect(found.map((c) => c.address)).toHaveLength(1);
  return found[0];
}

/** Configuration expressions of an address (the plan keeps references and constants). */
function expressions(plan: PlanOutput, address: string): Record<string, any> {
  const resource = plan.configuration.root_module.resources.find((r) => r.address === address) as unknown as {
    expressions: Record<string, any>;
  };
  return resource.expressions;
}

/** `aws_x.name` references of an expression. */
const refs = (expression: { references?: string[] } | undefined): string[] =>
  (expression?.references ?? []).filter((r) => /^aws_[a-z0-9_]+\.[^.]+$/.test(r));

describe('the prod plan, region by region', () => {
  it.each(REGIONS)(
    'resolves the secret to $name’s replica and lets the execution role read exactly it',
    (region) => {
      const plan = plans.prod.plan;
      // THEN the execution role's secrets policy names this region's ARN, no wildcard, no other region
      // Only the service app has secrets: its execution role alone may read them.
      const policies = inRegion(plan, 'aws_iam_role_policy', region.alias).filter((p) =>
        p.address.includes('ExecutionSecretsPolicy'),
      );
      expect(policies.map((p) => p.address.includes('.Services_app_'))).toEqual([true]);
      const policy = policies[0] as PlannedResource;
      const arn = `arn:aws:secretsmanager:${region.name}:${ACCOUNT}:secret:fargate/prod/db-AbCdEf`;
      expect(
        JSON.parse(String(policy.change.after?.name === 'secrets' && policy.change.after?.policy)),
      ).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn },
        ],
      });
      expect(refs(expressions(plan, policy.address).role)[0]).toMatch(/^aws_iam_role\..*ExecutionRole/);
      // and the container reads the password key of that ARN
      const task = resources(synthesized.prod.stacks['fargate-prod'], 'aws_ecs_task_definition').find(
        (t) => t.provider === region.alias && t.path.startsWith('fargate-prod/Services/app/'),
      );
      const [app] = JSON.parse(String(task?.container_definitions)) as any[];
      expect(app.secrets).toEqual([{ name: 'DB_PASSWORD', valueFrom: `${arn}:password::` }]);
      expect(app).toMatchObject({
        user: '1000:1000',
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'] },
      });
    },
  );

  it.each(REGIONS)('serves HTTPS with the TLS 1.3 policy in $name and redirects port 80 to it', (region) => {
    const listeners = inRegion(plans.prod.plan, 'aws_lb_listener', region.alias).map(
      (l) => l.change.after as any,
    );
    expect(listeners.map((l) => [l.port, l.protocol]).sort()).toEqual([
      [443, 'HTTPS'],
      [80, 'HTTP'],
    ]);
    expect(listeners.find((l) => l.port === 443).ssl_policy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(listeners.find((l) => l.port === 80).default_action[0]).toMatchObject({
      type: 'redirect',
      redirect: [{ protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' }],
    });
    expect(oneInRegion(plans.prod.plan, 'aws_acm_certificate', region.alias).change.after).toMatchObject({
      domain_name: 'example.com',
      subject_alternative_names: ['*.example.com', 'example.com'],
    });
    // Requests no service claims get a 404; each service's rule is on the HTTPS listener.
    expect(listeners.find((l) => l.port === 443).default_action[0]).toMatchObject({
      type: 'fixed-response',
      fixed_response: [{ status_code: '404' }],
    });
    const rules = inRegion(plans.prod.plan, 'aws_lb_listener_rule', region.alias).map(
      (r) => r.change.after as any,
    );
    expect(rules.map((r) => r.priority).sort()).toEqual([100, 200, 300]);
  });

  it.each(REGIONS)('associates $name’s own web ACL with $name’s load balancer, and logs it', (region) => {
    const plan = plans.prod.plan;
    const keys = providerKeys(plan);
    const association = oneInRegion(plan, 'aws_wafv2_web_acl_association', region.alias);
    const lb = oneInRegion(plan, 'aws_lb', region.alias);
    const acl = oneInRegion(plan, 'aws_wafv2_web_acl', region.alias);
    expect(refs(expressions(plan, association.address).resource_arn)).toEqual([lb.address]);
    expect(refs(expressions(plan, association.address).web_acl_arn)).toEqual([acl.address]);
    expect(acl.change.after).toMatchObject({ scope: 'REGIONAL', name: 'fargate-prod-web-acl' });
    const rules = (acl.change.after?.rule as any[]).map((r) => r.name).sort();
    expect(rules).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'RateLimitPerIp',
    ]);
    const logging = oneInRegion(plan, 'aws_wafv2_web_acl_logging_configuration', region.alias);
    const [group] = refs(expressions(plan, logging.address).log_destination_configs);
    expect(keys.get(group)).toBe(region.alias);
    expect(plan.resource_changes.find((c) => c.address === group)?.change.after?.name).toBe(
      'aws-waf-logs-fargate-prod',
    );
  });

  it.each(REGIONS)(
    'delivers $name’s load balancer logs to $name’s log bucket, admitting its ELB principal',
    (region) => {
      const plan = plans.prod.plan;
      const bucketName = `fargate-prod-logs-${region.name}-${ACCOUNT}`;
      const lb = oneInRegion(plan, 'aws_lb', region.alias).change.after as any;
      expect(lb.access_logs).toEqual([{ bucket: bucketName, enabled: true, prefix: 'alb-access' }]);
      expect(lb.connection_logs).toEqual([{ bucket: bucketName, enabled: true, prefix: 'alb-connection' }]);
      const bucket = inRegion(plan, 'aws_s3_bucket', region.alias).find(
        (b) => b.change.after?.bucket === bucketName,
      );
      expect(bucket).toBeDefined();
      const encryption = inRegion(
        plan,
        'aws_s3_bucket_server_side_encryption_configuration',
        region.alias,
      ).find((e) => refs(expressions(plan, e.address).bucket).includes(String(bucket?.address)));
      expect((encryption?.change.after as any).rule[0].apply_server_side_encryption_by_default).toEqual([
        expect.objectContaining({ sse_algorithm: 'AES256' }),
      ]);
      // The bucket policy's document admits exactly the region's ELB log delivery principal to this account's keys.
      const policy = inRegion(plan, 'aws_s3_bucket_policy', region.alias).find((p) =>
        refs(expressions(plan, p.address).bucket).includes(String(bucket?.address)),
      ) as PlannedResource;
      const document = (expressions(plan, policy.address).policy.references as string[]).find((r) =>
        /^data\.aws_iam_policy_document\.[^.]+$/.test(r),
      ) as string;
      const statement = (expressions(plan, document).statement as any[]).find(
        (s) => s.sid.constant_value === 'LoadBalancerLogDelivery',
      );
      expect(statement.principals).toEqual([
        { identifiers: { constant_value: [region.elbPrincipal] }, type: { constant_value: 'AWS' } },
      ]);
      expect(statement.resources.constant_value).toEqual([
        `\${${bucket?.address}.arn}/alb-access/AWSLogs/${ACCOUNT}/*`,
        `\${${bucket?.address}.arn}/alb-connection/AWSLogs/${ACCOUNT}/*`,
      ]);
    },
  );

  it.each(REGIONS)(
    'runs $name’s app service on the cluster’s Fargate capacity and scales api on requests per target',
    (region) => {
      const plan = plans.prod.plan;
      const service = inRegion(plan, 'aws_ecs_service', region.alias).find(
        (c) => c.change.after?.name === 'fargate-prod-service',
      )?.change.after as any;
      expect(service.launch_type).not.toBe('FARGATE');
      expect(service.capacity_provider_strategy).toEqual([
        { base: 2, capacity_provider: 'FARGATE', weight: 1 },
      ]);
      const cluster = oneInRegion(plan, 'aws_ecs_cluster_capacity_providers', region.alias).change
        .after as any;
      expect(cluster.capacity_providers.sort()).toEqual(['FARGATE', 'FARGATE_SPOT']);
      const request = inRegion(plan, 'aws_appautoscaling_policy', region.alias).find(
        (p) => p.change.after?.name === 'fargate-prod-api-request-count-scaling',
      );
      expect((request?.change.after as any).target_tracking_scaling_policy_configuration[0]).toMatchObject({
        target_value: 1000,
        predefined_metric_specification: [{ predefined_metric_type: 'ALBRequestCountPerTarget' }],
      });
    },
  );

  it('sends the accelerator’s flow logs to the primary region’s log bucket, and aliases every host to it', () => {
    const plan = plans.prod.plan;
    const accelerator = oneInRegion(plan, 'aws_globalaccelerator_accelerator', 'aws.us_west_2').change
      .after as any;
    expect(accelerator.attributes).toEqual([
      {
        flow_logs_enabled: true,
        flow_logs_s3_bucket: `fargate-prod-logs-us-east-1-${ACCOUNT}`,
        flow_logs_s3_prefix: 'globalaccelerator/',
      },
    ]);
    const alias = inRegion(plan, 'aws_route53_record', 'aws.us_west_2').map((r) => r.change.after as any);
    expect(alias.map((r) => [r.name, r.type, r.zone_id]).sort()).toEqual([
      ['api.example.com', 'A', 'ZPLACEHOLDER000000000'],
      ['app.example.com', 'A', 'ZPLACEHOLDER000000000'],
    ]);
  });
});

describe('the dev plan', () => {
  it.each(REGIONS)(
    'keeps $name cheap: no web ACL, no log bucket, HTTP only, the Fargate launch type',
    (region) => {
      const plan = plans.dev.plan;
      expect(inRegion(plan, 'aws_wafv2_web_acl', region.alias)).toEqual([]);
      expect(inRegion(plan, 'aws_s3_bucket', region.alias)).toHaveLength(1);
      expect((oneInRegion(plan, 'aws_lb', region.alias).change.after as any).access_logs).toEqual([]);
      for (const change of inRegion(plan, 'aws_ecs_service', region.alias)) {
        const service = change.change.after as any;
        expect([service.launch_type, service.capacity_provider_strategy]).toEqual(['FARGATE', []]);
      }
      expect(inRegion(plan, 'aws_lb_listener', region.alias).map((l) => l.change.after?.port)).toEqual([80]);
    },
  );
});
