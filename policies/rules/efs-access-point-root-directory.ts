import { RuleCheck } from '../stack-view';
import { blocks } from './_storage-helpers';

/**
 * EFS access points expose a directory other than the file system's root: `root_directory.path`
 * set and not `/` (EFS defaults to `/`). A path that is one whole expression (`${var.path}`) cannot
 * be shown not to be `/` and is not accepted; a literal prefix such as `/apps/${...}` is.
 */
export const efsAccessPointRootDirectory: RuleCheck = {
  appliesTo: ['aws_efs_access_point'],
  check(accessPoint) {
    const path = blocks(accessPoint.config.root_directory)[0]?.path;
    const known = typeof path === 'string' && !/^\$\{[^}]*\}$/.test(path);
    return known && path.replace(/\/+$/, '') !== '' ? 'compliant' : 'non-compliant';
  },
};
