import { Fn } from 'cdktf';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ecsReadonlyRootFilesystem } from '../../policies/rules/ecs-readonly-root-filesystem';
import { ruleResults } from '../../test-support/policy';

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'nginx:1.27',
  ...extra,
});

describe('rule ecs-readonly-root-filesystem', () => {
  it('passes when every container is read-only, fails when one is not', () => {
    // GIVEN a task whose containers are all read-only, one with a writable sidecar, one unset
    const results = ruleResults(ecsReadonlyRootFilesystem, (scope, provider) => {
      new EcsTaskDefinition(scope, 'ReadOnly', {
        provider,
        family: 'read-only',
        containerDefinitions: JSON.stringify([
          container('app', { readonlyRootFilesystem: true }),
          container('sidecar', { readonlyRootFilesystem: true }),
        ]),
      });
      new EcsTaskDefinition(scope, 'WritableSidecar', {
        provider,
        family: 'writable-sidecar',
        containerDefinitions: JSON.stringify([
          container('app', { readonlyRootFilesystem: true }),
          container('sidecar', { readonlyRootFilesystem: false }),
        ]),
      });
      new EcsTaskDefinition(scope, 'Unset', {
        provider,
        family: 'unset',
        containerDefinitions: JSON.stringify([container('app')]),
      });
    });
    // WHEN checked THEN only the all-read-only task complies (unset means writable)
    expect(results).toEqual({
      ReadOnly: 'compliant',
      WritableSidecar: 'non-compliant',
      Unset: 'non-compliant',
    });
  });

  it('fails a task definition whose containers it cannot read', () => {
    // GIVEN container definitions written as a Terraform jsonencode() expression
    const results = ruleResults(ecsReadonlyRootFilesystem, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Expression', {
        provider,
        family: 'expression',
        containerDefinitions: Fn.jsonencode([container('app', { readonlyRootFilesystem: true })]),
      });
    });
    // WHEN checked THEN non-compliant: nothing proves the property
    expect(results).toEqual({ Expression: 'non-compliant' });
  });
});
