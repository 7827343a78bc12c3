/**
 * PlatformService: each service of an environment in each region, on that region's foundation,
 * through a synthesized PlatformStack with several services.
 */
import { Block, SynthesizedJson, ref, resources } from '../../test-support/synth';
import { synthPlatformOnce } from '../../test-support/platform';

const REGIONS = ['us-east-1', 'eu-west-1'];

/**
 * Three services: `app` keeps the single-service names (legacyNames) and takes whatever the others
 * do not claim; `api` answers its host; `admin` a path of another host.
 */
const SERVICES = {
  app: {
    legacyNames: true,
    image: { tag: '1.0.0' },
    task: { containerPort: 8080 },
    routing: { paths: ['/*'], priority: 50000 },
  },
  api: {
    image: { tag: '2.0.0' },
    task: { containerPort: 9000 },
    service: { healthCheckPath: '/api/health', healthCheckMatcher: '200' },
    routing: { hosts: ['api.example.com'], priority: 100 },
  },
  admin: {
    image: { tag: '3.0.0' },
    task: { containerPort: 8081 },
    routing: { hosts: ['app.example.com'], paths: ['/admin/*'], priority: 200 },
  },
};
type ServiceName = keyof typeof SERVICES;
const NAMES = Object.keys(SERVICES) as ServiceName[];

/** What each service's resources are called: the single-service names for app, its own for the others. */
const EXPECTED: Record<
  ServiceName,
  {
    prefix: string;
    ecsService: string;
    targetGroup: string;
    port: number;
    fileSystemPath: string;
    dataPrefix?: string;
  }
> = {
  app: {
    prefix: 'fargate-test',
    ecsService: 'fargate-test-service',
    targetGroup: 'fargate-test-tg-8080',
    port: 8080,
    fileSystemPath: '/ecs',
  },
  api: {
    prefix: 'fargate-test-api',
    ecsService: 'fargate-test-api',
    targetGroup: 'fargate-test-api-9000',
    port: 9000,
    fileSystemPath: '/api',
    dataPrefix: 'api',
  },
  admin: {
    prefix: 'fargate-test-admin',
    ecsService: 'fargate-test-admin',
    targetGroup: 'fargate-test-admin-8081',
    port: 8081,
    fileSystemPath: '/admin',
    dataPrefix: 'admin',
  },
};

const DOMAIN = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' };

const synthPlain = () => synthPlatformOnce({ services: SERVICES });
const synthWithDomain = () => synthPlatformOnce({ services: SERVICES, domain: DOMAIN });

/** Every (service, region) pair, for it.each. */
const CASES: Array<[ServiceName, string]> = NAMES.flatMap((name) =>
  REGIONS.map((region) => [name, region] as [ServiceName, string]),
);

type Located = Block & { path: string };

/** The one resource of `type` under `fargate-test/<scope>/` whose path ends with `suffix`. */
function inScope(json: SynthesizedJson, scope: string, type: string, suffix: string): Located {
  const matches = resources(json, type).filter(
    (block) => block.path.startsWith(`fargate-test/${scope}/`) && block.path.endsWith(suffix),
  );
  if (matches.length !== 1)
    throw new Error(`expected one ${type} *${suffix} in ${scope}, got ${matches.length}`);
  return matches[0];
}

const inService = (json: SynthesizedJson, name: string, region: string, type: string, suffix: string) =>
  inScope(json, `Services/${name}/${region}`, type, suffix);
const inRegion = (json: SynthesizedJson, region: string, type: string, suffix: string) =>
  inScope(json, region, type, suffix);

/** `${type.name.attribute}` of a located resource. */
const refTo = (json: SynthesizedJson, type: string, block: Located, attribute = 'id') =>
  ref(json, type, block.path, attribute);

/** `type.name`, the Terraform address of a located resource. */
const addressOf = (json: SynthesizedJson, type: string, block: Located) =>
  refTo(json, type, block, 'x').replace(/^\$\{(.*)\.x\}$/, '$1');

