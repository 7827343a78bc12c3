import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/** Every container names a log driver in its logConfiguration (unreadable definitions fail). */
export const ecsLoggingConfigured: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    const hasDriver = (c: Record<string, unknown>) => {
      const logging = c.logConfiguration as { logDriver?: unknown } | null | undefined;
      return typeof logging?.logDriver === 'string' && logging.logDriver !== '';
    };
    return containers?.every(hasDriver) ? 'compliant' : 'non-compliant';
  },
};
