import { TerraformResource, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route } from '@cdktf/provider-aws/lib/route';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { FargateService, FargateServiceProps } from '../constructs/fargate-service';
import {
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
  dataAt,
} from '../test-support/synth';

type Overrides = Partial<Omit<FargateServiceProps, 'provider' | 'cluster' | 'securityGroup' | 'listeners'>>;

/* eslint-disable @typescript-eslint/no-explicit-any -- container definitions and policy documents are free-form JSON */

const EXEC = {
  logGroupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/fargate-test/exec',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

/** Props wired to stand-in cluster, security group and listener resources in `scope`. */
function baseProps(scope: Construct, provider: AwsProvider): FargateServiceProps {
  const cluster = new EcsCluster(scope, 'Cluster', { provider, name: 'fargate-test-cluster' });
  const securityGroup = new SecurityGroup(scope, 'Tasks', { provider, name: 'tasks', vpcId: 'vpc-1' });
  const listener = new LbListener(scope, 'Listener', {
    provider,
    loadBalancerArn: 'arn:alb',
    port: 80,
    defaultAction: [
      { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '200' } },
    ],
  });
  return {
    provider,
    region: 'eu-west-1',
    namePrefix: 'fargate-test',
    cluster,
    securityGroup,
    subnetIds: ['subnet-a', 'subnet-b'],
    loadBalancerSecurityGroupId: 'sg-alb',
    targetGroupArn: 'arn:tg',
    listeners: [listener],
    image: 'registry.example.com/app:1.0.0',
    fileSystem: {
      fileSystemId: 'fs-1',
      accessPointId: 'fsap-1',
      securityGroupId: 'sg-efs',
      mountTargets: [],
      clientPolicyStatements: [
        { effect: 'Allow', actions: ['elasticfilesystem:ClientMount'], resources: ['arn:fs'] },
      ],
    },
    dataBucket: {
      bucketName: 'fargate-test-data-eu-west-1',
      readWriteStatements: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }],
    },
  };
}

/** A service wired to stand-in cluster, security group and listener resources in eu-west-1. */
function synthService(overrides: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new FargateService(scope, 'Service', {
      ...baseProps(scope, provider),
      ...overrides,
    });
  });
}

function container(json: SynthesizedJson): Record<string, any> {
  const task = resourceAt(json, 'aws_ecs_task_definition', 'TaskDefinition');
  return (JSON.parse(String(task.container_definitions)) as Array<Record<string, any>>)[0];
}

const policyDocument = (json: SynthesizedJson, suffix: string): Record<string, any> =>
  dataAt(json, 'aws_iam_policy_document', suffix);

describe('FargateService parts', () => {
  it('builds each concern in its own part and exposes the parts’ resources as its fields', () => {
    // GIVEN a service with secrets, a request-count policy and a schedule
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const service = new FargateService(stack, 'Service', {
      ...baseProps(stack, provider),
      secrets: [
        {
          name: 'TOKEN',
          valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/token',
          resourceArn: 'arn:aws:ssm:eu-west-1:1:parameter/token',
          source: 'ssm',
        },
      ],
      requestCountPerTarget: 100,
      requestCountResourceLabel: 'app/lb/1/targetgroup/tg/2',
      scheduledScaling: [
        { name: 'day', schedule: 'rate(1 day)', timezone: 'UTC', minCapacity: 2, maxCapacity: 4 },
      ],
    });
    // THEN every resource sits in the part of its concern; only the ECS service is the service's own
    const where = stack.node
      .findAll()
      .filter(
        (c): c is TerraformResource =>
          c instanceof TerraformResource && c.node.path.startsWith('test/Service/'),
      )
      .map((c) => `${c.node.path.split('/')[2]} ${c.terraformResourceType}`);
    expect([...new Set(where)].sort()).toEqual([
      'Roles aws_iam_role',
      'Roles aws_iam_role_policy',
      'Roles aws_iam_role_policy_attachment',
      'Scaling aws_appautoscaling_policy',
      'Scaling aws_appautoscaling_scheduled_action',
      'Scaling aws_appautoscaling_target',
      'SecurityGroupRules aws_vpc_security_group_egress_rule',
      'SecurityGroupRules aws_vpc_security_group_ingress_rule',
      'Service aws_ecs_service',
      'Task aws_cloudwatch_log_group',
      'Task aws_ecs_task_definition',
    ]);
    // and the fields other constructs use are the parts' own resources
    expect(service.executionRole).toBe(service.roles.executionRole);
    expect(service.taskRole).toBe(service.roles.taskRole);
    expect(service.secretsPolicy).toBe(service.roles.secretsPolicy);
    expect(service.secretsPolicy).toBeDefined();
    expect(service.logGroup).toBe(service.task.logGroup);
    expect(service.containers).toBe(service.task.containers);
    expect(service.taskDefinition).toBe(service.task.taskDefinition);
    expect(service.scalableTarget).toBe(service.scaling?.scalableTarget);
    expect(service.cpuScalingPolicy).toBe(service.scaling?.cpuScalingPolicy);
    expect(service.memoryScalingPolicy).toBe(service.scaling?.memoryScalingPolicy);
    expect(service.requestCountScalingPolicy).toBe(service.scaling?.requestCountScalingPolicy);
    expect(service.requestCountScalingPolicy).toBeDefined();
    expect(service.scheduledActions).toEqual(service.scaling?.scheduledActions);
    expect(service.scheduledActions).toHaveLength(1);
  });

  it('standalone: no ECS service and no scaling part', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const service = new FargateService(stack, 'Service', {
      ...baseProps(stack, provider),
      targetGroupArn: undefined,
      loadBalancerSecurityGroupId: undefined,
      standalone: true,
    });
    expect(service.service).toBeUndefined();
    expect(service.scaling).toBeUndefined();
    expect(service.node.tryFindChild('Scaling')).toBeUndefined();
    expect(service.scheduledActions).toEqual([]);
  });
});

