import { RuleCheck, StackView } from '../stack-view';

/** `arn:<partition>:iam::<account>:role/<path/><name>`: role names are unique in an account, whatever the path. */
const ROLE_ARN = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/;

/**
 * What identifies the role an ARN expression designates: the addresses of the `aws_iam_role`
 * blocks it references (resources, and data sources followed through their `name`) and every
 * literal role name known (from a literal ARN or a role's literal `name`). Undefined when the
 * expression designates no role the rule can see (a variable, remote state, a name_prefix'd role
 * looked up by another expression...).
 */
function roleIdentities(expression: string, stack: StackView): Set<string> | undefined {
  const identities = new Set<string>();
  const literal = ROLE_ARN.exec(expression);
  if (!expression.includes('${') && literal) identities.add(`name:${literal[1]}`);
  const visit = (value: unknown): void => {
    for (const role of stack.referencedBy(value, 'aws_iam_role')) {
      if (identities.has(role.address)) continue;
      identities.add(role.address);
      const name = role.config.name;
      if (typeof name === 'string' && !name.includes('${')) identities.add(`name:${name}`);
      if (role.mode === 'data') visit(name);
    }
  };
  visit(expression);
  return identities.size > 0 ? identities : undefined;
}

/**
 * A task role, when there is one, is not the execution role: the execution role's permissions
 * (pull images, read secrets, write logs) are the agent's, not the application's. Not applicable
 * without a task role (the application gets no AWS credentials at all), and when either role is
 * outside what the stack shows and the two expressions differ (the rule cannot tell them apart).
 */
export const ecsSeparateRoles: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition, stack) {
    const { task_role_arn: task, execution_role_arn: execution } = taskDefinition.config;
    if (typeof task !== 'string' || task === '') return 'not-applicable';
    if (typeof execution !== 'string' || execution === '') return 'compliant';
    if (task === execution) return 'non-compliant';
    const taskRole = roleIdentities(task, stack);
    const executionRole = roleIdentities(execution, stack);
    if (!taskRole || !executionRole) return 'not-applicable';
    return [...taskRole].some((id) => executionRole.has(id)) ? 'non-compliant' : 'compliant';
  },
};
