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

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names standing for min, min + 1, ... (JAN = 1, SUN = 1). */
  readonly names?: readonly string[];
  /** Elements allowed besides numbers, ranges and increments. */
  readonly special?: RegExp;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: DAY_NAMES,
    special: new RegExp(`^(L|([1-7]|${DAY_NAMES.join('|')})(L|#[1-5]))$`),
  },
  { name: 'year', min: 1970, max: 2199 },
];
const CRON_FORMAT = 'cron(minutes hours day-of-month month day-of-week year)';

/** What is wrong with an AWS Backup schedule expression, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const body = /^cron\((.*)\)$/.exec(expression.trim())?.[1];
  if (body === undefined) {
    return `use ${CRON_FORMAT} in UTC, e.g. cron(0 5 ? * * *) for 05:00 daily; AWS Backup accepts no rate(...) expressions`;
  }
  const fields = body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `use 6 fields, ${CRON_FORMAT}; found ${fields.length}`;
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return 'exactly one of day-of-month (3rd field) and day-of-week (5th field) must be "?"';
  }
  if (!/^\d{1,2}$/.test(fields[0]) || Number(fields[0]) > 59) {
    return 'AWS Backup runs a rule at most hourly, so minutes (1st field) must be a single value from 0 to 59';
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const value = fields[index];
    if (value === '?' && (index === 2 || index === 4)) continue;
    if (!value.split(',').every((element) => cronElementValid(element, field))) {
      const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
      return (
        `the ${field.name} field "${value}" is not valid; use *, values ${field.min}-${field.max}${names}, ` +
        'ranges (a-b), increments (a/n) and lists (a,b)'
      );
    }
  }
  return undefined;
}

function cronElementValid(element: string, field: CronField): boolean {
  if (field.special?.test(element)) return true;
  const value = (text: string): number | undefined => {
    const named = field.names?.indexOf(text) ?? -1;
    const number = named >= 0 ? field.min + named : /^\d+$/.test(text) ? Number(text) : NaN;
    return number >= field.min && number <= field.max ? number : undefined;
  };
  const [base, step, extra] = element.split('/');
  if (extra !== undefined) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (base === '*') return true;
  const [from, to, more] = base.split('-');
  if (more !== undefined || value(from) === undefined) return false;
  return to === undefined || value(to) !== undefined;
}
