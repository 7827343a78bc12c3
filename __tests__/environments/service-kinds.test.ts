/**
 * Service kinds (issue 19, item 1): what a synthesized PlatformStack holds per region for a worker
 * and a scheduled job beside a web service.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluatePolicies } from '../../policies/policy-pack';
import { SynthesizedStack } from '../../policies/stack-view';
import { SynthesizedEnvironment, synthEnvironment } from '../../test-support/environment';
import { SQS_CONSUME_ACTIONS } from '../../constructs/worker-queue';
import { Block, SynthesizedJson, dataAt, ref, resourceAt, resources } from '../../test-support/synth';
import { synthPlatformOnce } from '../../test-support/platform';
import { providerAlias } from '../../settings/regions';
import { JOB, WEB, WORKER } from '../../test-support/service-kind-fixtures';

const REGIONS = ['us-east-1', 'eu-west-1'];

describe('a worker and a scheduled job beside a web service, per region', () => {
  let json: SynthesizedJson;
  beforeAll(() => {
    json = synthPlatformOnce({
      services: { app: { ...WEB, legacyNames: true }, mailer: WORKER, nightly: JOB },
    });
  });
  const under = (type: string, service: string, region: string): Array<Block & { path: string }> =>
    resources(json, type).filter((block) => block.path.includes(`/Services/${service}/${region}/`));

  it('passes the policy pack with no violation and no suppression', () => {
    const result = evaluatePolicies(json as SynthesizedStack, { environment: 'test', tier: 'development' });
    expect(result.violations).toEqual([]);
    expect(result.suppressed).toEqual([]);
  });

  it.each(REGIONS)('in %s the web service keeps its target group, listener rule and ingress', (region) => {
    expect(under('aws_lb_target_group', 'app', region)).toHaveLength(1);
    expect(under('aws_lb_listener_rule', 'app', region)).toHaveLength(1);
    const sg = ref(json, 'aws_security_group', `/Services/app/${region}/TaskSecurityGroup`);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter(
      (rule) => rule.security_group_id === sg,
    );
    expect(ingress.map((rule) => rule.referenced_security_group_id)).toEqual([
      ref(json, 'aws_security_group', `/${region}/LoadBalancer/SecurityGroup`),
    ]);
  });

  it.each(REGIONS)(
    'in %s the worker has no target group, listener rule, ingress or health-check path',
    (region) => {
      for (const type of ['aws_lb_target_group', 'aws_lb_listener_rule']) {
        expect(under(type, 'mailer', region)).toEqual([]);
      }
      const sg = resourceAt(json, 'aws_security_group', `/Services/mailer/${region}/TaskSecurityGroup`);
      const sgRef = ref(json, 'aws_security_group', `/Services/mailer/${region}/TaskSecurityGroup`);
      // Nothing may reach the worker: no ingress rule names its security group.
      expect(
        resources(json, 'aws_vpc_security_group_ingress_rule').filter(
          (rule) => rule.security_group_id === sgRef,
        ),
      ).toEqual([]);
      expect(sg.ingress).toBeUndefined();
      const service = resourceAt(json, 'aws_ecs_service', `/Services/mailer/${region}/Service/Service`);
      expect(service.load_balancer).toBeUndefined();
      expect(service.health_check_grace_period_seconds).toBeUndefined();
      expect(service.name).toBe('fargate-test-mailer');
      const task = resourceAt(
        json,
        'aws_ecs_task_definition',
        `/Services/mailer/${region}/Service/Task/TaskDefinition`,
      );
      const [container] = JSON.parse(task.container_definitions as string);
      expect(container.portMappings).toBeUndefined();
      expect(container.healthCheck.command).toEqual(['CMD-SHELL', 'test -f /tmp/alive || exit 1']);
    },
  );

  it.each(REGIONS)('in %s the worker scales on CPU, memory and its queue backlog per task', (region) => {
    const policies = under('aws_appautoscaling_policy', 'mailer', region);
    expect(policies.map((policy) => policy.name).sort()).toEqual([
      'fargate-test-mailer-backlog-scaling',
      'fargate-test-mailer-cpu-scaling',
      'fargate-test-mailer-memory-scaling',
    ]);
    const backlog = policies.find((policy) => policy.name === 'fargate-test-mailer-backlog-scaling') as Block;
    const config = backlog.target_tracking_scaling_policy_configuration as {
      target_value: number;
      customized_metric_specification: { metrics: Array<Record<string, unknown>> };
    };
    expect(config.target_value).toBe(50);
    const metrics = config.customized_metric_specification.metrics;
    expect(metrics.map((m) => [m.id, m.expression ?? null, m.return_data])).toEqual([
      ['visible', null, false],
      ['running', null, false],
      ['backlog', 'visible / running', true],
    ]);
    expect(metrics[0].metric_stat).toEqual({
      metric: {
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: [{ name: 'QueueName', value: 'fargate-test-emails' }],
      },
      stat: 'Sum',
    });
    expect((metrics[1].metric_stat as { metric: { metric_name: string } }).metric.metric_name).toBe(
      'RunningTaskCount',
    );
  });

  it.each(REGIONS)('in %s the worker task role may consume exactly its queue in that region', (region) => {
    const document = dataAt(
      json,
      'aws_iam_policy_document',
      `/Services/mailer/${region}/Queue/ConsumeDocument`,
    );
    const account = '${data.aws_caller_identity.Account.account_id}';
    expect(document.statement).toEqual([
      {
        sid: 'ConsumeQueue',
        effect: 'Allow',
        actions: [...SQS_CONSUME_ACTIONS],
        resources: [`arn:aws:sqs:${region}:${account}:fargate-test-emails`],
      },
    ]);
    const policy = resourceAt(json, 'aws_iam_role_policy', `/Services/mailer/${region}/Queue/ConsumePolicy`);
    expect(policy.role).toBe(ref(json, 'aws_iam_role', `/Services/mailer/${region}/Service/Roles/TaskRole`));
  });

  it.each(REGIONS)(
    'in %s the worker alarms (with its queue’s message age) and deployment alarms need no target group',
    (region) => {
      const alarms = under('aws_cloudwatch_metric_alarm', 'mailer', region).map((alarm) => alarm.alarm_name);
      expect(alarms.sort()).toEqual([
        'fargate-test-mailer-high-cpu',
        'fargate-test-mailer-high-memory',
        'fargate-test-mailer-low-running-tasks',
        'fargate-test-mailer-queue-message-age',
      ]);
      expect(
        resourceAt(json, 'aws_cloudwatch_metric_alarm', `/Services/mailer/${region}/Alarms/QueueMessageAge`),
      ).toMatchObject({
        dimensions: { QueueName: 'fargate-test-emails' },
        threshold: 900,
      });
      const service = resourceAt(json, 'aws_ecs_service', `/Services/mailer/${region}/Service/Service`);
      expect(service.alarms).toEqual({
        alarm_names: [
          ref(
            json,
            'aws_cloudwatch_metric_alarm',
            `/Services/mailer/${region}/Alarms/RunningTasksLow`,
            'alarm_name',
          ),
        ],
        enable: true,
        rollback: true,
      });
      expect(under('aws_cloudwatch_dashboard', 'mailer', region)).toHaveLength(1);
    },
  );

  it.each(REGIONS)(
    'in %s the scheduled job has a task definition and no ECS service or scaling',
    (region) => {
      expect(under('aws_ecs_service', 'nightly', region)).toEqual([]);
      expect(under('aws_appautoscaling_target', 'nightly', region)).toEqual([]);
      expect(under('aws_lb_target_group', 'nightly', region)).toEqual([]);
      expect(under('aws_cloudwatch_dashboard', 'nightly', region)).toEqual([]);
      const task = resourceAt(
        json,
        'aws_ecs_task_definition',
        `/Services/nightly/${region}/Service/Task/TaskDefinition`,
      );
      expect(task.family).toBe('fargate-test-nightly-task');
      const [container] = JSON.parse(task.container_definitions as string);
      expect(container.command).toEqual(['node', 'nightly.js']);
      expect(container.logConfiguration.options['awslogs-group']).toBe(
        ref(json, 'aws_cloudwatch_log_group', `/Services/nightly/${region}/Service/Task/LogGroup`, 'name'),
      );
    },
  );

  it.each(REGIONS)(
    'in %s the schedule targets its cluster, task definition, private subnets and security group',
    (region) => {
      const schedule = resourceAt(json, 'aws_scheduler_schedule', `/Services/nightly/${region}/Job/Schedule`);
      expect(schedule.group_name).toBe(
        ref(json, 'aws_scheduler_schedule_group', `/Services/nightly/${region}/Job/ScheduleGroup`, 'name'),
      );
      expect(schedule.schedule_expression).toBe('cron(0 2 * * ? *)');
      expect(schedule.schedule_expression_timezone).toBe('Europe/Dublin');
      expect(schedule.flexible_time_window).toEqual({ mode: 'FLEXIBLE', maximum_window_in_minutes: 15 });
      expect(schedule.state).toBe('ENABLED');
      const target = schedule.target as Record<string, Record<string, unknown> | string>;
      expect(target.arn).toBe(ref(json, 'aws_ecs_cluster', `/${region}/Cluster`, 'arn'));
      expect(target.role_arn).toBe(
        ref(json, 'aws_iam_role', `/Services/nightly/${region}/Job/SchedulerRole`, 'arn'),
      );
      expect(target.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 7200 });
      expect(target.dead_letter_config).toEqual({
        arn: ref(json, 'aws_sqs_queue', `/Services/nightly/${region}/Job/DeadLetterQueue`, 'arn'),
      });
      const privateSubnets = resources(json, 'aws_subnet')
        .filter((subnet) => subnet.path.includes(`/${region}/`) && subnet.path.includes('Private'))
        .map((subnet) => ref(json, 'aws_subnet', subnet.path.slice(subnet.path.indexOf(`/${region}/`))));
      expect(privateSubnets.length).toBeGreaterThan(0);
      expect(target.ecs_parameters).toEqual({
        task_definition_arn: ref(
          json,
          'aws_ecs_task_definition',
          `/Services/nightly/${region}/Service/Task/TaskDefinition`,
          'arn',
        ),
        task_count: 1,
        launch_type: 'FARGATE',
        platform_version: 'LATEST',
        propagate_tags: 'TASK_DEFINITION',
        enable_execute_command: false,
        network_configuration: {
          subnets: privateSubnets,
          security_groups: [ref(json, 'aws_security_group', `/Services/nightly/${region}/TaskSecurityGroup`)],
          assign_public_ip: false,
        },
      });
    },
  );

  it.each(REGIONS)(
    'in %s the scheduler role may run that family in that cluster, tag the tasks it starts there and pass exactly its two roles',
    (region) => {
      const at = `/Services/nightly/${region}`;
      const account = '${data.aws_caller_identity.Account.account_id}';
      const document = dataAt(json, 'aws_iam_policy_document', `${at}/Job/SchedulerPermissions`);
      expect(document.statement).toEqual([
        {
          sid: 'RunTheTask',
          effect: 'Allow',
          actions: ['ecs:RunTask'],
          resources: [
            `arn:aws:ecs:${region}:${account}:task-definition/${ref(json, 'aws_ecs_task_definition', `${at}/Service/Task/TaskDefinition`, 'family')}:*`,
          ],
          condition: [
            {
              test: 'ArnEquals',
              variable: 'ecs:cluster',
              values: [ref(json, 'aws_ecs_cluster', `/${region}/Cluster`, 'arn')],
            },
          ],
        },
        {
          sid: 'PassTheTaskRoles',
          effect: 'Allow',
          actions: ['iam:PassRole'],
          resources: [
            ref(json, 'aws_iam_role', `${at}/Service/Roles/ExecutionRole`, 'arn'),
            ref(json, 'aws_iam_role', `${at}/Service/Roles/TaskRole`, 'arn'),
          ],
          condition: [
            { test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] },
          ],
        },
        {
          sid: 'TagTheTasks',
          effect: 'Allow',
          actions: ['ecs:TagResource'],
          resources: [
            `arn:aws:ecs:${region}:${account}:task/${ref(json, 'aws_ecs_cluster', `/${region}/Cluster`, 'name')}/*`,
          ],
          condition: [{ test: 'StringEquals', variable: 'ecs:CreateAction', values: ['RunTask'] }],
        },
        {
          sid: 'DeadLetters',
          effect: 'Allow',
          actions: ['sqs:SendMessage'],
          resources: [ref(json, 'aws_sqs_queue', `${at}/Job/DeadLetterQueue`, 'arn')],
        },
      ]);
      const trust = dataAt(json, 'aws_iam_policy_document', `${at}/Job/SchedulerTrust`);
      expect(trust.statement).toEqual([
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:aws:scheduler:${region}:${account}:schedule/fargate-test-nightly/*`],
            },
          ],
        },
      ]);
    },
  );

  it.each(REGIONS)(
    'in %s the dead-letter queue is encrypted and the alarms notify the alarm topic',
    (region) => {
      const at = `/Services/nightly/${region}`;
      const queue = resourceAt(json, 'aws_sqs_queue', `${at}/Job/DeadLetterQueue`);
      expect(queue.sqs_managed_sse_enabled).toBe(true);
      const topic = ref(json, 'aws_sns_topic', `/${region}/AlarmTopic/Topic`, 'arn');
      const alarms = under('aws_cloudwatch_metric_alarm', 'nightly', region).sort((a, b) =>
        String(b.alarm_name).localeCompare(String(a.alarm_name)),
      );
      expect(alarms.map((alarm) => alarm.alarm_name)).toEqual([
        'fargate-test-nightly-schedule-failed',
        'fargate-test-nightly-schedule-dead-letters',
      ]);
      for (const alarm of alarms) {
        expect(alarm.alarm_actions).toEqual([topic]);
        expect(alarm.threshold).toBe(1);
      }
      const failed = alarms[0].metric_query as Array<{
        metric?: { namespace: string; metric_name: string; dimensions: unknown };
      }>;
      expect(failed.flatMap((query) => (query.metric ? [query.metric.metric_name] : []))).toEqual([
        'TargetErrorCount',
        'InvocationDroppedCount',
        'InvocationsFailedToBeSentToDeadLetterCount',
      ]);
      expect(failed[0].metric?.dimensions).toEqual({
        ScheduleGroup: ref(json, 'aws_scheduler_schedule_group', `${at}/Job/ScheduleGroup`, 'name'),
      });
      expect(alarms[1].dimensions).toEqual({
        QueueName: ref(json, 'aws_sqs_queue', `${at}/Job/DeadLetterQueue`, 'name'),
      });
    },
  );

  it.each(REGIONS)('in %s a run that exits non-zero or fails to start reaches the alarm topic', (region) => {
    const at = `/Services/nightly/${region}`;
    const rule = resourceAt(json, 'aws_cloudwatch_event_rule', `${at}/Job/FailedRunRule`);
    const pattern = JSON.parse(rule.event_pattern as string);
    expect(pattern.detail.lastStatus).toEqual(['STOPPED']);
    expect(pattern.detail.clusterArn).toEqual([ref(json, 'aws_ecs_cluster', `/${region}/Cluster`, 'arn')]);
    expect(pattern.detail.$or).toEqual([
      { containers: { exitCode: [{ 'anything-but': 0 }] } },
      { stopCode: ['TaskFailedToStart'] },
    ]);
    const target = resourceAt(json, 'aws_cloudwatch_event_target', `${at}/Job/FailedRunTarget`);
    expect(target.arn).toBe(ref(json, 'aws_sns_topic', `/${region}/AlarmTopic/Topic`, 'arn'));
    // The topic's policy admits this region's EventBridge rules.
    const topicPolicy = dataAt(json, 'aws_iam_policy_document', `/${region}/AlarmTopic/TopicPolicyDocument`);
    expect(JSON.stringify(topicPolicy.statement)).toContain(`arn:aws:events:${region}:`);
  });

  it.each(REGIONS)(
    'in %s outputs the worker service name and the job schedule name, no target group for either',
    (region) => {
      const prefix = providerAlias(region);
      const outputs = Object.keys(json.output ?? {});
      expect(outputs.filter((name) => name.startsWith(`${prefix}_mailer_`)).sort()).toEqual([
        `${prefix}_mailer_repository_url`,
        `${prefix}_mailer_service_name`,
      ]);
      expect(outputs.filter((name) => name.startsWith(`${prefix}_nightly_`)).sort()).toEqual([
        `${prefix}_nightly_repository_url`,
        `${prefix}_nightly_schedule_name`,
      ]);
    },
  );
});

describe('an environment without a web service', () => {
  it('synthesizes a worker and a job alone: no listener rule, no host name, the load balancer answers 404', () => {
    const json = synthPlatformOnce({ services: { mailer: WORKER, nightly: JOB } });
    expect(resources(json, 'aws_lb_listener_rule')).toEqual([]);
    expect(resources(json, 'aws_lb_target_group')).toEqual([]);
    expect(resources(json, 'aws_ecs_service').map((service) => service.name)).toEqual([
      'fargate-test-mailer',
      'fargate-test-mailer',
    ]);
    expect(resources(json, 'aws_scheduler_schedule')).toHaveLength(2);
    const listeners = resources(json, 'aws_lb_listener');
    expect(listeners).toHaveLength(2);
    for (const listener of listeners) {
      expect(JSON.stringify(listener.default_action)).toContain('"status_code":"404"');
    }
  });
});

describe('existing settings are web services, built exactly as before kinds', () => {
  const environments = ['dev', 'prod'] as const;
  const synthesized: Partial<Record<(typeof environments)[number], SynthesizedEnvironment>> = {};
  beforeAll(() => {
    for (const environment of environments) synthesized[environment] = synthEnvironment(environment);
  });
  afterAll(() => {
    for (const result of Object.values(synthesized))
      rmSync(path.dirname(result.outdir), { recursive: true, force: true });
  });

  it.each(environments)(
    'config/%s.json keeps every resource, data source and output address of 7834d6d',
    (environment) => {
      const contract = JSON.parse(
        readFileSync(path.join(__dirname, '..', 'contracts', 'web-kind-addresses.json'), 'utf8'),
      ) as Record<string, Record<string, string[]>>;
      const stacks = (synthesized[environment] as SynthesizedEnvironment).stacks;
      const addresses = Object.fromEntries(
        Object.entries(stacks).map(([name, stack]) => [
          name,
          [
            ...(['resource', 'data'] as const).flatMap((kind) =>
              Object.entries(stack[kind] ?? {}).flatMap(([type, blocks]) =>
                Object.keys(blocks).map((id) => `${kind === 'data' ? 'data.' : ''}${type}.${id}`),
              ),
            ),
            ...Object.keys(stack.output ?? {}).map((id) => `output.${id}`),
          ].sort(),
        ]),
      );
      // Kinds added no address and removed none (checked byte for byte when they landed). Features
      // merged later may add resources; no existing address may go, since that would replace it,
      // unless a moved block (or a chain of them) carries it to a resource. The FargateService split
      // (stacks/fargate-service-moves.ts) also moved its data sources into its parts: data sources
      // hold nothing, Terraform reads them at their new address.
      const missing = Object.entries(contract[environment]).flatMap(([stack, expected]) => {
        const now = addresses[stack] ?? [];
        const moves = (stacks[stack] as { moved?: Array<{ from: string; to: string }> }).moved ?? [];
        const next = new Map(moves.map((move) => [move.from, move.to]));
        const endOf = (address: string) => {
          let at = address;
          while (next.has(at)) at = next.get(at) as string;
          return at;
        };
        const splitData = (address: string) => {
          const match = /^data\.([a-z0-9_]+)\.(Services_[^_]+_[a-z0-9-]+)_Service_(\w+)_[0-9A-F]{8}$/.exec(
            address,
          );
          return (
            match !== null &&
            now.some((a) =>
              new RegExp(
                `^data\\.${match[1]}\\.${match[2]}_Service_(Roles|Task)_${match[3]}_[0-9A-F]{8}$`,
              ).test(a),
            )
          );
        };
        return expected
          .filter((address) => !now.includes(endOf(address)) && !splitData(address))
          .map((a) => `${stack}: ${a}`);
      });
      expect(missing).toEqual([]);
      expect(Object.keys(addresses).sort()).toEqual(Object.keys(contract[environment]).sort());
    },
  );

  it.each(environments)(
    'config/%s.json synthesizes the same with "kind": "web" written on every service that leaves it out',
    (environment) => {
      const file = JSON.parse(
        readFileSync(path.join(__dirname, '../..', 'config', `${environment}.json`), 'utf8'),
      );
      for (const service of Object.values(file.services as Record<string, Record<string, unknown>>)) {
        service.kind ??= 'web';
      }
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kinds-web-'));
      try {
        writeFileSync(path.join(dir, `${environment}.json`), JSON.stringify(file));
        const explicit = synthEnvironment(environment, dir);
        try {
          expect(explicit.stacks).toEqual((synthesized[environment] as SynthesizedEnvironment).stacks);
        } finally {
          rmSync(path.dirname(explicit.outdir), { recursive: true, force: true });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
