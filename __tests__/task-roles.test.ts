import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TaskRoles, TaskRolesProps } from '../constructs/task-roles';
import { SynthesizedJson, dataAt, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- policy documents are free-form JSON */

const STATEMENT = { effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/app/*'] };

function synthRoles(overrides: Partial<TaskRolesProps> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new TaskRoles(scope, 'Roles', {
      provider,
      region: 'eu-west-1',
      namePrefix: 'fargate-test-api',
      taskPolicyStatements: [STATEMENT],
      ...overrides,
    });
  });
}

const statements = (json: SynthesizedJson, suffix: string): Array<Record<string, any>> =>
  dataAt(json, 'aws_iam_policy_document', suffix).statement as Array<Record<string, any>>;

describe('TaskRoles', () => {
  it('makes an execution role with ECS’s managed policy and a separate task role, both trusting ECS tasks', () => {
    const json = synthRoles();
    expect(resources(json, 'aws_iam_role').map((r) => [r.path.split('/').pop(), r.name_prefix])).toEqual([
      ['ExecutionRole', 'fargate-test-api-exec-'],
      ['TaskRole', 'fargate-test-api-task-'],
    ]);
    expect(resourceAt(json, 'aws_iam_role_policy_attachment', 'ExecutionRolePolicy')).toMatchObject({
      role: ref(json, 'aws_iam_role', 'ExecutionRole', 'name'),
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });
    for (const trust of ['ExecutionTrust', 'TaskTrust']) {
      expect(statements(json, trust)[0].principals).toEqual([
        { type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] },
      ]);
    }
  });

  it('gives the task role exactly the statements it is given, and no ECS Exec without execSessions', () => {
    const json = synthRoles();
    expect(resourceAt(json, 'aws_iam_role_policy', 'TaskPolicy').role).toBe(
      ref(json, 'aws_iam_role', 'TaskRole'),
    );
    expect(statements(json, 'TaskPermissions')).toEqual([STATEMENT]);
  });

  it('with execSessions, lets the task role open the SSM channels and log to exactly that group with that key', () => {
    const json = synthRoles({ execSessions: { logGroupArn: 'arn:logs:exec', kmsKeyArn: 'arn:kms:exec' } });
    const sids = statements(json, 'TaskPermissions').map((s) => [s.sid, s.resources]);
    expect(sids).toEqual([
      [undefined, STATEMENT.resources],
      ['EcsExecChannels', ['*']],
      ['EcsExecFindLogGroup', ['*']],
      ['EcsExecSessionLogs', ['arn:logs:exec:*']],
      ['EcsExecSessionKey', ['arn:kms:exec']],
    ]);
  });

  it('lets the execution role read exactly the secrets’ ARNs, by source, and decrypt with each key once', () => {
    const json = synthRoles({
      secrets: [
        {
          name: 'A',
          valueFrom: 'arn:sm:a',
          resourceArn: 'arn:sm:a',
          source: 'secretsmanager',
          kmsKeyArn: 'arn:kms:1',
        },
        {
          name: 'B',
          valueFrom: 'arn:ssm:b',
          resourceArn: 'arn:ssm:b',
          source: 'ssm',
          kmsKeyArn: 'arn:kms:1',
        },
      ],
    });
    expect(statements(json, 'ExecutionSecrets').map((s) => [s.sid, s.actions, s.resources])).toEqual([
      ['ReadSecrets', ['secretsmanager:GetSecretValue'], ['arn:sm:a']],
      ['ReadParameters', ['ssm:GetParameters'], ['arn:ssm:b']],
      ['DecryptSecrets', ['kms:Decrypt'], ['arn:kms:1']],
    ]);
    expect(resourceAt(json, 'aws_iam_role_policy', 'ExecutionSecretsPolicy').role).toBe(
      ref(json, 'aws_iam_role', 'ExecutionRole'),
    );
  });

  it('has no secrets policy without secrets', () => {
    const json = synthRoles();
    expect(resources(json, 'aws_iam_role_policy').map((p) => p.path.split('/').pop())).toEqual([
      'TaskPolicy',
    ]);
  });
});
