import { Lazy } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BackupPlan, BackupPlanProps, BackupRule } from '../constructs/backup-plan';
import {
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
  dataAt,
  dataRef,
} from '../test-support/synth';

type Overrides = Partial<Omit<BackupPlanProps, 'provider'>>;

const EFS_ARN = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0';
const US_VAULT_ARN = 'arn:aws:backup:us-east-1:123456789012:backup-vault:fargate-test-vault';

function synthBackup(props: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new BackupPlan(scope, 'Backup', {
      provider,
      namePrefix: 'fargate-test',
      resourceArns: [EFS_ARN],
      ...props,
    });
  });
}

/** A valid rule with overrides, for the validation tests. */
function rule(overrides: Partial<BackupRule> = {}): BackupRule {
  return {
    name: 'Daily',
    scheduleExpression: 'cron(0 5 ? * * *)',
    startWindowMinutes: 60,
    completionWindowMinutes: 120,
    deleteAfterDays: 30,
    ...overrides,
  };
}

/** Asserts that synthesizing with `props` throws the construct's validation error with `message`. */
function expectError(props: Overrides, message: string): void {
  expect(() => synthBackup(props)).toThrow(`BackupPlan: ${message}`);
}

type PlanRule = Record<string, unknown> & { rule_name: string };

function planRules(json: SynthesizedJson): PlanRule[] {
  return resourceAt(json, 'aws_backup_plan', '/Backup/Plan').rule as PlanRule[];
}

