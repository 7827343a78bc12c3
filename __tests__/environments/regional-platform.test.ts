/* eslint-disable @typescript-eslint/no-explicit-any -- container definitions are free-form JSON */
import { Testing } from 'cdktf';
import { buildStacks } from '../../stacks/app';
import { PlatformStack } from '../../stacks/platform-stack';
import {
  Block,
  SynthesizedJson,
  productionOverrides,
  ref,
  resources,
  synthJson,
  testSettings,
} from '../../test-support/synth';
import { synthPlatformOnce } from '../../test-support/platform';

const synthPlatform = synthPlatformOnce;

const REGIONS = ['us-east-1', 'eu-west-1'];

/** The one resource of `type` under `fargate-test/<scope>/` whose path ends with `suffix`. */
function inScope(
  json: SynthesizedJson,
  scope: string,
  type: string,
  suffix: string,
): Block & { path: string } {
  const matches = resources(json, type).filter(
    (block) => block.path.startsWith(`fargate-test/${scope}/`) && block.path.endsWith(suffix),
  );
  if (matches.length !== 1)
    throw new Error(`expected one ${type} *${suffix} in ${scope}, got ${matches.length}`);
  return matches[0];
}

/** A resource of the region's foundation (`fargate-test/<region>/...`). */
function inRegion(
  json: SynthesizedJson,
  region: string,
  type: string,
  suffix: string,
): Block & { path: string } {
  return inScope(json, region, type, suffix);
}

/** A resource of the one service `app` in a region (`fargate-test/Services/app/<region>/...`). */
function inService(
  json: SynthesizedJson,
  region: string,
  type: string,
  suffix: string,
): Block & { path: string } {
  return inScope(json, `Services/app/${region}`, type, suffix);
}

/** `${type.name.attribute}` of a resource of the region's foundation. */
function regionalRef(
  json: SynthesizedJson,
  region: string,
  type: string,
  suffix: string,
  attribute = 'id',
): string {
  return ref(json, type, inRegion(json, region, type, suffix).path, attribute);
}

/** `${type.name.attribute}` of a resource of the service `app` in a region. */
function serviceRef(
  json: SynthesizedJson,
  region: string,
  type: string,
  suffix: string,
  attribute = 'id',
): string {
  return ref(json, type, inService(json, region, type, suffix).path, attribute);
}

function containerOf(json: SynthesizedJson, region: string): Record<string, any> {
  const task = inService(json, region, 'aws_ecs_task_definition', 'TaskDefinition');
  return JSON.parse(String(task.container_definitions))[0];
}

