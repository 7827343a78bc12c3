import { Fn } from 'cdktf';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatementCondition,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { EncryptionKey } from '../constructs/encryption-key';
import { DataBucket, DataBucketProps } from '../constructs/data-bucket';
import {
  Block,
  SynthesizedJson,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
  dataAt,
  dataRef,
} from '../test-support/synth';

type Overrides = Partial<Omit<DataBucketProps, 'provider'>>;

function synthBucket(
  props: Overrides = {},
  extra: (bucket: DataBucket, provider: AwsProvider) => void = () => undefined,
): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const bucket = new DataBucket(scope, 'DataBucket', {
      provider,
      bucketName: 'fargate-test-data-eu-west-1',
      keyAlias: 'fargate-test/s3',
      ...props,
    });
    extra(bucket, provider);
  });
}

/** `aws_x.name`, the address Terraform expects in depends_on. */
function address(json: SynthesizedJson, type: string, suffix: string): string {
  return ref(json, type, suffix).replace(/^\$\{(.*)\.id\}$/, '$1');
}

const bucketName = 'fargate-test-data-eu-west-1';

describe('DataBucket', () => {
  it('creates the bucket with the given name and never force-destroys it', () => {
    // GIVEN / WHEN a bucket with the defaults
    const json = synthBucket();
    // THEN
    const buckets = resources(json, 'aws_s3_bucket');
    expect(buckets).toHaveLength(1);
    expect(buckets[0].bucket).toBe(bucketName);
    expect(buckets[0]).not.toHaveProperty('force_destroy');
    expect(buckets[0]).not.toHaveProperty('bucket_prefix');
  });

  it('enables versioning on the bucket', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_s3_bucket_versioning')).toEqual([
      expect.objectContaining({
        bucket: ref(json, 'aws_s3_bucket', 'Bucket'),
        versioning_configuration: { status: 'Enabled' },
      }),
    ]);
  });

  it('creates its own rotating KMS key under the given alias', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_kms_key')).toEqual([
      expect.objectContaining({
        path: 'test/DataBucket/Key/Key',
        description: `Objects in S3 bucket ${bucketName}`,
        enable_key_rotation: true,
        deletion_window_in_days: 30,
      }),
    ]);
    expect(resourceAt(json, 'aws_kms_alias', 'DataBucket/Key/Alias')).toMatchObject({
      name: 'alias/fargate-test/s3',
      target_key_id: ref(json, 'aws_kms_key', 'DataBucket/Key/Key', 'key_id'),
    });
  });

  it('encrypts objects with SSE-KMS under its key, with S3 Bucket Keys', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_s3_bucket_server_side_encryption_configuration')).toEqual([
      expect.objectContaining({
        bucket: ref(json, 'aws_s3_bucket', 'Bucket'),
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: 'aws:kms',
              kms_master_key_id: ref(json, 'aws_kms_key', 'DataBucket/Key/Key', 'arn'),
            },
            bucket_key_enabled: true,
          },
        ],
      }),
    ]);
  });

  it('blocks every kind of public access', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({
        bucket: ref(json, 'aws_s3_bucket', 'Bucket'),
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ]);
  });

  it('disables ACLs by enforcing bucket-owner object ownership', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_s3_bucket_ownership_controls')).toEqual([
      expect.objectContaining({
        bucket: ref(json, 'aws_s3_bucket', 'Bucket'),
        rule: { object_ownership: 'BucketOwnerEnforced' },
      }),
    ]);
  });

  it('attaches the policy document to the bucket after the public access block', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_s3_bucket_policy')).toEqual([
      expect.objectContaining({
        bucket: ref(json, 'aws_s3_bucket', 'Bucket'),
        policy: dataRef(json, 'aws_iam_policy_document', 'DataBucket/PolicyDocument', 'json'),
        depends_on: [address(json, 'aws_s3_bucket_public_access_block', 'PublicAccessBlock')],
      }),
    ]);
  });

  it('denies every S3 action over plain HTTP on the bucket and its objects', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    const arn = ref(json, 'aws_s3_bucket', 'Bucket', 'arn');
    expect(dataAt(json, 'aws_iam_policy_document', 'DataBucket/PolicyDocument').statement).toContainEqual({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      actions: ['s3:*'],
      resources: [arn, `${arn}/*`],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  it('denies every S3 action over TLS older than 1.2 on the bucket and its objects', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    const arn = ref(json, 'aws_s3_bucket', 'Bucket', 'arn');
    expect(dataAt(json, 'aws_iam_policy_document', 'DataBucket/PolicyDocument').statement).toContainEqual({
      sid: 'DenyTlsBelow12',
      effect: 'Deny',
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      actions: ['s3:*'],
      resources: [arn, `${arn}/*`],
      condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
    });
  });

  it('allows nothing in its bucket policy, which only denies', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    const statements = dataAt(json, 'aws_iam_policy_document', 'DataBucket/PolicyDocument')
      .statement as Array<{
      effect: string;
    }>;
    expect(statements.map((statement) => statement.effect)).toEqual(['Deny', 'Deny']);
  });

  it('expires noncurrent versions after 90 days and abandoned uploads after 7 by default, once versioned', () => {
    // GIVEN / WHEN a bucket with the defaults
    const json = synthBucket();
    // THEN
    expect(resources(json, 'aws_s3_bucket_lifecycle_configuration')).toEqual([
      expect.objectContaining({
        bucket: ref(json, 'aws_s3_bucket', 'Bucket'),
        depends_on: [address(json, 'aws_s3_bucket_versioning', 'Versioning')],
        rule: [
          {
            id: 'expire-noncurrent-versions-and-abandoned-uploads',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            noncurrent_version_expiration: [{ noncurrent_days: 90 }],
            expiration: [{ expired_object_delete_marker: true }],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
          },
        ],
      }),
    ]);
  });

  it('expires noncurrent versions after the given number of days', () => {
    // GIVEN / WHEN
    const json = synthBucket({ noncurrentVersionExpirationDays: 365 });
    // THEN
    const rule = (resourceAt(json, 'aws_s3_bucket_lifecycle_configuration', 'Lifecycle').rule as Block[])[0];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });

  it('aborts incomplete multipart uploads after the given number of days', () => {
    // GIVEN / WHEN
    const json = synthBucket({ abortIncompleteMultipartUploadDays: 1 });
    // THEN
    const rule = (resourceAt(json, 'aws_s3_bucket_lifecycle_configuration', 'Lifecycle').rule as Block[])[0];
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 1 }]);
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
  });

  it('accepts the bounds of both lifecycle periods', () => {
    // GIVEN / WHEN
    const json = synthBucket({
      noncurrentVersionExpirationDays: 3650,
      abortIncompleteMultipartUploadDays: 365,
    });
    // THEN
    const rule = (resourceAt(json, 'aws_s3_bucket_lifecycle_configuration', 'Lifecycle').rule as Block[])[0];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 3650 }]);
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 365 }]);
  });

  it('offers read/write statements scoped to this bucket, its objects and its key', () => {
    // GIVEN a task policy built from the bucket's statements
    const json = synthBucket({}, (bucket, provider) => {
      new DataAwsIamPolicyDocument(bucket, 'TaskPolicy', {
        provider,
        statement: bucket.readWriteStatements,
      });
    });
    // THEN
    const arn = ref(json, 'aws_s3_bucket', 'Bucket', 'arn');
    const statements = dataAt(json, 'aws_iam_policy_document', 'TaskPolicy').statement;
    expect(statements).toEqual([
      { effect: 'Allow', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [arn] },
      {
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${arn}/*`],
      },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [ref(json, 'aws_kms_key', 'DataBucket/Key/Key', 'arn')],
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  it('offers read/write statements for one key prefix: its objects, a listing of it, the key', () => {
    // GIVEN a service's task policy built from the statements for its prefix
    const json = synthBucket({}, (bucket, provider) => {
      new DataAwsIamPolicyDocument(bucket, 'OrdersPolicy', {
        provider,
        statement: bucket.readWriteStatementsFor('orders'),
      });
    });
    // THEN objects under orders/ only, listing scoped by s3:prefix, the bucket's key
    const arn = ref(json, 'aws_s3_bucket', 'Bucket', 'arn');
    const statements = dataAt(json, 'aws_iam_policy_document', 'OrdersPolicy').statement;
    expect(statements).toEqual([
      {
        effect: 'Allow',
        actions: ['s3:ListBucket'],
        resources: [arn],
        condition: [
          {
            test: 'StringLike',
            variable: 's3:prefix',
            values: expect.arrayContaining(['orders/*']) as unknown,
          },
        ],
      },
      { effect: 'Allow', actions: ['s3:GetBucketLocation'], resources: [arn] },
      {
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${arn}/orders/*`],
      },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [ref(json, 'aws_kms_key', 'DataBucket/Key/Key', 'arn')],
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('"*"');
    expect(JSON.stringify(statements)).not.toContain(`"${arn}/*"`);
  });

  it('keeps the objects of two services whose names share a beginning apart', () => {
    // GIVEN the statements of services "api" and "api-admin" on one bucket
    let api: ReturnType<DataBucket['readWriteStatementsFor']> = [];
    let admin: ReturnType<DataBucket['readWriteStatementsFor']> = [];
    synthBucket({}, (bucket) => {
      api = bucket.readWriteStatementsFor('api');
      admin = bucket.readWriteStatementsFor('api-admin');
    });
    // THEN each object grant ends its prefix with a slash, so "api" reaches nothing of "api-admin"
    const objects = (statements: typeof api) =>
      statements.filter((s) => s.actions?.includes('s3:GetObject')).flatMap((s) => s.resources ?? []);
    expect(objects(api)).toEqual([expect.stringMatching(/\}\/api\/\*$/)]);
    expect(objects(admin)).toEqual([expect.stringMatching(/\}\/api-admin\/\*$/)]);
  });

  it('lets a service list its own prefix only, not the keys of a service whose name begins like its own', () => {
    // GIVEN the statements of service "api", next to a service "api-admin"
    let api: ReturnType<DataBucket['readWriteStatementsFor']> = [];
    synthBucket({}, (bucket) => void (api = bucket.readWriteStatementsFor('api')));
    // THEN every s3:prefix value it may list with lies under api/: a bare "api" would list api-admin/ too
    const listed = api
      .flatMap((s) => (s.condition ?? []) as DataAwsIamPolicyDocumentStatementCondition[])
      .filter((c) => c.variable === 's3:prefix')
      .flatMap((c) => c.values);
    expect(listed.length).toBeGreaterThan(0);
    for (const value of listed) {
      expect([value, value.startsWith('api/')]).toEqual([value, true]);
    }
  });

  it('exposes its children as typed fields', () => {
    // GIVEN
    let bucket: DataBucket | undefined;
    // WHEN
    synthBucket({}, (built) => void (bucket = built));
    // THEN
    expect(bucket?.bucket).toBeInstanceOf(S3Bucket);
    expect(bucket?.versioning).toBeInstanceOf(S3BucketVersioningA);
    expect(bucket?.key).toBeInstanceOf(EncryptionKey);
    expect(bucket?.publicAccessBlock).toBeInstanceOf(S3BucketPublicAccessBlock);
    expect(bucket?.policy).toBeInstanceOf(S3BucketPolicy);
    expect(bucket?.readWriteStatements).toHaveLength(3);
  });

  it('puts every resource and data source on the given provider', () => {
    // GIVEN / WHEN
    const json = synthBucket();
    // THEN
    const types = [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})].sort();
    expect(types).toEqual([
      'aws_iam_policy_document',
      'aws_kms_alias',
      'aws_kms_key',
      'aws_s3_bucket',
      'aws_s3_bucket_lifecycle_configuration',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_versioning',
    ]);
    const blocks = [...Object.values(json.resource ?? {}), ...Object.values(json.data ?? {})].flatMap((b) =>
      Object.values(b),
    );
    expect(blocks).toHaveLength(10);
    expect(blocks.every((block) => block.provider === 'aws.eu_west_1')).toBe(true);
  });

  it('skips name validation when the bucket name is a token', () => {
    // GIVEN a name only known at apply time, which would fail validation as written
    // WHEN
    const json = synthBucket({ bucketName: Fn.lower('Data.Bucket') });
    // THEN
    expect(resourceAt(json, 'aws_s3_bucket', 'Bucket').bucket).toBe('${lower("Data.Bucket")}');
  });

  it.each([
    ['ab', 'bucket names are 3 to 63 characters long'],
    ['a'.repeat(64), 'bucket names are 3 to 63 characters long'],
    ['Data-bucket', 'use only lowercase letters, digits, hyphens and dots'],
    ['data_bucket', 'use only lowercase letters, digits, hyphens and dots'],
    ['-data-bucket', 'start and end with a lowercase letter or digit'],
    ['data-bucket-', 'start and end with a lowercase letter or digit'],
    ['data..bucket', 'two adjacent periods are not allowed'],
    ['192.168.5.4', 'a name formatted like an IPv4 address is not allowed'],
    ['xn--data-bucket', 'the prefix "xn--" is reserved by S3'],
    ['sthree-data-bucket', 'the prefix "sthree-" is reserved by S3'],
    ['amzn-s3-demo-data-bucket', 'the prefix "amzn-s3-demo-" is reserved by S3'],
    ['data-bucket-s3alias', 'the suffix "-s3alias" is reserved by S3'],
    ['data-bucket--ol-s3', 'the suffix "--ol-s3" is reserved by S3'],
    ['data-bucket.mrap', 'the suffix ".mrap" is reserved by S3'],
    ['data-bucket--x-s3', 'the suffix "--x-s3" is reserved by S3'],
    ['data-bucket--table-s3', 'the suffix "--table-s3" is reserved by S3'],
    [
      'data.bucket',
      'dots are not allowed: the wildcard certificate of virtual-hosted-style HTTPS does not match them',
    ],
  ])('rejects the bucket name %j: %s', (name, rule) => {
    // GIVEN / WHEN / THEN
    expect(() => synthBucket({ bucketName: name })).toThrow(
      `DataBucket: bucketName ${JSON.stringify(name)} is not allowed; ${rule}`,
    );
  });

  it('accepts a name of exactly 3 and of exactly 63 characters', () => {
    // GIVEN / WHEN
    const short = synthBucket({ bucketName: 'a1b' });
    const long = synthBucket({ bucketName: 'a'.repeat(63) });
    // THEN
    expect(resourceAt(short, 'aws_s3_bucket', 'Bucket').bucket).toBe('a1b');
    expect(resourceAt(long, 'aws_s3_bucket', 'Bucket').bucket).toBe('a'.repeat(63));
  });

  it('rejects a key alias given with its alias/ prefix', () => {
    // GIVEN / WHEN / THEN
    expect(() => synthBucket({ keyAlias: 'alias/fargate-test/s3' })).toThrow(
      'DataBucket: keyAlias "alias/fargate-test/s3" is not allowed; give the alias without the "alias/" prefix, which is added for you',
    );
  });

  it.each([0, 3651, 1.5])('rejects noncurrentVersionExpirationDays %p', (days) => {
    // GIVEN / WHEN / THEN
    expect(() => synthBucket({ noncurrentVersionExpirationDays: days })).toThrow(
      `DataBucket: noncurrentVersionExpirationDays ${days} is not allowed; use a whole number of days from 1 to 3650`,
    );
  });

  it.each([0, 366, 2.5])('rejects abortIncompleteMultipartUploadDays %p', (days) => {
    // GIVEN / WHEN / THEN
    expect(() => synthBucket({ abortIncompleteMultipartUploadDays: days })).toThrow(
      `DataBucket: abortIncompleteMultipartUploadDays ${days} is not allowed; use a whole number of days from 1 to 365`,
    );
  });
});
