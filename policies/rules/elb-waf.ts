import { RuleCheck } from '../stack-view';
import { LOAD_BALANCER_TYPES, isTrue } from './_elb-iam-vpc-helpers';

/**
 * With tier production, internet-facing Application Load Balancers are associated with an AWS WAF
 * web ACL: an `aws_wafv2_web_acl_association` whose `resource_arn` references the load balancer.
 * Internal, network and gateway load balancers, and every load balancer elsewhere, are not applicable.
 */
export const elbWaf: RuleCheck = {
  appliesTo: LOAD_BALANCER_TYPES,
  check(lb, stack, context) {
    if (context.tier !== 'production') return 'not-applicable';
    if ((lb.config.load_balancer_type ?? 'application') !== 'application') return 'not-applicable';
    if (isTrue(lb.config.internal)) return 'not-applicable';
    const associated = stack
      .resources('aws_wafv2_web_acl_association')
      .some((association) => stack.referencedBy(association.config.resource_arn).includes(lb));
    return associated ? 'compliant' : 'non-compliant';
  },
};
