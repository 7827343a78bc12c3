import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { efsInBackupPlan } from '../../policies/rules/efs-in-backup-plan';
import { ruleResults } from '../../test-support/policy';

const iamRoleArn = 'arn:aws:iam::111111111111:role/backup';

describe('rule efs-in-backup-plan', () => {
  it('passes file systems a selection picks by ARN, tag or condition, fails the others', () => {
    // GIVEN a us-east-1 plan with three selections: by ARN (one excluded again, one from another
    // region), by selection_tag backup=daily, and everything with tag tier=gold
    const results = ruleResults(efsInBackupPlan, (scope, provider) => {
      const europe = new AwsProvider(scope, 'aws-eu', { region: 'eu-west-1', alias: 'eu_west_1' });
      const vault = new BackupVault(scope, 'Vault', { provider, name: 'vault' });
      const plan = new BackupPlan(scope, 'Plan', {
        provider,
        name: 'plan',
        rule: [{ ruleName: 'daily', targetVaultName: vault.name, schedule: 'cron(0 5 ? * * *)' }],
      });
      const selected = new EfsFileSystem(scope, 'ByArn', { provider });
      const excluded = new EfsFileSystem(scope, 'Excluded', { provider });
      const abroad = new EfsFileSystem(scope, 'OtherRegion', { provider: europe });
      new EfsFileSystem(scope, 'ByTag', { provider, tags: { backup: 'daily' } });
      new EfsFileSystem(scope, 'Gold', { provider, tags: { tier: 'gold' } });
      new EfsFileSystem(scope, 'Bronze', { provider, tags: { tier: 'bronze' } });
      new EfsFileSystem(scope, 'Untagged', { provider });
      const selection = { provider, planId: plan.id, iamRoleArn };
      new BackupSelection(scope, 'SelectByArn', {
        ...selection,
        name: 'by-arn',
        resources: [selected.arn, excluded.arn, abroad.arn],
        notResources: [excluded.arn],
      });
      new BackupSelection(scope, 'SelectByTag', {
        ...selection,
        name: 'by-tag',
        selectionTag: [{ type: 'STRINGEQUALS', key: 'backup', value: 'daily' }],
      });
      new BackupSelection(scope, 'SelectGold', {
        ...selection,
        name: 'gold',
        resources: ['*'],
        condition: [{ stringEquals: [{ key: 'aws:ResourceTag/tier', value: 'gold' }] }],
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      ByArn: 'compliant',
      ByTag: 'compliant',
      Gold: 'compliant',
      Excluded: 'non-compliant',
      OtherRegion: 'non-compliant',
      Bronze: 'non-compliant',
      Untagged: 'non-compliant',
    });
  });

  it('fails a file system when the stack has no backup selection', () => {
    // GIVEN a file system alone WHEN checked THEN non-compliant
    const results = ruleResults(efsInBackupPlan, (scope, provider) => {
      new EfsFileSystem(scope, 'FileSystem', { provider });
    });
    expect(results).toEqual({ FileSystem: 'non-compliant' });
  });
});
