import { RuleCheck } from '../stack-view';

/**
 * The repository's tags are immutable (AWS's default, when unset, is MUTABLE). Only `IMMUTABLE`
 * passes: the AWS provider this project pins (5.100) knows no `*_WITH_EXCLUSION` value, and an
 * exclusion would leave some tags mutable anyway.
 */
export const ecrImmutableTags: RuleCheck = {
  appliesTo: ['aws_ecr_repository'],
  check(repository) {
    return repository.config.image_tag_mutability === 'IMMUTABLE' ? 'compliant' : 'non-compliant';
  },
};
