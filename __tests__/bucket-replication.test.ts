import { TerraformStack, Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { BucketReplication, BucketReplicationProps } from '../constructs/bucket-replication';
import { DataBucket } from '../constructs/data-bucket';
import {
  Block,
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  synthScopeJson,
  dataAt,
  dataRef,
} from '../test-support/synth';

/** One region of the fixture: its provider and its data bucket. */
interface Region {
  readonly provider: AwsProvider;
  readonly bucket: DataBucket;
}

type Regions = Record<string, Region>;

interface Overrides extends Partial<Omit<BucketReplicationProps, 'provider' | 'source' | 'destinations'>> {
  /** Source region; its provider and bucket are the fixture's. */
  readonly from?: string;
  /** Destination regions, each with the fixture's bucket of that region. */
  readonly to?: string[];
}

/** `us-east-1` → `UsEast1`. */
function pascal(region: string): string {
  return region
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A provider aliased like the app's (`eu_west_1`) and a real data bucket in each region. */
function regions(scope: TerraformStack, names = ['us-east-1', 'eu-west-1']): Regions {
  return Object.fromEntries(
    names.map((region) => {
      const provider = new AwsProvider(scope, `aws-${region}`, { region, alias: region.replace(/-/g, '_') });
      const bucket = new DataBucket(scope, `Data${pascal(region)}`, {
        provider,
        bucketName: `fargate-test-data-${region}`,
        keyAlias: 'fargate-test/s3',
      });
      return [region, { provider, bucket }];
    }),
  );
}

/** Replication `from` → `to` (us-east-1 → eu-west-1 by default) under the ID `Replication`. */
function build(scope: TerraformStack, overrides: Overrides = {}, all = regions(scope)): BucketReplication {
  const { from = 'us-east-1', to = ['eu-west-1'], ...props } = overrides;
  return new BucketReplication(scope, 'Replication', {
    provider: all[from].provider,
    region: from,
    namePrefix: 'fargate-test',
    source: all[from].bucket,
    destinations: to.map((region) => ({ region, bucket: all[region].bucket })),
    ...props,
  });
}

function synthReplication(overrides: Overrides = {}, names?: string[]): SynthesizedJson {
  return synthScopeJson((scope) =>
    build(scope as TerraformStack, overrides, regions(scope as TerraformStack, names)),
  );
}

/** The construct alone, not synthesized: for constructor errors. */
function construct(
  props: (all: Regions, stack: TerraformStack) => Partial<BucketReplicationProps>,
  names?: string[],
): BucketReplication {
  const stack = new TerraformStack(Testing.app(), 'test');
  const all = regions(stack, names);
  return new BucketReplication(stack, 'Replication', {
    provider: all['us-east-1'].provider,
    region: 'us-east-1',
    namePrefix: 'fargate-test',
    source: all['us-east-1'].bucket,
    destinations: [{ region: 'eu-west-1', bucket: all['eu-west-1'].bucket }],
    ...props(all, stack),
  });
}

/** `aws_x.name`, the address Terraform expects in depends_on. */
function address(json: SynthesizedJson, type: string, suffix: string): string {
  return ref(json, type, suffix).replace(/^\$\{(.*)\.id\}$/, '$1');
}

interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  resources: string[];
  condition?: Array<{ test: string; variable: string; values: string[] }>;
}

const policyDocument = (json: SynthesizedJson, suffix: string): Block =>
  dataAt(json, 'aws_iam_policy_document', suffix);
const documentRef = (json: SynthesizedJson, suffix: string, attribute = 'json'): string =>
  dataRef(json, 'aws_iam_policy_document', suffix, attribute);

function statements(json: SynthesizedJson, suffix = 'Replication/Permissions'): Statement[] {
  return policyDocument(json, suffix).statement as Statement[];
}

/** Every resource of the policy with the sorted set of actions allowed on it, whatever the statements. */
function actionsByResource(list: Statement[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const statement of list) {
    expect(statement.effect).toBe('Allow');
    for (const resource of statement.resources) {
      out[resource] ??= new Set();
      statement.actions.forEach((action) => out[resource].add(action));
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([resource, actions]) => [resource, [...actions].sort()]),
  );
}

interface Rule {
  id: string;
  priority: number;
  status: string;
  filter: Record<string, unknown>;
  delete_marker_replication: { status: string };
  source_selection_criteria: { sse_kms_encrypted_objects: { status: string } };
  destination: {
    bucket: string;
    storage_class: string;
    encryption_configuration: { replica_kms_key_id: string };
    replication_time?: unknown;
    metrics?: unknown;
  };
}

function configuration(
  json: SynthesizedJson,
  suffix = 'Replication/Configuration',
): Block & { rule: Rule[] } {
  return resourceAt(json, 'aws_s3_bucket_replication_configuration', suffix) as unknown as Block & {
    rule: Rule[];
  };
}

const bucketArn = (json: SynthesizedJson, region: string) =>
  ref(json, 'aws_s3_bucket', `Data${pascal(region)}/Bucket`, 'arn');
const keyArn = (json: SynthesizedJson, region: string) =>
  ref(json, 'aws_kms_key', `Data${pascal(region)}/Key/Key`, 'arn');

describe('BucketReplication', () => {
  it('creates a role that only S3 can assume', () => {
    // GIVEN / WHEN replication from us-east-1 to eu-west-1
    const json = synthReplication();
    // THEN
    expect(policyDocument(json, 'Replication/Trust').statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['s3.amazonaws.com'] }],
      },
    ]);
    expect(resourceAt(json, 'aws_iam_role', 'Replication/Role')).toMatchObject({
      name_prefix: 'fargate-test-s3repl-us-east-1-',
      description: 'S3 replication from us-east-1 to eu-west-1',
      assume_role_policy: documentRef(json, 'Replication/Trust'),
    });
  });

  it('attaches the permissions document to the role as an inline policy', () => {
    const json = synthReplication();
    expect(resourceAt(json, 'aws_iam_role_policy', 'Replication/Policy')).toMatchObject({
      role: ref(json, 'aws_iam_role', 'Replication/Role'),
      policy: documentRef(json, 'Replication/Permissions'),
    });
  });

  it("grants exactly the seed's S3 permissions plus the KMS ones, on named resources only", () => {
    // GIVEN / WHEN
    const json = synthReplication();
    // THEN actions per resource, compared as sets
    const source = bucketArn(json, 'us-east-1');
    const destination = bucketArn(json, 'eu-west-1');
    expect(actionsByResource(statements(json))).toEqual({
      [source]: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      [`${source}/*`]: [
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionTagging',
      ],
      [`${destination}/*`]: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
      [keyArn(json, 'us-east-1')]: ['kms:Decrypt'],
      [keyArn(json, 'eu-west-1')]: ['kms:Decrypt', 'kms:Encrypt'],
    });
  });

  it('lets each key be used only through S3 in its own region, for its own bucket', () => {
    const json = synthReplication();
    const onKey = (region: string) =>
      statements(json).filter((s) => s.resources.includes(keyArn(json, region)));
    for (const [region, sid] of [
      ['us-east-1', 'DecryptSource'],
      ['eu-west-1', 'EncryptReplicasInEuWest1'],
    ]) {
      const arn = bucketArn(json, region);
      expect(onKey(region)).toEqual([
        expect.objectContaining({
          sid,
          resources: [keyArn(json, region)],
          condition: [
            { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] },
            {
              test: 'StringLike',
              variable: 'kms:EncryptionContext:aws:s3:arn',
              values: [arn, `${arn}/*`],
            },
          ],
        }),
      ]);
    }
  });

  it('writes one V2 rule for all objects with delete markers and SSE-KMS objects to the destination', () => {
    // GIVEN / WHEN
    const json = synthReplication();
    // THEN
    const config = configuration(json);
    expect(config).toMatchObject({
      bucket: ref(json, 'aws_s3_bucket', 'DataUsEast1/Bucket'),
      role: ref(json, 'aws_iam_role', 'Replication/Role', 'arn'),
    });
    expect(config.rule).toEqual([
      {
        id: 'to-eu-west-1',
        priority: 1,
        status: 'Enabled',
        filter: { prefix: '' },
        delete_marker_replication: { status: 'Enabled' },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
        destination: {
          bucket: bucketArn(json, 'eu-west-1'),
          storage_class: 'STANDARD',
          encryption_configuration: { replica_kms_key_id: keyArn(json, 'eu-west-1') },
        },
      },
    ]);
  });

  it('gives each destination its own rule, priority, S3 and KMS statements', () => {
    // GIVEN / WHEN three regions, us-east-1 replicating to the other two
    const json = synthReplication({ to: ['eu-west-1', 'ap-southeast-2'] }, [
      'us-east-1',
      'eu-west-1',
      'ap-southeast-2',
    ]);
    // THEN
    const rules = configuration(json).rule;
    expect(rules.map((rule) => [rule.id, rule.priority, rule.destination.bucket])).toEqual([
      ['to-eu-west-1', 1, bucketArn(json, 'eu-west-1')],
      ['to-ap-southeast-2', 2, bucketArn(json, 'ap-southeast-2')],
    ]);
    expect(rules[1].destination.encryption_configuration.replica_kms_key_id).toBe(
      keyArn(json, 'ap-southeast-2'),
    );
    const byResource = actionsByResource(statements(json));
    expect(byResource[`${bucketArn(json, 'ap-southeast-2')}/*`]).toEqual([
      's3:ReplicateDelete',
      's3:ReplicateObject',
      's3:ReplicateTags',
    ]);
    expect(byResource[keyArn(json, 'ap-southeast-2')]).toEqual(['kms:Decrypt', 'kms:Encrypt']);
    const sydney = statements(json).find((s) => s.sid === 'EncryptReplicasInApSoutheast2');
    expect(sydney?.condition?.[0].values).toEqual(['s3.ap-southeast-2.amazonaws.com']);
    expect(resourceAt(json, 'aws_iam_role', 'Replication/Role').description).toBe(
      'S3 replication from us-east-1 to eu-west-1, ap-southeast-2',
    );
  });

  it('waits for versioning at both ends and for the role policy', () => {
    const json = synthReplication({ to: ['eu-west-1', 'ap-southeast-2'] }, [
      'us-east-1',
      'eu-west-1',
      'ap-southeast-2',
    ]);
    expect(configuration(json).depends_on).toEqual([
      address(json, 'aws_s3_bucket_versioning', 'DataUsEast1/Versioning'),
      address(json, 'aws_s3_bucket_versioning', 'DataEuWest1/Versioning'),
      address(json, 'aws_s3_bucket_versioning', 'DataApSoutheast2/Versioning'),
      address(json, 'aws_iam_role_policy', 'Replication/Policy'),
    ]);
  });

  it('sets no replication time control or metrics by default', () => {
    const json = synthReplication();
    const { destination } = configuration(json).rule[0];
    expect(destination.replication_time).toBeUndefined();
    expect(destination.metrics).toBeUndefined();
  });

  it('turns on the 15-minute replication time control with its metrics on every rule', () => {
    // GIVEN / WHEN
    const json = synthReplication({ replicationTimeControl: true, to: ['eu-west-1', 'ap-southeast-2'] }, [
      'us-east-1',
      'eu-west-1',
      'ap-southeast-2',
    ]);
    // THEN
    for (const rule of configuration(json).rule) {
      expect(rule.destination).toMatchObject({
        replication_time: { status: 'Enabled', time: { minutes: 15 } },
        metrics: { status: 'Enabled', event_threshold: { minutes: 15 } },
      });
    }
  });

  it('puts the role, the documents and the configuration on the source region’s provider', () => {
    const json = synthReplication();
    const own = allBlocks(json).filter((block) => block.path.includes('/Replication/'));
    expect(own.map((block) => block.type).sort()).toEqual([
      'aws_iam_policy_document',
      'aws_iam_policy_document',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_s3_bucket_replication_configuration',
    ]);
    expect(own.every((block) => block.provider === 'aws.us_east_1')).toBe(true);
  });

  it('replicates both ways with two instances that each sit on their own source bucket and provider', () => {
    // GIVEN two regions WHEN replicating us-east-1 → eu-west-1 and eu-west-1 → us-east-1
    const json = synthScopeJson((scope) => {
      const stack = scope as TerraformStack;
      const all = regions(stack);
      for (const [from, to, id] of [
        ['us-east-1', 'eu-west-1', 'ReplicationToEuWest1'],
        ['eu-west-1', 'us-east-1', 'ReplicationToUsEast1'],
      ]) {
        new BucketReplication(stack, id, {
          provider: all[from].provider,
          region: from,
          namePrefix: 'fargate-test',
          source: all[from].bucket,
          destinations: [{ region: to, bucket: all[to].bucket }],
        });
      }
    });
    // THEN each configuration is on its source bucket, with its provider and its own role
    for (const [id, from, to] of [
      ['ReplicationToEuWest1', 'us-east-1', 'eu-west-1'],
      ['ReplicationToUsEast1', 'eu-west-1', 'us-east-1'],
    ]) {
      const config = configuration(json, `${id}/Configuration`);
      expect(config).toMatchObject({
        provider: `aws.${from.replace(/-/g, '_')}`,
        bucket: ref(json, 'aws_s3_bucket', `Data${pascal(from)}/Bucket`),
        role: ref(json, 'aws_iam_role', `${id}/Role`, 'arn'),
      });
      expect(config.rule.map((rule) => [rule.id, rule.destination.bucket])).toEqual([
        [`to-${to}`, bucketArn(json, to)],
      ]);
      expect(resourceAt(json, 'aws_iam_role', `${id}/Role`)).toMatchObject({
        provider: `aws.${from.replace(/-/g, '_')}`,
        name_prefix: `fargate-test-s3repl-${from}-`,
      });
      const kms = statements(json, `${id}/Permissions`).find((s) => s.sid === 'DecryptSource');
      expect(kms).toMatchObject({
        resources: [keyArn(json, from)],
        condition: expect.arrayContaining([
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${from}.amazonaws.com`] },
        ]),
      });
    }
  });

  it('exposes the role and the configuration', () => {
    const replication = build(new TerraformStack(Testing.app(), 'test'));
    expect(replication.role).toBeInstanceOf(IamRole);
    expect(replication.configuration).toBeInstanceOf(S3BucketReplicationConfigurationA);
  });

  it('rejects no destinations', () => {
    expect(() => construct(() => ({ destinations: [] }))).toThrow(
      'BucketReplication: destinations [] is not allowed; give at least 1 destination',
    );
  });

  it('rejects a destination that is not a region name', () => {
    expect(() =>
      construct((all) => ({ destinations: [{ region: 'Europe', bucket: all['eu-west-1'].bucket }] })),
    ).toThrow(
      'BucketReplication: destinations ["Europe"] is not allowed; give region names such as eu-west-1 (they name the rules and the KMS conditions)',
    );
  });

  it('rejects two destinations in the same region', () => {
    // GIVEN two buckets in eu-west-1
    expect(() =>
      construct((all, stack) => {
        const other = new DataBucket(stack, 'OtherEuWest1', {
          provider: all['eu-west-1'].provider,
          bucketName: 'fargate-test-other-eu-west-1',
          keyAlias: 'fargate-test/s3-other',
        });
        return {
          destinations: [
            { region: 'eu-west-1', bucket: all['eu-west-1'].bucket },
            { region: 'eu-west-1', bucket: other },
          ],
        };
      }),
    ).toThrow(
      'BucketReplication: destinations ["eu-west-1","eu-west-1"] is not allowed; regions must be distinct',
    );
  });

  it('rejects the source region as a destination', () => {
    // GIVEN a second bucket in the source region
    expect(() =>
      construct((all, stack) => {
        const other = new DataBucket(stack, 'OtherUsEast1', {
          provider: all['us-east-1'].provider,
          bucketName: 'fargate-test-other-us-east-1',
          keyAlias: 'fargate-test/s3-other',
        });
        return { destinations: [{ region: 'us-east-1', bucket: other }] };
      }),
    ).toThrow(
      'BucketReplication: destinations ["us-east-1"] is not allowed; the source region us-east-1 is not a destination; replicate to other regions',
    );
  });

  it('rejects a destination region other than its bucket’s', () => {
    expect(() =>
      construct((all) => ({ destinations: [{ region: 'eu-central-1', bucket: all['eu-west-1'].bucket }] })),
    ).toThrow(
      'BucketReplication: destinations[0].region "eu-central-1" is not allowed; it must be the region of its bucket\'s provider (eu-west-1)',
    );
  });

  it('rejects a source region that is not a region name', () => {
    expect(() => construct(() => ({ region: 'US East' }))).toThrow(
      'BucketReplication: region "US East" is not allowed; give a region name such as us-east-1',
    );
  });

  it('rejects a source region other than its provider’s', () => {
    expect(() => construct(() => ({ region: 'us-west-2' }))).toThrow(
      'BucketReplication: region "us-west-2" is not allowed; it must be the region of its provider (us-east-1)',
    );
  });

  it('rejects a source bucket in another region than the provider’s', () => {
    // GIVEN the eu-west-1 bucket as the source, with the us-east-1 provider
    expect(() =>
      construct(
        (all) => ({
          source: all['eu-west-1'].bucket,
          destinations: [{ region: 'ap-southeast-2', bucket: all['ap-southeast-2'].bucket }],
        }),
        ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      ),
    ).toThrow(
      'BucketReplication: region "us-east-1" is not allowed; it must be the region of the source bucket\'s provider (eu-west-1)',
    );
  });
});

describe('BucketReplication alarms (issue 20)', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:fargate-test-alarms';
  const alarms = (json: SynthesizedJson) =>
    Object.values(json.resource?.aws_cloudwatch_metric_alarm ?? {}) as Block[];

  it('creates no alarm and no metrics without a topic', () => {
    const json = synthReplication();
    expect(alarms(json)).toEqual([]);
    const rule = (
      resourceAt(json, 'aws_s3_bucket_replication_configuration', 'Replication/Configuration').rule as Block[]
    )[0];
    expect((rule.destination as Block).metrics).toBeUndefined();
  });

  it('turns replication metrics on and alarms on failed operations and latency per destination, to the topic', () => {
    // GIVEN replication to two regions with the source region's topic
    const json = synthReplication({ alarmTopicArn: TOPIC, to: ['eu-west-1', 'ap-south-1'] }, [
      'us-east-1',
      'eu-west-1',
      'ap-south-1',
    ]);
    // THEN every rule publishes metrics (no RTC, so no event threshold)
    const rules = resourceAt(json, 'aws_s3_bucket_replication_configuration', 'Replication/Configuration')
      .rule as Block[];
    for (const rule of rules) expect((rule.destination as Block).metrics).toEqual({ status: 'Enabled' });
    // AND each destination has its two alarms on its rule's metrics, with alarm and OK actions
    const byName = Object.fromEntries(alarms(json).map((alarm) => [alarm.alarm_name, alarm]));
    expect(Object.keys(byName).sort()).toEqual([
      'fargate-test-s3-replication-us-east-1-to-ap-south-1-failed',
      'fargate-test-s3-replication-us-east-1-to-ap-south-1-latency',
      'fargate-test-s3-replication-us-east-1-to-eu-west-1-failed',
      'fargate-test-s3-replication-us-east-1-to-eu-west-1-latency',
    ]);
    expect(byName['fargate-test-s3-replication-us-east-1-to-eu-west-1-failed']).toMatchObject({
      namespace: 'AWS/S3',
      metric_name: 'OperationsFailedReplication',
      statistic: 'Sum',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      dimensions: {
        SourceBucket: ref(json, 'aws_s3_bucket', 'DataUsEast1/Bucket'),
        DestinationBucket: ref(json, 'aws_s3_bucket', 'DataEuWest1/Bucket'),
        RuleId: 'to-eu-west-1',
      },
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
      provider: 'aws.us_east_1',
    });
    expect(byName['fargate-test-s3-replication-us-east-1-to-eu-west-1-latency']).toMatchObject({
      metric_name: 'ReplicationLatency',
      statistic: 'Maximum',
      threshold: 900,
    });
  });

  it('keeps the RTC event threshold when replication time control is on', () => {
    const json = synthReplication({ alarmTopicArn: TOPIC, replicationTimeControl: true });
    const rule = (
      resourceAt(json, 'aws_s3_bucket_replication_configuration', 'Replication/Configuration').rule as Block[]
    )[0];
    expect((rule.destination as Block).metrics).toEqual({
      status: 'Enabled',
      event_threshold: { minutes: 15 },
    });
    expect(alarms(json)).toHaveLength(2);
  });
});
