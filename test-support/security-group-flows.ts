/**
 * "Who may talk to whom on which port", read from a synthesized stack's security groups and rules:
 * one row per (from, to, protocol, ports), where `from` and `to` are security groups (by name, or
 * the literal ID of an existing one), CIDRs or prefix lists. `sides` says which rules allow it: a
 * connection between two of the stack's security groups needs both the caller's egress and the
 * callee's ingress; one to a CIDR or prefix list needs only the egress rule, one from it only the
 * ingress rule.
 */
import { providerAlias } from '../settings/regions';
import { SynthesizedJson } from './synth';

export interface Flow {
  readonly from: string;
  readonly to: string;
  /** `tcp`, `udp` or `all`. */
  readonly protocol: string;
  /** `443`, `6000-6010` or `all`. */
  readonly ports: string;
  /** The rules that allow it: `egress` (of `from`), `ingress` (of `to`) or both. */
  readonly sides: string;
}

type Config = Record<string, unknown>;

/** The flows of one region of the stack (its resources on that region's provider), sorted. */
export function securityGroupFlows(json: SynthesizedJson, region: string): Flow[] {
  const provider = `aws.${providerAlias(region)}`;
  const inRegion = (type: string): Array<[string, Config]> =>
    Object.entries(json.resource?.[type] ?? {}).filter(([, block]) => block.provider === provider);
  const groupNames = new Map(
    inRegion('aws_security_group').map(([name, block]) => [name, String(block.name ?? name)]),
  );
  // `${aws_security_group.<name>.id}` is the stack's group; a literal `sg-…` an existing one.
  const group = (value: unknown): string => {
    const match = /^\$\{aws_security_group\.([^.]+)\.id\}$/.exec(String(value));
    if (!match) return String(value);
    const name = groupNames.get(match[1]);
    if (name === undefined) throw new Error(`${String(value)} is not a security group of ${region}`);
    return name;
  };
  const peer = (c: Config): string => {
    const peers = [c.cidr_ipv4, c.cidr_ipv6, c.prefix_list_id, c.referenced_security_group_id].filter(
      (v) => v !== undefined,
    );
    if (peers.length !== 1) throw new Error(`a rule names ${peers.length} peers: ${JSON.stringify(c)}`);
    return c.referenced_security_group_id !== undefined ? group(peers[0]) : String(peers[0]);
  };
  const protocolOf = (p: unknown) => (String(p) === '-1' ? 'all' : String(p));
  const portsOf = (c: Config) =>
    String(c.ip_protocol ?? c.protocol) === '-1'
      ? 'all'
      : c.from_port === c.to_port
        ? String(c.from_port)
        : `${String(c.from_port)}-${String(c.to_port)}`;
  const rows = new Map<string, { flow: Omit<Flow, 'sides'>; sides: Set<string> }>();
  const add = (side: 'egress' | 'ingress', flow: Omit<Flow, 'sides'>) => {
    const key = JSON.stringify(flow);
    const row = rows.get(key) ?? { flow, sides: new Set<string>() };
    row.sides.add(side);
    rows.set(key, row);
  };
  for (const [, c] of inRegion('aws_vpc_security_group_egress_rule')) {
    add('egress', {
      from: group(c.security_group_id),
      to: peer(c),
      protocol: protocolOf(c.ip_protocol),
      ports: portsOf(c),
    });
  }
  for (const [, c] of inRegion('aws_vpc_security_group_ingress_rule')) {
    add('ingress', {
      from: peer(c),
      to: group(c.security_group_id),
      protocol: protocolOf(c.ip_protocol),
      ports: portsOf(c),
    });
  }
  for (const type of ['aws_security_group_rule']) {
    if (inRegion(type).length > 0) throw new Error(`${type} is not read yet: extend the reader`);
  }
  for (const [name, block] of inRegion('aws_security_group')) {
    for (const side of ['ingress', 'egress']) {
      if (block[side] !== undefined && (block[side] as unknown[]).length > 0) {
        throw new Error(`aws_security_group.${name} has inline ${side} rules: extend the reader`);
      }
    }
  }
  return [...rows.values()]
    .map(({ flow, sides }) => ({
      ...flow,
      sides: sides.size === 2 ? 'both' : [...sides][0],
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
