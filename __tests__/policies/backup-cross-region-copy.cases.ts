import { BackupPlan, BackupPlanRule } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { backupCrossRegionCopy } from '../../policies/rules/backup-cross-region-copy';
import { ruleResults } from '../../test-support/policy';

/** A backup rule into `vault`, copying to each of `copies` (destination vault ARNs). */
const backupRule = (name: string, vault: string, copies: string[]): BackupPlanRule => ({
  ruleName: name,
  targetVaultName: vault,
  schedule: 'cron(0 5 ? * * *)',
  copyAction: copies.map((destinationVaultArn) => ({ destinationVaultArn })),
});

describe('rule backup-cross-region-copy', () => {
  it('passes plans whose every rule copies to another region, by vault or by ARN', () => {
    // GIVEN us-east-1 plans copying to an eu-west-1 vault (two rules) and to a literal eu-west-1 ARN
    const results = ruleResults(backupCrossRegionCopy, (scope, provider) => {
      const europe = new AwsProvider(scope, 'aws-eu', { region: 'eu-west-1', alias: 'eu_west_1' });
      const local = new BackupVault(scope, 'LocalVault', { provider, name: 'local' });
      const remote = new BackupVault(scope, 'RemoteVault', { provider: europe, name: 'remote' });
      new BackupPlan(scope, 'ToRemoteVault', {
        provider,
        name: 'to-remote-vault',
        rule: [
          backupRule('daily', local.name, [remote.arn]),
          backupRule('weekly', local.name, [local.arn, remote.arn]),
        ],
      });
      new BackupPlan(scope, 'ToRemoteArn', {
        provider,
        name: 'to-remote-arn',
        rule: [backupRule('daily', local.name, ['arn:aws:backup:eu-west-1:111111111111:backup-vault:dr'])],
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ ToRemoteVault: 'compliant', ToRemoteArn: 'compliant' });
  });

  it('fails plans with a rule that copies nowhere or only within its region', () => {
    // GIVEN us-east-1 plans: no copy; a copy to a us-east-1 vault; a literal us-east-1 ARN; one rule
    // of two copying to eu-west-1
    const results = ruleResults(backupCrossRegionCopy, (scope, provider) => {
      const europe = new AwsProvider(scope, 'aws-eu', { region: 'eu-west-1', alias: 'eu_west_1' });
      const local = new BackupVault(scope, 'LocalVault', { provider, name: 'local' });
      const remote = new BackupVault(scope, 'RemoteVault', { provider: europe, name: 'remote' });
      const plan = (id: string, rule: BackupPlanRule[]) =>
        new BackupPlan(scope, id, { provider, name: id, rule });
      plan('NoCopy', [backupRule('daily', local.name, [])]);
      plan('ToLocalVault', [backupRule('daily', local.name, [local.arn])]);
      plan('ToLocalArn', [
        backupRule('daily', local.name, ['arn:aws:backup:us-east-1:111111111111:backup-vault:other']),
      ]);
      plan('OneRuleCopies', [
        backupRule('daily', local.name, [remote.arn]),
        backupRule('weekly', local.name, []),
      ]);
    });
    // WHEN checked THEN
    expect(results).toEqual({
      NoCopy: 'non-compliant',
      ToLocalVault: 'non-compliant',
      ToLocalArn: 'non-compliant',
      OneRuleCopies: 'non-compliant',
    });
  });

  it('compares providers when aliases do not name regions, and cannot place a literal ARN then', () => {
    // GIVEN plans on a provider aliased `primary`: one copying to a vault on provider `dr`, one to a
    // literal eu-west-1 ARN (the plan's own region is unknown)
    const results = ruleResults(backupCrossRegionCopy, (scope) => {
      const primary = new AwsProvider(scope, 'aws-primary', { region: 'us-east-1', alias: 'primary' });
      const dr = new AwsProvider(scope, 'aws-dr', { region: 'eu-west-1', alias: 'dr' });
      const local = new BackupVault(scope, 'LocalVault', { provider: primary, name: 'local' });
      const remote = new BackupVault(scope, 'DrVault', { provider: dr, name: 'dr' });
      new BackupPlan(scope, 'ToOtherProvider', {
        provider: primary,
        name: 'to-other-provider',
        rule: [backupRule('daily', local.name, [remote.arn])],
      });
      new BackupPlan(scope, 'ToArnFromUnknownRegion', {
        provider: primary,
        name: 'to-arn',
        rule: [backupRule('daily', local.name, ['arn:aws:backup:eu-west-1:111111111111:backup-vault:dr'])],
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ ToOtherProvider: 'compliant', ToArnFromUnknownRegion: 'non-compliant' });
  });
});
