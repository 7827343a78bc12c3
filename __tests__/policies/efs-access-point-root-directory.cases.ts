import { TerraformVariable } from 'cdktf';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { efsAccessPointRootDirectory } from '../../policies/rules/efs-access-point-root-directory';
import { ruleResults } from '../../test-support/policy';

describe('rule efs-access-point-root-directory', () => {
  it('passes an access point scoped to a directory, fails one exposing the root', () => {
    // GIVEN access points at /ecs, under a literal prefix, at /, at the default root, and at a path
    // that is one whole expression
    const results = ruleResults(efsAccessPointRootDirectory, (scope, provider) => {
      const fileSystem = new EfsFileSystem(scope, 'FileSystem', { provider });
      const fileSystemId = fileSystem.id;
      const path = new TerraformVariable(scope, 'path', { type: 'string' });
      new EfsAccessPoint(scope, 'Scoped', { provider, fileSystemId, rootDirectory: { path: '/ecs' } });
      new EfsAccessPoint(scope, 'Prefixed', {
        provider,
        fileSystemId,
        rootDirectory: { path: `/apps/${path.stringValue}` },
      });
      new EfsAccessPoint(scope, 'Root', { provider, fileSystemId, rootDirectory: { path: '/' } });
      new EfsAccessPoint(scope, 'DefaultRoot', { provider, fileSystemId });
      new EfsAccessPoint(scope, 'Computed', {
        provider,
        fileSystemId,
        rootDirectory: { path: path.stringValue },
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Scoped: 'compliant',
      Prefixed: 'compliant',
      Root: 'non-compliant',
      DefaultRoot: 'non-compliant',
      Computed: 'non-compliant',
    });
  });
});
