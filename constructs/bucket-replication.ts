import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  S3BucketReplicationConfigurationA,
  S3BucketReplicationConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { DataBucket } from './data-bucket';
import { ValidationError } from './validation-error';
import { assumeRolePolicy } from './assume-role-policy';

/** A bucket the source replicates to, with its region. */
export interface BucketReplicationDestination {
  /** Region of the bucket, e.g. `eu-west-1`; must be the region of the bucket's provider. */
  readonly region: string;
  /** The destination bucket; its versioning must be on, as `DataBucket`'s is. */
  readonly bucket: DataBucket;
}

export interface BucketReplicationProps {
  /** The provider of the source bucket's region: the replication configuration and the role are created with it. */
  readonly provider: AwsProvider;
  /** Region of the source bucket, e.g. `us-east-1`; must be the region of `provider`. */
  readonly region: string;
  /** Prefix of the replication role's name, e.g. `fargate-dev`. */
  readonly namePrefix: string;
  /** The bucket whose objects are replicated. */
  readonly source: DataBucket;
  /** Buckets every object is replicated to, at least 1, each in a distinct region other than the source's. */
  readonly destinations: BucketReplicationDestination[];
  /**
   * S3 Replication Time Control: 99.99% of objects replicated within 15 minutes, with replication
   * metrics and missed-threshold events (both charged extra).
   * @default false - replication is best effort (most objects within minutes, no SLA) and has no metrics
   */
  readonly replicationTimeControl?: boolean;
  /**
   * ARN of the source region's alarm topic. With it, replication metrics are on for every rule
   * (charged like custom metrics) and two alarms per destination notify the topic, on ALARM and OK:
   * any failed replication operation (`OperationsFailedReplication`), and a replication latency
   * above 15 minutes (`ReplicationLatency`, maximum), the objective S3 RTC guarantees.
   * @default - no replication metrics (unless `replicationTimeControl`) and no alarms
   */
  readonly alarmTopicArn?: string;
}

const CONSTRUCT = 'BucketReplication';
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** The only time S3 Replication Time Control accepts, in minutes. */
const RTC_MINUTES = 15;

/**
 * Replication of every new object version and delete marker of a `DataBucket` to the buckets of other
 * regions: one V2 rule per destination, SSE-KMS objects included, replicas encrypted with the
 * destination bucket's own key and stored as STANDARD.
 *
 * The role carries the seed's S3 permissions, plus the KMS ones its SSE-KMS buckets need: decrypt
 * with the source key, encrypt with each destination key, and decrypt with each destination key too,
 * which S3 calls to verify the S3 Bucket Key that replicas of Bucket-Key objects are encrypted under.
 * Each KMS grant holds only through S3 in that key's region, for that key's bucket (encryption
 * context: the bucket ARN under a Bucket Key, the object ARN without one). `kms:GenerateDataKey` is
 * not granted: S3 needs it only to replicate unencrypted objects, which an SSE-KMS bucket never holds.
 *
 * Active-active (bidirectional) replication is two `BucketReplication`s, one from each side. It does
 * not loop: S3 does not replicate an object that is itself a replica made by another replication
 * rule (only S3 Batch Replication does, on request).
 *
 * Assumptions:
 * - Only objects written after the configuration exists are replicated; existing objects need S3
 *   Batch Replication.
 * - Delete markers from deletes without a version ID are replicated; deletes of a specific version,
 *   and delete markers that lifecycle rules create, are not, so a replica survives a malicious or
 *   mistaken permanent delete at the source.
 * - Metadata changes made to replicas (tags, ACLs) do not flow back; only writes to the source do.
 * - A bucket holds one replication configuration, which this construct owns: one
 *   `BucketReplication` per source bucket.
 */
export class BucketReplication extends Construct {
  /** The role S3 assumes to replicate; trusted by `s3.amazonaws.com` only. */
  public readonly role: IamRole;
  /** The replication configuration on the source bucket. */
  public readonly configuration: S3BucketReplicationConfigurationA;
  /** With `alarmTopicArn`: per destination region, the failed-operations and latency alarms. */
  public readonly alarms: Readonly<
    Record<string, { failed: CloudwatchMetricAlarm; latency: CloudwatchMetricAlarm }>
  >;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    validate(props);
    const { provider, region, source, destinations } = props;
    const sourceArn = source.bucket.arn;

