import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from 'cdktf';
import { Settings } from '../settings/schema';

export type BackendSettings = Settings['backend'];

/** Local state folder at the project root, relative to a stack's synthesized folder (cdktf.out/stacks/<stack>). */
export const LOCAL_STATE_DIR = '../../../terraform.tfstate.d';

/**
 * The stack's state backend, from the settings:
 * - `local`: `terraform.tfstate.d/<stack>.tfstate` at the project root, addressed relative to the
 *   stack's synthesized folder (where cdktf and Terraform run), so no absolute machine path is baked
 *   into the configuration and state never lives inside `cdktf.out` (which synth rewrites);
 * - `s3`: one object per stack, `<keyPrefix>/<stack>.tfstate`, encrypted, locked with Terraform's
 *   native S3 lock file (cdktf 0.21's typed S3Backend predates `use_lockfile`, hence the override)
 *   or a DynamoDB table;
 * - `cloud`: Terraform Cloud/Enterprise, one workspace per stack named after it. The token comes
 *   from Terraform's own `TF_TOKEN_<host>` variable or `terraform login`, never from here.
 */
export function stateBackend(stack: TerraformStack, stackName: string, backend: BackendSettings): void {
  switch (backend.type) {
    case 'local':
      new LocalBackend(stack, { path: `${LOCAL_STATE_DIR}/${stackName}.tfstate` });
      return;
    case 's3':
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
        region: backend.region,
        encrypt: true,
        kmsKeyId: backend.kmsKeyId,
        dynamodbTable: backend.dynamodbTable,
      });
      if (backend.locking === 'lockfile') stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    case 'cloud':
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(stackName, backend.project),
      });
      return;
  }
}