describe('FargateService', () => {
  it("defines the seed's task: family <prefix>-task, 1024 CPU / 2048 MiB, awsvpc, Fargate, two roles", () => {
    // GIVEN / WHEN the defaults
    const json = synthService();
    // THEN
    expect(resourceAt(json, 'aws_ecs_task_definition', 'TaskDefinition')).toMatchObject({
      family: 'fargate-test-task',
      cpu: '1024',
      memory: '2048',
      network_mode: 'awsvpc',
      requires_compatibilities: ['FARGATE'],
      execution_role_arn: ref(json, 'aws_iam_role', 'ExecutionRole', 'arn'),
      task_role_arn: ref(json, 'aws_iam_role', 'TaskRole', 'arn'),
    });
    expect(ref(json, 'aws_iam_role', 'ExecutionRole')).not.toBe(ref(json, 'aws_iam_role', 'TaskRole'));
  });

  it('mounts EFS through the access point with TLS and IAM authorization', () => {
    const json = synthService();
    const task = resourceAt(json, 'aws_ecs_task_definition', 'TaskDefinition');
    expect(task.volume).toEqual(
      expect.arrayContaining([
        {
          name: 'efs-storage',
          efs_volume_configuration: {
            file_system_id: 'fs-1',
            transit_encryption: 'ENABLED',
            authorization_config: { access_point_id: 'fsap-1', iam: 'ENABLED' },
          },
        },
      ]),
    );
    expect(container(json).mountPoints).toContainEqual({
      sourceVolume: 'efs-storage',
      containerPath: '/mnt/efs',
      readOnly: false,
    });
  });

  it('runs container app, essential, unprivileged, read-only root with writable /tmp', () => {
    const json = synthService();
    const app = container(json);
    expect(app).toMatchObject({
      name: 'app',
      image: 'registry.example.com/app:1.0.0',
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 80, protocol: 'tcp' }],
    });
    expect(app.mountPoints).toContainEqual({
      sourceVolume: 'scratch-1',
      containerPath: '/tmp',
      readOnly: false,
    });
    expect(resourceAt(json, 'aws_ecs_task_definition', 'TaskDefinition').volume).toContainEqual({
      name: 'scratch-1',
    });
    expect(app.healthCheck).toBeUndefined();
  });

  it('passes S3_BUCKET and AWS_REGION and logs to its log group with prefix ecs', () => {
    const json = synthService({ logRetentionDays: 30 });
    const app = container(json);
    expect(app.environment).toEqual([
      { name: 'S3_BUCKET', value: 'fargate-test-data-eu-west-1' },
      { name: 'AWS_REGION', value: 'eu-west-1' },
    ]);
    expect(app.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': ref(json, 'aws_cloudwatch_log_group', 'LogGroup', 'name'),
        'awslogs-region': 'eu-west-1',
        'awslogs-stream-prefix': 'ecs',
      },
    });
    expect(resourceAt(json, 'aws_cloudwatch_log_group', 'LogGroup')).toMatchObject({
      name: '/ecs/fargate-test',
      retention_in_days: 30,
    });
  });

  it('adds the container health check and port from props', () => {
    const json = synthService({
      containerPort: 8080,
      healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost:8080/'],
    });
    expect(container(json).healthCheck).toMatchObject({
      command: ['CMD-SHELL', 'curl -f http://localhost:8080/'],
    });
    expect(container(json).portMappings).toEqual([{ containerPort: 8080, protocol: 'tcp' }]);
    expect(resourceAt(json, 'aws_ecs_service', 'Service').load_balancer).toEqual([
      { target_group_arn: 'arn:tg', container_name: 'app', container_port: 8080 },
    ]);
  });

  it('runs the service in private subnets without public IPs behind the target group', () => {
    const json = synthService();
    expect(resourceAt(json, 'aws_ecs_service', 'Service')).toMatchObject({
      name: 'fargate-test-service',
      cluster: ref(json, 'aws_ecs_cluster', 'Cluster', 'arn'),
      task_definition: ref(json, 'aws_ecs_task_definition', 'TaskDefinition', 'arn'),
      desired_count: 2,
      launch_type: 'FARGATE',
      network_configuration: {
        subnets: ['subnet-a', 'subnet-b'],
        security_groups: [ref(json, 'aws_security_group', 'Tasks')],
        assign_public_ip: false,
      },
      load_balancer: [{ target_group_arn: 'arn:tg', container_name: 'app', container_port: 80 }],
      depends_on: [
        expect.stringMatching(/^aws_lb_listener\./),
        expect.stringMatching(/^aws_iam_role_policy_attachment\..*ExecutionRolePolicy/),
        expect.stringMatching(/^aws_iam_role_policy\..*TaskPolicy/),
        expect.stringMatching(/^aws_vpc_security_group_egress_rule\..*EgressHttps/),
        expect.stringMatching(/^aws_vpc_security_group_egress_rule\..*EgressNfs/),
      ],
    });
  });

  it('waits for the egress routing it is given, so its first tasks can pull the image', () => {
    // GIVEN a route the private subnets need WHEN the service is wired to it
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1' });
      const route = new Route(scope, 'PrivateRoute', {
        provider,
        routeTableId: 'rtb-1',
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: 'nat-1',
      });
      new FargateService(scope, 'Service', {
        ...baseProps(scope, provider),
        egressRouting: [route],
      });
    });
    // THEN the service depends on it
    expect(resourceAt(json, 'aws_ecs_service', 'Service').depends_on).toContainEqual(
      expect.stringMatching(/^aws_route\..*PrivateRoute/),
    );
  });

  it('deploys safely: circuit breaker with rollback, 100/200 percent, grace period, tags propagated', () => {
    const json = synthService({ healthCheckGracePeriodSeconds: 90 });
    expect(resourceAt(json, 'aws_ecs_service', 'Service')).toMatchObject({
      deployment_circuit_breaker: { enable: true, rollback: true },
      availability_zone_rebalancing: 'ENABLED',
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      health_check_grace_period_seconds: 90,
      propagate_tags: 'SERVICE',
      enable_execute_command: false,
      lifecycle: { ignore_changes: ['desired_count'] },
    });
  });

  it('rolls a deployment back when one of its deployment alarms fires, beside the circuit breaker', () => {
    // GIVEN the names of the alarms that mean a bad release
    const json = synthService({
      deploymentAlarmNames: ['fargate-test-alb-5xx', 'fargate-test-p99-response-time'],
    });
    // THEN ECS watches them with rollback on, and the circuit breaker stays
    const service = resourceAt(json, 'aws_ecs_service', 'Service/Service');
    expect(service.alarms).toEqual({
      alarm_names: ['fargate-test-alb-5xx', 'fargate-test-p99-response-time'],
      enable: true,
      rollback: true,
    });
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it('has no deployment alarms unless given some', () => {
    expect(resourceAt(synthService(), 'aws_ecs_service', 'Service/Service').alarms).toBeUndefined();
    expect(
      resourceAt(synthService({ deploymentAlarmNames: [] }), 'aws_ecs_service', 'Service/Service').alarms,
    ).toBeUndefined();
  });

  it('pulls an image pinned by digest as given', () => {
    const image = `registry.example.com/app@sha256:${'ab'.repeat(32)}`;
    expect(container(synthService({ image })).image).toBe(image);
  });

  it('admits only the load balancer on the container port and allows HTTPS and NFS out', () => {
    const json = synthService();
    const tasks = ref(json, 'aws_security_group', 'Tasks');
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        security_group_id: tasks,
        referenced_security_group_id: 'sg-alb',
        ip_protocol: 'tcp',
        from_port: 80,
        to_port: 80,
      }),
    ]);
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').map((rule) => [
      rule.from_port,
      rule.cidr_ipv4 ?? rule.referenced_security_group_id,
    ]);
    expect(egress.sort()).toEqual([
      [2049, 'sg-efs'],
      [443, '0.0.0.0/0'],
    ]);
  });

  it('scales between 2 and 10 tasks on CPU 70% and memory 75% with 60 s cooldowns, with the service-linked role', () => {
    const json = synthService();
    const target = resourceAt(json, 'aws_appautoscaling_target', 'ScalableTarget');
    expect(target).toMatchObject({
      min_capacity: 2,
      max_capacity: 10,
      scalable_dimension: 'ecs:service:DesiredCount',
      service_namespace: 'ecs',
      resource_id: `service/${ref(json, 'aws_ecs_cluster', 'Cluster', 'name')}/${ref(json, 'aws_ecs_service', 'Service', 'name')}`,
    });
    expect(target.role_arn).toBeUndefined();
    const policies = resources(json, 'aws_appautoscaling_policy').map(
      (p) => p.target_tracking_scaling_policy_configuration,
    );
    expect(policies).toEqual(
      expect.arrayContaining([
        {
          predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
          target_value: 70,
          scale_in_cooldown: 60,
          scale_out_cooldown: 60,
        },
        {
          predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' },
          target_value: 75,
          scale_in_cooldown: 60,
          scale_out_cooldown: 60,
        },
      ]),
    );
  });

  it('gives the execution role only the managed task execution policy', () => {
    const json = synthService();
    expect(resources(json, 'aws_iam_role_policy_attachment')).toEqual([
      expect.objectContaining({
        role: ref(json, 'aws_iam_role', 'ExecutionRole', 'name'),
        policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      }),
    ]);
    expect(resources(json, 'aws_iam_role_policy').map((p) => p.role)).toEqual([
      ref(json, 'aws_iam_role', 'TaskRole'),
    ]);
  });

  it("gives the task role exactly the bucket's and the file system's statements, no wildcard resource", () => {
    const json = synthService();
    const statements = policyDocument(json, 'TaskPermissions').statement as Array<Record<string, unknown>>;
    expect(statements).toEqual([
      { effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] },
      { effect: 'Allow', actions: ['elasticfilesystem:ClientMount'], resources: ['arn:fs'] },
    ]);
  });

  it('adds the ECS Exec channels, session logging and its key only when execute command is enabled', () => {
    const json = synthService({ enableExecuteCommand: true, execSessions: EXEC });
    expect(resourceAt(json, 'aws_ecs_service', 'Service').enable_execute_command).toBe(true);
    const statements = policyDocument(json, 'TaskPermissions').statement as Array<Record<string, unknown>>;
    expect(statements).toContainEqual(
      expect.objectContaining({
        sid: 'EcsExecChannels',
        actions: expect.arrayContaining(['ssmmessages:OpenDataChannel']),
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        sid: 'EcsExecSessionLogs',
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [`${EXEC.logGroupArn}:*`],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        sid: 'EcsExecSessionKey',
        actions: ['kms:Decrypt'],
        resources: [EXEC.kmsKeyArn],
      }),
    );
    const without = policyDocument(synthService(), 'TaskPermissions').statement as Array<{ sid?: string }>;
    expect(without.filter((s) => s.sid?.startsWith('EcsExec'))).toEqual([]);
  });

  it('refuses ECS Exec without a place to log its sessions', () => {
    expect(() => synthService({ enableExecuteCommand: true })).toThrow(
      'FargateService: execSessions undefined is not allowed; give the session log group and key when enableExecuteCommand is true',
    );
  });

  it('makes the SSM agent paths writable when ECS Exec runs with a read-only root', () => {
    const json = synthService({ enableExecuteCommand: true, execSessions: EXEC });
    const paths = (container(json).mountPoints as Array<{ containerPath: string }>).map(
      (m) => m.containerPath,
    );
    expect(paths).toEqual(['/mnt/efs', '/tmp', '/var/lib/amazon', '/var/log/amazon']);
    expect((container(synthService()).mountPoints as unknown[]).length).toBe(2);
  });

  it('scopes the execution role trust to the account only', () => {
    const scoped = policyDocument(synthService({ accountId: '123456789012' }), 'ExecutionTrust').statement[0];
    expect(scoped.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
    ]);
  });

  it('trusts ecs-tasks.amazonaws.com, scoped to the account when known', () => {
    const unscoped = policyDocument(synthService(), 'TaskTrust').statement[0];
    expect(unscoped).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
    });
    expect(unscoped.condition).toBeUndefined();
    const scoped = policyDocument(synthService({ accountId: '123456789012' }), 'TaskTrust').statement[0];
    expect(scoped.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws:ecs:eu-west-1:123456789012:*'] },
    ]);
  });

  it('puts every block on the given provider', () => {
    const json = synthService();
    expect(allBlocks(json).filter((block) => block.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it.each([
    [
      { cpu: 1024, memoryMiB: 1024 },
      'FargateService: cpu/memoryMiB "1024/1024" is not allowed; with 1024 CPU units Fargate accepts memoryMiB 2048 to 8192 in steps of 1024',
    ],
    [
      { cpu: 300, memoryMiB: 1024 },
      'FargateService: cpu/memoryMiB "300/1024" is not allowed; Fargate CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384',
    ],
    [
      { cpu: 8192, memoryMiB: 18432 },
      'with 8192 CPU units Fargate accepts memoryMiB 16384 to 61440 in steps of 4096',
    ],
    [
      { containerPort: 70000 },
      'FargateService: containerPort 70000 is not allowed; use a port from 1 to 65535',
    ],
    [
      { desiredCount: 11 },
      'FargateService: desiredCount 11 is not allowed; it must lie within minCapacity 2 and maxCapacity 10',
    ],
    [
      { minCapacity: 3, desiredCount: 2 },
      'desiredCount 2 is not allowed; it must lie within minCapacity 3 and maxCapacity 10',
    ],
    [
      { cpuTargetPercent: 150 },
      'FargateService: cpuTargetPercent/memoryTargetPercent 150 is not allowed; use 1 to 100',
    ],
    [
      { writablePaths: ['/mnt/efs/cache'] },
      'FargateService: writablePaths "/mnt/efs/cache" is not allowed; use absolute paths other than / and outside /mnt/efs',
    ],
    [{ writablePaths: ['tmp'] }, 'FargateService: writablePaths "tmp" is not allowed'],
    [{ subnetIds: [] }, 'FargateService: subnetIds [] is not allowed; list at least one private subnet'],
  ] as Array<[Overrides, string]>)('rejects %j', (overrides, message) => {
    expect(() => synthService(overrides)).toThrow(message);
  });

  it.each([
    [256, 512],
    [512, 4096],
    [4096, 30720],
    [16384, 122880],
  ])('accepts the Fargate size %i CPU / %i MiB', (cpu, memoryMiB) => {
    expect(() => synthService({ cpu, memoryMiB })).not.toThrow();
  });
});

describe('FargateService application contract', () => {
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf';
  const parameterArn = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/api-token';
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const secrets = [
    {
      name: 'DB_PASSWORD',
      valueFrom: `${secretArn}:password::`,
      resourceArn: secretArn,
      source: 'secretsmanager' as const,
      kmsKeyArn: keyArn,
    },
    { name: 'API_TOKEN', valueFrom: parameterArn, resourceArn: parameterArn, source: 'ssm' as const },
  ];

  it('passes the variables after S3_BUCKET and AWS_REGION, and the secrets by valueFrom', () => {
    // GIVEN a variable and two secrets WHEN synthesized
    const app = container(synthService({ environment: [{ name: 'LOG_LEVEL', value: 'info' }], secrets }));
    // THEN
    expect(app.environment.map((v: { name: string }) => v.name)).toEqual([
      'S3_BUCKET',
      'AWS_REGION',
      'LOG_LEVEL',
    ]);
    expect(app.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: `${secretArn}:password::` },
      { name: 'API_TOKEN', valueFrom: parameterArn },
    ]);
    expect(container(synthService()).secrets).toBeUndefined();
  });

  it('lets the execution role read exactly the secrets and decrypt with exactly their keys', () => {
    // GIVEN two secrets, one under a customer-managed key WHEN synthesized
    const json = synthService({ secrets });
    // THEN one policy on the execution role, no wildcard
    expect(policyDocument(json, 'ExecutionSecrets').statement).toEqual([
      {
        sid: 'ReadSecrets',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn],
      },
      { sid: 'ReadParameters', effect: 'Allow', actions: ['ssm:GetParameters'], resources: [parameterArn] },
      { sid: 'DecryptSecrets', effect: 'Allow', actions: ['kms:Decrypt'], resources: [keyArn] },
    ]);
    expect(resourceAt(json, 'aws_iam_role_policy', 'ExecutionSecretsPolicy').role).toBe(
      ref(json, 'aws_iam_role', 'ExecutionRole'),
    );
    // and the service waits for it, so the first tasks can read them
    expect(resourceAt(json, 'aws_ecs_service', 'Service').depends_on).toContain(
      ref(json, 'aws_iam_role_policy', 'ExecutionSecretsPolicy', '').replace(/^\$\{(.*)\.\}$/, '$1'),
    );
  });

  it('runs as the access point user 1000:1000 by default, or the given user', () => {
    expect(container(synthService()).user).toBe('1000:1000');
    expect(container(synthService({ user: 'app:app' })).user).toBe('app:app');
    expect(
      container(synthService({ user: '0', rootUserReason: 'binds a raw socket for the legacy probe' })).user,
    ).toBe('0');
  });

  it('overrides command and entry point only when given', () => {
    const app = container(synthService({ command: ['serve', '--port', '8080'], entryPoint: ['/bin/app'] }));
    expect(app).toMatchObject({ command: ['serve', '--port', '8080'], entryPoint: ['/bin/app'] });
    expect(Object.keys(container(synthService()))).not.toEqual(expect.arrayContaining(['command']));
    expect(Object.keys(container(synthService()))).not.toEqual(expect.arrayContaining(['entryPoint']));
  });

  it('takes the container health check timing from props', () => {
    const app = container(
      synthService({
        healthCheckCommand: ['CMD', '/bin/health'],
        healthCheckIntervalSeconds: 15,
        healthCheckTimeoutSeconds: 3,
        healthCheckRetries: 5,
        healthCheckStartPeriodSeconds: 120,
      }),
    );
    expect(app.healthCheck).toEqual({
      command: ['CMD', '/bin/health'],
      interval: 15,
      timeout: 3,
      retries: 5,
      startPeriod: 120,
    });
  });

  it('sets the CPU architecture and ephemeral storage', () => {
    const task = resourceAt(
      synthService({ cpuArchitecture: 'ARM64', ephemeralStorageGiB: 50 }),
      'aws_ecs_task_definition',
      'TaskDefinition',
    );
    expect(task.runtime_platform).toEqual({ operating_system_family: 'LINUX', cpu_architecture: 'ARM64' });
    expect(task.ephemeral_storage).toEqual({ size_in_gib: 50 });
    expect(
      resourceAt(synthService(), 'aws_ecs_task_definition', 'TaskDefinition').ephemeral_storage,
    ).toBeUndefined();
  });

  it('uses a capacity provider strategy instead of the launch type when given one', () => {
    const strategy = [
      { capacityProvider: 'FARGATE' as const, base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT' as const, base: 0, weight: 3 },
    ];
    const service = resourceAt(synthService({ capacityProviders: strategy }), 'aws_ecs_service', 'Service');
    expect(service.launch_type).toBeUndefined();
    // a later change of the strategy rolls the tasks instead of replacing the service
    expect(service.force_new_deployment).toBe(true);
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', base: 1, weight: 1 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
    ]);
    expect(resourceAt(synthService(), 'aws_ecs_service', 'Service').launch_type).toBe('FARGATE');
  });

  it('adds request-count scaling and schedules beside CPU and memory', () => {
    // GIVEN a request target and a business-hours schedule WHEN synthesized
    const json = synthService({
      requestCountPerTarget: 1000,
      requestCountResourceLabel: 'app/alb/1/targetgroup/tg/2',
      scheduledScaling: [
        {
          name: 'business-hours',
          schedule: 'cron(0 8 ? * MON-FRI *)',
          timezone: 'Europe/Dublin',
          minCapacity: 4,
          maxCapacity: 10,
        },
      ],
    });
    // THEN three target-tracking policies, the third on ALBRequestCountPerTarget for the target group
    const request = resourceAt(json, 'aws_appautoscaling_policy', 'RequestCountScaling');
    expect(request.target_tracking_scaling_policy_configuration).toMatchObject({
      predefined_metric_specification: {
        predefined_metric_type: 'ALBRequestCountPerTarget',
        resource_label: 'app/alb/1/targetgroup/tg/2',
      },
      target_value: 1000,
    });
    expect(resources(json, 'aws_appautoscaling_policy')).toHaveLength(3);
    expect(resourceAt(json, 'aws_appautoscaling_scheduled_action', 'business-hours')).toMatchObject({
      name: 'fargate-test-business-hours',
      schedule: 'cron(0 8 ? * MON-FRI *)',
      timezone: 'Europe/Dublin',
      scalable_target_action: { min_capacity: '4', max_capacity: '10' },
      resource_id: ref(json, 'aws_appautoscaling_target', 'ScalableTarget', 'resource_id'),
    });
    expect(resources(synthService(), 'aws_appautoscaling_scheduled_action')).toEqual([]);
  });

  it.each([
    [
      { user: 'root' },
      'FargateService: user "root" is not allowed; the container would run as root (Security Hub ECS.20)',
    ],
    [{ user: '0:0' }, 'FargateService: user "0:0" is not allowed'],
    [
      { environment: [{ name: 'S3_BUCKET', value: 'x' }] },
      'FargateService: environment/secrets "S3_BUCKET" is not allowed; each name once, and not S3_BUCKET or S3_PREFIX or AWS_REGION',
    ],
    [
      { environment: [{ name: '1X', value: 'x' }] },
      'FargateService: environment/secrets "1X" is not allowed; use letters, digits and _',
    ],
    [
      {
        secrets: [
          {
            name: 'X',
            valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:*',
            resourceArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:*',
            source: 'secretsmanager',
          },
        ],
      },
      'FargateService: secrets "arn:aws:secretsmanager:eu-west-1:1:secret:*" is not allowed; name the exact secret, parameter or key ARN',
    ],
    [
      {
        secrets: [
          {
            name: 'X',
            valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/x',
            resourceArn: 'arn:aws:ssm:us-east-1:1:parameter/x',
            source: 'ssm',
          },
        ],
      },
      'FargateService: secrets "arn:aws:ssm:us-east-1:1:parameter/x" is not allowed; use the ARN in the service\'s region eu-west-1',
    ],
    [
      { healthCheckTimeoutSeconds: 30 },
      'FargateService: healthCheckTimeoutSeconds 30 is not allowed; must be shorter than healthCheckIntervalSeconds (30)',
    ],
    [
      { healthCheckRetries: 11 },
      'FargateService: healthCheckRetries 11 is not allowed; use an integer from 1 to 10',
    ],
    [{ ephemeralStorageGiB: 20 }, 'FargateService: ephemeralStorageGiB 20 is not allowed; use 21 to 200 GiB'],
    [
      {
        cpuArchitecture: 'ARM64',
        capacityProviders: [{ capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 }],
      },
      'FargateService: capacityProviders "FARGATE_SPOT" is not allowed; Fargate Spot runs only X86_64 Linux tasks',
    ],
    [
      {
        capacityProviders: [
          { capacityProvider: 'FARGATE', base: 1, weight: 1 },
          { capacityProvider: 'FARGATE_SPOT', base: 1, weight: 1 },
        ],
      },
      'FargateService: capacityProviders [1,1] is not allowed; only one provider of a strategy may have a base',
    ],
    [
      { capacityProviders: [{ capacityProvider: 'FARGATE', base: 0, weight: 0 }] },
      'FargateService: capacityProviders [0] is not allowed; at least one provider needs a weight above 0',
    ],
    [
      { capacityProviders: [] },
      'FargateService: capacityProviders [] is not allowed; list at least one provider',
    ],
    [
      { requestCountPerTarget: 100 },
      'FargateService: requestCountResourceLabel undefined is not allowed; give it exactly with requestCountPerTarget',
    ],
    [
      {
        scheduledScaling: [
          { name: 'a', schedule: 'rate(1 day)', timezone: 'UTC', minCapacity: 5, maxCapacity: 4 },
        ],
      },
      'FargateService: scheduledScaling "5-4" is not allowed; minCapacity must not exceed maxCapacity',
    ],
  ] as Array<[Overrides, string]>)('rejects %j', (overrides, message) => {
    expect(() => synthService(overrides)).toThrow(message);
  });
});

