import { RuleCheck } from '../stack-view';

/**
 * A schedule retries a failed start and keeps what still fails in a dead-letter queue: without a
 * retry policy a throttled RunTask is lost after Scheduler's defaults, and without a dead-letter
 * queue a start that never succeeds leaves no trace anyone can alarm on.
 */
export const schedulerDeadLetterQueue: RuleCheck = {
  appliesTo: ['aws_scheduler_schedule'],
  check(schedule) {
    const target = schedule.config.target as
      | { dead_letter_config?: { arn?: unknown }; retry_policy?: unknown }
      | undefined;
    if (!target) return 'not-applicable';
    const deadLetters =
      typeof target.dead_letter_config?.arn === 'string' && target.dead_letter_config.arn !== '';
    return deadLetters && target.retry_policy !== undefined ? 'compliant' : 'non-compliant';
  },
};
