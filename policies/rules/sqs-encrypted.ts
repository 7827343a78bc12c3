import { RuleCheck } from '../stack-view';

/** The queue is encrypted at rest: SQS-managed keys (SSE-SQS) or a KMS key. */
export const sqsEncrypted: RuleCheck = {
  appliesTo: ['aws_sqs_queue'],
  check(queue) {
    const kmsKey = queue.config.kms_master_key_id;
    if (typeof kmsKey === 'string' && kmsKey !== '') return 'compliant';
    return queue.config.sqs_managed_sse_enabled === true ? 'compliant' : 'non-compliant';
  },
};
