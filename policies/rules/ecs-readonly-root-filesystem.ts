import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/** Every container of the task definition mounts its root filesystem read-only (unreadable definitions fail). */
export const ecsReadonlyRootFilesystem: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    return containers?.every((c) => c.readonlyRootFilesystem === true) ? 'compliant' : 'non-compliant';
  },
};
