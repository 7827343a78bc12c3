import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ecsNoPrivilegedContainers } from '../../policies/rules/ecs-no-privileged-containers';
import { ruleResults } from '../../test-support/policy';

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  ...extra,
});

describe('rule ecs-no-privileged-containers', () => {
  it('passes unprivileged containers, fails a task with one privileged container', () => {
    // GIVEN a task with privileged false and unset, and one with a privileged sidecar
    const results = ruleResults(ecsNoPrivilegedContainers, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Unprivileged', {
        provider,
        family: 'unprivileged',
        containerDefinitions: JSON.stringify([container('app', { privileged: false }), container('sidecar')]),
      });
      new EcsTaskDefinition(scope, 'PrivilegedSidecar', {
        provider,
        family: 'privileged-sidecar',
        containerDefinitions: JSON.stringify([container('app'), container('sidecar', { privileged: true })]),
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Unprivileged: 'compliant', PrivilegedSidecar: 'non-compliant' });
  });

  it('fails a task definition whose containers it cannot read', () => {
    // GIVEN container definitions read from a file at plan time
    const results = ruleResults(ecsNoPrivilegedContainers, (scope, provider) => {
      new EcsTaskDefinition(scope, 'FromFile', {
        provider,
        family: 'from-file',
        containerDefinitions: '${file("containers.json")}',
      });
    });
    // WHEN checked THEN non-compliant
    expect(results).toEqual({ FromFile: 'non-compliant' });
  });
});
