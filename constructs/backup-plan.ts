import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPlan as BackupPlanResource } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AWS_REGIONS } from '../settings/regions';
import { EncryptionKey } from './encryption-key';
import { ValidationError } from './validation-error';
import { SEED_BACKUP_RULES, cronProblem } from '../settings/backup-rules';
import { assumeRolePolicy } from './assume-role-policy';

/** One scheduled backup of the plan. */
export interface BackupRule {
  /** Rule name: 1 to 50 letters, digits, `-`, `_` or `.`, unique within the plan. */
  readonly name: string;
  /**
   * When backups start, in UTC: `cron(minutes hours day-of-month month day-of-week year)`, exactly one
   * of day-of-month and day-of-week `?`, minutes a single value (AWS Backup runs a rule at most hourly).
   * AWS Backup accepts no `rate(...)` expressions.
   */
  readonly scheduleExpression: string;
  /** Minutes after the scheduled time within which a backup must start, or it is cancelled; at least 60. */
  readonly startWindowMinutes: number;
  /** Minutes AWS Backup lets a backup run before cancelling it; at least `startWindowMinutes` + 60. */
  readonly completionWindowMinutes: number;
  /** Days after creation that a recovery point (and each of its copies) is deleted, 1 to 36500. */
  readonly deleteAfterDays: number;
  /**
   * Days after creation that a recovery point moves to cold storage, at least 1; it must then stay
   * there 90 days, so `deleteAfterDays` must be at least this + 90.
   * @default - never moved to cold storage
   */
  readonly coldStorageAfterDays?: number;
}

/** A vault in another region that receives a copy of every recovery point. */
export interface BackupCopyDestination {
  /** Region of the destination vault; must differ from this plan's region. */
  readonly region: string;
  /** ARN of the destination vault, typically another region's `BackupPlan.vault.arn`. */
  readonly vaultArn: string;
}

/** AWS Backup Vault Lock: retention limits that no one, not even the root user, can bypass. */
export interface BackupVaultLock {
  /** Shortest retention, in days, a backup or copy job into the vault may set; at least 1. */
  readonly minRetentionDays: number;
  /** Longest retention, in days, a backup or copy job into the vault may set; `minRetentionDays` to 36500. */
  readonly maxRetentionDays: number;
  /**
   * Grace time, in days (at least 3), after which the lock becomes immutable (compliance mode):
   * neither the lock nor the vault can then be changed or deleted, and every recovery point lives its
   * full retention. Until then, and forever without this field (governance mode), principals allowed
   * `backup:PutBackupVaultLockConfiguration` / `backup:DeleteBackupVaultLockConfiguration` may change
   * or remove the lock.
   * @default - governance mode: the lock stays changeable by authorized principals
   */
  readonly changeableForDays?: number;
}

/** The seed's two rules: daily kept 30 days, weekly (Sunday) kept 90 days, both at 05:00 UTC. */
export const DEFAULT_BACKUP_RULES: readonly BackupRule[] = SEED_BACKUP_RULES;

export interface BackupPlanProps {
  /** The provider of the region the vault, plan and selection live in (AWS Backup is regional). */
  readonly provider: AwsProvider;
  /** Prefix of every named resource, e.g. `orders-dev`. */
  readonly namePrefix: string;
  /** ARNs of the resources to back up (the region's EFS file system), at least 1. */
  readonly resourceArns: string[];
  /**
   * Backup rules, at least 1.
   * @default - the seed's `DailyBackups` (kept 30 days) and `WeeklyBackups` (kept 90 days), see `DEFAULT_BACKUP_RULES`
   */
  readonly rules?: BackupRule[];
  /**
   * Vaults in other regions that every rule copies each recovery point to, with the rule's own
   * lifecycle, so that a region's backups survive the loss of that region. When two regions copy to
   * each other, the plan built first reaches the other's vault lazily:
   * `Lazy.stringValue({ produce: () => other.vault.arn })`.
   * @default - no copies: backups live only in this region
   */
  readonly copyTo?: BackupCopyDestination[];
  /**
   * Vault Lock on this region's vault (WORM retention); every rule's `deleteAfterDays` must lie
   * within its limits, or backups into the vault would fail.
   * @default - no vault lock
   */
  readonly vaultLock?: BackupVaultLock;
}

