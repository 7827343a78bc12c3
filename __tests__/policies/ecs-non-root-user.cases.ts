import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ecsNonRootUser } from '../../policies/rules/ecs-non-root-user';
import { ruleResults } from '../../test-support/policy';

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  ...extra,
});

describe('rule ecs-non-root-user', () => {
  it('passes when every container names a non-root user, fails on root, uid 0 or no user', () => {
    // GIVEN task definitions with a uid:gid, a name, root, 0:0, and a container without a user
    const results = ruleResults(ecsNonRootUser, (scope, provider) => {
      const task = (id: string, containers: object[], extra: Record<string, unknown> = {}) =>
        new EcsTaskDefinition(scope, id, {
          provider,
          family: id.toLowerCase(),
          containerDefinitions: JSON.stringify(containers),
          ...extra,
        });
      task('Uid', [container('app', { user: '1000:1000' }), container('sidecar', { user: '1001' })]);
      task('Named', [container('app', { user: 'nginx:nginx' })]);
      task('Root', [container('app', { user: 'root' })]);
      task('UidZero', [container('app', { user: '1000' }), container('sidecar', { user: '0:0' })]);
      task('Unset', [container('app')]);
      task('Windows', [container('app')], {
        runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' },
      });
    });
    // WHEN checked THEN only named non-root users comply; Windows tasks are not applicable
    expect(results).toEqual({
      Uid: 'compliant',
      Named: 'compliant',
      Root: 'non-compliant',
      UidZero: 'non-compliant',
      Unset: 'non-compliant',
      Windows: 'not-applicable',
    });
  });
});
