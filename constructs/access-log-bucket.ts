import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { blockPublicAccess, denyInsecureTransport, enforceBucketOwner } from './s3-bucket-baseline';
import { ValidationError } from './validation-error';

/**
 * The Elastic Load Balancing account of each region that opened before August 2022: its root is the
 * principal that writes access logs there. Regions opened since then (and any region not listed)
 * take the service principal `logdelivery.elasticloadbalancing.amazonaws.com` instead.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};
/** The log delivery service principal of regions without an Elastic Load Balancing account. */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';
/** Key prefixes: every log source writes below its own. */
export const ACCESS_LOG_PREFIX = 'alb-access';
export const CONNECTION_LOG_PREFIX = 'alb-connection';
export const FLOW_LOG_PREFIX = 'globalaccelerator';

/** The principal that writes a region's load balancer logs: the ELB account's root, or the service. */
export function elbLogDeliveryPrincipal(region: string): { type: 'AWS' | 'Service'; identifier: string } {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account
    ? { type: 'AWS', identifier: `arn:aws:iam::${account}:root` }
    : { type: 'Service', identifier: ELB_LOG_DELIVERY_SERVICE };
}

export interface AccessLogBucketProps {
  /** The provider of the bucket's region; load balancers deliver logs only to a bucket in their own region. */
  readonly provider: AwsProvider;
  /** The bucket's region, e.g. `us-east-1`: chooses the ELB log delivery principal. */
  readonly region: string;
  /** The account whose load balancers (and accelerator) write here; the log keys carry it. */
  readonly accountId: string;
  /** Globally unique bucket name, 3 to 63 lower-case letters, digits and hyphens. */
  readonly bucketName: string;
  /**
   * Admit the region's load balancers' access and connection logs.
   * @default true
   */
  readonly loadBalancerLogs?: boolean;
  /**
   * Admit Global Accelerator flow logs (delivered by `delivery.logs.amazonaws.com`) under `globalaccelerator/`.
   * @default false
   */
  readonly acceleratorFlowLogs?: boolean;
  /**
   * Days a log object is kept, 1 to 3650; noncurrent versions go 7 days later.
   * @default 365
   */
  readonly expirationDays?: number;
}

/**
 * The bucket a region's load balancer access and connection logs (and, in the primary region, the
 * accelerator's flow logs) are delivered to. Encrypted with SSE-S3, because Elastic Load Balancing
 * log delivery supports no other bucket encryption (an SSE-KMS default makes every delivery fail);
 * versioned, public access blocked, ACLs disabled, TLS-only, and a bucket policy that admits exactly
 * the region's log delivery principal to `<prefix>/AWSLogs/<account>/`. Log objects expire.
 * Stateful: the platform keeps it with prevent_destroy in production like the data buckets.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly versioning: S3BucketVersioningA;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly policy: S3BucketPolicy;
  public readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    validate(props);
    const { provider, accountId } = props;
    const loadBalancerLogs = props.loadBalancerLogs ?? true;

    this.bucket = new S3Bucket(this, 'Bucket', { provider, bucket: props.bucketName });
    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    this.publicAccessBlock = blockPublicAccess(this, provider, this.bucket);
    this.ownershipControls = enforceBucketOwner(this, provider, this.bucket);

    const statements: DataAwsIamPolicyDocumentStatement[] = [denyInsecureTransport(this.bucket)];
    if (loadBalancerLogs) {
      const principal = elbLogDeliveryPrincipal(props.region);
      statements.push({
        sid: 'LoadBalancerLogDelivery',
        effect: 'Allow',
        principals: [{ type: principal.type, identifiers: [principal.identifier] }],
        actions: ['s3:PutObject'],
        resources: [ACCESS_LOG_PREFIX, CONNECTION_LOG_PREFIX].map(
          (prefix) => `${this.bucket.arn}/${prefix}/AWSLogs/${accountId}/*`,
        ),
      });
    }
    if (props.acceleratorFlowLogs) {
      const delivery = [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }];
      const fromAccount = [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] }];
      statements.push(
        {
          sid: 'FlowLogDeliveryAclCheck',
          effect: 'Allow',
          principals: delivery,
          actions: ['s3:GetBucketAcl'],
          resources: [this.bucket.arn],
          condition: fromAccount,
        },
        {
          sid: 'FlowLogDeliveryWrite',
          effect: 'Allow',
          principals: delivery,
          actions: ['s3:PutObject'],
          resources: [`${this.bucket.arn}/${FLOW_LOG_PREFIX}/AWSLogs/${accountId}/*`],
          condition: [
            ...fromAccount,
            { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
          ],
        },
      );
    }
    const document = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      provider,
      statement: statements,
    });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket: this.bucket.id,
      policy: document.json,
      dependsOn: [this.publicAccessBlock],
    });

    const days = props.expirationDays ?? 365;
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days }],
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [this.versioning],
    });
  }

  /** The bucket's name, for the load balancer's and the accelerator's log settings. */
  public get bucketName(): string {
    return this.bucket.bucket;
  }
}

function validate(props: AccessLogBucketProps): void {
  const name = props.bucketName;
  if (!Token.isUnresolved(name) && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    throw new ValidationError(
      'AccessLogBucket',
      'bucketName',
      name,
      'use 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
    );
  }
  const days = props.expirationDays;
  if (
    days !== undefined &&
    !Token.isUnresolved(days) &&
    (!Number.isInteger(days) || days < 1 || days > 3650)
  ) {
    throw new ValidationError(
      'AccessLogBucket',
      'expirationDays',
      days,
      'use a whole number of days from 1 to 3650',
    );
  }
  if (props.loadBalancerLogs === false && !props.acceleratorFlowLogs) {
    throw new ValidationError(
      'AccessLogBucket',
      'loadBalancerLogs',
      false,
      'a log bucket admits at least one log source: load balancer logs or accelerator flow logs',
    );
  }
}
