import { Block, RuleCheck } from '../stack-view';
import { blocks, cidrReach } from './_elb-iam-vpc-helpers';

interface Egress {
  readonly reach: ReturnType<typeof cidrReach>;
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
}

/**
 * Tasks reach the whole internet on HTTPS only: an egress rule to 0.0.0.0/0 or ::/0
 * (aws_vpc_security_group_egress_rule, aws_security_group_rule of type egress, an inline `egress`
 * block of aws_security_group) is compliant only if it opens exactly TCP port 443. Egress to
 * anything narrower (CIDRs, prefix lists, security groups) is compliant. A CIDR given by an
 * expression (with no world CIDR beside it) is not applicable; so are ingress rules and security
 * groups without inline egress blocks (their stand-alone rules are checked on their own).
 */
export const vpcNoWorldEgress: RuleCheck = {
  appliesTo: ['aws_vpc_security_group_egress_rule', 'aws_security_group_rule', 'aws_security_group'],
  check(resource) {
    const rules = egressRules(resource);
    if (rules.length === 0) return 'not-applicable';
    if (rules.some((rule) => rule.reach === 'world' && !isHttpsOnly(rule))) return 'non-compliant';
    return rules.some((rule) => rule.reach === 'unknown') ? 'not-applicable' : 'compliant';
  },
};

function egressRules(resource: Block): Egress[] {
  const c = resource.config;
  switch (resource.type) {
    case 'aws_vpc_security_group_egress_rule':
      return [
        {
          reach: cidrReach([c.cidr_ipv4, c.cidr_ipv6].filter((v) => v !== undefined)),
          protocol: c.ip_protocol,
          fromPort: c.from_port,
          toPort: c.to_port,
        },
      ];
    case 'aws_security_group_rule':
      return c.type === 'egress' ? [legacyRule(c)] : [];
    default:
      return blocks(c.egress).map(legacyRule);
  }
}

/** aws_security_group_rule and inline blocks: cidr_blocks, ipv6_cidr_blocks, protocol, ports. */
function legacyRule(c: Record<string, unknown>): Egress {
  const cidrs = [c.cidr_blocks, c.ipv6_cidr_blocks].flatMap((list) =>
    Array.isArray(list) ? list : list === undefined ? [] : [list],
  );
  return { reach: cidrReach(cidrs), protocol: c.protocol, fromPort: c.from_port, toPort: c.to_port };
}

function isHttpsOnly(rule: Egress): boolean {
  return (
    ['tcp', '6'].includes(String(rule.protocol).toLowerCase()) &&
    Number(rule.fromPort) === 443 &&
    Number(rule.toPort) === 443
  );
}
