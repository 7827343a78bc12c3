import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ecsSeparateRoles } from '../../policies/rules/ecs-separate-roles';
import { ruleResults } from '../../test-support/policy';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
  ],
});
const CONTAINERS = JSON.stringify([{ name: 'app', image: 'nginx:1.27' }]);

const role = (scope: Construct, provider: AwsProvider, id: string, name: string) =>
  new IamRole(scope, id, { provider, name, assumeRolePolicy: TRUST });

const taskDefinition = (
  scope: Construct,
  provider: AwsProvider,
  id: string,
  roles: { executionRoleArn?: string; taskRoleArn?: string },
) => new EcsTaskDefinition(scope, id, { provider, family: id, containerDefinitions: CONTAINERS, ...roles });

describe('rule ecs-separate-roles', () => {
  it('passes a task role distinct from the execution role, fails the same role', () => {
    // GIVEN one task definition with two roles and one using the execution role as task role
    const results = ruleResults(ecsSeparateRoles, (scope, provider) => {
      const execution = role(scope, provider, 'ExecutionRole', 'app-exec');
      const task = role(scope, provider, 'TaskRole', 'app-task');
      taskDefinition(scope, provider, 'Separate', { executionRoleArn: execution.arn, taskRoleArn: task.arn });
      taskDefinition(scope, provider, 'Shared', {
        executionRoleArn: execution.arn,
        taskRoleArn: execution.arn,
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Separate: 'compliant', Shared: 'non-compliant' });
  });

  it('fails the same role written as different expressions', () => {
    // GIVEN the execution role also designated by a data source looking it up and by a literal ARN
    const results = ruleResults(ecsSeparateRoles, (scope, provider) => {
      const execution = role(scope, provider, 'ExecutionRole', 'app-exec');
      const lookedUp = new DataAwsIamRole(scope, 'LookedUp', { provider, name: execution.name });
      taskDefinition(scope, provider, 'ViaDataSource', {
        executionRoleArn: execution.arn,
        taskRoleArn: lookedUp.arn,
      });
      taskDefinition(scope, provider, 'ViaLiteralArn', {
        executionRoleArn: execution.arn,
        taskRoleArn: 'arn:aws:iam::123456789012:role/service/app-exec',
      });
    });
    // WHEN checked THEN both are the execution role
    expect(results).toEqual({ ViaDataSource: 'non-compliant', ViaLiteralArn: 'non-compliant' });
  });

  it('does not apply without a task role, or when a role is outside the stack', () => {
    // GIVEN a task definition with no task role, and one whose task role comes from a variable
    const results = ruleResults(ecsSeparateRoles, (scope, provider) => {
      const execution = role(scope, provider, 'ExecutionRole', 'app-exec');
      const external = new TerraformVariable(scope, 'task_role_arn', { type: 'string' });
      taskDefinition(scope, provider, 'NoTaskRole', { executionRoleArn: execution.arn });
      taskDefinition(scope, provider, 'ExternalTaskRole', {
        executionRoleArn: execution.arn,
        taskRoleArn: external.stringValue,
      });
    });
    // WHEN checked THEN not applicable: no AWS permissions at all / the rule cannot tell the roles apart
    expect(results).toEqual({ NoTaskRole: 'not-applicable', ExternalTaskRole: 'not-applicable' });
  });
});
