import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { EncryptionKey } from './encryption-key';
import { ValidationError } from './validation-error';

/**
 * What the topic's owner may do with it: SNS's default topic policy minus `Publish`, which is kept
 * for CloudWatch. Same-account principals still need these actions in their own IAM policies.
 */
const TOPIC_OWNER_ACTIONS = [
  'sns:GetTopicAttributes',
  'sns:SetTopicAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sns:DeleteTopic',
  'sns:Subscribe',
  'sns:ListSubscriptionsByTopic',
] as const;

/** A practical email address: no spaces, no `/` (it becomes a construct ID), a dotted domain. */
const EMAIL_PATTERN = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

export interface AlarmTopicProps {
  /** The provider of the region the topic lives in (alarms publish only to a topic of their own region). */
  readonly provider: AwsProvider;
  /** Prefix of every named resource, e.g. `orders-dev`; gives the topic `<prefix>-alarms`. */
  readonly namePrefix: string;
  /** The provider's region, e.g. `us-east-1`; scopes the topic policy to this region's alarms. */
  readonly region: string;
  /** AWS account ID (12 digits, or a token); the key and topic policies admit only this account. */
  readonly accountId: string;
  /**
   * Email addresses subscribed to the topic, each distinct (case-insensitively). SNS sends each a
   * confirmation mail; nothing is delivered until it is confirmed.
   * @default - no subscriptions
   */
  readonly emailAddresses?: string[];
}

/**
 * A region's alarm topic: SNS encrypted with a customer-managed KMS key that CloudWatch and
 * EventBridge may use (with the AWS-managed `aws/sns` key alarms cannot publish at all), a topic
 * policy that lets only this account's CloudWatch alarms and EventBridge rules of this region
 * publish, over TLS, and email subscriptions.
 *
 * Each subscription's construct ID is the email address itself: it is stable when addresses are
 * added or removed (an index would shift and replace every later subscription), unique because
 * addresses are validated distinct, readable in the plan, and needs no sanitizing that could make
 * two addresses collide. cdktf derives the Terraform name from it with a hash of the full path.
 */
export class AlarmTopic extends Construct {
  public readonly key: EncryptionKey;
  public readonly topic: SnsTopic;
  public readonly topicPolicy: SnsTopicPolicy;
  /** One email subscription per address, in the order given. */
  public readonly subscriptions: SnsTopicSubscription[];

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    validate(props);
    const { provider, namePrefix, region, accountId } = props;
    const accountRoot = `arn:aws:iam::${accountId}:root`;
    const sourceAccount = { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] };

    // In a key policy, resource "*" means this key.
    const keyPolicy = new DataAwsIamPolicyDocument(this, 'KeyPolicy', {
      provider,
      statement: [
        {
          sid: 'EnableIamPolicies',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [accountRoot] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          sid: 'AllowCloudWatchAlarmsToPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          // Exactly AWS's documented statement: whether CloudWatch's KMS calls carry
          // aws:SourceAccount is undocumented, and a condition they fail would silence every alarm.
          // The topic policy below limits publishing to this account's alarms.
        },
        {
          // EventBridge rules of this account (AWS Backup's failed backup and copy jobs) publish too.
          sid: 'AllowEventBridgeRulesToPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        },
      ],
    });
    this.key = new EncryptionKey(this, 'Key', {
      provider,
      alias: `${namePrefix}/alarms`,
      description: `Encrypts the alarm notifications of ${namePrefix}-alarms at rest`,
      policy: keyPolicy.json,
    });

    this.topic = new SnsTopic(this, 'Topic', {
      provider,
      name: `${namePrefix}-alarms`,
      kmsMasterKeyId: this.key.arn,
    });

    const publishFrom = (sid: string, service: string, sourceArn: string) => ({
      sid,
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: [`${service}.amazonaws.com`] }],
      actions: ['sns:Publish'],
      resources: [this.topic.arn],
      condition: [sourceAccount, { test: 'ArnLike', variable: 'aws:SourceArn', values: [sourceArn] }],
    });
    const topicPolicy = new DataAwsIamPolicyDocument(this, 'TopicPolicyDocument', {
      provider,
      statement: [
        {
          sid: 'OwnerManagesTopic',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [accountRoot] }],
          actions: [...TOPIC_OWNER_ACTIONS],
          resources: [this.topic.arn],
        },
        // CloudWatch alarms and EventBridge rules of this region and account may publish.
        publishFrom(
          'CloudWatchAlarmsPublish',
          'cloudwatch',
          `arn:aws:cloudwatch:${region}:${accountId}:alarm:*`,
        ),
        publishFrom('EventBridgeRulesPublish', 'events', `arn:aws:events:${region}:${accountId}:rule/*`),
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    this.topicPolicy = new SnsTopicPolicy(this, 'TopicPolicy', {
      provider,
      arn: this.topic.arn,
      policy: topicPolicy.json,
    });

    // Terraform cannot delete a subscription that was never confirmed; SNS drops it after 3 days.
    this.subscriptions = (props.emailAddresses ?? []).map(
      (address) =>
        new SnsTopicSubscription(this, address, {
          provider,
          topicArn: this.topic.arn,
          protocol: 'email',
          endpoint: address,
        }),
    );
  }
}

function validate(props: AlarmTopicProps): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('AlarmTopic', prop, value, allowed);
  };
  if (!Token.isUnresolved(props.accountId) && !/^\d{12}$/.test(props.accountId)) {
    fail('accountId', props.accountId, 'use the 12-digit AWS account ID');
  }
  if (!Token.isUnresolved(props.region) && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(props.region)) {
    fail('region', props.region, 'use an AWS region code such as us-east-1');
  }
  const addresses = props.emailAddresses ?? [];
  if (Token.isUnresolved(addresses) || addresses.some((address) => Token.isUnresolved(address))) {
    fail(
      'emailAddresses',
      addresses,
      'list the addresses literally: each one is its subscription’s construct ID',
    );
  }
  for (const address of addresses) {
    if (!EMAIL_PATTERN.test(address)) {
      fail('emailAddresses', address, 'use an email address such as oncall@example.com');
    }
  }
  const lowered = addresses.map((address) => address.toLowerCase());
  const repeated = lowered.filter((address, index) => lowered.indexOf(address) !== index);
  if (repeated.length > 0) {
    fail(
      'emailAddresses',
      addresses,
      `list each address once; repeated: ${[...new Set(repeated)].join(', ')}`,
    );
  }
}
