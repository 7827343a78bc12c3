import { RuleCheck } from '../stack-view';
import { allHold, blocks, bucketCompanions, isTrue } from './_storage-helpers';

/**
 * S3 buckets keep object versions: an `aws_s3_bucket_versioning` on the bucket with
 * `versioning_configuration.status` Enabled, or the legacy inline `versioning { enabled = true }`.
 * Every place that configures versioning must enable it (they would overwrite each other).
 */
export const s3Versioning: RuleCheck = {
  appliesTo: ['aws_s3_bucket'],
  check(bucket, stack) {
    return allHold([
      ...blocks(bucket.config.versioning).map((v) => isTrue(v.enabled)),
      ...bucketCompanions(stack, bucket, 'aws_s3_bucket_versioning').map((v) =>
        blocks(v.config.versioning_configuration).some((c) => c.status === 'Enabled'),
      ),
    ]);
  },
};
