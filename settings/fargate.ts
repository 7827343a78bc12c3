/**
 * Fargate's valid task sizes (Linux): CPU units to the memory values (MiB) AWS accepts with them.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
function range(fromGiB: number, toGiB: number, stepGiB: number): number[] {
  const values: number[] = [];
  for (let gib = fromGiB; gib <= toGiB; gib += stepGiB) values.push(gib * 1024);
  return values;
}

export const FARGATE_TASK_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1, 4, 1)],
  [1024, range(2, 8, 1)],
  [2048, range(4, 16, 1)],
  [4096, range(8, 30, 1)],
  [8192, range(16, 60, 4)],
  [16384, range(32, 120, 8)],
]);

/** Why a CPU/memory pair is not a Fargate task size, or undefined when it is one. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const memories = FARGATE_TASK_SIZES.get(cpu);
  if (!memories) {
    return `Fargate CPU must be one of ${[...FARGATE_TASK_SIZES.keys()].join(', ')}`;
  }
  if (!memories.includes(memoryMiB)) {
    return `with ${cpu} CPU units Fargate accepts memoryMiB ${describeMemories(memories)}`;
  }
  return undefined;
}

function describeMemories(memories: readonly number[]): string {
  if (memories.length <= 4) return memories.join(', ');
  const step = memories[1] - memories[0];
  return `${memories[0]} to ${memories[memories.length - 1]} in steps of ${step}`;
}
