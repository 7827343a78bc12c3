import { RuleCheck } from '../stack-view';
import { LOAD_BALANCER_TYPES, isTrue } from './_elb-iam-vpc-helpers';

/** With tier production, load balancers of every type are protected from deletion; elsewhere not applicable. */
export const elbDeletionProtection: RuleCheck = {
  appliesTo: LOAD_BALANCER_TYPES,
  check(lb, _stack, context) {
    if (context.tier !== 'production') return 'not-applicable';
    return isTrue(lb.config.enable_deletion_protection) ? 'compliant' : 'non-compliant';
  },
};
