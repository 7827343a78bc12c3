import { RuleCheck } from '../stack-view';
import { allHold, blocks, bucketCompanions } from './_storage-helpers';

const KMS_ALGORITHMS: unknown[] = ['aws:kms', 'aws:kms:dsse'];

const usesKms = (configuration: Record<string, unknown>): boolean =>
  blocks(configuration.rule).some((rule) =>
    blocks(rule.apply_server_side_encryption_by_default).some((d) =>
      KMS_ALGORITHMS.includes(d.sse_algorithm),
    ),
  );

/**
 * S3 buckets encrypt new objects with KMS by default: an
 * `aws_s3_bucket_server_side_encryption_configuration` on the bucket (or the legacy inline
 * `server_side_encryption_configuration`) with a rule whose default `sse_algorithm` is aws:kms or
 * aws:kms:dsse. As S3.17, the key is not checked (without `kms_master_key_id` it is aws/s3).
 */
export const s3KmsEncryption: RuleCheck = {
  appliesTo: ['aws_s3_bucket'],
  check(bucket, stack) {
    return allHold([
      ...blocks(bucket.config.server_side_encryption_configuration).map(usesKms),
      ...bucketCompanions(stack, bucket, 'aws_s3_bucket_server_side_encryption_configuration').map((c) =>
        usesKms(c.config),
      ),
    ]);
  },
};
