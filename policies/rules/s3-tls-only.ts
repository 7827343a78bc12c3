import { Block, RuleCheck } from '../stack-view';
import {
  allHold,
  bucketCompanions,
  deniesInsecureTransport,
  globMatch,
  literal,
  policyStatements,
  Statement,
} from './_storage-helpers';

/**
 * S3 buckets refuse requests without TLS: every policy of the bucket (each `aws_s3_bucket_policy` on
 * it and the legacy inline `policy`; they overwrite each other) denies every principal `s3:*` (or
 * `*`) when `aws:SecureTransport` is false, on the bucket and on all its objects (one statement or
 * several). A policy that cannot be read from the configuration does not count.
 */
export const s3TlsOnly: RuleCheck = {
  appliesTo: ['aws_s3_bucket'],
  check(bucket, stack) {
    const policies = [
      ...(bucket.config.policy === undefined ? [] : [bucket.config.policy]),
      ...bucketCompanions(stack, bucket, 'aws_s3_bucket_policy').map((p) => p.config.policy),
    ];
    return allHold(policies.map((policy) => enforcesTls(bucket, policyStatements(stack, policy) ?? [])));
  },
};

function enforcesTls(bucket: Block, statements: Statement[]): boolean {
  const name = literal(bucket.config.bucket) ?? '\u0000bucket';
  const arn = `arn:aws:s3:::${name}`;
  const address = bucket.address.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  // The bucket's own references become its ARN or name, so that resources match like IAM's.
  const resolve = (resource: string) =>
    resource
      .replace(new RegExp(`\\$\\{${address}\\.arn\\}`, 'g'), arn)
      .replace(new RegExp(`\\$\\{${address}\\.(?:id|bucket)\\}`, 'g'), name);
  const denying = statements.filter(
    (s) => deniesInsecureTransport(s) && s.actions.some((a) => ['*', 's3:*'].includes(a.toLowerCase())),
  );
  const covers = (target: string) =>
    denying.some((s) => s.resources.some((r) => globMatch(resolve(r), target)));
  return covers(arn) && covers(`${arn}/\u0000object`);
}
