import { RuleCheck } from '../stack-view';

/**
 * A VPC has a flow log: an aws_flow_log whose `vpc_id` references it and that records rejected
 * traffic (traffic_type ALL or REJECT; an ACCEPT-only log misses what EC2.6 looks for). Subnet and
 * interface flow logs do not cover the whole VPC and do not count.
 */
export const vpcFlowLogs: RuleCheck = {
  appliesTo: ['aws_vpc'],
  check(vpc, stack) {
    const logged = stack
      .resources('aws_flow_log')
      .some(
        (log) =>
          log.config.traffic_type !== 'ACCEPT' &&
          stack.referencedBy(log.config.vpc_id, 'aws_vpc').includes(vpc),
      );
    return logged ? 'compliant' : 'non-compliant';
  },
};
