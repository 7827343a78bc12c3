import { RuleCheck } from '../stack-view';

/** The AWS-managed SNS key, by alias name or alias ARN. */
const AWS_MANAGED_KEY = /(?:^|:)alias\/aws\/sns$/;

/**
 * The topic is encrypted at rest with a KMS key that is not the AWS-managed `alias/aws/sns`:
 * CloudWatch alarms (and other AWS services) cannot publish to a topic encrypted with it, since its
 * key policy cannot be changed to let them use the key. The alias is recognized written literally
 * or through a `data.aws_kms_alias` / `data.aws_kms_key` looked up by it.
 */
export const snsEncrypted: RuleCheck = {
  appliesTo: ['aws_sns_topic'],
  check(topic, stack) {
    const key = topic.config.kms_master_key_id;
    if (typeof key !== 'string' || key === '') return 'non-compliant';
    const lookedUp = [...stack.referencedBy(key, 'aws_kms_alias'), ...stack.referencedBy(key, 'aws_kms_key')]
      .filter((b) => b.mode === 'data')
      .map((b) => b.config.name ?? b.config.key_id);
    const awsManaged = [key, ...lookedUp].some((k) => typeof k === 'string' && AWS_MANAGED_KEY.test(k));
    return awsManaged ? 'non-compliant' : 'compliant';
  },
};
