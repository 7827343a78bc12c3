import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/**
 * With tier production, every essential container of a task definition has a health check with a
 * command, so ECS replaces a container that hangs while its process lives. Unreadable container
 * definitions fail; elsewhere not applicable. Not applicable either to a task definition that only a
 * schedule starts (a scheduled job): ECS replaces unhealthy tasks of a service, and a job's task,
 * run on its own until it exits, is never replaced, whatever its health.
 */
export const ecsContainerHealthCheck: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition, stack, context) {
    if (context.tier !== 'production') return 'not-applicable';
    const scheduledOnly =
      stack.referencing(taskDefinition, 'aws_ecs_service').length === 0 &&
      stack.referencing(taskDefinition, 'aws_scheduler_schedule').length > 0;
    if (scheduledOnly) return 'not-applicable';
    const containers = containerDefinitions(taskDefinition);
    if (!containers) return 'non-compliant';
    const checked = containers
      .filter((c) => c.essential !== false)
      .every((c) => {
        const command = (c.healthCheck as { command?: unknown } | undefined)?.command;
        return Array.isArray(command) && command.length > 1;
      });
    return checked ? 'compliant' : 'non-compliant';
  },
};
