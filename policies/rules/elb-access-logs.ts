import { RuleCheck } from '../stack-view';
import { LOAD_BALANCER_TYPES, blocks, isTrue } from './_elb-iam-vpc-helpers';

/**
 * With tier production, Application Load Balancers deliver access logs: an `access_logs` block,
 * enabled, with a bucket. Network and gateway load balancers, and every load balancer elsewhere,
 * are not applicable.
 */
export const elbAccessLogs: RuleCheck = {
  appliesTo: LOAD_BALANCER_TYPES,
  check(lb, _stack, context) {
    if (context.tier !== 'production') return 'not-applicable';
    if ((lb.config.load_balancer_type ?? 'application') !== 'application') return 'not-applicable';
    const logging = blocks(lb.config.access_logs).some(
      (logs) => isTrue(logs.enabled) && typeof logs.bucket === 'string' && logs.bucket !== '',
    );
    return logging ? 'compliant' : 'non-compliant';
  },
};
