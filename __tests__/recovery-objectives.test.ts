/**
 * RPO and RTO per store, derived from the settings (issue 20): the schedule a backup rule runs on,
 * and each store's objectives per tier and setting. The output of the platform stack is in
 * environments/recovery-objectives.test.ts.
 */
import { recoveryObjectives, scheduleIntervalHours } from '../stacks/recovery-objectives';
import { productionOverrides, testSettings } from '../test-support/synth';

const PROD = productionOverrides('test fixture: recovery objectives only, no domain needed');
const byStore = (settings: ReturnType<typeof testSettings>) =>
  Object.fromEntries(recoveryObjectives(settings).map((o) => [o.store, o]));

describe('scheduleIntervalHours', () => {
  it.each([
    ['cron(0 5 ? * * *)', 24],
    ['cron(0 5 ? * 1 *)', 168],
    ['cron(30 2 ? * SUN *)', 168],
    ['cron(0 */6 ? * * *)', undefined],
    ['rate(1 day)', undefined],
  ])('%s → %s', (expression, hours) => {
    expect(scheduleIntervalHours(expression)).toBe(hours);
  });
});

describe('recoveryObjectives', () => {
  it('in production: EFS replication’s 15 minutes, every region’s S3 writes, daily backups', () => {
    const objectives = byStore(testSettings(PROD));
    expect(objectives.efs.rpo).toMatch(/^15 min \(EFS replication to the next region/);
    expect(objectives.efs.rto).toBe('minutes: promote the replica (README: Data that survives a region)');
    expect(objectives.s3.rpo).toBe(
      "every region's writes: minutes, no bound (no Replication Time Control: most objects within 15 min, some hours); alarm above 15 min",
    );
    expect(objectives.backups.rpo).toBe(
      'up to 24 h + 3 h of windows (DailyBackups, cron(0 5 ? * * *)), copied to the next region after each backup',
    );
    expect(objectives.images.rto).toBe('none: every region pulls from its own replica');
  });

  it('in development: the daily backup is the file system’s RPO, and only the primary’s S3 writes replicate', () => {
    const objectives = byStore(testSettings());
    expect(objectives.efs.rpo).toMatch(/^up to 24 h .* \(no EFS replication\)$/);
    expect(objectives.efs.rto).toMatch(/^hours: an AWS Backup restore job/);
    expect(objectives.s3.rpo).toMatch(/^us-east-1's writes: .*the other regions' writes are not replicated/);
  });

  it('states S3 Replication Time Control’s bound when it is on', () => {
    const objectives = byStore(testSettings({ ...PROD, replication: { replicationTimeControl: true } }));
    expect(objectives.s3.rpo).toContain('15 min for 99.99 % of objects (S3 Replication Time Control)');
  });

  it('follows the most frequent backup rule whose schedule it can read', () => {
    const rule = { startWindowMinutes: 60, completionWindowMinutes: 180, deleteAfterDays: 35 };
    const objectives = byStore(
      testSettings({
        backup: {
          rules: [
            { name: 'Weekly', scheduleExpression: 'cron(0 3 ? * 1 *)', ...rule },
            { name: 'Nightly', scheduleExpression: 'cron(0 1 ? * * *)', ...rule },
          ],
        },
      } as never),
    );
    expect(objectives.backups.rpo).toMatch(
      /^up to 24 h \+ 4 h of windows \(Nightly, cron\(0 1 \? \* \* \*\)\)/,
    );
  });
});
