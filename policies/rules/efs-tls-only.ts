import { RuleCheck } from '../stack-view';
import {
  companions,
  deniesInsecureTransport,
  globMatch,
  policyStatements,
  Statement,
} from './_storage-helpers';

/** The NFS client actions a TLS-only policy must deny. */
const CLIENT_ACTIONS = [
  'elasticfilesystem:ClientMount',
  'elasticfilesystem:ClientWrite',
  'elasticfilesystem:ClientRootAccess',
];

const deniesClientsWithoutTls = (statement: Statement): boolean =>
  deniesInsecureTransport(statement) &&
  CLIENT_ACTIONS.every((action) => statement.actions.some((pattern) => globMatch(pattern, action, true)));

/**
 * EFS file systems refuse access without TLS: an `aws_efs_file_system_policy` on the file system
 * (through `file_system_id`) whose document denies every principal all the client actions (`*`,
 * `elasticfilesystem:*` or each Client* action) when `aws:SecureTransport` is false. With several
 * policies on one file system (they overwrite each other) every one must. A policy that cannot be
 * read from the configuration does not count. The statement's `resources` are not checked: the
 * policy only ever governs its own file system.
 */
export const efsTlsOnly: RuleCheck = {
  appliesTo: ['aws_efs_file_system'],
  check(fileSystem, stack) {
    const policies = companions(stack, fileSystem, 'aws_efs_file_system_policy', 'file_system_id');
    const enforced = policies.map(
      (policy) => policyStatements(stack, policy.config.policy)?.some(deniesClientsWithoutTls) ?? false,
    );
    return enforced.length > 0 && enforced.every(Boolean) ? 'compliant' : 'non-compliant';
  },
};
