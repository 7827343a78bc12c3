import { IConstruct } from 'constructs';

/** Metadata type under which suppressions are stored on construct nodes. */
export const SUPPRESSION_METADATA = 'fargate-platform/policy-suppression';

export interface PolicySuppression {
  /** The rule's ID, e.g. `ecs-service-no-public-ip`. */
  readonly ruleId: string;
  /** Why the finding is accepted; shown in every synth. */
  readonly reason: string;
}

/**
 * Accepts a rule's finding for `scope` and everything below it. The reason is mandatory and is
 * listed in the output of every synth, so a suppression is never silent.
 */
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().length < 20) {
    throw new Error(
      `suppressPolicy: the reason for suppressing ${ruleId} at ${scope.node.path} is ${JSON.stringify(reason)}; write why the finding is acceptable (at least 20 characters)`,
    );
  }
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: reason.trim() } satisfies PolicySuppression);
}

/** Suppressions on `scope` itself (not its parents). */
export function suppressionsOn(scope: IConstruct): PolicySuppression[] {
  return scope.node.metadata
    .filter((entry) => entry.type === SUPPRESSION_METADATA)
    .map((entry) => entry.data as PolicySuppression);
}
