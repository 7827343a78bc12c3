import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { sqsEncrypted } from '../../policies/rules/sqs-encrypted';
import { ruleResults } from '../../test-support/policy';

describe('rule sqs-encrypted', () => {
  it('passes a queue with SQS-managed encryption or a KMS key', () => {
    const results = ruleResults(sqsEncrypted, (scope, provider) => {
      new SqsQueue(scope, 'Managed', { provider, name: 'a', sqsManagedSseEnabled: true });
      new SqsQueue(scope, 'Kms', { provider, name: 'b', kmsMasterKeyId: 'alias/queue' });
    });
    expect(results).toEqual({ Managed: 'compliant', Kms: 'compliant' });
  });

  it('fails a queue with encryption off or not stated', () => {
    const results = ruleResults(sqsEncrypted, (scope, provider) => {
      new SqsQueue(scope, 'Off', { provider, name: 'a', sqsManagedSseEnabled: false });
      new SqsQueue(scope, 'Unsaid', { provider, name: 'b' });
    });
    expect(results).toEqual({ Off: 'non-compliant', Unsaid: 'non-compliant' });
  });
});