    const trust = assumeRolePolicy(this, 'Trust', { provider, service: 's3.amazonaws.com' });
    this.role = new IamRole(this, 'Role', {
      provider,
      namePrefix: `${props.namePrefix}-s3repl-${region}-`.slice(0, 38),
      description: `S3 replication from ${region} to ${destinations.map((d) => d.region).join(', ')}`,
      assumeRolePolicy: trust.json,
    });

    const permissions = new DataAwsIamPolicyDocument(this, 'Permissions', {
      provider,
      statement: [
        {
          sid: 'ReadSourceReplicationConfiguration',
          effect: 'Allow',
          actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          resources: [sourceArn],
        },
        {
          sid: 'ReadSourceObjectVersions',
          effect: 'Allow',
          actions: [
            's3:GetObjectVersionForReplication',
            's3:GetObjectVersionAcl',
            's3:GetObjectVersionTagging',
          ],
          resources: [`${sourceArn}/*`],
        },
        keyStatement('DecryptSource', ['kms:Decrypt'], source, region),
        ...destinations.flatMap(({ region: destinationRegion, bucket }) => {
          const sidSuffix = pascalCase(destinationRegion);
          return [
            {
              sid: `ReplicateTo${sidSuffix}`,
              effect: 'Allow',
              actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
              resources: [`${bucket.bucket.arn}/*`],
            },
            keyStatement(
              `EncryptReplicasIn${sidSuffix}`,
              ['kms:Encrypt', 'kms:Decrypt'],
              bucket,
              destinationRegion,
            ),
          ];
        }),
      ],
    });
    const policy = new IamRolePolicy(this, 'Policy', {
      provider,
      role: this.role.id,
      name: 's3-replication',
      policy: permissions.json,
    });

    const rtc = props.replicationTimeControl ?? false;
    const rules: S3BucketReplicationConfigurationRule[] = destinations.map(
      ({ region: destinationRegion, bucket }, index) => ({
        id: `to-${destinationRegion}`,
        priority: index + 1,
        status: 'Enabled',
        // A filter makes the rule V2 (needed for delete-marker replication and several rules); an
        // empty prefix selects every object.
        filter: { prefix: '' },
        deleteMarkerReplication: { status: 'Enabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: bucket.bucket.arn,
          storageClass: 'STANDARD',
          encryptionConfiguration: { replicaKmsKeyId: bucket.key.arn },
          // S3 requires the two together: the 15-minute SLA and the metrics that report against it.
          // Without RTC, metrics alone (no missed-threshold events) feed the alarms.
          replicationTime: rtc ? { status: 'Enabled', time: { minutes: RTC_MINUTES } } : undefined,
          metrics: rtc
            ? { status: 'Enabled', eventThreshold: { minutes: RTC_MINUTES } }
            : props.alarmTopicArn
              ? { status: 'Enabled' }
              : undefined,
        },
      }),
    );

    this.configuration = new S3BucketReplicationConfigurationA(this, 'Configuration', {
      provider,
      bucket: source.bucket.id,
      role: this.role.arn,
      rule: rules,
      // S3 refuses a replication configuration unless versioning is on at both ends; the policy must
      // be in place before the first object is replicated, or that object's replication fails.
      dependsOn: [source.versioning, ...destinations.map((d) => d.bucket.versioning), policy],
    });

