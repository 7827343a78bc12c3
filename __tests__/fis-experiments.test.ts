/* eslint-disable @typescript-eslint/no-explicit-any -- policy documents are free-form JSON */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { FisExperiments, FisExperimentsProps } from '../constructs/fis-experiments';
import { dataAt, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

const ACCOUNT = '123456789012';
const SUBNETS = [
  `arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/subnet-a`,
  `arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/subnet-b`,
];
const ALARMS = [
  `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:fargate-test-alb-5xx`,
  `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:fargate-test-p99-response-time`,
];

function synthDrills(overrides: Partial<Omit<FisExperimentsProps, 'provider'>> = {}) {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new FisExperiments(scope, 'Drills', {
      provider,
      region: 'eu-west-1',
      accountId: ACCOUNT,
      namePrefix: 'fargate-test',
      clusterName: 'fargate-test-cluster',
      clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/fargate-test-cluster`,
      vpcArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc/vpc-1`,
      subnetArns: SUBNETS,
      stopConditionAlarmArns: ALARMS,
      logKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/logs',
      logRetentionDays: 30,
      ...overrides,
    });
  });
}

const statements = (json: ReturnType<typeof synthDrills>): Array<Record<string, any>> =>
  (dataAt(json, 'aws_iam_policy_document', 'Drills/Permissions') as any).statement;

describe('FisExperiments', () => {
  it('stops every task of the whole cluster, every service of the region, found by cluster only', () => {
    // GIVEN / WHEN the region's drills
    const json = synthDrills();
    // THEN the target is the cluster's tasks, not one service's: the region fails over as a whole
    const template = resourceAt(json, 'aws_fis_experiment_template', 'Drills/StopTasks');
    expect(template.target).toEqual([
      {
        name: 'ServiceTasks',
        resource_type: 'aws:ecs:task',
        selection_mode: 'ALL',
        parameters: { cluster: 'fargate-test-cluster' },
      },
    ]);
    expect(template.description).toBe(
      'Failover drill: stop every task of the cluster fargate-test-cluster in eu-west-1',
    );
    expect(template.action).toEqual([
      expect.objectContaining({
        name: 'StopTasks',
        action_id: 'aws:ecs:stop-task',
        description: 'Stop every running task of every service in the cluster; ECS starts new ones',
        target: { key: 'Tasks', value: 'ServiceTasks' },
      }),
    ]);
  });

  it('black-holes the private subnets for 10 minutes by default', () => {
    const json = synthDrills();
    const template = resourceAt(json, 'aws_fis_experiment_template', 'Drills/Blackhole');
    expect(template.target).toEqual([
      {
        name: 'PrivateSubnets',
        resource_type: 'aws:ec2:subnet',
        selection_mode: 'ALL',
        resource_arns: SUBNETS,
      },
    ]);
    expect(template.action).toEqual([
      expect.objectContaining({
        action_id: 'aws:network:disrupt-connectivity',
        parameter: [
          { key: 'duration', value: 'PT10M' },
          { key: 'scope', value: 'all' },
        ],
        target: { key: 'Subnets', value: 'PrivateSubnets' },
      }),
    ]);
  });

  it('stops on the given alarms and logs to its encrypted log group', () => {
    const json = synthDrills();
    const logGroup = resourceAt(json, 'aws_cloudwatch_log_group', 'Drills/LogGroup');
    expect(logGroup).toMatchObject({
      name: '/aws/fis/fargate-test',
      retention_in_days: 30,
      kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/logs',
    });
    for (const template of resources(json, 'aws_fis_experiment_template')) {
      expect(template.stop_condition).toEqual(
        ALARMS.map((value) => ({ source: 'aws:cloudwatch:alarm', value })),
      );
      expect(template.log_configuration).toEqual({
        log_schema_version: 2,
        cloudwatch_logs_configuration: {
          log_group_arn: `${ref(json, 'aws_cloudwatch_log_group', 'Drills/LogGroup', 'arn')}:*`,
        },
      });
      expect(template.role_arn).toBe(ref(json, 'aws_iam_role', 'Drills/Role', 'arn'));
      expect(template.provider).toBe('aws.eu_west_1');
    }
  });

  it('is assumed only by FIS experiments of this account and region', () => {
    const trust = dataAt(synthDrills(), 'aws_iam_policy_document', 'Drills/Trust') as any;
    expect(trust.statement).toEqual([
      expect.objectContaining({
        principals: [{ type: 'Service', identifiers: ['fis.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: [`arn:aws:fis:eu-west-1:${ACCOUNT}:experiment/*`],
          },
        ],
      }),
    ]);
  });

  it('scopes the role to this cluster and its services, VPC and subnets; "*" only where AWS allows nothing else', () => {
    const bySid = Object.fromEntries(statements(synthDrills()).map((s) => [s.sid, s]));
    expect(bySid.StopTheServiceTasks.resources).toEqual([
      `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/fargate-test-cluster/*`,
    ]);
    expect(bySid.FindTheServiceTasks.resources).toEqual([
      `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/fargate-test-cluster/*`,
    ]);
    expect(bySid.ListTheClusterTasks.condition).toEqual([
      {
        test: 'ArnEquals',
        variable: 'ecs:cluster',
        values: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/fargate-test-cluster`],
      },
    ]);
    expect(bySid.SwapTheSubnetsAcl.resources).toEqual([
      ...SUBNETS,
      `arn:aws:ec2:eu-west-1:${ACCOUNT}:network-acl/*`,
    ]);
    expect(bySid.CreateTheDenyAllAclInThisVpc.resources).toEqual([
      `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc/vpc-1`,
    ]);
    // Only reads, log delivery and the condition-scoped ListTasks take "*".
    const wildcard = statements(synthDrills())
      .filter((s) => s.resources.includes('*'))
      .map((s) => s.sid);
    expect(wildcard).toEqual(['ListTheClusterTasks', 'ReadTheNetwork', 'DeliverTheExperimentLog']);
    for (const s of statements(synthDrills())) {
      for (const action of s.actions) expect(action).not.toMatch(/\*/);
    }
  });

  it.each([
    [
      'a zero-minute black-hole',
      { blackholeMinutes: 0 },
      'FisExperiments: blackholeMinutes 0 is not allowed; use a whole number of minutes from 1 to 720',
    ],
    ['more than 12 hours', { blackholeMinutes: 721 }, 'blackholeMinutes 721 is not allowed'],
    [
      'no subnet',
      { subnetArns: [] },
      'FisExperiments: subnetArns [] is not allowed; list at least one subnet',
    ],
    [
      'no stop condition',
      { stopConditionAlarmArns: [] },
      'stopConditionAlarmArns [] is not allowed; list at least one alarm',
    ],
    [
      'six stop conditions',
      { stopConditionAlarmArns: Array(6).fill(ALARMS[0]) },
      'stopConditionAlarmArns 6 is not allowed; FIS takes at most 5',
    ],
  ])('refuses %s', (_label, overrides: Partial<FisExperimentsProps>, message: string) => {
    expect(() => synthDrills(overrides)).toThrow(message);
  });
});
