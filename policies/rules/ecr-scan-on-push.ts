import { RuleCheck } from '../stack-view';

/**
 * The repository scans every pushed image (basic scanning). Registry-level scanning
 * (`aws_ecr_registry_scanning_configuration`, e.g. Inspector's enhanced continuous scanning) is out
 * of scope: it can cover a repository without this setting, but the rule judges the repository alone.
 */
export const ecrScanOnPush: RuleCheck = {
  appliesTo: ['aws_ecr_repository'],
  check(repository) {
    const [scanning] = [repository.config.image_scanning_configuration ?? []].flat() as (
      | { scan_on_push?: unknown }
      | undefined
    )[];
    return scanning?.scan_on_push === true ? 'compliant' : 'non-compliant';
  },
};
