import { RuleCheck } from '../stack-view';

/**
 * Whether an action list names at least one action. A whole-list expression (`${var.topics}`)
 * counts as set: the rule cannot evaluate it, and an author who wired one meant actions.
 */
function hasActions(actions: unknown): boolean {
  if (typeof actions === 'string') return actions.includes('${');
  return Array.isArray(actions) && actions.some((a) => typeof a === 'string' && a !== '');
}

/** The alarm's actions are enabled and it notifies both on ALARM and on return to OK. */
export const alarmActions: RuleCheck = {
  appliesTo: ['aws_cloudwatch_metric_alarm'],
  check(alarm) {
    const { actions_enabled: enabled, alarm_actions: onAlarm, ok_actions: onOk } = alarm.config;
    return enabled !== false && hasActions(onAlarm) && hasActions(onOk) ? 'compliant' : 'non-compliant';
  },
};
