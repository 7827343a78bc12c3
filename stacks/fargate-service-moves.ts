import { TerraformResource, TerraformStack } from 'cdktf';
import { FargateService } from '../constructs/fargate-service';
import { MovedBlock } from './moved-block';
import { logicalIdAt } from './single-service-moves';

/**
 * Moved blocks of the FargateService split (issue 18, deliverable 7), kept in this one place.
 *
 * FargateService used to hold every resource of a service itself (`…/Service/TaskRole`); it now
 * composes parts with one concern each, and their resources sit one level down, under these
 * construct IDs: `…/Service/SecurityGroupRules/EgressHttps`, `…/Service/Roles/TaskRole`,
 * `…/Service/Task/TaskDefinition`, `…/Service/Scaling/ScalableTarget` (the ECS service itself stays
 * at `…/Service/Service`). Each moved resource gets a `moved` block from its address before the
 * split, so Terraform renames it in the state instead of destroying and recreating it.
 *
 * These moves (this file, its call in stacks/platform-services.ts and the `formerPaths` argument of
 * moveFromSingleService) can be removed once every environment, in every stack, has applied a
 * release that carries them: from then on no state holds an address from before the split.
 */
export const FARGATE_SERVICE_PARTS: readonly string[] = ['SecurityGroupRules', 'Roles', 'Task', 'Scaling'];

/**
 * Gives every resource of `service` that sits in one of its parts a `moved` block from its address
 * before the split (the same path without the part's ID). Returns each moved resource's path before
 * the split (construct IDs from the stack on, as `node.path` splits), for moves older than the split
 * to chain onto (stacks/single-service-moves.ts).
 */
export function moveFromBeforeSplit(service: FargateService): Map<TerraformResource, string[]> {
  const former = new Map<TerraformResource, string[]>();
  const base = service.node.path.split('/');
  const stackDepth = TerraformStack.of(service).node.path.split('/').length;
  for (const child of service.node.findAll()) {
    if (!(child instanceof TerraformResource)) continue;
    const path = child.node.path.split('/');
    if (!FARGATE_SERVICE_PARTS.includes(path[base.length])) continue;
    const before = [...base, ...path.slice(base.length + 1)];
    MovedBlock.toResource(child, `${child.terraformResourceType}.${logicalIdAt(before.slice(stackDepth))}`);
    former.set(child, before);
  }
  return former;
}
