/**
 * The state backends of a small stack: local state per stack, S3 state (native lock file or
 * DynamoDB), a Terraform Cloud workspace, and the backend settings refused. That the platform stack
 * keeps one state object in the same backend is in `environments/backend.test.ts`.
 */
import { Testing } from 'cdktf';
import { SimpleFargateStack } from '../stacks/simple-fargate-stack';
import { BackendSettings } from '../stacks/backend';
import { testSettings, synthJson } from '../test-support/synth';

/** The `terraform` block of a small stack synthesized with `backend`. */
function terraformBlock(backend: BackendSettings): Record<string, unknown> {
  const stack = new SimpleFargateStack(Testing.app(), 'fargate-test-simple', {
    region: 'us-east-1',
    availabilityZone: 'us-east-1a',
    backend,
  });
  return synthJson(stack).terraform as Record<string, unknown>;
}

describe('state backends', () => {
  it('keeps local state per stack under terraform.tfstate.d through a relative path', () => {
    // GIVEN the default settings WHEN synthesized THEN
    expect(terraformBlock(testSettings().backend).backend).toEqual({
      local: { path: '../../../terraform.tfstate.d/fargate-test-simple.tfstate' },
    });
  });

  it('keeps S3 state per stack, encrypted, with the native S3 lock file', () => {
    const backend = testSettings({
      backend: { type: 's3', bucket: 'acme-tfstate', region: 'eu-west-1' },
    }).backend;
    expect(terraformBlock(backend).backend).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'cdktf/fargate-test-simple.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('locks S3 state with DynamoDB when asked, without the lock file', () => {
    const backend = testSettings({
      backend: {
        type: 's3',
        bucket: 'acme-tfstate',
        region: 'eu-west-1',
        keyPrefix: 'platform/state',
        locking: 'dynamodb',
        dynamodbTable: 'tf-locks',
        kmsKeyId: 'alias/tfstate',
      },
    }).backend;
    expect(terraformBlock(backend).backend).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'platform/state/fargate-test-simple.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        dynamodb_table: 'tf-locks',
        kms_key_id: 'alias/tfstate',
      },
    });
  });

  it('uses a Terraform Cloud workspace named after the stack, and no token', () => {
    const backend = testSettings({
      backend: { type: 'cloud', organization: 'acme', project: 'platform' },
    }).backend;
    const block = terraformBlock(backend);
    expect(block.backend).toBeUndefined();
    expect(block.cloud).toEqual({
      organization: 'acme',
      hostname: 'app.terraform.io',
      workspaces: { name: 'fargate-test-simple', project: 'platform' },
    });
    expect(JSON.stringify(block)).not.toMatch(/token/i);
  });

  it('refuses a DynamoDB table with lock-file locking', () => {
    expect(() =>
      testSettings({
        backend: { type: 's3', bucket: 'acme-tfstate', region: 'eu-west-1', dynamodbTable: 'tf-locks' },
      }),
    ).toThrow('backend.dynamodbTable: got "tf-locks"; give dynamodbTable exactly when locking is "dynamodb"');
  });

  it('refuses an unknown backend type, listing the allowed ones', () => {
    expect(() => testSettings({ backend: { type: 'gcs' } as never })).toThrow(
      'backend.type: got "gcs"; expected type "local", "s3" or "cloud"',
    );
  });
});