    const alarms: Record<string, { failed: CloudwatchMetricAlarm; latency: CloudwatchMetricAlarm }> = {};
    const topic = props.alarmTopicArn;
    for (const { region: destinationRegion, bucket } of topic ? destinations : []) {
      const common = {
        provider,
        namespace: 'AWS/S3',
        dimensions: {
          SourceBucket: source.bucket.id,
          DestinationBucket: bucket.bucket.id,
          RuleId: `to-${destinationRegion}`,
        },
        period: 300,
        evaluationPeriods: 1,
        // S3 publishes the metrics only while there is replication traffic.
        treatMissingData: 'notBreaching',
        alarmActions: [topic as string],
        okActions: [topic as string],
      };
      const name = `${props.namePrefix}-s3-replication-${region}-to-${destinationRegion}`;
      alarms[destinationRegion] = {
        failed: new CloudwatchMetricAlarm(this, `${pascalCase(destinationRegion)}FailedAlarm`, {
          ...common,
          alarmName: `${name}-failed`,
          alarmDescription: `Objects of ${region}'s data bucket failed to replicate to ${destinationRegion}: they exist only in ${region}`,
          metricName: 'OperationsFailedReplication',
          statistic: 'Sum',
          threshold: 0,
          comparisonOperator: 'GreaterThanThreshold',
        }),
        latency: new CloudwatchMetricAlarm(this, `${pascalCase(destinationRegion)}LatencyAlarm`, {
          ...common,
          alarmName: `${name}-latency`,
          alarmDescription: `Replication of ${region}'s data bucket to ${destinationRegion} lags by more than ${RTC_MINUTES} minutes: writes of that window would be lost with ${region}`,
          metricName: 'ReplicationLatency',
          statistic: 'Maximum',
          threshold: RTC_MINUTES * 60,
          comparisonOperator: 'GreaterThanThreshold',
        }),
      };
    }
    this.alarms = alarms;
  }
}

/**
 * `actions` on `bucket`'s key, only through S3 in `region` and only for that bucket's objects: the
 * encryption context is the bucket ARN under an S3 Bucket Key, the object ARN otherwise.
 */
function keyStatement(
  sid: string,
  actions: string[],
  bucket: DataBucket,
  region: string,
): DataAwsIamPolicyDocumentStatement {
  return {
    sid,
    effect: 'Allow',
    actions,
    resources: [bucket.key.arn],
    condition: [
      { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] },
      {
        test: 'StringLike',
        variable: 'kms:EncryptionContext:aws:s3:arn',
        values: [bucket.bucket.arn, `${bucket.bucket.arn}/*`],
      },
    ],
  };
}

/** `eu-west-1` → `EuWest1`: a region in an IAM statement ID, which allows only letters and digits. */
function pascalCase(region: string): string {
  return region
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function validate(props: BucketReplicationProps): void {
  const { region, destinations } = props;
  if (!Token.isUnresolved(region) && !REGION_PATTERN.test(region)) {
    throw new ValidationError(CONSTRUCT, 'region', region, 'give a region name such as us-east-1');
  }
  checkRegion('region', region, 'the region of its provider', props.provider.region);
  checkRegion(
    'region',
    region,
    "the region of the source bucket's provider",
    providerRegion(props.source.bucket.provider),
  );

  if (Token.isUnresolved(destinations)) return;
  const names = destinations.map((destination) => destination.region);
  if (names.length === 0) {
    throw new ValidationError(CONSTRUCT, 'destinations', names, 'give at least 1 destination');
  }
  if (!names.every((name) => Token.isUnresolved(name) || REGION_PATTERN.test(name))) {
    throw new ValidationError(
      CONSTRUCT,
      'destinations',
      names,
      'give region names such as eu-west-1 (they name the rules and the KMS conditions)',
    );
  }
  if (new Set(names).size !== names.length) {
    throw new ValidationError(CONSTRUCT, 'destinations', names, 'regions must be distinct');
  }
  if (names.includes(region)) {
    throw new ValidationError(
      CONSTRUCT,
      'destinations',
      names,
      `the source region ${region} is not a destination; replicate to other regions`,
    );
  }
  destinations.forEach((destination, index) =>
    checkRegion(
      `destinations[${index}].region`,
      destination.region,
      "the region of its bucket's provider",
      providerRegion(destination.bucket.bucket.provider),
    ),
  );
}

function providerRegion(provider: unknown): string | undefined {
  return provider instanceof AwsProvider ? provider.region : undefined;
}

/** `region` must be `expected`, when both are literals: KMS conditions and rules are built from it. */
function checkRegion(prop: string, region: string, what: string, expected: string | undefined): void {
  if (expected === undefined || Token.isUnresolved(expected) || Token.isUnresolved(region)) return;
  if (region !== expected) {
    throw new ValidationError(CONSTRUCT, prop, region, `it must be ${what} (${expected})`);
  }
}
