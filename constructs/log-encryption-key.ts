import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EncryptionKey } from './encryption-key';

export interface LogEncryptionKeyProps {
  /** The provider of the region whose log groups the key encrypts. */
  readonly provider: AwsProvider;
  /** The region; CloudWatch Logs is admitted as `logs.<region>.amazonaws.com`. */
  readonly region: string;
  /** The account that owns the key and the log groups. */
  readonly accountId: string;
  /** Alias without `alias/`, e.g. `fargate-dev/logs`. */
  readonly alias: string;
}

/**
 * A customer-managed key for a region's CloudWatch log groups. CloudWatch Logs encrypts with the
 * key itself, so the key policy must admit the regional Logs service principal, limited by the
 * encryption context to log groups of this account and region; the account root statement keeps
 * the key manageable through IAM.
 */
export class LogEncryptionKey extends Construct {
  public readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps) {
    super(scope, id);
    const { provider, region, accountId } = props;
    const policy = new DataAwsIamPolicyDocument(this, 'Policy', {
      provider,
      statement: [
        {
          sid: 'AccountAdministersTheKey',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${accountId}:root`] }],
          actions: ['kms:*'],
          // In a key policy "*" means this key.
          resources: ['*'],
        },
        {
          sid: 'CloudWatchLogsUsesTheKey',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: [
            'kms:Encrypt*',
            'kms:Decrypt*',
            'kms:ReEncrypt*',
            'kms:GenerateDataKey*',
            'kms:Describe*',
          ],
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:aws:logs:${region}:${accountId}:log-group:*`],
            },
          ],
        },
      ],
    });
    this.key = new EncryptionKey(this, 'Key', {
      provider,
      alias: props.alias,
      description: `CloudWatch Logs in ${region}`,
      policy: policy.json,
    });
  }

  public get arn(): string {
    return this.key.arn;
  }
}
