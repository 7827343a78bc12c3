import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/** No container of the task definition is privileged (unreadable definitions fail). */
export const ecsNoPrivilegedContainers: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    return containers?.every((c) => c.privileged !== true) ? 'compliant' : 'non-compliant';
  },
};
