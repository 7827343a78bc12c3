import { RuleCheck } from '../stack-view';
import { LOAD_BALANCER_TYPES, isTrue } from './_elb-iam-vpc-helpers';

/**
 * Application load balancers drop HTTP headers with invalid names. Network and gateway load
 * balancers (and a type given by an expression, which the rule cannot read) are not applicable.
 */
export const elbDropInvalidHeaders: RuleCheck = {
  appliesTo: LOAD_BALANCER_TYPES,
  check(lb) {
    if ((lb.config.load_balancer_type ?? 'application') !== 'application') return 'not-applicable';
    return isTrue(lb.config.drop_invalid_header_fields) ? 'compliant' : 'non-compliant';
  },
};