const AWS_BACKUP_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup';
const AWS_RESTORE_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores';
/** AWS Backup's longest retention: 100 years. */
const MAX_RETENTION_DAYS = 36500;
/** AWS Backup's shortest start window. */
const MIN_START_WINDOW_MINUTES = 60;
/** AWS Backup requires a completion window at least this much longer than the start window. */
const COMPLETION_AFTER_START_MINUTES = 60;
/** Days a recovery point must stay in cold storage before it may be deleted. */
const MIN_COLD_STORAGE_DAYS = 90;
const MIN_CHANGEABLE_FOR_DAYS = 3;

/**
 * A region's AWS Backup (seed 8.7, made to back something up): a vault encrypted with its own
 * customer-managed key, a plan whose rules target that vault (and optionally copy to other regions'
 * vaults), a selection of the given resources, the service role AWS Backup assumes for them, and
 * optionally a Vault Lock.
 *
 * Cross-region copies need nothing beyond this, within one account: for EFS (fully managed by AWS
 * Backup) a copy is re-encrypted with the destination vault's key through a KMS grant that AWS Backup
 * creates as the role. `AWSBackupServiceRolePolicyForBackup` allows `backup:CopyIntoBackupVault` on any
 * vault, `kms:DescribeKey` and `kms:CreateGrant` (for AWS resources only) on any key, and the
 * destination key keeps AWS's default key policy, which lets the account's IAM policies decide. A
 * destination in another account would instead need a vault access policy there and a key policy
 * naming this account.
 */
export class BackupPlan extends Construct {
  public readonly vaultKey: EncryptionKey;
  public readonly vault: BackupVault;
  public readonly plan: BackupPlanResource;
  public readonly role: IamRole;
  public readonly selection: BackupSelection;
  /** The vault's lock, when `vaultLock` is set. */
  public readonly vaultLockConfiguration?: BackupVaultLockConfiguration;

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    const rules = props.rules ?? [...DEFAULT_BACKUP_RULES];
    validate(props, rules);
    const { provider, namePrefix } = props;
    const vaultName = `${namePrefix}-vault`;

    this.vaultKey = new EncryptionKey(this, 'VaultKey', {
      provider,
      alias: `${namePrefix}/backup`,
      description: `Encrypts the recovery points in backup vault ${vaultName}`,
    });

    // Never force-destroyed: Terraform cannot delete the vault while it holds recovery points.
    this.vault = new BackupVault(this, 'Vault', {
      provider,
      name: vaultName,
      kmsKeyArn: this.vaultKey.arn,
      forceDestroy: false,
    });

    if (props.vaultLock) {
      this.vaultLockConfiguration = new BackupVaultLockConfiguration(this, 'VaultLock', {
        provider,
        backupVaultName: this.vault.name,
        minRetentionDays: props.vaultLock.minRetentionDays,
        maxRetentionDays: props.vaultLock.maxRetentionDays,
        changeableForDays: props.vaultLock.changeableForDays,
      });
    }

    this.plan = new BackupPlanResource(this, 'Plan', {
      provider,
      name: `${namePrefix}-backup-plan`,
      rule: rules.map((rule) => {
        const lifecycle = { deleteAfter: rule.deleteAfterDays, coldStorageAfter: rule.coldStorageAfterDays };
        return {
          ruleName: rule.name,
          targetVaultName: this.vault.name,
          schedule: rule.scheduleExpression,
          startWindow: rule.startWindowMinutes,
          completionWindow: rule.completionWindowMinutes,
          lifecycle,
          copyAction: props.copyTo?.map((destination) => ({
            destinationVaultArn: destination.vaultArn,
            lifecycle,
          })),
        };
      }),
    });