describe('RegionalPlatform (through PlatformStack)', () => {
  it.each(REGIONS)(
    'runs the %s service in that region’s private subnets, behind that region’s ALB',
    (region) => {
      // GIVEN the default two regions WHEN synthesized
      const json = synthPlatform();
      // THEN
      const service = inService(json, region, 'aws_ecs_service', 'Service/Service');
      expect(service.provider).toBe(`aws.${region.replace(/-/g, '_')}`);
      expect(service.network_configuration).toEqual({
        subnets: [
          regionalRef(json, region, 'aws_subnet', 'Network/PrivateSubnet1'),
          regionalRef(json, region, 'aws_subnet', 'Network/PrivateSubnet2'),
        ],
        security_groups: [serviceRef(json, region, 'aws_security_group', 'TaskSecurityGroup')],
        assign_public_ip: false,
      });
      expect(service.load_balancer).toEqual([
        {
          target_group_arn: serviceRef(json, region, 'aws_lb_target_group', 'Routing/TargetGroup', 'arn'),
          container_name: 'app',
          container_port: 80,
        },
      ]);
      expect(service.cluster).toBe(regionalRef(json, region, 'aws_ecs_cluster', 'Cluster', 'arn'));
      expect(inRegion(json, region, 'aws_lb', 'LoadBalancer/LoadBalancer').subnets).toEqual([
        regionalRef(json, region, 'aws_subnet', 'Network/PublicSubnet1'),
        regionalRef(json, region, 'aws_subnet', 'Network/PublicSubnet2'),
      ]);
    },
  );

  it.each(REGIONS)('mounts the %s file system in that region’s private subnets', (region) => {
    const json = synthPlatform();
    const mountTargets = resources(json, 'aws_efs_mount_target').filter((m) =>
      m.path.startsWith(`fargate-test/${region}/`),
    );
    expect(mountTargets.map((m) => m.subnet_id).sort()).toEqual(
      [
        regionalRef(json, region, 'aws_subnet', 'Network/PrivateSubnet1'),
        regionalRef(json, region, 'aws_subnet', 'Network/PrivateSubnet2'),
      ].sort(),
    );
    const task = inService(json, region, 'aws_ecs_task_definition', 'TaskDefinition');
    expect((task.volume as Array<Record<string, any>>)[0].efs_volume_configuration).toMatchObject({
      file_system_id: regionalRef(json, region, 'aws_efs_file_system', 'FileSystem/FileSystem'),
      authorization_config: {
        access_point_id: serviceRef(json, region, 'aws_efs_access_point', 'Files/AccessPoint'),
        iam: 'ENABLED',
      },
    });
  });

  it.each(REGIONS)('gives the %s tasks that region’s bucket, region and image replica', (region) => {
    const json = synthPlatform();
    const container = containerOf(json, region);
    expect(container.environment).toEqual([
      { name: 'S3_BUCKET', value: regionalRef(json, region, 'aws_s3_bucket', 'DataBucket/Bucket', 'bucket') },
      { name: 'AWS_REGION', value: region },
    ]);
    expect(inRegion(json, region, 'aws_s3_bucket', 'DataBucket/Bucket').bucket).toBe(
      `fargate-test-data-${region}-\${data.aws_caller_identity.Account.account_id}`,
    );
    const repository = 'ContainerRepository/app/Repository';
    const registry = ref(json, 'aws_ecr_repository', repository, 'registry_id');
    expect(container.image).toBe(
      `${registry}.dkr.ecr.${region}.amazonaws.com/${ref(json, 'aws_ecr_repository', repository, 'name')}:1.0.0`,
    );
  });

  it('keeps one ECR repository, in the primary region, replicated to the other', () => {
    const json = synthPlatform();
    // (the one service `app`, in its own repository of the environment's namespace)
    expect(resources(json, 'aws_ecr_repository').map((r) => [r.path, r.name, r.provider])).toEqual([
      ['fargate-test/ContainerRepository/app/Repository', 'fargate/test/app', 'aws.us_east_1'],
    ]);
    const [replication] = resources(json, 'aws_ecr_replication_configuration');
    expect(JSON.stringify(replication.replication_configuration)).toContain('"region":"eu-west-1"');
  });

  it('uses an external image and creates no repository when the settings name one', () => {
    const json = synthPlatform({ image: { repositoryUri: 'public.ecr.aws/nginx/nginx', tag: '1.27' } });
    expect(resources(json, 'aws_ecr_repository')).toEqual([]);
    expect(resources(json, 'aws_ecr_replication_configuration')).toEqual([]);
    for (const region of REGIONS)
      expect(containerOf(json, region).image).toBe('public.ecr.aws/nginx/nginx:1.27');
  });

  it('protects the load balancers from deletion with tier production only', () => {
    const prod = synthJson(
      new PlatformStack(Testing.app(), 'fargate-test', {
        settings: testSettings({
          environment: 'prod',
          tier: 'production',
          image: { tag: '1.0.0' },
          backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
          alarms: { emails: ['oncall@example.com'] },
          task: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
          edge: { plainHttpReason: 'test fixture: deletion protection only, no domain needed' },
        }),
      }),
    );
    expect(resources(prod, 'aws_lb').map((lb) => lb.enable_deletion_protection)).toEqual([true, true]);
    expect(resources(synthPlatform(), 'aws_lb').map((lb) => lb.enable_deletion_protection)).toEqual([
      false,
      false,
    ]);
  });

  it('serves HTTPS with a certificate per region when a domain is configured', () => {
    const json = synthPlatform({ domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' } });
    // One certificate per region for the zone and every name one label below it: the accelerator's
    // record and every service's hosts, validated by one record.
    expect(
      resources(json, 'aws_acm_certificate')
        .map((c) => [c.provider, c.domain_name, c.subject_alternative_names])
        .sort(),
    ).toEqual([
      ['aws.eu_west_1', 'example.com', ['*.example.com']],
      ['aws.us_east_1', 'example.com', ['*.example.com']],
    ]);
    expect(resources(json, 'aws_lb_listener').filter((l) => l.port === 443)).toHaveLength(2);
    // ACM asks for the same CNAME in every region: the primary owns it, the others validate against it.
    const [record] = resources(json, 'aws_route53_record').filter((r) =>
      r.path.endsWith('CertificateValidationRecord'),
    );
    expect(record.provider).toBe('aws.us_east_1');
    expect(
      resources(json, 'aws_route53_record').filter((r) => r.path.endsWith('CertificateValidationRecord')),
    ).toHaveLength(1);
    for (const validation of resources(json, 'aws_acm_certificate_validation')) {
      expect(validation.validation_record_fqdns).toEqual([
        ref(json, 'aws_route53_record', 'us-east-1/LoadBalancer/CertificateValidationRecord', 'fqdn'),
      ]);
    }
    expect(resources(synthPlatform(), 'aws_acm_certificate')).toEqual([]);
  });

  it('runs a single region, whose backups have no other region to go to, with that finding suppressed', () => {
    // GIVEN one region WHEN the app builds it with the policy pack THEN it synthesizes, and the plan
    // has no copy action
    const lines: string[] = [];
    const app = Testing.app();
    buildStacks(
      app,
      testSettings({
        regions: [
          { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        ],
      }),
      (line) => lines.push(line),
    );
    expect(() => app.synth()).not.toThrow();
    expect(lines.filter((line) => line.includes('backup-cross-region-copy'))).toEqual([
      expect.stringContaining('a single-region environment has no other region to copy its backups to'),
    ]);
  });

  it('starts each region’s service only after that region’s private routes, its task egress, NFS access and listener rule exist', () => {
    const json = synthPlatform();
    const address = (reference: string) => reference.replace(/^\$\{|\.id\}$/g, '');
    for (const region of REGIONS) {
      const dependsOn = inService(json, region, 'aws_ecs_service', 'Service/Service').depends_on as string[];
      // the region's network
      for (const [type, suffix] of [
        ['aws_route_table', 'PrivateRouteTable1'],
        ['aws_route_table', 'PrivateRouteTable2'],
        ['aws_route', 'PrivateDefaultRoute1'],
        ['aws_route', 'PrivateDefaultRoute2'],
        ['aws_route_table_association', 'PrivateSubnet1RouteTable'],
        ['aws_route_table_association', 'PrivateSubnet2RouteTable'],
        ['aws_efs_mount_target', 'FileSystem/MountTarget1'],
        ['aws_efs_mount_target', 'FileSystem/MountTarget2'],
      ]) {
        expect(dependsOn).toContain(address(regionalRef(json, region, type, suffix)));
      }
      // the service's own egress, NFS ingress and the rule that attaches its target group
      for (const [type, suffix] of [
        ['aws_vpc_security_group_egress_rule', 'Service/SecurityGroupRules/EgressHttps'],
        ['aws_vpc_security_group_egress_rule', 'Service/SecurityGroupRules/EgressNfs'],
        ['aws_vpc_security_group_ingress_rule', 'Files/NfsFromClients'],
        ['aws_lb_listener_rule', 'Routing/ListenerRule'],
      ]) {
        expect(dependsOn).toContain(address(serviceRef(json, region, type, suffix)));
      }
    }
  });

  it('logs ECS Exec sessions to an encrypted log group of the region, when ECS Exec is on', () => {
    const json = synthPlatform({ service: { enableExecuteCommand: true } });
    for (const region of REGIONS) {
      const group = inRegion(json, region, 'aws_cloudwatch_log_group', 'ExecLogGroup');
      expect(group).toMatchObject({
        name: '/ecs/fargate-test/exec',
        kms_key_id: regionalRef(json, region, 'aws_kms_key', 'LogKey/Key/Key', 'arn'),
      });
      expect(inRegion(json, region, 'aws_ecs_cluster', 'Cluster').configuration).toEqual({
        execute_command_configuration: {
          kms_key_id: regionalRef(json, region, 'aws_kms_key', 'LogKey/Key/Key', 'arn'),
          logging: 'OVERRIDE',
          log_configuration: {
            cloud_watch_log_group_name: regionalRef(
              json,
              region,
              'aws_cloudwatch_log_group',
              'ExecLogGroup',
              'name',
            ),
            cloud_watch_encryption_enabled: true,
          },
        },
      });
    }
    expect(
      resources(synthPlatform(), 'aws_cloudwatch_log_group').filter((g) => g.path.endsWith('ExecLogGroup')),
    ).toEqual([]);
  });

  it('pauses the service for a first apply without an image: no tasks, autoscaling 0 to 0, a silent running-tasks alarm', () => {
    // GIVEN service.paused WHEN the platform is synthesized
    const json = synthPlatform({ service: { paused: true } });
    // THEN every region's service starts empty and stays empty until unpaused
    for (const region of REGIONS) {
      expect(inService(json, region, 'aws_ecs_service', 'Service/Service').desired_count).toBe(0);
      expect(inService(json, region, 'aws_appautoscaling_target', 'ScalableTarget')).toMatchObject({
        min_capacity: 0,
        max_capacity: 0,
      });
      expect(inService(json, region, 'aws_cloudwatch_metric_alarm', 'RunningTasksLow').actions_enabled).toBe(
        false,
      );
      expect(
        inService(json, region, 'aws_cloudwatch_metric_alarm', 'CpuHigh').actions_enabled,
      ).toBeUndefined();
    }
    // AND unpaused, the same task definition scales to the minimum
    const running = synthPlatform();
    for (const region of REGIONS) {
      expect(inService(running, region, 'aws_appautoscaling_target', 'ScalableTarget').min_capacity).toBe(2);
      expect(
        inService(running, region, 'aws_ecs_task_definition', 'TaskDefinition').container_definitions,
      ).toBe(inService(json, region, 'aws_ecs_task_definition', 'TaskDefinition').container_definitions);
    }
  });

  it('passes the task settings through to every region', () => {
    const json = synthPlatform({
      task: {
        cpu: 2048,
        memoryMiB: 8192,
        containerPort: 8080,
        readonlyRootFilesystem: true,
        writablePaths: ['/tmp', '/var/cache'],
      },
      service: { minCapacity: 3, desiredCount: 3, maxCapacity: 6 },
    });
    for (const region of REGIONS) {
      expect(inService(json, region, 'aws_ecs_task_definition', 'TaskDefinition')).toMatchObject({
        cpu: '2048',
        memory: '8192',
      });
      expect(containerOf(json, region).portMappings).toEqual([{ containerPort: 8080, protocol: 'tcp' }]);
      expect(inService(json, region, 'aws_appautoscaling_target', 'ScalableTarget')).toMatchObject({
        min_capacity: 3,
        max_capacity: 6,
      });
      expect(inService(json, region, 'aws_lb_target_group', 'Routing/TargetGroup').port).toBe(8080);
    }
  });

  describe('release waves', () => {
    const twoRegions = (euImage?: Record<string, string>) => [
      { name: 'us-east-1' as const, vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      {
        name: 'eu-west-1' as const,
        vpcCidr: '10.1.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        ...(euImage ? { image: euImage } : {}),
      },
    ];
    const external = { repositoryUri: 'public.ecr.aws/nginx/nginx', tag: '1.27.0' };
    const digest = `sha256:${'0a'.repeat(32)}`;

    it('runs a wave region’s own tag there and the environment’s everywhere else', () => {
      // GIVEN eu-west-1 moved to 1.28.0 in its wave
      const json = synthPlatform({ image: external, regions: twoRegions({ tag: '1.28.0' }) });
      // THEN
      expect(containerOf(json, 'us-east-1').image).toBe('public.ecr.aws/nginx/nginx:1.27.0');
      expect(containerOf(json, 'eu-west-1').image).toBe('public.ecr.aws/nginx/nginx:1.28.0');
    });

    it('pins every region to image.digest as repository@sha256:…', () => {
      const json = synthPlatform({ image: { ...external, digest } });
      for (const region of REGIONS) {
        expect(containerOf(json, region).image).toBe(`public.ecr.aws/nginx/nginx@${digest}`);
      }
    });

    it('lets a wave region’s tag replace the environment’s digest there only', () => {
      const json = synthPlatform({ image: { ...external, digest }, regions: twoRegions({ tag: '1.28.0' }) });
      expect(containerOf(json, 'us-east-1').image).toBe(`public.ecr.aws/nginx/nginx@${digest}`);
      expect(containerOf(json, 'eu-west-1').image).toBe('public.ecr.aws/nginx/nginx:1.28.0');
    });
  });

  describe('deployment alarms', () => {
    it.each(REGIONS)('rolls the %s service back on its own 5xx, p99 and unhealthy-hosts alarms', (region) => {
      const json = synthPlatform();
      const service = inService(json, region, 'aws_ecs_service', 'Service/Service');
      const alarmName = (suffix: string) =>
        serviceRef(json, region, 'aws_cloudwatch_metric_alarm', `Alarms/${suffix}`, 'alarm_name');
      expect(service.alarms).toEqual({
        alarm_names: [alarmName('Alb5xx'), alarmName('TargetResponseTimeP99'), alarmName('UnhealthyHosts')],
        enable: true,
        rollback: true,
      });
      expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
      // The alarms watch the service by the name it gets, so they can exist before it.
      expect(service.name).toBe('fargate-test-service');
      expect(inService(json, region, 'aws_cloudwatch_metric_alarm', 'Alarms/CpuHigh').dimensions).toEqual({
        ClusterName: regionalRef(json, region, 'aws_ecs_cluster', 'Cluster', 'name'),
        ServiceName: 'fargate-test-service',
      });
    });

    it('turns off with service.deploymentAlarms false, keeping the circuit breaker', () => {
      const json = synthPlatform({ service: { deploymentAlarms: false } });
      for (const region of REGIONS) {
        const service = inService(json, region, 'aws_ecs_service', 'Service/Service');
        expect(service.alarms).toBeUndefined();
        expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
      }
    });
  });

  describe('failover drills', () => {
    const prodSettings = productionOverrides('test fixture: failover drills only, no domain needed');

    it('creates a stop-tasks and a black-hole template per region by default with tier production', () => {
      const json = synthJson(
        new PlatformStack(Testing.app(), 'fargate-test', { settings: testSettings(prodSettings) }),
      );
      for (const region of REGIONS) {
        const stop = inRegion(json, region, 'aws_fis_experiment_template', 'FailoverDrills/StopTasks');
        expect(stop.provider).toBe(`aws.${region.replace(/-/g, '_')}`);
        expect(stop.target).toEqual([
          expect.objectContaining({
            resource_type: 'aws:ecs:task',
            selection_mode: 'ALL',
            // every task of the region's cluster, whichever service runs it: the drill is the loss of
            // the region's compute, not of one service
            parameters: { cluster: regionalRef(json, region, 'aws_ecs_cluster', 'Cluster', 'name') },
          }),
        ]);
        const blackhole = inRegion(json, region, 'aws_fis_experiment_template', 'FailoverDrills/Blackhole');
        expect((blackhole.target as Array<Record<string, unknown>>)[0].resource_arns).toEqual([
          regionalRef(json, region, 'aws_subnet', 'Network/PrivateSubnet1', 'arn'),
          regionalRef(json, region, 'aws_subnet', 'Network/PrivateSubnet2', 'arn'),
        ]);
        // Stopped by this region's own client-impact alarms: its load balancer's, whatever service
        // the clients reach.
        for (const template of [stop, blackhole]) {
          expect(template.stop_condition).toEqual([
            {
              source: 'aws:cloudwatch:alarm',
              value: regionalRef(
                json,
                region,
                'aws_cloudwatch_metric_alarm',
                'LoadBalancerAlarms/Http5xx',
                'arn',
              ),
            },
            {
              source: 'aws:cloudwatch:alarm',
              value: regionalRef(
                json,
                region,
                'aws_cloudwatch_metric_alarm',
                'LoadBalancerAlarms/ResponseTimeP99',
                'arn',
              ),
            },
          ]);
        }
        expect(json.output?.[`${region.replace(/-/g, '_')}_fis_stop_tasks_template_id`].value).toBe(
          regionalRef(json, region, 'aws_fis_experiment_template', 'FailoverDrills/StopTasks'),
        );
      }
    });

    it('creates none with tier development unless failoverDrills.enabled', () => {
      expect(resources(synthPlatform(), 'aws_fis_experiment_template')).toEqual([]);
      expect(synthPlatform().output?.us_east_1_fis_stop_tasks_template_id).toBeUndefined();
      const on = synthPlatform({ failoverDrills: { enabled: true, blackholeMinutes: 3 } });
      expect(resources(on, 'aws_fis_experiment_template')).toHaveLength(4);
      const blackhole = inRegion(on, 'eu-west-1', 'aws_fis_experiment_template', 'FailoverDrills/Blackhole');
      expect((blackhole.action as Array<{ parameter: unknown }>)[0].parameter).toEqual([
        { key: 'duration', value: 'PT3M' },
        { key: 'scope', value: 'all' },
      ]);
      const off = synthJson(
        new PlatformStack(Testing.app(), 'fargate-test', {
          settings: testSettings({
            ...prodSettings,
            failoverDrills: { enabled: false },
            productionExceptions: {
              'failoverDrills.enabled': 'test fixture: drills off to check that none are built',
            },
          }),
        }),
      );
      expect(resources(off, 'aws_fis_experiment_template')).toEqual([]);
    });

    it('stops a region’s drills on that region’s load balancer alarms, however many services it runs', () => {
      // GIVEN three services (six client-impact alarms of their own per region, more than the five
      // stop conditions FIS takes) and the drills on
      const json = synthPlatform({
        failoverDrills: { enabled: true },
        services: {
          web: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 50000 } },
          api: { image: { tag: '1.0.0' }, routing: { paths: ['/api/*'], priority: 100 } },
          admin: { image: { tag: '1.0.0' }, routing: { paths: ['/admin/*'], priority: 200 } },
        },
      });
      // THEN each region's templates stop on that region's two load balancer alarms, no service's
      for (const region of REGIONS) {
        const expected = ['LoadBalancerAlarms/Http5xx', 'LoadBalancerAlarms/ResponseTimeP99'].map(
          (suffix) => ({
            source: 'aws:cloudwatch:alarm',
            value: regionalRef(json, region, 'aws_cloudwatch_metric_alarm', suffix, 'arn'),
          }),
        );
        for (const suffix of ['FailoverDrills/StopTasks', 'FailoverDrills/Blackhole']) {
          expect(inRegion(json, region, 'aws_fis_experiment_template', suffix).stop_condition).toEqual(
            expected,
          );
        }
      }
    });

    it.each(REGIONS)(
      'builds the %s drills’ role policy without a reference to the ECS service, so a release does not defer its read',
      (region) => {
        // GIVEN the drills on WHEN synthesized
        const json = synthPlatform({ failoverDrills: { enabled: true } });
        const permissions = (json.data?.aws_iam_policy_document ?? {}) as Record<string, Block>;
        const [document] = Object.entries(permissions).filter(([, block]) =>
          String((block['//'] as { metadata?: { path?: string } })?.metadata?.path).endsWith(
            `${region}/FailoverDrills/Permissions`,
          ),
        );
        // THEN it names the cluster's services by their known ARN pattern and refers to no
        // aws_ecs_service (a data source that refers to a resource with a pending change is read only
        // at apply)
        const text = JSON.stringify(document[1]);
        expect(text).not.toContain('aws_ecs_service.');
        expect(text).toMatch(
          new RegExp(`"arn:aws:ecs:${region}:[^"]*:service/\\$\\{aws_ecs_cluster\\.[^}]+\\.name\\}/\\*"`),
        );
      },
    );
  });
});

describe('RegionalPlatform edge controls and application contract (through PlatformStack)', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf';

  it('creates no log bucket, web ACL or capacity providers in development by default', () => {
    const json = synthPlatform();
    expect(
      resources(json, 'aws_s3_bucket')
        .map((b) => b.path)
        .sort(),
    ).toEqual(REGIONS.map((region) => `fargate-test/${region}/DataBucket/Bucket`).sort());
    expect(resources(json, 'aws_wafv2_web_acl')).toEqual([]);
    expect(resources(json, 'aws_ecs_cluster_capacity_providers')).toEqual([]);
    expect(resources(json, 'aws_globalaccelerator_accelerator')[0].attributes).toEqual({
      flow_logs_enabled: false,
    });
  });

  it('turns on access logs and WAF in every region when the settings ask', () => {
    const json = synthPlatform({ accountId: '123456789012', edge: { accessLogs: true, waf: true } });
    for (const region of REGIONS) {
      const bucket = inRegion(json, region, 'aws_s3_bucket', 'LogBucket/Bucket');
      expect(bucket.bucket).toBe(`fargate-test-logs-${region}-123456789012`);
      const lb = inRegion(json, region, 'aws_lb', 'LoadBalancer/LoadBalancer') as any;
      expect(lb.access_logs.bucket).toBe(
        regionalRef(json, region, 'aws_s3_bucket', 'LogBucket/Bucket', 'bucket'),
      );
      expect(inRegion(json, region, 'aws_wafv2_web_acl_association', 'WebAclAssociation').web_acl_arn).toBe(
        regionalRef(json, region, 'aws_wafv2_web_acl', 'WebAcl/WebAcl', 'arn'),
      );
    }
  });

  it('associates an existing web ACL of a region instead of creating one there', () => {
    const arn =
      'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/12345678-1234-1234-1234-123456789012';
    const json = synthPlatform({
      edge: { waf: true },
      regions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        {
          name: 'eu-west-1',
          vpcCidr: '10.1.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          webAclArn: arn,
        },
      ],
    });
    expect(resources(json, 'aws_wafv2_web_acl').map((a) => a.provider)).toEqual(['aws.us_east_1']);
    expect(
      inRegion(json, 'eu-west-1', 'aws_wafv2_web_acl_association', 'WebAclAssociation').web_acl_arn,
    ).toBe(arn);
  });

  it('sends flow logs to a log bucket in the primary region only, even with access logs off', () => {
    const json = synthPlatform({ accountId: '123456789012', accelerator: { flowLogs: true } });
    expect(
      resources(json, 'aws_s3_bucket')
        .filter((b) => b.path.endsWith('LogBucket/Bucket'))
        .map((b) => b.provider),
    ).toEqual(['aws.us_east_1']);
    const accelerator = resources(json, 'aws_globalaccelerator_accelerator')[0] as any;
    expect(accelerator.attributes).toEqual({
      flow_logs_enabled: true,
      flow_logs_s3_bucket: regionalRef(json, 'us-east-1', 'aws_s3_bucket', 'LogBucket/Bucket', 'bucket'),
      flow_logs_s3_prefix: 'globalaccelerator/',
    });
    expect(accelerator.depends_on).toEqual([
      regionalRef(json, 'us-east-1', 'aws_s3_bucket_policy', 'LogBucket/Policy', '').replace(
        /^\$\{(.*)\.\}$/,
        '$1',
      ),
    ]);
    expect(
      (inRegion(json, 'us-east-1', 'aws_lb', 'LoadBalancer/LoadBalancer') as any).access_logs,
    ).toBeUndefined();
  });

  it('uses the settings’ own flow log bucket without creating one', () => {
    const json = synthPlatform({ accelerator: { flowLogsBucket: 'acme-flow-logs' } });
    expect(resources(json, 'aws_s3_bucket').filter((b) => b.path.endsWith('LogBucket/Bucket'))).toEqual([]);
    expect(
      (resources(json, 'aws_globalaccelerator_accelerator')[0] as any).attributes.flow_logs_s3_bucket,
    ).toBe('acme-flow-logs');
  });

  it('resolves each secret to its own region’s ARN, with a regional override where given', () => {
    const json = synthPlatform({
      accountId: '123456789012',
      task: {
        environment: [{ name: 'LOG_LEVEL', value: 'info' }],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: secretArn, jsonKey: 'password' },
          { name: 'API_TOKEN', valueFrom: '/app/api-token' },
        ],
      },
      regions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        {
          name: 'eu-west-1',
          vpcCidr: '10.1.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          environment: [{ name: 'LOG_LEVEL', value: 'debug' }],
          secrets: [
            { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/eu/api-token' },
          ],
        },
      ],
    });
    const app = (region: string) =>
      JSON.parse(
        String(inService(json, region, 'aws_ecs_task_definition', 'TaskDefinition').container_definitions),
      )[0];
    expect(app('us-east-1').secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: `${secretArn}:password::` },
      { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/api-token' },
    ]);
    expect(app('eu-west-1').secrets).toEqual([
      {
        name: 'DB_PASSWORD',
        valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf:password::',
      },
      { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/eu/api-token' },
    ]);
    const level = (region: string) => app(region).environment.find((v: any) => v.name === 'LOG_LEVEL').value;
    expect([level('us-east-1'), level('eu-west-1')]).toEqual(['info', 'debug']);
  });

  it('associates Fargate and Fargate Spot with each cluster and uses the strategy on the service', () => {
    const strategy = [
      { capacityProvider: 'FARGATE' as const, base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT' as const, weight: 3 },
    ];
    const json = synthPlatform({ service: { capacityProviders: strategy } });
    for (const region of REGIONS) {
      const providers = inRegion(
        json,
        region,
        'aws_ecs_cluster_capacity_providers',
        'CapacityProviders',
      ) as any;
      expect(providers.cluster_name).toBe(regionalRef(json, region, 'aws_ecs_cluster', 'Cluster', 'name'));
      expect(providers.capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
      const service = inService(json, region, 'aws_ecs_service', 'Service/Service') as any;
      expect(service.capacity_provider_strategy).toEqual([
        { capacity_provider: 'FARGATE', base: 1, weight: 1 },
        { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
      ]);
      expect(service.depends_on).toContain(
        regionalRef(json, region, 'aws_ecs_cluster_capacity_providers', 'CapacityProviders', '').replace(
          /^\$\{(.*)\.\}$/,
          '$1',
        ),
      );
    }
  });

  it('scales on requests per target of its own load balancer and target group', () => {
    const json = synthPlatform({ service: { requestCountPerTarget: 500 } });
    for (const region of REGIONS) {
      const policy = inService(json, region, 'aws_appautoscaling_policy', 'RequestCountScaling') as any;
      expect(policy.target_tracking_scaling_policy_configuration.predefined_metric_specification).toEqual({
        predefined_metric_type: 'ALBRequestCountPerTarget',
        resource_label: `${regionalRef(json, region, 'aws_lb', 'LoadBalancer/LoadBalancer', 'arn_suffix')}/${serviceRef(json, region, 'aws_lb_target_group', 'Routing/TargetGroup', 'arn_suffix')}`,
      });
    }
  });
});
