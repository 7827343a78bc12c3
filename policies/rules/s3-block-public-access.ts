import { RuleCheck } from '../stack-view';
import { allHold, bucketCompanions, isTrue } from './_storage-helpers';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/**
 * S3 buckets block all public access: an `aws_s3_bucket_public_access_block` on the bucket with all
 * four settings true (each defaults to false). The account-level block is not considered.
 */
export const s3BlockPublicAccess: RuleCheck = {
  appliesTo: ['aws_s3_bucket'],
  check(bucket, stack) {
    return allHold(
      bucketCompanions(stack, bucket, 'aws_s3_bucket_public_access_block').map((block) =>
        FLAGS.every((flag) => isTrue(block.config[flag])),
      ),
    );
  },
};
