import { RuleCheck } from '../stack-view';
import { companions } from './_storage-helpers';

/** Backup plans back something up: some `aws_backup_selection` names the plan in its `plan_id`. */
export const backupPlanHasSelection: RuleCheck = {
  appliesTo: ['aws_backup_plan'],
  check(plan, stack) {
    return companions(stack, plan, 'aws_backup_selection', 'plan_id').length > 0
      ? 'compliant'
      : 'non-compliant';
  },
};
