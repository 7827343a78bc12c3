import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  AccessLogBucket,
  AccessLogBucketProps,
  ELB_LOG_DELIVERY_SERVICE,
  elbLogDeliveryPrincipal,
} from '../constructs/access-log-bucket';
import { SynthesizedJson, allBlocks, dataAt, ref, resourceAt, synthScopeJson } from '../test-support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- policy documents are free-form */

function synthBucket(props: Partial<Omit<AccessLogBucketProps, 'provider'>> = {}): SynthesizedJson {
  const region = props.region ?? 'eu-west-1';
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region, alias: region.replace(/-/g, '_') });
    new AccessLogBucket(scope, 'Logs', {
      provider,
      region,
      accountId: '123456789012',
      bucketName: 'fargate-test-logs',
      ...props,
    });
  });
}

const statements = (json: SynthesizedJson): Array<Record<string, any>> =>
  dataAt(json, 'aws_iam_policy_document', 'Logs/PolicyDocument').statement as Array<Record<string, any>>;

describe('AccessLogBucket', () => {
  it('encrypts with SSE-S3, the only encryption ELB log delivery takes, versioned, private, ACLs off', () => {
    // GIVEN / WHEN the defaults
    const json = synthBucket();
    // THEN
    expect(
      resourceAt(json, 'aws_s3_bucket_server_side_encryption_configuration', 'Logs/Encryption').rule,
    ).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    expect(resourceAt(json, 'aws_s3_bucket_versioning', 'Logs/Versioning').versioning_configuration).toEqual({
      status: 'Enabled',
    });
    expect(resourceAt(json, 'aws_s3_bucket_public_access_block', 'Logs/PublicAccessBlock')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resourceAt(json, 'aws_s3_bucket_ownership_controls', 'Logs/OwnershipControls').rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });
    expect(resourceAt(json, 'aws_s3_bucket', 'Logs/Bucket')).not.toHaveProperty('force_destroy');
  });

  it("admits eu-west-1's ELB account to the two log prefixes of this account only, and denies plain HTTP", () => {
    const json = synthBucket();
    const arn = ref(json, 'aws_s3_bucket', 'Logs/Bucket', 'arn');
    expect(statements(json)).toEqual([
      expect.objectContaining({ sid: 'DenyInsecureTransport', effect: 'Deny', actions: ['s3:*'] }),
      {
        sid: 'LoadBalancerLogDelivery',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::156460612806:root'] }],
        actions: ['s3:PutObject'],
        resources: [
          `${arn}/alb-access/AWSLogs/123456789012/*`,
          `${arn}/alb-connection/AWSLogs/123456789012/*`,
        ],
      },
    ]);
  });

  it.each([
    ['us-east-1', { type: 'AWS', identifier: 'arn:aws:iam::127311923021:root' }],
    ['eu-west-1', { type: 'AWS', identifier: 'arn:aws:iam::156460612806:root' }],
    ['ap-southeast-2', { type: 'AWS', identifier: 'arn:aws:iam::783225319266:root' }],
    ['ca-west-1', { type: 'Service', identifier: ELB_LOG_DELIVERY_SERVICE }],
    ['il-central-1', { type: 'Service', identifier: ELB_LOG_DELIVERY_SERVICE }],
  ])('delivers %s logs with %j', (region, principal) => {
    expect(elbLogDeliveryPrincipal(region)).toEqual(principal);
    const statement = statements(synthBucket({ region })).find((s) => s.sid === 'LoadBalancerLogDelivery');
    expect(statement?.principals).toEqual([{ type: principal.type, identifiers: [principal.identifier] }]);
  });

  it('admits Global Accelerator flow logs from this account when asked', () => {
    const json = synthBucket({ acceleratorFlowLogs: true });
    const arn = ref(json, 'aws_s3_bucket', 'Logs/Bucket', 'arn');
    const delivery = [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }];
    const fromAccount = { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] };
    expect(statements(json).slice(2)).toEqual([
      {
        sid: 'FlowLogDeliveryAclCheck',
        effect: 'Allow',
        principals: delivery,
        actions: ['s3:GetBucketAcl'],
        resources: [arn],
        condition: [fromAccount],
      },
      {
        sid: 'FlowLogDeliveryWrite',
        effect: 'Allow',
        principals: delivery,
        actions: ['s3:PutObject'],
        resources: [`${arn}/globalaccelerator/AWSLogs/123456789012/*`],
        condition: [
          fromAccount,
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        ],
      },
    ]);
    expect(statements(synthBucket()).map((s) => s.sid)).not.toContain('FlowLogDeliveryWrite');
  });

  it('admits only flow logs when load balancer logs are off', () => {
    const sids = statements(synthBucket({ loadBalancerLogs: false, acceleratorFlowLogs: true })).map(
      (s) => s.sid,
    );
    expect(sids).toEqual(['DenyInsecureTransport', 'FlowLogDeliveryAclCheck', 'FlowLogDeliveryWrite']);
  });

  it('expires log objects after the given days, noncurrent versions a week later', () => {
    const rule = (
      resourceAt(
        synthBucket({ expirationDays: 30 }),
        'aws_s3_bucket_lifecycle_configuration',
        'Logs/Lifecycle',
      ).rule as any[]
    )[0];
    expect(rule).toMatchObject({
      status: 'Enabled',
      expiration: [{ days: 30 }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
    const byDefault = (
      resourceAt(synthBucket(), 'aws_s3_bucket_lifecycle_configuration', 'Logs/Lifecycle').rule as any[]
    )[0];
    expect(byDefault.expiration).toEqual([{ days: 365 }]);
  });

  it('puts every block on the given provider', () => {
    expect(allBlocks(synthBucket()).filter((b) => b.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it.each([
    [
      { bucketName: 'Logs_Bucket' },
      'AccessLogBucket: bucketName "Logs_Bucket" is not allowed; use 3 to 63 lower-case letters',
    ],
    [
      { expirationDays: 0 },
      'AccessLogBucket: expirationDays 0 is not allowed; use a whole number of days from 1 to 3650',
    ],
    [
      { loadBalancerLogs: false },
      'AccessLogBucket: loadBalancerLogs false is not allowed; a log bucket admits at least one log source',
    ],
  ] as Array<[Partial<AccessLogBucketProps>, string]>)('rejects %j', (props, message) => {
    expect(() => synthBucket(props)).toThrow(message);
  });
});