/** The statements of the policy document of a service's task role in a region. */
function taskStatements(json: SynthesizedJson, name: string, region: string): Array<Record<string, unknown>> {
  const policy = inService(json, name, region, 'aws_iam_role_policy', 'Service/Roles/TaskPolicy');
  expect(policy.role).toBe(
    refTo(json, 'aws_iam_role', inService(json, name, region, 'aws_iam_role', 'Service/Roles/TaskRole')),
  );
  const documentName = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(
    String(policy.policy),
  )?.[1];
  const document = json.data?.aws_iam_policy_document?.[documentName as string];
  expect((document?.['//'] as { metadata: { path: string } }).metadata.path).toBe(
    `fargate-test/Services/${name}/${region}/Service/Roles/TaskPermissions`,
  );
  return document?.statement as Array<Record<string, unknown>>;
}

describe('PlatformService (through PlatformStack, three services)', () => {
  it.each(CASES)(
    'gives %s in %s its own target group, on its port, with its own health check',
    (name, region) => {
      // GIVEN three services WHEN synthesized
      const json = synthPlain();
      // THEN
      const group = inService(json, name, region, 'aws_lb_target_group', 'Routing/TargetGroup');
      const service = SERVICES[name] as {
        service?: { healthCheckPath?: string; healthCheckMatcher?: string };
      };
      expect(group).toMatchObject({
        name: EXPECTED[name].targetGroup,
        port: EXPECTED[name].port,
        target_type: 'ip',
        provider: `aws.${region.replace(/-/g, '_')}`,
        vpc_id: refTo(json, 'aws_vpc', inRegion(json, region, 'aws_vpc', 'Network/Vpc')),
        health_check: expect.objectContaining({
          path: service.service?.healthCheckPath ?? '/',
          matcher: service.service?.healthCheckMatcher ?? '200-399',
        }),
      });
      // AND the ECS service registers its tasks there, and only there
      expect(inService(json, name, region, 'aws_ecs_service', 'Service/Service').load_balancer).toEqual([
        {
          target_group_arn: refTo(json, 'aws_lb_target_group', group, 'arn'),
          container_name: 'app',
          container_port: EXPECTED[name].port,
        },
      ]);
    },
  );

  it.each(CASES)(
    'routes %s in %s with its own listener rule on the HTTP listener without a domain: its priority, hosts and paths',
    (name, region) => {
      const json = synthPlain();
      const rule = inService(json, name, region, 'aws_lb_listener_rule', 'Routing/ListenerRule');
      const routing = SERVICES[name].routing as { hosts?: string[]; paths?: string[]; priority: number };
      expect(rule).toMatchObject({
        priority: routing.priority,
        listener_arn: refTo(
          json,
          'aws_lb_listener',
          inRegion(json, region, 'aws_lb_listener', 'LoadBalancer/HttpListener'),
          'arn',
        ),
        action: [
          {
            type: 'forward',
            target_group_arn: refTo(
              json,
              'aws_lb_target_group',
              inService(json, name, region, 'aws_lb_target_group', 'Routing/TargetGroup'),
              'arn',
            ),
          },
        ],
      });
      expect(rule.condition).toEqual([
        ...(routing.hosts ? [{ host_header: { values: routing.hosts } }] : []),
        ...(routing.paths ? [{ path_pattern: { values: routing.paths } }] : []),
      ]);
    },
  );

  it.each(CASES)('puts the rule of %s in %s on the HTTPS listener when a domain is set', (name, region) => {
    // GIVEN a domain WHEN synthesized
    const json = synthWithDomain();
    // THEN the rule serves HTTPS; HTTP only redirects
    expect(inService(json, name, region, 'aws_lb_listener_rule', 'Routing/ListenerRule').listener_arn).toBe(
      refTo(
        json,
        'aws_lb_listener',
        inRegion(json, region, 'aws_lb_listener', 'LoadBalancer/HttpsListener'),
        'arn',
      ),
    );
  });

  it('gives each region’s load balancer one rule per service, each at its own priority', () => {
    for (const json of [synthPlain(), synthWithDomain()]) {
      for (const region of REGIONS) {
        const rules = resources(json, 'aws_lb_listener_rule').filter((rule) =>
          rule.path.includes(`/${region}/`),
        );
        expect(rules.map((rule) => [rule.path, rule.priority]).sort()).toEqual(
          NAMES.map((name) => [
            `fargate-test/Services/${name}/${region}/Routing/ListenerRule`,
            SERVICES[name].routing.priority,
          ]).sort(),
        );
        expect(new Set(rules.map((rule) => rule.listener_arn)).size).toBe(1);
      }
    }
  });

  it.each(REGIONS)(
    'answers requests no service claims in %s with a fixed 404 from the load balancer',
    (region) => {
      const notFound = [
        {
          type: 'fixed-response',
          fixed_response: { content_type: 'text/plain', message_body: 'Not Found', status_code: '404' },
        },
      ];
      // GIVEN no domain THEN the HTTP listener's default action
      const plain = synthPlain();
      expect(
        resources(plain, 'aws_lb_listener').filter((l) => l.path.startsWith(`fargate-test/${region}/`)),
      ).toHaveLength(1);
      expect(inRegion(plain, region, 'aws_lb_listener', 'LoadBalancer/HttpListener').default_action).toEqual(
        notFound,
      );
      // GIVEN a domain THEN the HTTPS listener's, and HTTP redirects to HTTPS
      const tls = synthWithDomain();
      expect(inRegion(tls, region, 'aws_lb_listener', 'LoadBalancer/HttpsListener').default_action).toEqual(
        notFound,
      );
      expect(inRegion(tls, region, 'aws_lb_listener', 'LoadBalancer/HttpListener').default_action).toEqual([
        expect.objectContaining({
          type: 'redirect',
          redirect: expect.objectContaining({ protocol: 'HTTPS', port: '443' }),
        }),
      ]);
    },
  );

  it.each(CASES)(
    'admits only the load balancer’s security group, on its own port, into the tasks of %s in %s',
    (name, region) => {
      const json = synthPlain();
      const group = inService(json, name, region, 'aws_security_group', 'TaskSecurityGroup');
      const groupId = refTo(json, 'aws_security_group', group);
      const loadBalancerGroupId = refTo(
        json,
        'aws_security_group',
        inRegion(json, region, 'aws_security_group', 'LoadBalancer/SecurityGroup'),
      );
      // its own group, named after the service, with no inline rule
      expect(group).toMatchObject({ name: `${EXPECTED[name].prefix}-tasks` });
      expect(group.ingress).toBeUndefined();
      // exactly one way in: from the load balancer, on the service's port
      const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter(
        (rule) => rule.security_group_id === groupId,
      );
      expect(
        ingress.map((rule) => [
          rule.referenced_security_group_id,
          rule.ip_protocol,
          rule.from_port,
          rule.to_port,
        ]),
      ).toEqual([[loadBalancerGroupId, 'tcp', EXPECTED[name].port, EXPECTED[name].port]]);
      expect(ingress[0].path).toBe(
        `fargate-test/Services/${name}/${region}/Service/SecurityGroupRules/IngressFromLoadBalancer`,
      );
      // and the load balancer sends to this group on that port only
      const fromLoadBalancer = resources(json, 'aws_vpc_security_group_egress_rule').filter(
        (rule) =>
          rule.security_group_id === loadBalancerGroupId && rule.referenced_security_group_id === groupId,
      );
      expect(fromLoadBalancer.map((rule) => [rule.path, rule.from_port, rule.to_port])).toEqual([
        [
          `fargate-test/Services/${name}/${region}/Routing/TargetEgress`,
          EXPECTED[name].port,
          EXPECTED[name].port,
        ],
      ]);
      // the service's tasks run in it
      expect(
        (
          inService(json, name, region, 'aws_ecs_service', 'Service/Service').network_configuration as {
            security_groups: string[];
          }
        ).security_groups,
      ).toEqual([groupId]);
    },
  );

  it.each(CASES)(
    'gives %s in %s its own access point, with its own root directory, on the region’s file system',
    (name, region) => {
      const json = synthPlain();
      const accessPoint = inService(json, name, region, 'aws_efs_access_point', 'Files/AccessPoint');
      const fileSystem = inRegion(json, region, 'aws_efs_file_system', 'FileSystem/FileSystem');
      expect(accessPoint).toMatchObject({
        file_system_id: refTo(json, 'aws_efs_file_system', fileSystem),
        root_directory: expect.objectContaining({ path: EXPECTED[name].fileSystemPath }),
      });
      // the task mounts through it, and NFS reaches the mount targets from its own tasks' group
      const [volume] = inService(json, name, region, 'aws_ecs_task_definition', 'Service/Task/TaskDefinition')
        .volume as Array<{ efs_volume_configuration: { authorization_config: { access_point_id: string } } }>;
      expect(volume.efs_volume_configuration.authorization_config.access_point_id).toBe(
        refTo(json, 'aws_efs_access_point', accessPoint),
      );
      expect(
        inService(json, name, region, 'aws_vpc_security_group_ingress_rule', 'Files/NfsFromClients'),
      ).toMatchObject({
        security_group_id: refTo(
          json,
          'aws_security_group',
          inRegion(json, region, 'aws_security_group', 'FileSystem/SecurityGroup'),
        ),
        referenced_security_group_id: refTo(
          json,
          'aws_security_group',
          inService(json, name, region, 'aws_security_group', 'TaskSecurityGroup'),
        ),
        from_port: 2049,
      });
    },
  );

  it('gives every service of a region a different root directory', () => {
    const json = synthPlain();
    for (const region of REGIONS) {
      const paths = NAMES.map(
        (name) =>
          (
            inService(json, name, region, 'aws_efs_access_point', 'Files/AccessPoint').root_directory as {
              path: string;
            }
          ).path,
      );
      expect(new Set(paths).size).toBe(NAMES.length);
    }
  });

  it.each(CASES)(
    'limits the task role of %s in %s to its own data bucket prefix and its own access point',
    (name, region) => {
      const json = synthPlain();
      const bucketArn = refTo(
        json,
        'aws_s3_bucket',
        inRegion(json, region, 'aws_s3_bucket', 'DataBucket/Bucket'),
        'arn',
      );
      const statements = taskStatements(json, name, region);
      const objects = statements.filter((s) => (s.actions as string[]).includes('s3:GetObject'));
      const listing = statements.filter((s) => (s.actions as string[]).includes('s3:ListBucket'));
      const prefix = EXPECTED[name].dataPrefix;
      if (prefix === undefined) {
        // legacyNames: the whole bucket, as the single-service platform gave its application
        expect(objects.map((s) => s.resources)).toEqual([[`${bucketArn}/*`]]);
        expect(listing.map((s) => s.condition)).toEqual([undefined]);
      } else {
        expect(objects.map((s) => s.resources)).toEqual([[`${bucketArn}/${prefix}/*`]]);
        // listing within its own folder only: a bare `api` would also list `api-v2/…`
        expect(listing.map((s) => s.condition)).toEqual([
          [expect.objectContaining({ test: 'StringLike', variable: 's3:prefix' })],
        ]);
        const listable = (listing[0].condition as Array<{ values: string[] }>)[0].values;
        expect(listable).toContain(`${prefix}/*`);
        expect(listable.filter((value) => !value.startsWith(`${prefix}/`))).toEqual([]);
      }
      // nothing of the bucket beyond that, and no other service's prefix
      const objectArn = `${bucketArn}/${prefix === undefined ? '' : `${prefix}/`}*`;
      const bucketResources = statements.flatMap((s) =>
        (s.resources as string[]).filter((r) => r.startsWith(bucketArn)),
      );
      expect(bucketResources.filter((r) => r !== bucketArn && r !== objectArn)).toEqual([]);
      // and the file system through its own access point only
      const accessPointArn = refTo(
        json,
        'aws_efs_access_point',
        inService(json, name, region, 'aws_efs_access_point', 'Files/AccessPoint'),
        'arn',
      );
      const mount = statements.filter((s) =>
        (s.actions as string[]).includes('elasticfilesystem:ClientMount'),
      );
      expect(mount.map((s) => s.condition)).toEqual([
        [{ test: 'StringEquals', variable: 'elasticfilesystem:AccessPointArn', values: [accessPointArn] }],
      ]);
    },
  );

  it.each(CASES)('gives %s in %s its own alarms, on its own ECS service and target group', (name, region) => {
    const json = synthPlain();
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm').filter((alarm) =>
      alarm.path.startsWith(`fargate-test/Services/${name}/${region}/Alarms/`),
    );
    expect(alarms.map((alarm) => alarm.path.split('/').pop()).sort()).toEqual([
      'Alb5xx',
      'CpuHigh',
      'MemoryHigh',
      'RunningTasksLow',
      'TargetResponseTimeP99',
      'UnhealthyHosts',
    ]);
    for (const alarm of alarms)
      expect(String(alarm.alarm_name)).toMatch(new RegExp(`^${EXPECTED[name].prefix}-[a-z0-9-]+$`));
    const targetGroupSuffix = refTo(
      json,
      'aws_lb_target_group',
      inService(json, name, region, 'aws_lb_target_group', 'Routing/TargetGroup'),
      'arn_suffix',
    );
    const clusterName = refTo(
      json,
      'aws_ecs_cluster',
      inRegion(json, region, 'aws_ecs_cluster', 'Cluster'),
      'name',
    );
    const alarm = (id: string) => alarms.find((a) => a.path.endsWith(`/${id}`)) as Located;
    for (const id of ['CpuHigh', 'MemoryHigh']) {
      expect(alarm(id).dimensions).toEqual({
        ClusterName: clusterName,
        ServiceName: EXPECTED[name].ecsService,
      });
    }
    // what its clients see of it: its own target group, not the load balancer as a whole
    for (const id of ['UnhealthyHosts', 'TargetResponseTimeP99']) {
      expect(alarm(id).dimensions).toMatchObject({ TargetGroup: targetGroupSuffix });
    }
    const metrics = (
      alarm('Alb5xx').metric_query as Array<{ metric?: { dimensions: Record<string, string> } }>
    ).filter((query) => query.metric);
    expect(metrics.length).toBeGreaterThan(0);
    for (const query of metrics)
      expect(query.metric?.dimensions).toMatchObject({ TargetGroup: targetGroupSuffix });
    // and its deployments roll back on its own alarms only
    const deployment = inService(json, name, region, 'aws_ecs_service', 'Service/Service').alarms as {
      alarm_names: string[];
    };
    for (const alarmName of deployment.alarm_names) {
      expect(alarmName).toMatch(
        new RegExp(`^\\$\\{aws_cloudwatch_metric_alarm\\.Services_${name}_${region}_Alarms_`),
      );
    }
  });

  it.each(CASES)(
    'gives %s in %s its own dashboard, on its own ECS service and target group',
    (name, region) => {
      const json = synthPlain();
      const dashboard = inService(json, name, region, 'aws_cloudwatch_dashboard', 'Dashboard/Dashboard');
      expect(dashboard.dashboard_name).toBe(`${EXPECTED[name].prefix}-${region}`);
      expect(dashboard.provider).toBe(`aws.${region.replace(/-/g, '_')}`);
      const body = String(dashboard.dashboard_body);
      const ownGroup = inService(json, name, region, 'aws_lb_target_group', 'Routing/TargetGroup');
      expect(body).toContain(refTo(json, 'aws_lb_target_group', ownGroup, 'arn_suffix').slice(2, -1));
      expect(body).toContain(
        refTo(
          json,
          'aws_ecs_service',
          inService(json, name, region, 'aws_ecs_service', 'Service/Service'),
          'name',
        ).slice(2, -1),
      );
      for (const other of NAMES.filter((n) => n !== name)) {
        const otherGroup = inService(json, other, region, 'aws_lb_target_group', 'Routing/TargetGroup');
        expect(body).not.toContain(refTo(json, 'aws_lb_target_group', otherGroup, 'arn_suffix').slice(2, -1));
      }
      // one dashboard per service and region, each named differently
      const names = resources(json, 'aws_cloudwatch_dashboard').map((d) => d.dashboard_name);
      expect(new Set(names).size).toBe(names.length);
    },
  );

  it.each(CASES)(
    'names the ECS service, task family and log group of %s in %s its own, on the region’s cluster',
    (name, region) => {
      const json = synthPlain();
      const service = inService(json, name, region, 'aws_ecs_service', 'Service/Service');
      expect(service.name).toBe(EXPECTED[name].ecsService);
      expect(service.cluster).toBe(
        refTo(json, 'aws_ecs_cluster', inRegion(json, region, 'aws_ecs_cluster', 'Cluster'), 'arn'),
      );
      expect(
        inService(json, name, region, 'aws_ecs_task_definition', 'Service/Task/TaskDefinition').family,
      ).toBe(`${EXPECTED[name].prefix}-task`);
      expect(inService(json, name, region, 'aws_cloudwatch_log_group', 'Service/Task/LogGroup').name).toBe(
        `/ecs/${EXPECTED[name].prefix}`,
      );
      // each runs its own image, from its own repository
      const container = JSON.parse(
        String(
          inService(json, name, region, 'aws_ecs_task_definition', 'Service/Task/TaskDefinition')
            .container_definitions,
        ),
      )[0];
      // (the environment's one registry, whichever repository it is read from)
      const repository = ref(json, 'aws_ecr_repository', `ContainerRepository/${name}/Repository`, 'name');
      const escape = (text: string) => text.replace(/[$.{}]/g, '\\$&');
      expect(container.image).toMatch(
        new RegExp(
          `^\\$\\{aws_ecr_repository\\.[^.]+\\.registry_id\\}\\.dkr\\.ecr\\.${region}\\.amazonaws\\.com/${escape(repository)}:${escape(SERVICES[name].image.tag)}$`,
        ),
      );
    },
  );

  it('runs every service of a region in that region’s one cluster, behind its one load balancer', () => {
    const json = synthPlain();
    expect(resources(json, 'aws_ecs_cluster')).toHaveLength(REGIONS.length);
    expect(resources(json, 'aws_lb')).toHaveLength(REGIONS.length);
    expect(resources(json, 'aws_ecs_service')).toHaveLength(REGIONS.length * NAMES.length);
    const serviceNames = resources(json, 'aws_ecs_service').map((s) => `${s.provider} ${s.name}`);
    expect(new Set(serviceNames).size).toBe(serviceNames.length);
  });

  it('shows every service of every region on the global dashboard', () => {
    const json = synthPlain();
    const [global] = resources(json, 'aws_cloudwatch_dashboard').filter(
      (d) => d.path === 'fargate-test/GlobalDashboard/Dashboard',
    );
    const body = String(global.dashboard_body);
    for (const region of REGIONS) {
      for (const name of NAMES)
        expect(body).toContain(`${region} ${EXPECTED[name].ecsService}: CPU utilization (%)`);
    }
  });
});