describe('FargateService task definition size', () => {
  /** `count` plain variables of 40 characters each. */
  const variables = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}-`.padEnd(40, 'x') }));

  function sizeRefusal(overrides: Overrides): string {
    try {
      synthService(overrides);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the task definition to be refused');
  }

  it('refuses a task definition over 64 KiB, naming the service’s settings under settingsPath', () => {
    // GIVEN 2000 variables for the service api of the settings, in eu-west-1
    const message = sizeRefusal({ environment: variables(2000), settingsPath: 'services.api' });
    // THEN the message names that service's settings, in that region
    expect(message).toMatch(
      /^FargateService fargate-test: environment "2000 variables" is not allowed; the task definition would be \d+\.\d KiB \(\d+ bytes\), of which environment variables \(services\.api\.task\.environment, services\.api\.regions\.eu-west-1\.environment\) \d+\.\d KiB; AWS allows at most 65536 bytes \(64 KiB\)/,
    );
    expect(message).toContain('into services.api.task.secrets (Secrets Manager or SSM, read at start)');
    expect(message).not.toMatch(/(^|[ (])task\.environment|regions\[\]/);
  });

  it('names its own props when it is not told where the settings are', () => {
    const message = sizeRefusal({ environment: variables(2000) });
    expect(message).toContain('of which environment variables (environment) ');
    expect(message).toContain('into secrets (Secrets Manager or SSM, read at start)');
  });

  it('builds 300 variables, under the limit', () => {
    const app = container(synthService({ environment: variables(300), settingsPath: 'services.api' }));
    expect(app.environment).toHaveLength(300 + 2);
  });
});

// Issue 19: Service Connect, existing security groups and further egress rules.
describe('FargateService with Service Connect and existing security groups', () => {
  const NAMESPACE = 'arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1';
  const httpPort = {
    portName: 'http',
    containerPort: 8080,
    appProtocol: 'grpc' as const,
    dnsName: 'orders',
    discoveryName: 'orders-http',
  };

  it('names the container port’s mapping and serves it under its client alias, logging the proxy to the service’s log group', () => {
    // GIVEN a service offering its port 8080 as http (gRPC) in a namespace
    const json = synthService({
      containerPort: 8080,
      serviceConnect: { namespaceArn: NAMESPACE, ports: [httpPort] },
    });
    // THEN the port mapping carries the name and protocol, and the service the Service Connect configuration
    expect(container(json).portMappings).toEqual([
      { containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'grpc' },
    ]);
    expect(resourceAt(json, 'aws_ecs_service', 'Service/Service').service_connect_configuration).toEqual({
      enabled: true,
      namespace: NAMESPACE,
      log_configuration: {
        log_driver: 'awslogs',
        options: {
          'awslogs-group': ref(json, 'aws_cloudwatch_log_group', 'LogGroup', 'name'),
          'awslogs-region': 'eu-west-1',
          'awslogs-stream-prefix': 'service-connect',
        },
      },
      service: [
        {
          port_name: 'http',
          discovery_name: 'orders-http',
          client_alias: { dns_name: 'orders', port: 8080 },
        },
      ],
    });
  });

  it('is a client only, with no port name, when it offers no port', () => {
    const json = synthService({ serviceConnect: { namespaceArn: NAMESPACE, ports: [] } });
    expect(container(json).portMappings).toEqual([{ containerPort: 80, protocol: 'tcp' }]);
    const connect = resourceAt(json, 'aws_ecs_service', 'Service/Service')
      .service_connect_configuration as Record<string, unknown>;
    expect(connect.service).toBeUndefined();
    expect(connect.enabled).toBe(true);
  });

  it('joins existing security groups after its own, and waits for further egress rules', () => {
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
      const extra = new SecurityGroup(scope, 'Extra', { provider, name: 'extra', vpcId: 'vpc-1' });
      new FargateService(scope, 'Service', {
        ...baseProps(scope, provider),
        additionalSecurityGroupIds: ['sg-0123abcd'],
        egressRules: [extra],
      });
    });
    const service = resourceAt(json, 'aws_ecs_service', 'Service/Service');
    expect((service.network_configuration as { security_groups: string[] }).security_groups).toEqual([
      ref(json, 'aws_security_group', 'Tasks'),
      'sg-0123abcd',
    ]);
    expect(service.depends_on).toContain(
      ref(json, 'aws_security_group', 'Extra').replace(/^\$\{|\.id\}$/g, ''),
    );
  });

  it.each([
    [
      'a port other than the container’s',
      { serviceConnect: { namespaceArn: NAMESPACE, ports: [{ ...httpPort, containerPort: 9090 }] } },
      'FargateService: serviceConnect.ports 9090 is not allowed; offer the container port 8080',
    ],
    [
      'two names for the one container port',
      { serviceConnect: { namespaceArn: NAMESPACE, ports: [httpPort, { ...httpPort, portName: 'api' }] } },
      'one port: a container port has one port mapping, so one name',
    ],
    [
      'more than 4 existing security groups',
      { additionalSecurityGroupIds: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'] },
      'at most 4: a task takes 5 security groups, its own among them',
    ],
  ])('refuses %s', (_, overrides, message) => {
    expect(() => synthService({ containerPort: 8080, ...overrides })).toThrow(message);
  });
});

describe('FargateService without a load balancer (service kinds worker and scheduled)', () => {
  const HEALTH = ['CMD-SHELL', 'test -f /tmp/alive || exit 1'];

  it('a worker: no ingress, no port mapping, no load balancer block or grace period', () => {
    // GIVEN no target group, load balancer security group or listeners, and a container health check
    const json = synthService({
      targetGroupArn: undefined,
      loadBalancerSecurityGroupId: undefined,
      healthCheckCommand: HEALTH,
    });
    // THEN nothing may reach the tasks and the service is healthy by its container health check
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(container(json).portMappings).toBeUndefined();
    expect(container(json).healthCheck.command).toEqual(HEALTH);
    const service = resourceAt(json, 'aws_ecs_service', 'Service/Service');
    expect(service.load_balancer).toBeUndefined();
    expect(service.health_check_grace_period_seconds).toBeUndefined();
    expect(resources(json, 'aws_appautoscaling_policy')).toHaveLength(2);
  });

  it('refuses a service without a load balancer and without a container health check', () => {
    expect(() => synthService({ targetGroupArn: undefined, loadBalancerSecurityGroupId: undefined })).toThrow(
      'FargateService: healthCheckCommand undefined is not allowed; give a container health check when there is no targetGroupArn',
    );
  });

  it('standalone: the task definition, roles and log group, no ECS service or scaling', () => {
    // GIVEN a task another service starts (EventBridge Scheduler)
    const json = synthService({
      targetGroupArn: undefined,
      loadBalancerSecurityGroupId: undefined,
      standalone: true,
    });
    // THEN the task definition and its machinery are there, and nothing that runs it
    expect(resources(json, 'aws_ecs_task_definition')).toHaveLength(1);
    expect(resources(json, 'aws_iam_role').map((role) => role.path.split('/').pop())).toEqual([
      'ExecutionRole',
      'TaskRole',
    ]);
    expect(resources(json, 'aws_cloudwatch_log_group')).toHaveLength(1);
    for (const type of [
      'aws_ecs_service',
      'aws_appautoscaling_target',
      'aws_appautoscaling_policy',
      'aws_appautoscaling_scheduled_action',
      'aws_vpc_security_group_ingress_rule',
    ]) {
      expect(resources(json, type)).toEqual([]);
    }
    // The task still reaches HTTPS and its file system.
    expect(resources(json, 'aws_vpc_security_group_egress_rule').map((rule) => rule.to_port)).toEqual([
      443, 2049,
    ]);
  });
});
