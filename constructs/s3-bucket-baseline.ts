import { Construct } from 'constructs';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';

// What every bucket of the platform has, whatever it holds: public access blocked, ACLs disabled
// and plain HTTP denied. Functions, not a construct: the resources stay children of the bucket's own
// construct, whose IDs `PublicAccessBlock` and `OwnershipControls` are their Terraform addresses.

/** Blocks every kind of public access to `bucket`, as the child `PublicAccessBlock` of `scope`. */
export function blockPublicAccess(
  scope: Construct,
  provider: AwsProvider,
  bucket: S3Bucket,
): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', {
    provider,
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}

/** Disables ACLs on `bucket`, so it owns every object, as the child `OwnershipControls` of `scope`. */
export function enforceBucketOwner(
  scope: Construct,
  provider: AwsProvider,
  bucket: S3Bucket,
): S3BucketOwnershipControls {
  return new S3BucketOwnershipControls(scope, 'OwnershipControls', {
    provider,
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
}

/** The policy statement `DenyInsecureTransport`: no S3 action on `bucket` or its objects over plain HTTP. */
export function denyInsecureTransport(bucket: S3Bucket): DataAwsIamPolicyDocumentStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    principals: [{ type: 'AWS', identifiers: ['*'] }],
    actions: ['s3:*'],
    resources: [bucket.arn, `${bucket.arn}/*`],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}
