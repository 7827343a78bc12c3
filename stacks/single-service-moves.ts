import { TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { MovedBlock } from './moved-block';

/**
 * Where the single-service platform kept its application's resources, relative to the scope they
 * now live in: `[now, then]` path prefixes, the longest match wins. The region's service moved from
 * `<region>/…` to `Services/<service>/<region>/…`; the repository from `ContainerRepository/…` to
 * `ContainerRepository/<service>/…`.
 */
export const REGIONAL_MOVES: ReadonlyArray<readonly [string, string]> = [
  ['Service', 'Service'],
  ['TaskSecurityGroup', 'TaskSecurityGroup'],
  ['Routing/TargetGroup', 'LoadBalancer/TargetGroup'],
  ['Routing/TargetEgress', 'LoadBalancer/TargetEgress'],
  ['Files/NfsFromClients', 'FileSystem/NfsFromClients'],
  ['Files/AccessPoint', 'FileSystem/AccessPoint'],
  ['Alarms', 'Alarms'],
  ['Dashboard', 'Dashboard'],
];
export const REPOSITORY_MOVES: ReadonlyArray<readonly [string, string]> = [
  ['Repository', 'Repository'],
  ['LifecyclePolicy', 'LifecyclePolicy'],
];

/** Where logicalIdAt builds its paths; created on first use. */
let scratch: TerraformStack | undefined;

/**
 * The logical ID cdktf gives a resource at `path` (construct IDs below the stack), by its public API:
 * the stack's own ID for a construct at that path in one scratch stack per process, whose paths
 * later calls reuse. The stack sits under a bare root construct, not an App (an App creates its
 * output folder on disk), and is never synthesized.
 */
export function logicalIdAt(path: string[]): string {
  scratch ??= new TerraformStack(new Construct(undefined as unknown as Construct, ''), 'moves');
  let scope: Construct = scratch;
  for (const id of path) {
    scope = (scope.node.tryFindChild(id) as Construct | undefined) ?? new Construct(scope, id);
  }
  return scratch.getLogicalId(scope.node);
}

/**
 * Adds a Terraform `moved` block to every resource under `scope` whose path (relative to `scope`)
 * matches a `now` prefix of `moves`, from the address the single-service platform gave it: the same
 * path with that prefix replaced by `then`, under `oldScope` (construct IDs below the stack).
 * A resource that a later change moved again (`formerPaths`: its path before that change, as
 * `node.path` splits) already has its `moved` block from there: this move becomes the first link
 * of the chain, from the single-service address to that former one. Returns the number of moves.
 */
export function moveFromSingleService(
  scope: IConstruct,
  oldScope: string[],
  moves: ReadonlyArray<readonly [string, string]>,
  formerPaths: ReadonlyMap<TerraformResource, string[]> = new Map(),
): number {
  let count = 0;
  const base = scope.node.path.split('/').length;
  for (const child of scope.node.findAll()) {
    if (!(child instanceof TerraformResource)) continue;
    const former = formerPaths.get(child);
    const relative = (former ?? child.node.path.split('/')).slice(base);
    const match = [...moves]
      .filter(([now]) => {
        const prefix = now.split('/');
        return prefix.every((part, index) => relative[index] === part);
      })
      .sort((a, b) => b[0].length - a[0].length)[0];
    if (!match) continue;
    const then = [...oldScope, ...match[1].split('/'), ...relative.slice(match[0].split('/').length)];
    const from = `${child.terraformResourceType}.${logicalIdAt(then)}`;
    if (former) {
      const stackDepth = TerraformStack.of(child).node.path.split('/').length;
      const links =
        (scope.node.tryFindChild('MovedFromSingleService') as Construct | undefined) ??
        new Construct(scope, 'MovedFromSingleService');
      new MovedBlock(links, relative.join('-'), {
        from,
        to: `${child.terraformResourceType}.${logicalIdAt(former.slice(stackDepth))}`,
      });
    } else {
      MovedBlock.toResource(child, from);
    }
    count += 1;
  }
  return count;
}
