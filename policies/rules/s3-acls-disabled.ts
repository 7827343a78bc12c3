import { RuleCheck } from '../stack-view';
import { allHold, blocks, bucketCompanions } from './_storage-helpers';

/**
 * S3 buckets have ACLs disabled: an `aws_s3_bucket_ownership_controls` on the bucket with
 * `rule.object_ownership` BucketOwnerEnforced.
 */
export const s3AclsDisabled: RuleCheck = {
  appliesTo: ['aws_s3_bucket'],
  check(bucket, stack) {
    return allHold(
      bucketCompanions(stack, bucket, 'aws_s3_bucket_ownership_controls').map((controls) =>
        blocks(controls.config.rule).some((rule) => rule.object_ownership === 'BucketOwnerEnforced'),
      ),
    );
  },
};
