import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ecsLoggingConfigured } from '../../policies/rules/ecs-logging-configured';
import { ruleResults } from '../../test-support/policy';

const awslogs = {
  logDriver: 'awslogs',
  options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' },
};
const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  ...extra,
});

describe('rule ecs-logging-configured', () => {
  it('passes when every container has a log driver, fails otherwise', () => {
    // GIVEN a fully logged task, one with an unlogged sidecar and one whose logConfiguration lacks a driver
    const results = ruleResults(ecsLoggingConfigured, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Logged', {
        provider,
        family: 'logged',
        containerDefinitions: JSON.stringify([
          container('app', { logConfiguration: awslogs }),
          container('router', { logConfiguration: { logDriver: 'awsfirelens' } }),
        ]),
      });
      new EcsTaskDefinition(scope, 'UnloggedSidecar', {
        provider,
        family: 'unlogged-sidecar',
        containerDefinitions: JSON.stringify([
          container('app', { logConfiguration: awslogs }),
          container('sidecar'),
        ]),
      });
      new EcsTaskDefinition(scope, 'NoDriver', {
        provider,
        family: 'no-driver',
        containerDefinitions: JSON.stringify([container('app', { logConfiguration: { options: {} } })]),
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Logged: 'compliant',
      UnloggedSidecar: 'non-compliant',
      NoDriver: 'non-compliant',
    });
  });
});
