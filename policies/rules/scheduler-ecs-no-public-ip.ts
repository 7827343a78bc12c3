import { RuleCheck } from '../stack-view';

/** A schedule that starts ECS tasks gives them no public IP (ECS.2's rule, for tasks no service runs). */
export const schedulerEcsNoPublicIp: RuleCheck = {
  appliesTo: ['aws_scheduler_schedule'],
  check(schedule) {
    const target = schedule.config.target as
      | { ecs_parameters?: { network_configuration?: { assign_public_ip?: unknown } } }
      | undefined;
    const ecs = target?.ecs_parameters;
    if (!ecs) return 'not-applicable';
    return ecs.network_configuration?.assign_public_ip === false ? 'compliant' : 'non-compliant';
  },
};
