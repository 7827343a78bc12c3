import { RuleCheck } from '../stack-view';

/** Log groups keep events for a set number of days (0 or none means forever). */
export const logsRetention: RuleCheck = {
  appliesTo: ['aws_cloudwatch_log_group'],
  check(group) {
    const days = group.config.retention_in_days;
    return typeof days === 'number' && days > 0 ? 'compliant' : 'non-compliant';
  },
};
