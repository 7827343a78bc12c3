import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/**
 * Every container of a Linux task definition names the user it runs as, and that user is not root
 * (`root` or uid `0`, with or without a group), as Security Hub ECS.20 asks. Windows task
 * definitions are not applicable; unreadable container definitions fail.
 */
export const ecsNonRootUser: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition) {
    const platform = [taskDefinition.config.runtime_platform].flat()[0] as
      | { operating_system_family?: unknown }
      | undefined;
    const family = platform?.operating_system_family;
    if (typeof family === 'string' && family.startsWith('WINDOWS')) return 'not-applicable';
    const containers = containerDefinitions(taskDefinition);
    if (!containers) return 'non-compliant';
    const nonRoot = containers.every(
      (c) => typeof c.user === 'string' && c.user !== '' && !['root', '0'].includes(c.user.split(':')[0]),
    );
    return nonRoot ? 'compliant' : 'non-compliant';
  },
};
