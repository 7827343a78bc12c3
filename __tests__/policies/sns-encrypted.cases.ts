import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { snsEncrypted } from '../../policies/rules/sns-encrypted';
import { ruleResults } from '../../test-support/policy';

describe('rule sns-encrypted', () => {
  it('passes a customer-managed key, fails no key and the AWS-managed alias/aws/sns', () => {
    // GIVEN topics with a customer key, none, the AWS-managed alias, its ARN, and a data source looking it up
    const results = ruleResults(snsEncrypted, (scope, provider) => {
      const key = new KmsKey(scope, 'Key', { provider, enableKeyRotation: true });
      const awsManaged = new DataAwsKmsAlias(scope, 'AwsManaged', { provider, name: 'alias/aws/sns' });
      new SnsTopic(scope, 'CustomerKey', { provider, name: 'customer-key', kmsMasterKeyId: key.arn });
      new SnsTopic(scope, 'Unencrypted', { provider, name: 'unencrypted' });
      new SnsTopic(scope, 'AwsManagedAlias', {
        provider,
        name: 'aws-alias',
        kmsMasterKeyId: 'alias/aws/sns',
      });
      new SnsTopic(scope, 'AwsManagedArn', {
        provider,
        name: 'aws-arn',
        kmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/aws/sns',
      });
      new SnsTopic(scope, 'AwsManagedLookup', {
        provider,
        name: 'aws-lookup',
        kmsMasterKeyId: awsManaged.targetKeyArn,
      });
    });
    // WHEN checked THEN only the customer-managed key complies (alarms cannot publish with aws/sns)
    expect(results).toEqual({
      CustomerKey: 'compliant',
      Unencrypted: 'non-compliant',
      AwsManagedAlias: 'non-compliant',
      AwsManagedArn: 'non-compliant',
      AwsManagedLookup: 'non-compliant',
    });
  });
});