describe('PlatformService legacyNames (through PlatformStack)', () => {
  /**
   * The addresses the single-service platform (before services, commit 0ddfddb) gave its
   * application's resources: what an environment deployed then holds in its state.
   */
  const SINGLE_SERVICE: Record<string, Record<string, string>> = {
    'us-east-1': {
      aws_ecs_service: 'aws_ecs_service.us-east-1_Service_812476D7',
      aws_ecs_task_definition: 'aws_ecs_task_definition.us-east-1_Service_TaskDefinition_FCCF5515',
      aws_cloudwatch_log_group: 'aws_cloudwatch_log_group.us-east-1_Service_LogGroup_A373893C',
      aws_lb_target_group: 'aws_lb_target_group.us-east-1_LoadBalancer_TargetGroup_932FC5EE',
      aws_security_group: 'aws_security_group.us-east-1_TaskSecurityGroup_3B8B5B81',
      aws_efs_access_point: 'aws_efs_access_point.us-east-1_FileSystem_AccessPoint_0320748A',
    },
    'eu-west-1': {
      aws_ecs_service: 'aws_ecs_service.eu-west-1_Service_7BFBD6B6',
      aws_ecs_task_definition: 'aws_ecs_task_definition.eu-west-1_Service_TaskDefinition_D7D7B5FF',
      aws_cloudwatch_log_group: 'aws_cloudwatch_log_group.eu-west-1_Service_LogGroup_5ACB9B10',
      aws_lb_target_group: 'aws_lb_target_group.eu-west-1_LoadBalancer_TargetGroup_EE2D07D3',
      aws_security_group: 'aws_security_group.eu-west-1_TaskSecurityGroup_42A0BBAE',
      aws_efs_access_point: 'aws_efs_access_point.eu-west-1_FileSystem_AccessPoint_163776A2',
    },
  };
  const SINGLE_SERVICE_REPOSITORY = 'aws_ecr_repository.ContainerRepository_9598CF0D';
  /** Where each of them lives in a service now, below `Services/<service>/<region>/`. */
  const NOW: Record<string, string> = {
    aws_ecs_service: 'Service/Service',
    aws_ecs_task_definition: 'Service/Task/TaskDefinition',
    aws_cloudwatch_log_group: 'Service/Task/LogGroup',
    aws_lb_target_group: 'Routing/TargetGroup',
    aws_security_group: 'TaskSecurityGroup',
    aws_efs_access_point: 'Files/AccessPoint',
  };
  const movedOf = (json: SynthesizedJson) =>
    (json as { moved?: Array<{ from: string; to: string }> }).moved ?? [];
  /** Where the moves take `from`: Terraform follows a chain (A to B, B to C) to its end. */
  const endOf = (json: SynthesizedJson, from: string) => {
    const next = new Map(movedOf(json).map((move) => [move.from, move.to]));
    let address = from;
    while (next.has(address)) address = next.get(address) as string;
    return address;
  };
  /** Moves from an address of the single-service platform (not from `Services/…`, the FargateService split's). */
  const singleServiceMoves = (json: SynthesizedJson) =>
    movedOf(json).filter((move) => !/^[a-z0-9_]+\.Services_/.test(move.from));

  it.each(REGIONS)(
    'moves the single-service ECS service, task definition, log group, target group, security group and access point of %s to the legacyNames service',
    (region) => {
      // GIVEN app with legacyNames among three services WHEN synthesized
      const json = synthPlain();
      // THEN each resource the single-service platform had comes from its old address (the task
      // definition and log group through the address they had before the FargateService split)
      for (const [type, from] of Object.entries(SINGLE_SERVICE[region])) {
        const to = addressOf(json, type, inService(json, 'app', region, type, NOW[type]));
        expect(endOf(json, from)).toBe(to);
      }
    },
  );

  it('moves the single-service repository to the legacyNames service’s repository', () => {
    const json = synthPlain();
    const to = addressOf(
      json,
      'aws_ecr_repository',
      inScope(json, 'ContainerRepository/app', 'aws_ecr_repository', 'Repository'),
    );
    expect(movedOf(json)).toContainEqual({ from: SINGLE_SERVICE_REPOSITORY, to });
  });

  it('moves nothing from the single-service platform to a service without legacyNames', () => {
    const json = synthPlain();
    const targets = singleServiceMoves(json).map((move) => endOf(json, move.from));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((to) => /_(api|admin)_/.test(to))).toEqual([]);
    // every such move lands on app, and none from an address that still holds a resource
    expect(targets.filter((to) => !/\.(Services_app_|ContainerRepository_app_)/.test(to))).toEqual([]);
    const addresses = new Set(
      Object.entries(json.resource ?? {}).flatMap(([type, blocks]) =>
        Object.keys(blocks).map((name) => `${type}.${name}`),
      ),
    );
    expect(movedOf(json).filter((move) => addresses.has(move.from))).toEqual([]);
    expect(movedOf(json).every((move) => addresses.has(endOf(json, move.from)))).toBe(true);
  });

  it('writes no moved block from the single-service platform when no service has legacyNames', () => {
    const json = synthPlatformOnce({ services: { api: SERVICES.api, admin: SERVICES.admin } });
    expect(movedOf(json).length).toBeGreaterThan(0); // the FargateService split's, for every service
    expect(singleServiceMoves(json)).toEqual([]);
  });

  it.each(REGIONS)(
    'keeps the single-service names in %s, so the moved resources are updated in place, not replaced',
    (region) => {
      const json = synthPlain();
      expect(inService(json, 'app', region, 'aws_ecs_service', 'Service/Service').name).toBe(
        'fargate-test-service',
      );
      expect(inService(json, 'app', region, 'aws_cloudwatch_log_group', 'Service/Task/LogGroup').name).toBe(
        '/ecs/fargate-test',
      );
      expect(inService(json, 'app', region, 'aws_lb_target_group', 'Routing/TargetGroup').name).toBe(
        'fargate-test-tg-8080',
      );
      expect(inService(json, 'app', region, 'aws_security_group', 'TaskSecurityGroup').name).toBe(
        'fargate-test-tasks',
      );
      expect(
        (
          inService(json, 'app', region, 'aws_efs_access_point', 'Files/AccessPoint').root_directory as {
            path: string;
          }
        ).path,
      ).toBe('/ecs');
      expect(
        inService(json, 'app', region, 'aws_ecs_task_definition', 'Service/Task/TaskDefinition').family,
      ).toBe('fargate-test-task');
    },
  );

  it('keeps the single-service repository’s name, fargate/test/app, for the legacy service app', () => {
    // GIVEN the single-service platform's repository fargate/test/app, moved to app's: ECR cannot
    // rename a repository, so another name would replace it and lose its images (and the settings
    // refuse legacyNames on any other service)
    const json = synthPlain();
    expect(inScope(json, 'ContainerRepository/app', 'aws_ecr_repository', 'Repository').name).toBe(
      'fargate/test/app',
    );
  });
});
