import { RuleCheck } from '../stack-view';
import { Block, StackView } from '../stack-view';
import { allHold, blocks, bucketCompanions, references } from './_storage-helpers';

const KMS_ALGORITHMS: unknown[] = ['aws:kms', 'aws:kms:dsse'];

const usesKms = (configuration: Record<string, unknown>): boolean =>
  blocks(configuration.rule).some((rule) =>
    blocks(rule.apply_server_side_encryption_by_default).some((d) =>
      KMS_ALGORITHMS.includes(d.sse_algorithm),
    ),
  );

const usesSseS3 = (configuration: Record<string, unknown>): boolean =>
  blocks(configuration.rule).every((rule) =>
    blocks(rule.apply_server_side_encryption_by_default).every((d) => d.sse_algorithm === 'AES256'),
  );

/**
 * Whether the bucket is where load balancers deliver their access or connection logs: an `aws_lb`
 * references it in an enabled `access_logs` or `connection_logs` block. Elastic Load Balancing
 * delivers logs only to buckets encrypted with SSE-S3, so KMS cannot be asked of such a bucket.
 */
function receivesLoadBalancerLogs(stack: StackView, bucket: Block): boolean {
  return ['aws_lb', 'aws_alb'].some((type) =>
    stack
      .resources(type)
      .some((lb) =>
        [...blocks(lb.config.access_logs), ...blocks(lb.config.connection_logs)].some(
          (logs) =>
            logs.enabled !== false && logs.enabled !== 'false' && references(stack, logs.bucket, bucket),
        ),
      ),
  );
}

/**
 * S3 buckets encrypt new objects with KMS by default: an
 * `aws_s3_bucket_server_side_encryption_configuration` on the bucket (or the legacy inline
 * `server_side_encryption_configuration`) with a rule whose default `sse_algorithm` is aws:kms or
 * aws:kms:dsse. As S3.17, the key is not checked (without `kms_master_key_id` it is aws/s3).
 * Not applicable to a load balancer log bucket encrypted with SSE-S3 (AES256), the only encryption
 * ELB log delivery supports; it is still checked for SSE-S3 rather than left unencrypted.
 */
export const s3KmsEncryption: RuleCheck = {
  appliesTo: ['aws_s3_bucket'],
  check(bucket, stack) {
    const encryption = bucketCompanions(stack, bucket, 'aws_s3_bucket_server_side_encryption_configuration');
    if (
      receivesLoadBalancerLogs(stack, bucket) &&
      encryption.length > 0 &&
      encryption.every((c) => usesSseS3(c.config))
    ) {
      return 'not-applicable';
    }
    return allHold([
      ...blocks(bucket.config.server_side_encryption_configuration).map(usesKms),
      ...encryption.map((c) => usesKms(c.config)),
    ]);
  },
};
