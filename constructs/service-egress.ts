import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { suppressPolicy } from '../policies/suppressions';
import { ValidationError } from './validation-error';

/** Where a named egress rule leads: a CIDR, a managed prefix list or an existing security group. */
export interface ServiceEgressDestination {
  readonly kind: 'cidr' | 'prefixList' | 'securityGroup';
  /** The CIDR (IPv4 or IPv6), prefix list ID or security group ID. */
  readonly value: string;
}

/** One named egress rule. */
export interface ServiceEgressRule {
  readonly protocol: 'tcp' | 'udp';
  readonly fromPort: number;
  /**
   * The last port of a range.
   * @default - fromPort alone
   */
  readonly toPort?: number;
  /** Its destinations in this region (one EC2 rule each). */
  readonly destinations: readonly ServiceEgressDestination[];
  /**
   * Why the tasks reach the whole internet on these ports: the policy finding
   * `vpc-no-world-egress` is then accepted with it, printed at every synth.
   * @default - none: a world destination other than TCP 443 alone is refused
   */
  readonly reason?: string;
}

export interface ServiceEgressProps {
  /** The provider of the service's region. */
  readonly provider: AwsProvider;
  /** The tasks' security group the rules belong to. */
  readonly securityGroupId: string;
  /** The rules, keyed by their stable name. */
  readonly rules: Readonly<Record<string, ServiceEgressRule>>;
  /**
   * Where the rules are in the settings (`services.<name>.egress`): descriptions and accepted
   * findings name them.
   * @default 'egress'
   */
  readonly settingsPath?: string;
}

const WORLD = ['0.0.0.0/0', '::/0'];

/**
 * The named egress rules of one service in one region: each destination one
 * `aws_vpc_security_group_egress_rule` on the tasks' security group, exactly the protocol and ports
 * asked for, at `<rule name>/<destination>` (keyed by value, so adding one moves no other).
 */
export class ServiceEgress extends Construct {
  /** Every EC2 rule, for the ECS service to wait on. */
  public readonly rules: VpcSecurityGroupEgressRule[] = [];

  constructor(scope: Construct, id: string, props: ServiceEgressProps) {
    super(scope, id);
    const path = props.settingsPath ?? 'egress';
    for (const [name, rule] of Object.entries(props.rules)) {
      const toPort = rule.toPort ?? rule.fromPort;
      const world = rule.destinations.some((d) => d.kind === 'cidr' && WORLD.includes(d.value));
      const httpsOnly = rule.protocol === 'tcp' && rule.fromPort === 443 && toPort === 443;
      if (world && !httpsOnly && !rule.reason) {
        throw new ValidationError(
          'ServiceEgress',
          `rules.${name}`,
          `${rule.protocol} ${rule.fromPort}-${toPort} to the internet without a reason`,
          'a rule to 0.0.0.0/0 or ::/0 on anything but TCP 443 needs a stated reason',
        );
      }
      if (toPort < rule.fromPort || rule.destinations.length === 0) {
        throw new ValidationError(
          'ServiceEgress',
          `rules.${name}`,
          `${rule.fromPort}-${toPort} to ${rule.destinations.length} destinations`,
          'toPort at least fromPort, and at least one destination',
        );
      }
      const ruleScope = new Construct(this, name);
      const ports = rule.fromPort === toPort ? `${rule.fromPort}` : `${rule.fromPort}-${toPort}`;
      for (const destination of rule.destinations) {
        this.rules.push(
          new VpcSecurityGroupEgressRule(ruleScope, destination.value.replace(/\//g, '_'), {
            provider: props.provider,
            securityGroupId: props.securityGroupId,
            description: `${path}.${name}: ${rule.protocol} ${ports}`,
            ipProtocol: rule.protocol,
            fromPort: rule.fromPort,
            toPort,
            ...(destination.kind === 'cidr'
              ? destination.value.includes(':')
                ? { cidrIpv6: destination.value }
                : { cidrIpv4: destination.value }
              : destination.kind === 'prefixList'
                ? { prefixListId: destination.value }
                : { referencedSecurityGroupId: destination.value }),
          }),
        );
      }
      if (world && rule.reason) {
        suppressPolicy(ruleScope, 'vpc-no-world-egress', `${path}.${name}.reason: ${rule.reason}`);
      }
    }
  }
}