    const trust = assumeRolePolicy(this, 'RoleTrust', { provider, service: 'backup.amazonaws.com' });
    this.role = new IamRole(this, 'Role', {
      provider,
      // IAM is global: a name prefix keeps every region's role distinct.
      namePrefix: `${namePrefix}-backup-`.slice(0, 38),
      description: `AWS Backup: back up, copy and restore the resources of plan ${namePrefix}-backup-plan`,
      assumeRolePolicy: trust.json,
    });
    const attachments = [
      new IamRolePolicyAttachment(this, 'BackupPolicy', {
        provider,
        role: this.role.name,
        policyArn: AWS_BACKUP_POLICY,
      }),
      new IamRolePolicyAttachment(this, 'RestorePolicy', {
        provider,
        role: this.role.name,
        policyArn: AWS_RESTORE_POLICY,
      }),
    ];

    this.selection = new BackupSelection(this, 'Selection', {
      provider,
      name: `${namePrefix}-efs`,
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      resources: props.resourceArns,
      // No backup job may start with a role that cannot yet do the work.
      dependsOn: attachments,
    });
  }
}

type Fail = (prop: string, value: unknown, allowed: string) => never;

function validate(props: BackupPlanProps, rules: BackupRule[]): void {
  const fail: Fail = (prop, value, allowed) => {
    throw new ValidationError('BackupPlan', prop, value, allowed);
  };

  const arns = props.resourceArns;
  if (!Token.isUnresolved(arns) && arns.length < 1) {
    fail('resourceArns', arns, 'list at least 1 resource to back up, e.g. the EFS file system ARN');
  }

  if (rules.length < 1) fail('rules', rules, 'list at least 1 rule; a plan without rules backs up nothing');
  rules.forEach((rule, index) => validateRule(rule, `rules[${index}]`, fail));
  const names = rules.map((rule) => rule.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) {
      fail(`rules[${index}].name`, name, `rule names must be unique; rules[${names.indexOf(name)}] has it`);
    }
  });

  (props.copyTo ?? []).forEach((destination, index) =>
    validateCopyDestination(props, destination, index, fail),
  );

  if (props.vaultLock) validateVaultLock(props.vaultLock, rules, fail);
}

function validateRule(rule: BackupRule, at: string, fail: Fail): void {
  const known = (value: unknown) => value !== undefined && !Token.isUnresolved(value);
  const wholeAtLeast = (value: number, min: number) => Number.isInteger(value) && value >= min;

  if (known(rule.name) && !/^[a-zA-Z0-9\-_.]{1,50}$/.test(rule.name)) {
    fail(`${at}.name`, rule.name, 'use 1 to 50 letters, digits, "-", "_" or "."');
  }

  if (known(rule.scheduleExpression)) {
    const problem = cronProblem(rule.scheduleExpression);
    if (problem) fail(`${at}.scheduleExpression`, rule.scheduleExpression, problem);
  }

  const start = rule.startWindowMinutes;
  if (known(start) && !wholeAtLeast(start, MIN_START_WINDOW_MINUTES)) {
    fail(
      `${at}.startWindowMinutes`,
      start,
      `use a whole number of at least ${MIN_START_WINDOW_MINUTES} (AWS Backup's minimum)`,
    );
  }

  const completion = rule.completionWindowMinutes;
  if (
    known(completion) &&
    known(start) &&
    !wholeAtLeast(completion, start + COMPLETION_AFTER_START_MINUTES)
  ) {
    fail(
      `${at}.completionWindowMinutes`,
      completion,
      `use a whole number of at least startWindowMinutes + ${COMPLETION_AFTER_START_MINUTES} = ${start + COMPLETION_AFTER_START_MINUTES}`,
    );
  }

  const deleteAfter = rule.deleteAfterDays;
  if (known(deleteAfter) && !(wholeAtLeast(deleteAfter, 1) && deleteAfter <= MAX_RETENTION_DAYS)) {
    fail(`${at}.deleteAfterDays`, deleteAfter, `use a whole number from 1 to ${MAX_RETENTION_DAYS}`);
  }

  const cold = rule.coldStorageAfterDays;
  if (cold === undefined || Token.isUnresolved(cold)) return;
  if (!wholeAtLeast(cold, 1)) fail(`${at}.coldStorageAfterDays`, cold, 'use a whole number of at least 1');
  if (known(deleteAfter) && deleteAfter < cold + MIN_COLD_STORAGE_DAYS) {
    fail(
      `${at}.deleteAfterDays`,
      deleteAfter,
      `recovery points stay in cold storage at least ${MIN_COLD_STORAGE_DAYS} days; with coldStorageAfterDays ` +
        `${cold} use at least ${cold + MIN_COLD_STORAGE_DAYS}`,
    );
  }
}

