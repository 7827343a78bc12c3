import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

export interface EncryptionKeyProps {
  /** The provider of the region the key lives in (KMS keys are regional). */
  readonly provider: AwsProvider;
  /** Alias without the `alias/` prefix, e.g. `fargate-dev/efs`. */
  readonly alias: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /**
   * Key policy JSON.
   * @default - AWS's default key policy: the account's IAM policies decide who may use the key
   */
  readonly policy?: string;
  /**
   * Days KMS waits before deleting the key once scheduled for deletion (7 to 30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
}

/**
 * A customer-managed, symmetric KMS key with yearly automatic rotation and an alias.
 */
export class EncryptionKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'Key', {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: props.policy,
    });
    this.alias = new KmsAlias(this, 'Alias', {
      provider: props.provider,
      name: `alias/${props.alias}`,
      targetKeyId: this.key.keyId,
    });
  }

  /** ARN of the key. */
  public get arn(): string {
    return this.key.arn;
  }
}
