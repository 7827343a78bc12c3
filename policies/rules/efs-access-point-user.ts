import { RuleCheck } from '../stack-view';
import { blocks } from './_storage-helpers';

/** EFS access points enforce a POSIX identity: `posix_user` with both `uid` and `gid`. */
export const efsAccessPointUser: RuleCheck = {
  appliesTo: ['aws_efs_access_point'],
  check(accessPoint) {
    const user = blocks(accessPoint.config.posix_user)[0];
    return user && user.uid != null && user.gid != null ? 'compliant' : 'non-compliant';
  },
};
