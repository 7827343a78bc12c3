import { RuleCheck } from '../stack-view';
import { blocks } from './_elb-iam-vpc-helpers';

/** Stand-alone rule resources that add rules to a security group through `security_group_id`. */
const RULE_TYPES = [
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_security_group_rule',
];

/**
 * A VPC's default security group is managed (an aws_default_security_group whose `vpc_id`
 * references the VPC) and allows nothing: no inline ingress or egress blocks (Terraform then
 * removes every rule) and no stand-alone rule resource attached to it. Without one, the default
 * group keeps AWS's rules (all traffic within the group, all egress): non-compliant.
 */
export const vpcDefaultSecurityGroupClosed: RuleCheck = {
  appliesTo: ['aws_vpc'],
  check(vpc, stack) {
    const groups = stack
      .resources('aws_default_security_group')
      .filter((group) => stack.referencedBy(group.config.vpc_id, 'aws_vpc').includes(vpc));
    const closed = groups.every(
      (group) =>
        blocks(group.config.ingress).length === 0 &&
        blocks(group.config.egress).length === 0 &&
        !RULE_TYPES.some((type) =>
          stack
            .resources(type)
            .some((rule) => stack.referencedBy(rule.config.security_group_id).includes(group)),
        ),
    );
    return groups.length > 0 && closed ? 'compliant' : 'non-compliant';
  },
};
