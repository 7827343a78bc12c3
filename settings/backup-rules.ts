/** The seed's backup rules (section 8.7): daily kept 30 days, weekly (Sunday) kept 90 days, both at 05:00 UTC. */
export const SEED_BACKUP_RULES = [
  {
    name: 'DailyBackups',
    scheduleExpression: 'cron(0 5 ? * * *)',
    startWindowMinutes: 60,
    completionWindowMinutes: 120,
    deleteAfterDays: 30,
  },
  {
    name: 'WeeklyBackups',
    scheduleExpression: 'cron(0 5 ? * 1 *)',
    startWindowMinutes: 60,
    completionWindowMinutes: 120,
    deleteAfterDays: 90,
  },
] as const;
