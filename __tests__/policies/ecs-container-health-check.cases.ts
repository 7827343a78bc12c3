import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ecsContainerHealthCheck } from '../../policies/rules/ecs-container-health-check';
import { ruleResults } from '../../test-support/policy';

const check = { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30 };
const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  ...extra,
});

const tasks = (scope: Construct, provider: AwsProvider) => {
  const task = (id: string, containers: object[]) =>
    new EcsTaskDefinition(scope, id, {
      provider,
      family: id.toLowerCase(),
      containerDefinitions: JSON.stringify(containers),
    });
  task('Checked', [container('app', { healthCheck: check }), container('init', { essential: false })]);
  task('Unchecked', [container('app')]);
  task('EmptyCommand', [container('app', { healthCheck: { command: [] } })]);
  task('SidecarUnchecked', [
    container('app', { healthCheck: check }),
    container('proxy', { essential: true }),
  ]);
};

describe('rule ecs-container-health-check', () => {
  it('in prod, passes when every essential container has a health check command, fails otherwise', () => {
    // GIVEN tasks with checked essentials, none, an empty command, an unchecked essential sidecar
    const results = ruleResults(ecsContainerHealthCheck, tasks, { environment: 'prod', tier: 'production' });
    // WHEN checked for prod THEN a non-essential container needs none; every essential one does
    expect(results).toEqual({
      Checked: 'compliant',
      Unchecked: 'non-compliant',
      EmptyCommand: 'non-compliant',
      SidecarUnchecked: 'non-compliant',
    });
  });

  it('does not apply outside prod', () => {
    const results = ruleResults(ecsContainerHealthCheck, tasks, { environment: 'dev', tier: 'development' });
    expect(Object.values(results)).toEqual(Array(4).fill('not-applicable'));
  });
});
