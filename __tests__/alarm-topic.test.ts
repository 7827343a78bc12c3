import { Fn } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AlarmTopic, AlarmTopicProps } from '../constructs/alarm-topic';
import {
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
  dataAt,
  dataRef,
} from '../test-support/synth';

type Overrides = Partial<Omit<AlarmTopicProps, 'provider'>>;

const ACCOUNT = '123456789012';

function synthTopic(props: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new AlarmTopic(scope, 'Alarms', {
      provider,
      namePrefix: 'fargate-test',
      region: 'eu-west-1',
      accountId: ACCOUNT,
      ...props,
    });
  });
}

type Statement = {
  sid: string;
  effect: string;
  principals: Array<{ type: string; identifiers: string[] }>;
  actions: string[];
  resources: string[];
  condition?: Array<{ test: string; variable: string; values: string[] }>;
};

function statements(json: SynthesizedJson, suffix: string): Statement[] {
  return dataAt(json, 'aws_iam_policy_document', suffix).statement as Statement[];
}

describe('AlarmTopic', () => {
  it('creates the topic named after the prefix, encrypted with its own customer-managed key', () => {
    // GIVEN / WHEN a topic with the defaults
    const json = synthTopic();
    // THEN
    expect(resources(json, 'aws_sns_topic')).toHaveLength(1);
    expect(resourceAt(json, 'aws_sns_topic', 'Alarms/Topic')).toMatchObject({
      name: 'fargate-test-alarms',
      kms_master_key_id: ref(json, 'aws_kms_key', 'Alarms/Key/Key', 'arn'),
    });
    expect(resourceAt(json, 'aws_kms_key', 'Alarms/Key/Key')).toMatchObject({ enable_key_rotation: true });
    expect(resourceAt(json, 'aws_kms_alias', 'Alarms/Key/Alias')).toMatchObject({
      name: 'alias/fargate-test/alarms',
      target_key_id: ref(json, 'aws_kms_key', 'Alarms/Key/Key', 'key_id'),
    });
  });

  it('gives the key an explicit policy: the account through IAM, and CloudWatch as AWS documents it', () => {
    // GIVEN / WHEN
    const json = synthTopic();
    // THEN the key carries the policy document
    expect(resourceAt(json, 'aws_kms_key', 'Alarms/Key/Key').policy).toBe(
      dataRef(json, 'aws_iam_policy_document', 'Alarms/KeyPolicy', 'json'),
    );
    // AND the document holds exactly the three statements
    expect(statements(json, 'Alarms/KeyPolicy')).toEqual([
      {
        sid: 'EnableIamPolicies',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:root`] }],
        actions: ['kms:*'],
        resources: ['*'],
      },
      {
        sid: 'AllowCloudWatchAlarmsToPublish',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      },
      {
        sid: 'AllowEventBridgeRulesToPublish',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      },
    ]);
  });

  it('lets only this account’s CloudWatch alarms and EventBridge rules of this region publish, and the owner manage the topic', () => {
    // GIVEN / WHEN
    const json = synthTopic();
    const topicArn = ref(json, 'aws_sns_topic', 'Alarms/Topic', 'arn');
    // THEN the policy is attached to the topic
    expect(resourceAt(json, 'aws_sns_topic_policy', 'Alarms/TopicPolicy')).toMatchObject({
      arn: topicArn,
      policy: dataRef(json, 'aws_iam_policy_document', 'Alarms/TopicPolicyDocument', 'json'),
    });
    const [owner, cloudWatch, eventBridge, tls] = statements(json, 'Alarms/TopicPolicyDocument');
    // AND the owner may manage and subscribe, but not publish
    expect(owner).toEqual({
      sid: 'OwnerManagesTopic',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:root`] }],
      actions: [
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:AddPermission',
        'sns:RemovePermission',
        'sns:DeleteTopic',
        'sns:Subscribe',
        'sns:ListSubscriptionsByTopic',
      ],
      resources: [topicArn],
    });
    // AND CloudWatch may publish only for this account's alarms in this region
    expect(cloudWatch).toEqual({
      sid: 'CloudWatchAlarmsPublish',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['sns:Publish'],
      resources: [topicArn],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:*`],
        },
      ],
    });
    // AND EventBridge may publish only for this account's rules in this region (backup job failures)
    expect(eventBridge).toEqual({
      sid: 'EventBridgeRulesPublish',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sns:Publish'],
      resources: [topicArn],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:aws:events:eu-west-1:${ACCOUNT}:rule/*`],
        },
      ],
    });
    // AND publishing without TLS is denied to everyone
    expect(tls).toEqual({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      actions: ['sns:Publish'],
      resources: [topicArn],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
    // AND nothing else allows publishing
    const publishers = statements(json, 'Alarms/TopicPolicyDocument').filter(
      (s) => s.effect === 'Allow' && s.actions.some((a) => a.toLowerCase() === 'sns:publish'),
    );
    expect(publishers.map((s) => s.principals)).toEqual([
      [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
    ]);
  });

  it('has no subscriptions by default', () => {
    // GIVEN / WHEN
    const json = synthTopic();
    // THEN
    expect(resources(json, 'aws_sns_topic_subscription')).toEqual([]);
  });

  it('subscribes each email address to the topic, identified by the address itself', () => {
    // GIVEN / WHEN two addresses
    const json = synthTopic({ emailAddresses: ['oncall@example.com', 'Platform.Team+alerts@example.co.uk'] });
    // THEN
    const topicArn = ref(json, 'aws_sns_topic', 'Alarms/Topic', 'arn');
    expect(
      resources(json, 'aws_sns_topic_subscription')
        .map((s) => s.path)
        .sort(),
    ).toEqual(['test/Alarms/Platform.Team+alerts@example.co.uk', 'test/Alarms/oncall@example.com']);
    for (const address of ['oncall@example.com', 'Platform.Team+alerts@example.co.uk']) {
      expect(resourceAt(json, 'aws_sns_topic_subscription', `Alarms/${address}`)).toMatchObject({
        topic_arn: topicArn,
        protocol: 'email',
        endpoint: address,
      });
    }
  });

  it('keeps a subscription’s Terraform address when another address is removed before it', () => {
    // GIVEN two addresses, then only the second
    const name = (json: SynthesizedJson) =>
      Object.entries(json.resource?.aws_sns_topic_subscription ?? {}).find(
        ([, block]) => block.endpoint === 'second@example.com',
      )?.[0];
    const before = synthTopic({ emailAddresses: ['first@example.com', 'second@example.com'] });
    // WHEN the first is removed
    const after = synthTopic({ emailAddresses: ['second@example.com'] });
    // THEN the second keeps its logical ID, so Terraform neither replaces nor re-confirms it
    expect(name(before)).toBeDefined();
    expect(name(after)).toBe(name(before));
  });

  it('takes the account ID as a token when the stack only knows it at plan time', () => {
    // GIVEN / WHEN an account ID that is a Terraform expression
    const json = synthTopic({ accountId: Fn.lower('123456789012') });
    // THEN the policies interpolate it
    const [, cloudWatch] = statements(json, 'Alarms/TopicPolicyDocument');
    expect(cloudWatch.condition?.[1].values[0]).toBe(
      'arn:aws:cloudwatch:eu-west-1:${lower("123456789012")}:alarm:*',
    );
  });

  it('puts every resource and data source on the given provider', () => {
    // GIVEN / WHEN a topic with a subscription
    const json = synthTopic({ emailAddresses: ['oncall@example.com'] });
    // THEN
    const blocks = allBlocks(json);
    expect(blocks.map((b) => b.type).sort()).toEqual([
      'aws_iam_policy_document',
      'aws_iam_policy_document',
      'aws_kms_alias',
      'aws_kms_key',
      'aws_sns_topic',
      'aws_sns_topic_policy',
      'aws_sns_topic_subscription',
    ]);
    expect(blocks.filter((b) => b.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it('rejects an account ID that is not 12 digits', () => {
    expect(() => synthTopic({ accountId: '12345' })).toThrow(
      'AlarmTopic: accountId "12345" is not allowed; use the 12-digit AWS account ID',
    );
  });

  it('rejects a region that is not a region code', () => {
    expect(() => synthTopic({ region: 'Ireland' })).toThrow(
      'AlarmTopic: region "Ireland" is not allowed; use an AWS region code such as us-east-1',
    );
  });

  it('rejects email addresses that are tokens', () => {
    expect(() => synthTopic({ emailAddresses: [Fn.lower('OnCall@example.com')] })).toThrow(
      /^AlarmTopic: emailAddresses \[".*"\] is not allowed; list the addresses literally: each one is its subscription’s construct ID$/,
    );
  });

  it('rejects something that is not an email address', () => {
    expect(() => synthTopic({ emailAddresses: ['oncall@example.com', 'ops team'] })).toThrow(
      'AlarmTopic: emailAddresses "ops team" is not allowed; use an email address such as oncall@example.com',
    );
  });

  it('rejects an address listed twice, whatever its case', () => {
    expect(() => synthTopic({ emailAddresses: ['oncall@example.com', 'OnCall@Example.com'] })).toThrow(
      'AlarmTopic: emailAddresses ["oncall@example.com","OnCall@Example.com"] is not allowed; ' +
        'list each address once; repeated: oncall@example.com',
    );
  });
});
