import { TerraformOutput, TerraformStack } from 'cdktf';
import { EFS_REPLICATION_RPO_SECONDS } from '../constructs/file-system-replication';
import { Settings } from '../settings/schema';
import { tierDefaults } from '../settings/tier-defaults';

/** What losing a region costs one kind of store: data (RPO) and time to get it back (RTO). */
export interface RecoveryObjective {
  /** The store, e.g. `efs`. */
  readonly store: string;
  /** How much of the newest data a lost region takes with it, and why. */
  readonly rpo: string;
  /** How long until the data is usable in a surviving region, and by what act. */
  readonly rto: string;
}

/**
 * Hours between runs of a backup schedule, when the cron expression says it plainly: one run a day
 * at a fixed hour (24) or one a week on one day (168); undefined for anything else.
 */
export function scheduleIntervalHours(expression: string): number | undefined {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) return undefined;
  const [minutes, hours, dayOfMonth, , dayOfWeek] = fields;
  if (!/^\d+$/.test(minutes) || !/^\d+$/.test(hours)) return undefined;
  const any = (field: string) => field === '*' || field === '?';
  if (any(dayOfMonth) && any(dayOfWeek)) return 24;
  if (any(dayOfMonth) && /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)$/.test(dayOfWeek)) return 168;
  return undefined;
}

const minutes = (seconds: number) => `${Math.round(seconds / 60)} min`;

/**
 * The RPO and RTO of each store when a whole region is lost, derived from the settings (the plan
 * summary and the README show them). Figures AWS states are named as such; nothing here is measured.
 */
export function recoveryObjectives(settings: Settings): RecoveryObjective[] {
  const multiRegion = settings.regions.length > 1;
  const rtc = settings.replication.replicationTimeControl;
  const bidirectional = tierDefaults(settings).replicationBidirectional;

  // The backups: the most frequent rule whose schedule says its interval, plus its windows.
  const timed = settings.backup.rules
    .map((rule) => ({ rule, hours: scheduleIntervalHours(rule.scheduleExpression) }))
    .filter((entry): entry is { rule: (typeof entry)['rule']; hours: number } => entry.hours !== undefined)
    .sort((a, b) => a.hours - b.hours)[0];
  const backupRpo = timed
    ? `up to ${timed.hours} h + ${Math.round((timed.rule.startWindowMinutes + timed.rule.completionWindowMinutes) / 60)} h of windows (${timed.rule.name}, ${timed.rule.scheduleExpression})${multiRegion ? ', copied to the next region after each backup' : ', not copied: one region'}`
    : `one schedule's interval (${settings.backup.rules.map((rule) => rule.scheduleExpression).join(', ')})`;
  const backupRto = 'hours: an AWS Backup restore job in the surviving region, into a new file system';

  const efs: RecoveryObjective = tierDefaults(settings).efsReplication
    ? {
        store: 'efs',
        rpo: `${minutes(EFS_REPLICATION_RPO_SECONDS)} (EFS replication to the next region, AWS's stated objective; alarm after ${minutes(2 * EFS_REPLICATION_RPO_SECONDS)} without a sync)`,
        rto: 'minutes: promote the replica (README: Data that survives a region)',
      }
    : { store: 'efs', rpo: `${backupRpo} (no EFS replication)`, rto: backupRto };

  const s3Bound = rtc
    ? '15 min for 99.99 % of objects (S3 Replication Time Control)'
    : 'minutes, no bound (no Replication Time Control: most objects within 15 min, some hours)';
  const s3: RecoveryObjective = multiRegion
    ? {
        store: 's3',
        rpo: bidirectional
          ? `every region's writes: ${s3Bound}; alarm above 15 min`
          : `${settings.regions[0].name}'s writes: ${s3Bound}; the other regions' writes are not replicated and are lost with their region (replication.bidirectional)`,
        rto: "none for replicated objects: each surviving region's bucket already holds them",
      }
    : {
        store: 's3',
        rpo: 'no other region: everything written since the region was lost',
        rto: 'the region’s return',
      };

  return [
    efs,
    s3,
    { store: 'backups', rpo: backupRpo, rto: backupRto },
    ...(Object.values(settings.services).some((service) => service.image.repositoryUri === undefined) &&
    multiRegion
      ? [
          {
            store: 'images',
            rpo: 'minutes after each push (ECR replication to every region); check before a wave with npm run release:check',
            rto: 'none: every region pulls from its own replica',
          },
        ]
      : []),
  ];
}

/** The objectives as the stack's output `recovery_objectives`: one line per store, in the plan summary. */
export function recoveryObjectivesOutput(stack: TerraformStack, settings: Settings): TerraformOutput {
  return new TerraformOutput(stack, 'recovery_objectives', {
    description: 'RPO and RTO of each store when a whole region is lost, derived from the settings',
    value: recoveryObjectives(settings).map((o) => `${o.store}: RPO ${o.rpo}; RTO ${o.rto}`),
  });
}
