import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/**
 * With tier production, every essential container of a task definition has a health check with a
 * command, so ECS replaces a container that hangs while its process lives. Unreadable container
 * definitions fail; elsewhere not applicable.
 */
export const ecsContainerHealthCheck: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition, _stack, context) {
    if (context.tier !== 'production') return 'not-applicable';
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