function validateCopyDestination(
  props: BackupPlanProps,
  destination: BackupCopyDestination,
  index: number,
  fail: Fail,
): void {
  const at = `copyTo[${index}]`;
  const { region, vaultArn } = destination;
  if (Token.isUnresolved(region)) return;
  if (!(AWS_REGIONS as readonly string[]).includes(region)) {
    fail(`${at}.region`, region, `use one of ${AWS_REGIONS.join(', ')}`);
  }
  const ownRegion = props.provider.region;
  if (ownRegion !== undefined && !Token.isUnresolved(ownRegion) && region === ownRegion) {
    fail(
      `${at}.region`,
      region,
      `copy to another region than the plan's own (${ownRegion}); a same-region copy does not survive the loss of the region`,
    );
  }
  const earlier = (props.copyTo ?? []).findIndex((other) => other.region === region);
  if (earlier !== index) {
    fail(`${at}.region`, region, `copyTo[${earlier}] already copies to this region; list each region once`);
  }
  if (!Token.isUnresolved(vaultArn)) {
    const match = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):\d{12}:backup-vault:[a-zA-Z0-9\-_]{2,50}$/.exec(
      vaultArn,
    );
    if (!match || match[1] !== region) {
      fail(
        `${at}.vaultArn`,
        vaultArn,
        `use the ARN of a backup vault in ${region}, e.g. that region's BackupPlan.vault.arn`,
      );
    }
  }
}

function validateVaultLock(lock: BackupVaultLock, rules: BackupRule[], fail: Fail): void {
  const { minRetentionDays: min, maxRetentionDays: max, changeableForDays } = lock;
  if (Token.isUnresolved(min) || Token.isUnresolved(max)) return;
  if (!(Number.isInteger(min) && min >= 1 && min <= MAX_RETENTION_DAYS)) {
    fail('vaultLock.minRetentionDays', min, `use a whole number from 1 to ${MAX_RETENTION_DAYS}`);
  }
  if (!(Number.isInteger(max) && max >= min && max <= MAX_RETENTION_DAYS)) {
    fail(
      'vaultLock.maxRetentionDays',
      max,
      `use a whole number from minRetentionDays (${min}) to ${MAX_RETENTION_DAYS}`,
    );
  }
  if (
    changeableForDays !== undefined &&
    !Token.isUnresolved(changeableForDays) &&
    !(Number.isInteger(changeableForDays) && changeableForDays >= MIN_CHANGEABLE_FOR_DAYS)
  ) {
    fail(
      'vaultLock.changeableForDays',
      changeableForDays,
      `use a whole number of at least ${MIN_CHANGEABLE_FOR_DAYS} (AWS Backup's 72-hour cooling-off period), or leave it out for governance mode`,
    );
  }
  rules.forEach((rule, index) => {
    const days = rule.deleteAfterDays;
    if (!Token.isUnresolved(days) && (days < min || days > max)) {
      fail(
        `rules[${index}].deleteAfterDays`,
        days,
        `the vault lock only accepts retentions from ${min} to ${max} days; backups with any other retention would fail`,
      );
    }
  });
}
