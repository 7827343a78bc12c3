import { Block, RuleCheck, StackView } from '../stack-view';
import { LOAD_BALANCER_TYPES, blocks, cidrReach } from './_elb-iam-vpc-helpers';

interface Ingress {
  /** The security group the rule admits traffic to. */
  readonly group: Block | undefined;
  readonly reach: ReturnType<typeof cidrReach>;
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
}

/**
 * Only load balancers admit the whole internet, and only on HTTP and HTTPS: an ingress rule from
 * 0.0.0.0/0 or ::/0 (aws_vpc_security_group_ingress_rule, aws_security_group_rule of type ingress,
 * an inline `ingress` block of aws_security_group) is compliant only if its security group is in
 * an aws_lb's `security_groups` and it opens exactly TCP port 80 or exactly TCP port 443.
 * Ingress from anything narrower (CIDRs, prefix lists, security groups) is compliant. A CIDR given
 * by an expression (with no world CIDR beside it) is not applicable; so are egress rules and
 * security groups without inline ingress blocks (their stand-alone rules are checked on their own).
 */
export const vpcNoWorldIngress: RuleCheck = {
  appliesTo: ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule', 'aws_security_group'],
  check(resource, stack) {
    const rules = ingressRules(resource, stack);
    if (rules.length === 0) return 'not-applicable';
    if (rules.some((rule) => rule.reach === 'world' && !isLoadBalancerWebPort(rule, stack)))
      return 'non-compliant';
    return rules.some((rule) => rule.reach === 'unknown') ? 'not-applicable' : 'compliant';
  },
};

function ingressRules(resource: Block, stack: StackView): Ingress[] {
  const c = resource.config;
  const groupOf = (id: unknown) => stack.referencedBy(id, 'aws_security_group')[0];
  switch (resource.type) {
    case 'aws_vpc_security_group_ingress_rule':
      return [
        {
          group: groupOf(c.security_group_id),
          reach: cidrReach([c.cidr_ipv4, c.cidr_ipv6].filter((v) => v !== undefined)),
          protocol: c.ip_protocol,
          fromPort: c.from_port,
          toPort: c.to_port,
        },
      ];
    case 'aws_security_group_rule':
      if (c.type !== 'ingress') return [];
      return [{ group: groupOf(c.security_group_id), ...legacyRule(c) }];
    default:
      return blocks(c.ingress).map((block) => ({ group: resource, ...legacyRule(block) }));
  }
}

/** aws_security_group_rule and inline blocks: cidr_blocks, ipv6_cidr_blocks, protocol, ports. */
function legacyRule(c: Record<string, unknown>): Omit<Ingress, 'group'> {
  const cidrs = [c.cidr_blocks, c.ipv6_cidr_blocks].flatMap((list) =>
    Array.isArray(list) ? list : list === undefined ? [] : [list],
  );
  return { reach: cidrReach(cidrs), protocol: c.protocol, fromPort: c.from_port, toPort: c.to_port };
}

function isLoadBalancerWebPort(rule: Ingress, stack: StackView): boolean {
  const group = rule.group;
  const isLoadBalancerGroup =
    group !== undefined &&
    LOAD_BALANCER_TYPES.flatMap((type) => stack.resources(type)).some((lb) =>
      stack.referencedBy(lb.config.security_groups, 'aws_security_group').includes(group),
    );
  const port = Number(rule.fromPort);
  return (
    isLoadBalancerGroup &&
    ['tcp', '6'].includes(String(rule.protocol).toLowerCase()) &&
    (port === 80 || port === 443) &&
    Number(rule.toPort) === port
  );
}
