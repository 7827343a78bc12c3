import { Block, RuleCheck } from '../stack-view';
import { blocks, globMatch, referencesAttribute, sameRegion, strings } from './_storage-helpers';

/**
 * EFS file systems are backed up by AWS Backup: some `aws_backup_selection` in the file system's
 * region selects it. A selection selects what its `resources` name (the file system's ARN, or `*`)
 * OR what its `selection_tag`s (STRINGEQUALS) match (everything when it has neither), AND what all
 * its `condition`s match, minus its `not_resources`: AWS Backup's semantics. Tags are the file
 * system's own literal `tags`; the provider's `default_tags` are not visible to the rules, so a
 * selection by a default tag does not count. ARN patterns other than `*` do not count either.
 */
export const efsInBackupPlan: RuleCheck = {
  appliesTo: ['aws_efs_file_system'],
  check(fileSystem, stack) {
    const selected = stack.resources('aws_backup_selection').some((s) => selects(s, fileSystem));
    return selected ? 'compliant' : 'non-compliant';
  },
};

function selects(selection: Block, fileSystem: Block): boolean {
  const byArn = (list: unknown) =>
    strings(list).some((r) => r === '*' || referencesAttribute(r, fileSystem, 'arn'));
  const tags = blocks(fileSystem.config.tags)[0] ?? {};
  const resources = strings(selection.config.resources);
  const selectionTags = blocks(selection.config.selection_tag);
  const byTag = selectionTags.some(
    (t) =>
      String(t.type).toUpperCase() === 'STRINGEQUALS' &&
      t.key !== undefined &&
      tags[String(t.key)] === t.value,
  );
  const included = (resources.length === 0 && selectionTags.length === 0) || byArn(resources) || byTag;
  return (
    sameRegion(selection, fileSystem) &&
    included &&
    conditionsMatch(selection.config.condition, tags) &&
    !byArn(selection.config.not_resources)
  );
}

/** All `condition` entries (`aws:ResourceTag/<key>` against literal values) hold for `tags`. */
function conditionsMatch(condition: unknown, tags: Record<string, unknown>): boolean {
  const tag = (key: unknown): string | undefined => {
    const name = /^aws:ResourceTag\/(.+)$/.exec(String(key))?.[1];
    const value = name === undefined ? undefined : tags[name];
    return typeof value === 'string' ? value : undefined;
  };
  const like = (key: unknown, pattern: unknown) => {
    const value = tag(key);
    return value !== undefined && globMatch(String(pattern), value);
  };
  return blocks(condition).every((c) =>
    [
      ...blocks(c.string_equals).map((e) => tag(e.key) === e.value),
      ...blocks(c.string_like).map((e) => like(e.key, e.value)),
      ...blocks(c.string_not_equals).map((e) => tag(e.key) !== e.value),
      ...blocks(c.string_not_like).map((e) => !like(e.key, e.value)),
    ].every(Boolean),
  );
}
