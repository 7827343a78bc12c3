import { IAspect, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Resource types that hold data or keys whose loss cannot be undone: file systems, buckets, backup
 * vaults, KMS keys (everything they encrypt becomes unreadable) and image repositories.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'aws_efs_file_system',
  'aws_s3_bucket',
  'aws_backup_vault',
  'aws_kms_key',
  'aws_ecr_repository',
];

/**
 * Sets Terraform's `lifecycle.prevent_destroy` on every stateful resource below the scope it is
 * added to, so a plan that would destroy or replace one (a renamed construct, a forcing change)
 * fails instead of deleting data.
 */
export class PreventDestroy implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof TerraformResource && STATEFUL_RESOURCE_TYPES.includes(node.terraformResourceType)) {
      node.addOverride('lifecycle.prevent_destroy', true);
    }
  }
}
