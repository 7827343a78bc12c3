import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { backupPlanHasSelection } from '../../policies/rules/backup-plan-has-selection';
import { ruleResults } from '../../test-support/policy';

describe('rule backup-plan-has-selection', () => {
  it('passes a plan a selection refers to, fails a plan nothing is assigned to', () => {
    // GIVEN two plans, a selection on the first
    const results = ruleResults(backupPlanHasSelection, (scope, provider) => {
      const vault = new BackupVault(scope, 'Vault', { provider, name: 'vault' });
      const rule = [{ ruleName: 'daily', targetVaultName: vault.name, schedule: 'cron(0 5 ? * * *)' }];
      const used = new BackupPlan(scope, 'Used', { provider, name: 'used', rule });
      new BackupPlan(scope, 'Unused', { provider, name: 'unused', rule });
      new BackupSelection(scope, 'Selection', {
        provider,
        name: 'selection',
        planId: used.id,
        iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
        resources: ['arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-0123456789abcdef0'],
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Used: 'compliant', Unused: 'non-compliant' });
  });
});