describe('BackupPlan', () => {
  it('schedules the seed’s daily and weekly rules into its own vault', () => {
    // GIVEN / WHEN a plan with the default rules
    const json = synthBackup();
    // THEN
    const plan = resourceAt(json, 'aws_backup_plan', 'Backup/Plan');
    expect(plan.name).toBe('fargate-test-backup-plan');
    const vaultName = ref(json, 'aws_backup_vault', 'Backup/Vault', 'name');
    expect(plan.rule).toEqual([
      {
        rule_name: 'DailyBackups',
        target_vault_name: vaultName,
        schedule: 'cron(0 5 ? * * *)',
        start_window: 60,
        completion_window: 120,
        lifecycle: { delete_after: 30 },
      },
      {
        rule_name: 'WeeklyBackups',
        target_vault_name: vaultName,
        schedule: 'cron(0 5 ? * 1 *)',
        start_window: 60,
        completion_window: 120,
        lifecycle: { delete_after: 90 },
      },
    ]);
  });

  it('encrypts the vault with its own rotating customer-managed key and never force-destroys it', () => {
    // GIVEN / WHEN
    const json = synthBackup();
    // THEN
    expect(resourceAt(json, 'aws_backup_vault', 'Backup/Vault')).toMatchObject({
      name: 'fargate-test-vault',
      kms_key_arn: ref(json, 'aws_kms_key', 'VaultKey/Key', 'arn'),
      force_destroy: false,
    });
    expect(resourceAt(json, 'aws_kms_key', 'VaultKey/Key')).toMatchObject({ enable_key_rotation: true });
    expect(resourceAt(json, 'aws_kms_alias', 'VaultKey/Alias')).toMatchObject({
      name: 'alias/fargate-test/backup',
      target_key_id: ref(json, 'aws_kms_key', 'VaultKey/Key', 'key_id'),
    });
  });

  it('selects the given resources with the service role, once the role holds its policies', () => {
    // GIVEN two resources to back up
    const second = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0fedcba9876543210';
    // WHEN
    const json = synthBackup({ resourceArns: [EFS_ARN, second] });
    // THEN
    const selection = resourceAt(json, 'aws_backup_selection', 'Backup/Selection');
    expect(selection).toMatchObject({
      name: 'fargate-test-efs',
      plan_id: ref(json, 'aws_backup_plan', 'Backup/Plan'),
      iam_role_arn: ref(json, 'aws_iam_role', 'Backup/Role', 'arn'),
      resources: [EFS_ARN, second],
    });
    const attachments = ['BackupPolicy', 'RestorePolicy'].map((id) =>
      ref(json, 'aws_iam_role_policy_attachment', `Backup/${id}`).replace(/^\$\{(.*)\.id\}$/, '$1'),
    );
    expect(selection.depends_on).toEqual(attachments);
  });

  it('gives AWS Backup a role it alone can assume, with AWS’s backup and restore policies', () => {
    // GIVEN / WHEN
    const json = synthBackup();
    // THEN
    const trust = dataAt(json, 'aws_iam_policy_document', 'Backup/RoleTrust');
    expect(trust.statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['backup.amazonaws.com'] }],
      },
    ]);
    expect(resourceAt(json, 'aws_iam_role', 'Backup/Role')).toMatchObject({
      name_prefix: 'fargate-test-backup-',
      assume_role_policy: dataRef(json, 'aws_iam_policy_document', 'Backup/RoleTrust', 'json'),
    });
    const role = ref(json, 'aws_iam_role', 'Backup/Role', 'name');
    expect(resources(json, 'aws_iam_role_policy_attachment').map((a) => [a.role, a.policy_arn])).toEqual([
      [role, 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
      [role, 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores'],
    ]);
  });

  it('has no vault lock and copies nowhere by default', () => {
    // GIVEN / WHEN
    let construct: BackupPlan | undefined;
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
      construct = new BackupPlan(scope, 'Backup', {
        provider,
        namePrefix: 'fargate-test',
        resourceArns: [EFS_ARN],
      });
    });
    // THEN
    expect(resources(json, 'aws_backup_vault_lock_configuration')).toEqual([]);
    expect(construct?.vaultLockConfiguration).toBeUndefined();
    expect(planRules(json).every((r) => r.copy_action === undefined)).toBe(true);
  });

  it('puts every resource and data source on the given provider', () => {
    // GIVEN / WHEN everything optional is on
    const json = synthBackup({
      copyTo: [{ region: 'us-east-1', vaultArn: US_VAULT_ARN }],
      vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 },
    });
    // THEN
    const blocks = allBlocks(json);
    expect(blocks.map((b) => b.type).sort()).toEqual([
      'aws_backup_plan',
      'aws_backup_selection',
      'aws_backup_vault',
      'aws_backup_vault_lock_configuration',
      'aws_iam_policy_document',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      'aws_iam_role_policy_attachment',
      'aws_kms_alias',
      'aws_kms_key',
    ]);
    expect(blocks.every((block) => block.provider === 'aws.eu_west_1')).toBe(true);
  });

  it('takes custom rules, with cold storage when asked', () => {
    // GIVEN
    const rules = [
      rule({ name: 'Hourly', scheduleExpression: 'cron(15 * ? * * *)', deleteAfterDays: 2 }),
      rule({
        name: 'Monthly',
        scheduleExpression: 'cron(0 3 1 * ? *)',
        startWindowMinutes: 120,
        completionWindowMinutes: 720,
        coldStorageAfterDays: 30,
        deleteAfterDays: 365,
      }),
    ];
    // WHEN
    const json = synthBackup({ rules });
    // THEN
    expect(planRules(json)).toEqual([
      expect.objectContaining({
        rule_name: 'Hourly',
        schedule: 'cron(15 * ? * * *)',
        lifecycle: { delete_after: 2 },
      }),
      expect.objectContaining({
        rule_name: 'Monthly',
        schedule: 'cron(0 3 1 * ? *)',
        start_window: 120,
        completion_window: 720,
        lifecycle: { cold_storage_after: 30, delete_after: 365 },
      }),
    ]);
  });

  it('accepts AWS cron features: increments, names, ranges, lists, L, W and #', () => {
    // GIVEN valid expressions using each feature
    const schedules = [
      'cron(30 */6 ? * MON-FRI *)',
      'cron(0 0,12 ? JAN-MAR,OCT 2-6 2025-2030)',
      'cron(0 3 L * ? *)',
      'cron(0 3 15W * ? *)',
      'cron(0 5 ? * 6#3 *)',
      'cron(0 5 ? * FRIL *)',
      'cron(0 5 1/7 * ? 2026/2)',
    ];
    // WHEN / THEN
    const json = synthBackup({
      rules: schedules.map((s, i) => rule({ name: `Rule${i}`, scheduleExpression: s })),
    });
    expect(planRules(json).map((r) => r.schedule)).toEqual(schedules);
  });

  it('copies every rule’s recovery points to the other region’s vault with the rule’s lifecycle', () => {
    // GIVEN two regions' plans, Ireland copying to Virginia's vault
    const json = synthScopeJson((scope) => {
      const ireland = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
      const virginia = new AwsProvider(scope, 'aws-us', { region: 'us-east-1', alias: 'us_east_1' });
      const us = new BackupPlan(scope, 'UsBackup', {
        provider: virginia,
        namePrefix: 'fargate-test',
        resourceArns: ['arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0aaaaaaaaaaaaaaaa'],
      });
      // WHEN
      new BackupPlan(scope, 'Backup', {
        provider: ireland,
        namePrefix: 'fargate-test',
        resourceArns: [EFS_ARN],
        rules: [rule(), rule({ name: 'Cold', coldStorageAfterDays: 10, deleteAfterDays: 100 })],
        copyTo: [{ region: 'us-east-1', vaultArn: us.vault.arn }],
      });
    });
    // THEN each of Ireland's rules carries one copy action with its own lifecycle
    const destination = ref(json, 'aws_backup_vault', 'UsBackup/Vault', 'arn');
    expect(planRules(json).map((r) => [r.rule_name, r.copy_action])).toEqual([
      ['Daily', [{ destination_vault_arn: destination, lifecycle: { delete_after: 30 } }]],
      [
        'Cold',
        [{ destination_vault_arn: destination, lifecycle: { cold_storage_after: 10, delete_after: 100 } }],
      ],
    ]);
    // and Virginia's plan, without copyTo, copies nowhere
    const usRules = resourceAt(json, 'aws_backup_plan', 'UsBackup/Plan').rule as PlanRule[];
    expect(usRules.every((r) => r.copy_action === undefined)).toBe(true);
  });

  it('lets two regions copy to each other, the first reaching the second’s vault lazily', () => {
    // GIVEN Virginia's plan, built first, copying to Ireland's vault that does not exist yet
    const json = synthScopeJson((scope) => {
      const ireland = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
      const virginia = new AwsProvider(scope, 'aws-us', { region: 'us-east-1', alias: 'us_east_1' });
      const later: { eu?: BackupPlan } = {};
      const us = new BackupPlan(scope, 'UsBackup', {
        provider: virginia,
        namePrefix: 'fargate-test',
        resourceArns: ['arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0aaaaaaaaaaaaaaaa'],
        copyTo: [{ region: 'eu-west-1', vaultArn: Lazy.stringValue({ produce: () => later.eu?.vault.arn }) }],
      });
      // WHEN Ireland's plan copies back to Virginia's vault
      later.eu = new BackupPlan(scope, 'Backup', {
        provider: ireland,
        namePrefix: 'fargate-test',
        resourceArns: [EFS_ARN],
        copyTo: [{ region: 'us-east-1', vaultArn: us.vault.arn }],
      });
    });
    // THEN each plan's rules copy to the other region's vault
    const copyTargets = (suffix: string) =>
      (resourceAt(json, 'aws_backup_plan', suffix).rule as PlanRule[]).map((r) =>
        (r.copy_action as Array<{ destination_vault_arn: string }>).map((c) => c.destination_vault_arn),
      );
    const euVault = ref(json, 'aws_backup_vault', '/Backup/Vault', 'arn');
    const usVault = ref(json, 'aws_backup_vault', 'UsBackup/Vault', 'arn');
    expect(copyTargets('UsBackup/Plan')).toEqual([[euVault], [euVault]]);
    expect(copyTargets('/Backup/Plan')).toEqual([[usVault], [usVault]]);
  });

  it('locks the vault in governance mode when no grace time is given', () => {
    // GIVEN / WHEN
    const json = synthBackup({ vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } });
    // THEN
    const lock = resourceAt(json, 'aws_backup_vault_lock_configuration', 'Backup/VaultLock');
    expect(lock).toMatchObject({
      backup_vault_name: ref(json, 'aws_backup_vault', 'Backup/Vault', 'name'),
      min_retention_days: 7,
      max_retention_days: 365,
    });
    expect(lock.changeable_for_days).toBeUndefined();
  });

  it('locks the vault in compliance mode after the given grace time', () => {
    // GIVEN / WHEN
    const json = synthBackup({
      vaultLock: { minRetentionDays: 30, maxRetentionDays: 90, changeableForDays: 3 },
    });
    // THEN
    expect(resourceAt(json, 'aws_backup_vault_lock_configuration', 'Backup/VaultLock')).toMatchObject({
      min_retention_days: 30,
      max_retention_days: 90,
      changeable_for_days: 3,
    });
  });

  it('rejects an empty resource list', () => {
    expectError(
      { resourceArns: [] },
      'resourceArns [] is not allowed; list at least 1 resource to back up, e.g. the EFS file system ARN',
    );
  });

  it('rejects an empty rule list', () => {
    expectError(
      { rules: [] },
      'rules [] is not allowed; list at least 1 rule; a plan without rules backs up nothing',
    );
  });

  it('rejects a rule name with characters AWS Backup refuses', () => {
    expectError(
      { rules: [rule(), rule({ name: 'daily backups' })] },
      'rules[1].name "daily backups" is not allowed; use 1 to 50 letters, digits, "-", "_" or "."',
    );
  });

  it('rejects a repeated rule name', () => {
    expectError(
      { rules: [rule(), rule({ deleteAfterDays: 60 })] },
      'rules[1].name "Daily" is not allowed; rule names must be unique; rules[0] has it',
    );
  });

  it('rejects a rate expression, which AWS Backup does not accept', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'rate(1 day)' })] },
      'rules[0].scheduleExpression "rate(1 day)" is not allowed; use cron(minutes hours day-of-month month ' +
        'day-of-week year) in UTC, e.g. cron(0 5 ? * * *) for 05:00 daily; AWS Backup accepts no rate(...) expressions',
    );
  });

  it('rejects a five-field Unix cron expression', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'cron(0 5 * * *)' })] },
      'rules[0].scheduleExpression "cron(0 5 * * *)" is not allowed; use 6 fields, cron(minutes hours ' +
        'day-of-month month day-of-week year); found 5',
    );
  });

  it('rejects a cron expression that sets both day-of-month and day-of-week', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'cron(0 5 * * 1 *)' })] },
      'rules[0].scheduleExpression "cron(0 5 * * 1 *)" is not allowed; exactly one of day-of-month (3rd field) ' +
        'and day-of-week (5th field) must be "?"',
    );
  });

  it('rejects a cron expression that leaves both day-of-month and day-of-week open', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'cron(0 5 ? * ? *)' })] },
      'rules[0].scheduleExpression "cron(0 5 ? * ? *)" is not allowed; exactly one of day-of-month (3rd field) ' +
        'and day-of-week (5th field) must be "?"',
    );
  });

  it('rejects a schedule more frequent than hourly', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'cron(0/15 * ? * * *)' })] },
      'rules[0].scheduleExpression "cron(0/15 * ? * * *)" is not allowed; AWS Backup runs a rule at most hourly, ' +
        'so minutes (1st field) must be a single value from 0 to 59',
    );
  });

  it('rejects a cron field value out of range', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'cron(0 5 ? * 8 *)' })] },
      'rules[0].scheduleExpression "cron(0 5 ? * 8 *)" is not allowed; the day-of-week field "8" is not valid; ' +
        'use *, values 1-7 or SUN-SAT, ranges (a-b), increments (a/n) and lists (a,b)',
    );
  });

  it('rejects a cron field with a malformed element', () => {
    expectError(
      { rules: [rule({ scheduleExpression: 'cron(0 25 ? * * *)' })] },
      'rules[0].scheduleExpression "cron(0 25 ? * * *)" is not allowed; the hours field "25" is not valid; ' +
        'use *, values 0-23, ranges (a-b), increments (a/n) and lists (a,b)',
    );
  });

  it('rejects a start window under AWS Backup’s 60-minute minimum', () => {
    expectError(
      { rules: [rule({ startWindowMinutes: 30 })] },
      "rules[0].startWindowMinutes 30 is not allowed; use a whole number of at least 60 (AWS Backup's minimum)",
    );
  });

  it('rejects a completion window less than 60 minutes longer than the start window', () => {
    expectError(
      { rules: [rule({ startWindowMinutes: 90, completionWindowMinutes: 120 })] },
      'rules[0].completionWindowMinutes 120 is not allowed; use a whole number of at least startWindowMinutes + 60 = 150',
    );
  });

  it('rejects a retention outside 1 to 36500 days', () => {
    expectError(
      { rules: [rule({ deleteAfterDays: 0 })] },
      'rules[0].deleteAfterDays 0 is not allowed; use a whole number from 1 to 36500',
    );
  });

  it('rejects a cold-storage transition under 1 day', () => {
    expectError(
      { rules: [rule({ coldStorageAfterDays: 0, deleteAfterDays: 120 })] },
      'rules[0].coldStorageAfterDays 0 is not allowed; use a whole number of at least 1',
    );
  });

  it('rejects a retention shorter than cold storage + 90 days', () => {
    expectError(
      { rules: [rule({ coldStorageAfterDays: 30, deleteAfterDays: 119 })] },
      'rules[0].deleteAfterDays 119 is not allowed; recovery points stay in cold storage at least 90 days; ' +
        'with coldStorageAfterDays 30 use at least 120',
    );
  });

  it('accepts a retention of exactly cold storage + 90 days', () => {
    const json = synthBackup({ rules: [rule({ coldStorageAfterDays: 30, deleteAfterDays: 120 })] });
    expect(planRules(json)[0].lifecycle).toEqual({ cold_storage_after: 30, delete_after: 120 });
  });

  it('rejects a copy to an unknown region', () => {
    expect(() => synthBackup({ copyTo: [{ region: 'us-east-7', vaultArn: US_VAULT_ARN }] })).toThrow(
      /^BackupPlan: copyTo\[0\]\.region "us-east-7" is not allowed; use one of af-south-1, .*, us-west-2$/,
    );
  });

  it('rejects a copy to the plan’s own region', () => {
    expectError(
      {
        copyTo: [
          {
            region: 'eu-west-1',
            vaultArn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:other-vault',
          },
        ],
      },
      'copyTo[0].region "eu-west-1" is not allowed; copy to another region than the plan\'s own (eu-west-1); ' +
        'a same-region copy does not survive the loss of the region',
    );
  });

  it('rejects two copies to the same region', () => {
    expectError(
      {
        copyTo: [
          { region: 'us-east-1', vaultArn: US_VAULT_ARN },
          { region: 'us-east-1', vaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:second' },
        ],
      },
      'copyTo[1].region "us-east-1" is not allowed; copyTo[0] already copies to this region; list each region once',
    );
  });

  it('rejects a vault ARN that is not a backup vault in the named region', () => {
    const arn = 'arn:aws:backup:us-west-2:123456789012:backup-vault:fargate-test-vault';
    expectError(
      { copyTo: [{ region: 'us-east-1', vaultArn: arn }] },
      `copyTo[0].vaultArn "${arn}" is not allowed; use the ARN of a backup vault in us-east-1, ` +
        "e.g. that region's BackupPlan.vault.arn",
    );
  });

  it('rejects a vault lock minimum under 1 day', () => {
    expectError(
      { vaultLock: { minRetentionDays: 0, maxRetentionDays: 90 } },
      'vaultLock.minRetentionDays 0 is not allowed; use a whole number from 1 to 36500',
    );
  });

  it('rejects a vault lock maximum under its minimum', () => {
    expectError(
      { vaultLock: { minRetentionDays: 30, maxRetentionDays: 20 } },
      'vaultLock.maxRetentionDays 20 is not allowed; use a whole number from minRetentionDays (30) to 36500',
    );
  });

  it('rejects a compliance-mode grace time under AWS Backup’s 3 days', () => {
    expectError(
      { vaultLock: { minRetentionDays: 1, maxRetentionDays: 90, changeableForDays: 2 } },
      "vaultLock.changeableForDays 2 is not allowed; use a whole number of at least 3 (AWS Backup's 72-hour " +
        'cooling-off period), or leave it out for governance mode',
    );
  });

  it('rejects a rule whose retention the vault lock would refuse', () => {
    expectError(
      { vaultLock: { minRetentionDays: 7, maxRetentionDays: 60 } },
      'rules[1].deleteAfterDays 90 is not allowed; the vault lock only accepts retentions from 7 to 60 days; ' +
        'backups with any other retention would fail',
    );
  });
});
