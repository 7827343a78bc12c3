import { Aspects, IAspect, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';

/** A resource whose type takes tags: cdktf's resource classes have `tags` and `tagsInput` then. */
interface TaggableResource {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

/**
 * Puts `tags` on every resource below the scope it is added to whose type takes tags, beside the
 * tags the resource sets itself (its `Name` wins) and the providers' default tags (these tags win
 * on the resources they reach). A service's `tags` (its team, its cost centre) reach all of its
 * resources this way, whichever construct builds them.
 */
export class ResourceTags implements IAspect {
  /** Tags every taggable resource below `scope` with `tags`; no tags, no aspect. */
  public static applyTo(scope: IConstruct, tags: Readonly<Record<string, string>>): void {
    if (Object.keys(tags).length > 0) Aspects.of(scope).add(new ResourceTags(tags));
  }

  public constructor(private readonly tags: Readonly<Record<string, string>>) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || !('tagsInput' in node)) return;
    const resource = node as unknown as TaggableResource;
    resource.tags = { ...this.tags, ...(resource.tagsInput ?? {}) };
  }
}
