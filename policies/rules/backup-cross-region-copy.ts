import { RuleCheck } from '../stack-view';
import { allHold, blocks, providerRegion, sameRegion } from './_storage-helpers';

const VAULT_ARN_REGION = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):/;

/**
 * Every rule of a backup plan copies its recovery points to another region: at least one
 * `copy_action` whose `destination_vault_arn` is
 * - a reference to a backup vault (resource or data source) in another region than the plan: by the
 *   regions their provider aliases encode (the project names aliases after regions, `aws.eu_west_1`),
 *   or, when an alias encodes no region, by a different provider; or
 * - an ARN whose (literal) region differs from the region the plan's provider alias encodes; with no
 *   such region (default provider, other alias) a literal ARN cannot be shown to be elsewhere.
 * Any other value (a variable, another resource's attribute) does not count.
 */
export const backupCrossRegionCopy: RuleCheck = {
  appliesTo: ['aws_backup_plan'],
  check(plan, stack) {
    const planRegion = providerRegion(plan);
    const elsewhere = (arn: unknown): boolean => {
      const vaults = stack.referencedBy(arn, 'aws_backup_vault');
      if (vaults.length > 0) return vaults.every((vault) => !sameRegion(vault, plan));
      const region = VAULT_ARN_REGION.exec(typeof arn === 'string' ? arn : '')?.[1];
      return region !== undefined && planRegion !== undefined && region !== planRegion;
    };
    return allHold(
      blocks(plan.config.rule).map((rule) =>
        blocks(rule.copy_action).some((copy) => elsewhere(copy.destination_vault_arn)),
      ),
    );
  },
};
