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
import { EncryptionKey } from './encryption-key';
import { blockPublicAccess, denyInsecureTransport, enforceBucketOwner } from './s3-bucket-baseline';
import { ValidationError } from './validation-error';

export interface DataBucketProps {
  /** The provider of the region the bucket lives in (buckets and their KMS keys are regional). */
  readonly provider: AwsProvider;
  /** Globally unique bucket name: S3's general-purpose naming rules, and no dots. */
  readonly bucketName: string;
  /** Alias of the bucket's KMS key without the `alias/` prefix, e.g. `fargate-dev/s3`. */
  readonly keyAlias: string;
  /**
   * Days a version stays once it becomes noncurrent (overwritten or deleted) before S3 expires it, 1 to 3650.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which S3 aborts a multipart upload that was never completed, and deletes its parts, 1 to 365.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
}

/** Prefixes S3 reserves for general-purpose bucket names. */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
/** Suffixes S3 reserves (access point aliases, Object Lambda, Multi-Region Access Points, directory and table buckets). */
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * An application data bucket: versioned (ready to be a replication source or destination),
 * encrypted with SSE-KMS under its own customer-managed key with S3 Bucket Keys, ACLs disabled,
 * public access blocked, TLS 1.2+ enforced by bucket policy, noncurrent versions, expired delete
 * markers and abandoned multipart uploads cleaned up by lifecycle. Never force-destroyed: Terraform
 * cannot delete it while it holds objects.
 */
export class DataBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly versioning: S3BucketVersioningA;
  public readonly key: EncryptionKey;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly policy: S3BucketPolicy;
  public readonly lifecycle: S3BucketLifecycleConfiguration;
  /**
   * Least-privilege read/write access to this bucket's objects and key, to spread into a task
   * role's policy document: list the bucket, read, write and delete objects, abort multipart
   * uploads, and use the key for SSE-KMS.
   */
  public readonly readWriteStatements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    validate(props);
    const { provider } = props;

    this.key = new EncryptionKey(this, 'Key', {
      provider,
      alias: props.keyAlias,
      description: `Objects in S3 bucket ${props.bucketName}`,
    });

    // The bucket depends on its key, so a destroy removes the key only after the bucket is gone:
    // a bucket delete that fails (objects left) then leaves the key in place, not scheduled for
    // deletion with the objects it encrypts.
    this.bucket = new S3Bucket(this, 'Bucket', {
      provider,
      bucket: props.bucketName,
      dependsOn: [this.key.key],
    });

    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });

    this.publicAccessBlock = blockPublicAccess(this, provider, this.bucket);
    this.ownershipControls = enforceBucketOwner(this, provider, this.bucket);

    const insecureTransport = denyInsecureTransport(this.bucket);
    const policyDocument = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      provider,
      statement: [
        insecureTransport,
        // The same deny of everyone on the bucket and its objects, for TLS older than 1.2.
        {
          ...insecureTransport,
          sid: 'DenyTlsBelow12',
          condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket: this.bucket.id,
      policy: policyDocument.json,
      // S3 rejects policy writes that race the public access block being put in place.
      dependsOn: [this.publicAccessBlock],
    });

    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions-and-abandoned-uploads',
          status: 'Enabled',
          // An empty prefix selects every object; omitting the filter is deprecated by the provider.
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
          // Allowed beside noncurrent expiration (S3 only refuses it beside expiration days or date):
          // removes the delete markers left once all of an object's noncurrent versions have expired.
          expiration: [{ expiredObjectDeleteMarker: true }],
          abortIncompleteMultipartUpload: [
            { daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? 7 },
          ],
        },
      ],
      // Noncurrent-version rules only mean something once versioning is on.
      dependsOn: [this.versioning],
    });

    this.readWriteStatements = [
      {
        effect: 'Allow',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [this.bucket.arn],
      },
      {
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${this.bucket.arn}/*`],
      },
      {
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.key.arn],
      },
    ];
  }

  /**
   * Statements that read and write the objects under one key prefix only (`<prefix>/…`), listing
   * only that prefix, with the bucket's key.
   * @param prefix a key prefix without slashes at either end, e.g. `orders`
   */
  public readWriteStatementsFor(prefix: string): DataAwsIamPolicyDocumentStatement[] {
    return [
      {
        effect: 'Allow',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.arn],
        condition: [{ test: 'StringLike', variable: 's3:prefix', values: [`${prefix}/*`] }],
      },
      { effect: 'Allow', actions: ['s3:GetBucketLocation'], resources: [this.bucket.arn] },
      {
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${this.bucket.arn}/${prefix}/*`],
      },
      { effect: 'Allow', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.arn] },
    ];
  }
}

function validate(props: DataBucketProps): void {
  validateBucketName(props.bucketName);
  if (!Token.isUnresolved(props.keyAlias) && props.keyAlias.startsWith('alias/')) {
    throw new ValidationError(
      'DataBucket',
      'keyAlias',
      props.keyAlias,
      'give the alias without the "alias/" prefix, which is added for you',
    );
  }
  validateWholeDays('noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays, 3650);
  validateWholeDays('abortIncompleteMultipartUploadDays', props.abortIncompleteMultipartUploadDays, 365);
}

/** S3's general-purpose bucket naming rules, each with its own message, then this project's no-dots rule. */
function validateBucketName(name: string): void {
  if (Token.isUnresolved(name)) return;
  const fail = (rule: string): never => {
    throw new ValidationError('DataBucket', 'bucketName', name, rule);
  };
  if (name.length < 3 || name.length > 63) fail('bucket names are 3 to 63 characters long');
  if (!/^[a-z0-9.-]+$/.test(name)) fail('use only lowercase letters, digits, hyphens and dots');
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    fail('start and end with a lowercase letter or digit');
  }
  if (name.includes('..')) fail('two adjacent periods are not allowed');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) fail('a name formatted like an IPv4 address is not allowed');
  for (const prefix of RESERVED_PREFIXES) {
    if (name.startsWith(prefix)) fail(`the prefix "${prefix}" is reserved by S3`);
  }
  for (const suffix of RESERVED_SUFFIXES) {
    if (name.endsWith(suffix)) fail(`the suffix "${suffix}" is reserved by S3`);
  }
  if (name.includes('.')) {
    fail('dots are not allowed: the wildcard certificate of virtual-hosted-style HTTPS does not match them');
  }
}

function validateWholeDays(prop: string, days: number | undefined, max: number): void {
  if (days === undefined || Token.isUnresolved(days)) return;
  if (!Number.isInteger(days) || days < 1 || days > max) {
    throw new ValidationError('DataBucket', prop, days, `use a whole number of days from 1 to ${max}`);
  }
}
