import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { efsAccessPointUser } from '../../policies/rules/efs-access-point-user';
import { ruleResults } from '../../test-support/policy';

describe('rule efs-access-point-user', () => {
  it('passes an access point enforcing a POSIX user, fails one that does not', () => {
    // GIVEN one access point with a posix_user and one without
    const results = ruleResults(efsAccessPointUser, (scope, provider) => {
      const fileSystem = new EfsFileSystem(scope, 'FileSystem', { provider });
      new EfsAccessPoint(scope, 'WithUser', {
        provider,
        fileSystemId: fileSystem.id,
        posixUser: { uid: 1000, gid: 1000 },
      });
      new EfsAccessPoint(scope, 'WithoutUser', { provider, fileSystemId: fileSystem.id });
    });
    // WHEN checked THEN
    expect(results).toEqual({ WithUser: 'compliant', WithoutUser: 'non-compliant' });
  });
});
