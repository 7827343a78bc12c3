import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AssumeRolePolicyProps, ECS_TASKS_SERVICE, assumeRolePolicy } from '../constructs/assume-role-policy';
import { dataAt, synthScopeJson } from '../test-support/synth';

function trustStatement(props: Omit<AssumeRolePolicyProps, 'provider'>): Record<string, unknown> {
  const json = synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    assumeRolePolicy(scope, 'Trust', { provider, ...props });
  });
  const document = dataAt(json, 'aws_iam_policy_document', 'Trust');
  expect(document.provider).toBe('aws.eu_west_1');
  const statements = document.statement as Array<Record<string, unknown>>;
  expect(statements).toHaveLength(1);
  return statements[0];
}

describe('assumeRolePolicy', () => {
  it('lets the service principal assume the role, from anywhere by default', () => {
    // WHEN only the service is given
    const statement = trustStatement({ service: ECS_TASKS_SERVICE });
    // THEN one statement allows sts:AssumeRole to it, with no condition
    expect(statement).toEqual({
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
    });
  });

  it('narrows the trust to the source account', () => {
    const statement = trustStatement({
      service: 'vpc-flow-logs.amazonaws.com',
      sourceAccount: '111111111111',
    });
    expect(statement.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] },
    ]);
  });

  it('narrows the trust to the source account and source ARN, in that order', () => {
    const statement = trustStatement({
      service: 'scheduler.amazonaws.com',
      sourceAccount: '111111111111',
      sourceArn: 'arn:aws:scheduler:eu-west-1:111111111111:schedule/app/*',
    });
    expect(statement.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] },
      {
        test: 'ArnLike',
        variable: 'aws:SourceArn',
        values: ['arn:aws:scheduler:eu-west-1:111111111111:schedule/app/*'],
      },
    ]);
  });
});
