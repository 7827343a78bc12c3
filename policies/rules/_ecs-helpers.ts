import { Block } from '../stack-view';

/** One container of an ECS task definition, as written in `container_definitions` (camelCase keys). */
export type ContainerDefinition = Readonly<Record<string, unknown>>;

/**
 * The containers of an `aws_ecs_task_definition`, parsed from its `container_definitions` JSON
 * string; undefined when the rules cannot read them (a `${jsonencode(...)}`, `${file(...)}` or
 * variable expression, or anything but a JSON list of objects). The container rules treat that as
 * non-compliant: they exist to prove a property of every container, and an unreadable definition
 * proves nothing (make it literal JSON, or suppress with a reason).
 */
export function containerDefinitions(taskDefinition: Block): ContainerDefinition[] | undefined {
  const raw = taskDefinition.config.container_definitions;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) &&
      parsed.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c))
      ? (parsed as ContainerDefinition[])
      : undefined;
  } catch {
    return undefined;
  }
}
