/**
 * Who a service may talk to beyond the load balancer, HTTPS and its file system: Service Connect
 * between the environment's services (`services.<name>.serviceConnect`), named egress rules
 * (`services.<name>.egress.<rule>`) and existing security groups its tasks join
 * (`services.<name>.existingSecurityGroups`). The schemas and every rule about them live here; the
 * settings schema holds one field for each and calls `checkServiceNetworking` once.
 *
 * What AWS refuses at apply, checked here (AWS documentation, read on 2026-12-03):
 * - ECS API reference, PortMapping `name`: up to 64 characters, lower-case letters, digits, `_`
 *   and `-`, not starting with `-`; `appProtocol` http, http2 or grpc.
 * - ServiceConnectService: `portName` must name a port mapping of the task definition;
 *   `discoveryName` unique in the namespace, up to 64 characters of the same alphabet; one client
 *   alias. ServiceConnectClientAlias: `dnsName` up to 127 characters, lower-case letters, digits,
 *   `_`, `-` and `.`, not starting with `-`; "each name and port mapping must be unique within the
 *   namespace".
 * - AwsVpcConfiguration: at most 5 security groups per task (the service's own and 4 existing).
 * - Amazon VPC quotas: 60 inbound and 60 outbound rules per security group (a default quota; an
 *   increase can be requested), https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html.
 * - EC2 refuses a rule that duplicates another of the same security group
 *   (`InvalidPermission.Duplicate`).
 */
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import { hasHostBits, parseCidr } from './cidr';
import { strictSettings } from './strict-settings';

/** Port names: a DNS label of at most 32 characters, so `<service>-<port>` stays a valid discovery name. */
export const PORT_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** Client alias DNS names: labels of lower-case letters, digits and hyphens, joined by dots, at most 127 characters. */
export const CLIENT_DNS_NAME =
  /^(?=.{1,127}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** Names of egress rules: lower-case letters, digits and hyphens. */
export const EGRESS_RULE_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
export const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const PREFIX_LIST_ID = /^pl-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** Security groups a task's network interface takes (AwsVpcConfiguration), the service's own among them. */
export const MAX_SECURITY_GROUPS_PER_TASK = 5;
/** Inbound, and separately outbound, rules per security group (Amazon VPC's default quota). */
export const MAX_RULES_PER_SECURITY_GROUP = 60;
/** Rules every service's security group has: in from the load balancer; out to HTTPS and NFS. */
const BUILT_IN_INGRESS_RULES = 1;
const BUILT_IN_EGRESS_RULES = 2;

const reasonSchema = z
  .string()
  .refine((reason) => /^[^\p{Cc}\u2028\u2029]{20,500}$/u.test(reason.trim()), {
    error: 'write why, one line of 20 to 500 characters',
  })
  .transform((reason) => reason.trim());

const portSchema = z.number().int().min(1).max(65535);

/** A port the service offers to the environment's other services through Service Connect. */
const offeredPortSchema = strictSettings({
  /** The port's name (the task definition's port mapping name), unique in the service, DNS-safe. */
  portName: z.string(),
  /** The container port behind it. Omitted: `task.containerPort`. */
  containerPort: portSchema.optional(),
  /** `http`, `http2` or `grpc`: how the Service Connect proxy handles and measures the traffic. */
  appProtocol: z.enum(['http', 'http2', 'grpc']).default('http'),
  /** The name callers use, with the container port: `http://<dnsName>:<containerPort>`. Omitted: the service's name. */
  dnsName: z.string().optional(),
});

/** `services.<name>.serviceConnect`: the ports a service offers and the services it calls. */
export const serviceConnectSchema = strictSettings({
  /** Ports this service offers; every one a port of its container. */
  offers: z.array(offeredPortSchema).default([]),
  /** The services (keys of `services`) this service calls; they must offer a port. */
  calls: z.array(z.string()).default([]),
}).optional();

/** An existing destination's IDs in one region: prefix lists and security groups are regional. */
const egressRegionSchema = strictSettings({
  /** Managed prefix list IDs (`pl-…`) of this region. */
  prefixListIds: z
    .array(z.string().regex(PREFIX_LIST_ID, { error: 'expected a prefix list ID, pl-…' }))
    .default([]),
  /** Security group IDs (`sg-…`) in this region's VPC or a peered one. */
  securityGroupIds: z
    .array(z.string().regex(SECURITY_GROUP_ID, { error: 'expected a security group ID, sg-…' }))
    .default([]),
});

/** One named egress rule: a port or range over one protocol, to CIDRs, prefix lists or security groups. */
const egressRuleSchema = strictSettings({
  /** `tcp` or `udp`. */
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  /** The port, or the first port of a range. */
  port: portSchema,
  /** The last port of a range. Omitted: `port` alone. */
  toPort: portSchema.optional(),
  /** IPv4 or IPv6 CIDRs, the same in every region (e.g. a database subnet reached through peering). */
  cidrs: z.array(z.string()).default([]),
  /** Prefix lists and security groups per region, keyed by region name. */
  regions: z.record(z.string(), egressRegionSchema).default({}),
  /** Why the tasks must reach the whole internet (0.0.0.0/0 or ::/0) on this port; printed at every synth. */
  reason: reasonSchema.optional(),
});

/** `services.<name>.egress`: named egress rules beyond HTTPS. */
export const egressSchema = z.record(z.string(), egressRuleSchema).optional();

/** `services.<name>.existingSecurityGroups`: per region, security groups the tasks also join. */
export const existingSecurityGroupsSchema = z
  .record(
    z.string(),
    z.array(z.string().regex(SECURITY_GROUP_ID, { error: 'expected a security group ID, sg-…' })),
  )
  .optional();

export type ServiceConnectSettings = NonNullable<z.output<typeof serviceConnectSchema>>;
export type EgressRuleSettings = z.output<typeof egressRuleSchema>;

/** The parts of one validated service these rules read. */
export interface NetworkedService {
  readonly task: { readonly containerPort: number };
  readonly serviceConnect?: ServiceConnectSettings;
  readonly egress?: Readonly<Record<string, EgressRuleSettings>>;
  readonly existingSecurityGroups?: Readonly<Record<string, readonly string[]>>;
}

/** A port a service offers, with its defaults resolved. */
export interface OfferedPort {
  readonly portName: string;
  readonly containerPort: number;
  readonly appProtocol: 'http' | 'http2' | 'grpc';
  /** The name callers use. */
  readonly dnsName: string;
  /** The Cloud Map service ECS creates for it: `<service>-<port name>`, unique in the namespace. */
  readonly discoveryName: string;
}

/** The container ports of a service: the ports a Service Connect offer may name. */
export function containerPortsOf(service: NetworkedService): number[] {
  return [service.task.containerPort];
}

/** Whether the service takes part in Service Connect (offers a port or calls a service). */
export function usesServiceConnect(service: NetworkedService): boolean {
  const connect = service.serviceConnect;
  return connect !== undefined && (connect.offers.length > 0 || connect.calls.length > 0);
}

/** The ports service `name` offers, defaults resolved. */
export function offeredPorts(name: string, service: NetworkedService): OfferedPort[] {
  return (service.serviceConnect?.offers ?? []).map((offer) => ({
    portName: offer.portName,
    containerPort: offer.containerPort ?? service.task.containerPort,
    appProtocol: offer.appProtocol,
    dnsName: offer.dnsName ?? name,
    discoveryName: `${name}-${offer.portName}`,
  }));
}

/** Whether a CIDR is the whole internet of its family. */
export function isWorldCidr(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

/** What is wrong with a CIDR (not a network address, host bits set), or undefined. */
export function cidrProblem(cidr: string): string | undefined {
  const [address, prefix, ...rest] = cidr.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) {
    return 'expected a CIDR such as 10.20.0.0/16 or 2001:db8::/32';
  }
  const length = Number(prefix);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    if (address.split('.').some((octet) => Number(octet) > 255 || /^0\d/.test(octet)) || length > 32) {
      return 'expected an IPv4 CIDR: four octets 0 to 255 and a prefix of 0 to 32';
    }
    const parsed = parseCidr(cidr);
    return length > 0 && hasHostBits(parsed)
      ? 'has host bits set below its prefix: give the network address'
      : undefined;
  }
  if (!isIPv6(address) || length > 128)
    return 'expected an IPv4 or IPv6 CIDR, e.g. 10.20.0.0/16 or 2001:db8::/32';
  if (address !== address.toLowerCase()) return 'write IPv6 addresses in lower case';
  return ipv6HostBits(address, length)
    ? 'has host bits set below its prefix: give the network address'
    : undefined;
}

function ipv6HostBits(address: string, length: number): boolean {
  const [head, tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = address.includes('::')
    ? [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)]
    : groups(head);
  const value = all.reduce((acc, group) => (acc << 16n) + BigInt(parseInt(group, 16)), 0n);
  return length < 128 && value % (1n << BigInt(128 - length)) !== 0n;
}

/** One destination of an egress rule in one region. */
export interface EgressDestination {
  readonly kind: 'cidr' | 'prefixList' | 'securityGroup';
  /** The CIDR, prefix list ID or security group ID. */
  readonly value: string;
}

/** The destinations of a rule in `region`: its CIDRs, then the region's prefix lists and security groups. */
export function egressDestinations(rule: EgressRuleSettings, region: string): EgressDestination[] {
  const own = rule.regions[region];
  return [
    ...rule.cidrs.map((value) => ({ kind: 'cidr' as const, value })),
    ...(own?.prefixListIds ?? []).map((value) => ({ kind: 'prefixList' as const, value })),
    ...(own?.securityGroupIds ?? []).map((value) => ({ kind: 'securityGroup' as const, value })),
  ];
}

/** Whether the rule opens exactly HTTPS (TCP 443 alone), which the built-in egress already allows to the world. */
function isHttpsOnly(rule: EgressRuleSettings): boolean {
  return rule.protocol === 'tcp' && rule.port === 443 && (rule.toPort ?? rule.port) === 443;
}

/** Whether the rule reaches the whole internet on something other than HTTPS alone: it needs a reason. */
export function needsWorldReason(rule: EgressRuleSettings): boolean {
  return rule.cidrs.some(isWorldCidr) && !isHttpsOnly(rule);
}

/** Adds a problem at `path` (relative to the settings' root), echoing `value`. */
export type ProblemSink = (path: PropertyKey[], value: unknown, message: string) => void;

/** The settings these rules read. */
export interface NetworkedSettings {
  readonly regions: ReadonlyArray<{ readonly name: string }>;
  readonly services: Readonly<Record<string, NetworkedService>>;
}

/**
 * Every rule of Service Connect, egress and existing security groups, for all services at once
 * (calls cross services). A kind that runs no ECS service (a scheduled task) would be refused
 * Service Connect here with one line: `if (<kind check> && usesServiceConnect(service)) problem(...)`.
 */
export function checkServiceNetworking(settings: NetworkedSettings, problem: ProblemSink): void {
  const regionNames = settings.regions.map((region) => region.name);
  // Each (name, port) callers dial, with the service and port that took it first: unique in a namespace.
  const aliases = new Map<string, string>();
  // Each Cloud Map service `<service>-<port name>`, with the offer that took it first: unique in a namespace.
  const discoveryNames = new Map<string, string>();
  const ingressCount = new Map<string, number>();
  const egressCount = new Map<string, number>();
  for (const [name, service] of Object.entries(settings.services)) {
    const at = (...path: PropertyKey[]) => ['services', name, ...path];
    const connect = service.serviceConnect;
    if (connect && connect.offers.length === 0 && connect.calls.length === 0) {
      problem(
        at('serviceConnect'),
        connect,
        'give offers (ports this service serves) or calls (services it calls), or leave serviceConnect out',
      );
    }
    const ports = containerPortsOf(service);
    const names = new Set<string>();
    const offeredContainerPorts = new Map<number, string>();
    for (const [index, offer] of (connect?.offers ?? []).entries()) {
      const resolved = offeredPorts(name, service)[index];
      if (!PORT_NAME.test(offer.portName)) {
        problem(
          at('serviceConnect', 'offers', index, 'portName'),
          offer.portName,
          'expected a port name: 1 to 32 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen (it names the port mapping and the Cloud Map service <service>-<port name>)',
        );
      } else if (names.has(offer.portName)) {
        problem(
          at('serviceConnect', 'offers', index, 'portName'),
          offer.portName,
          'each port name once in a service',
        );
      }
      names.add(offer.portName);
      const sameDiscovery = discoveryNames.get(resolved.discoveryName);
      if (sameDiscovery !== undefined && PORT_NAME.test(offer.portName)) {
        problem(
          at('serviceConnect', 'offers', index, 'portName'),
          offer.portName,
          `its Cloud Map service would be "${resolved.discoveryName}" (<service>-<port name>) like that of ${sameDiscovery}; Cloud Map names are unique in the namespace, so choose another port name`,
        );
      }
      discoveryNames.set(resolved.discoveryName, `services.${name}.serviceConnect.offers[${index}]`);
      if (!ports.includes(resolved.containerPort)) {
        problem(
          at('serviceConnect', 'offers', index, 'containerPort'),
          resolved.containerPort,
          `not a port of the service's container; its ports: ${ports.join(', ')} (task.containerPort)`,
        );
      } else if (offeredContainerPorts.has(resolved.containerPort)) {
        problem(
          at('serviceConnect', 'offers', index, 'containerPort'),
          resolved.containerPort,
          `already offered as "${offeredContainerPorts.get(resolved.containerPort)}": a container port has one port mapping, so one name`,
        );
      }
      offeredContainerPorts.set(resolved.containerPort, offer.portName);
      if (!CLIENT_DNS_NAME.test(resolved.dnsName)) {
        problem(
          at('serviceConnect', 'offers', index, 'dnsName'),
          resolved.dnsName,
          'expected a DNS name of at most 127 characters: labels of lower-case letters, digits and hyphens, joined by dots',
        );
        continue;
      }
      const alias = `${resolved.dnsName}:${resolved.containerPort}`;
      const owner = aliases.get(alias);
      if (owner !== undefined) {
        problem(
          at('serviceConnect', 'offers', index, 'dnsName'),
          resolved.dnsName,
          `${alias} is already offered by ${owner}; each name and port is unique in the region's namespace: give another dnsName`,
        );
      } else {
        aliases.set(alias, `services.${name}.serviceConnect.offers[${index}]`);
      }
    }
    const called = new Set<string>();
    for (const [index, callee] of (connect?.calls ?? []).entries()) {
      const path = at('serviceConnect', 'calls', index);
      const target = settings.services[callee];
      if (callee === name) {
        problem(
          path,
          callee,
          'a service does not call itself through Service Connect (its tasks reach their own container on localhost)',
        );
      } else if (target === undefined) {
        problem(
          path,
          callee,
          `not a service of this environment; services: ${Object.keys(settings.services).join(', ')}`,
        );
      } else if ((target.serviceConnect?.offers ?? []).length === 0) {
        problem(path, callee, `services.${callee} offers no port: give it serviceConnect.offers`);
      } else if (called.has(callee)) {
        problem(path, callee, 'listed twice');
      } else {
        const count = target.serviceConnect?.offers.length ?? 0;
        egressCount.set(name, (egressCount.get(name) ?? 0) + count);
        ingressCount.set(callee, (ingressCount.get(callee) ?? 0) + count);
      }
      called.add(callee);
    }
    checkEgress(name, service, regionNames, problem, (count) =>
      egressCount.set(name, (egressCount.get(name) ?? 0) + count),
    );
    for (const [region, groups] of Object.entries(service.existingSecurityGroups ?? {})) {
      const path = at('existingSecurityGroups', region);
      if (!regionNames.includes(region)) {
        problem(
          path,
          groups,
          `${region} is not one of the environment's regions (${regionNames.join(', ')})`,
        );
      } else if (new Set(groups).size !== groups.length) {
        problem(path, groups, 'each security group once');
      } else if (groups.length + 1 > MAX_SECURITY_GROUPS_PER_TASK) {
        problem(
          path,
          groups,
          `${groups.length} groups and the service's own make ${groups.length + 1}; a task takes at most ${MAX_SECURITY_GROUPS_PER_TASK} security groups (ECS AwsVpcConfiguration), so give at most ${MAX_SECURITY_GROUPS_PER_TASK - 1}`,
        );
      }
    }
  }
  for (const [name, count] of ingressCount) {
    if (count + BUILT_IN_INGRESS_RULES > MAX_RULES_PER_SECURITY_GROUP) {
      problem(
        ['services', name, 'serviceConnect', 'offers'],
        count,
        `callers × offered ports need ${count} inbound rules beside the load balancer's on the service's security group; Amazon VPC's default quota is ${MAX_RULES_PER_SECURITY_GROUP} inbound rules per security group (an increase can be requested)`,
      );
    }
  }
  for (const [name, count] of egressCount) {
    if (count + BUILT_IN_EGRESS_RULES > MAX_RULES_PER_SECURITY_GROUP) {
      problem(
        ['services', name, 'egress'],
        count,
        `Service Connect calls and egress destinations need ${count} outbound rules beside HTTPS and NFS on the service's security group, in some region; Amazon VPC's default quota is ${MAX_RULES_PER_SECURITY_GROUP} outbound rules per security group (an increase can be requested)`,
      );
    }
  }
}

/** The rules of one service's `egress`; `count` receives the most rules any one region gets. */
function checkEgress(
  name: string,
  service: NetworkedService,
  regionNames: string[],
  problem: ProblemSink,
  count: (rules: number) => void,
): void {
  // Each (protocol, ports, destination) of the service's security group in a region, with its rule.
  const seen = new Map<string, string>();
  const perRegion = new Map<string, number>();
  for (const [ruleName, rule] of Object.entries(service.egress ?? {})) {
    const at = (...path: PropertyKey[]) => ['services', name, 'egress', ruleName, ...path];
    if (!EGRESS_RULE_NAME.test(ruleName)) {
      problem(
        at(),
        ruleName,
        'expected a rule name: 1 to 32 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen',
      );
      continue;
    }
    const toPort = rule.toPort ?? rule.port;
    if (toPort < rule.port) problem(at('toPort'), toPort, `must be at least port ${rule.port}`);
    rule.cidrs.forEach((cidr, index) => {
      const bad = cidrProblem(cidr);
      if (bad) problem(at('cidrs', index), cidr, bad);
      else if (rule.cidrs.indexOf(cidr) !== index) problem(at('cidrs', index), cidr, 'listed twice');
    });
    for (const [region, ids] of Object.entries(rule.regions)) {
      if (!regionNames.includes(region)) {
        problem(
          at('regions', region),
          ids,
          `${region} is not one of the environment's regions (${regionNames.join(', ')})`,
        );
      }
      for (const [kind, list] of [
        ['prefixListIds', ids.prefixListIds],
        ['securityGroupIds', ids.securityGroupIds],
      ] as const) {
        list.forEach((id, index) => {
          if (list.indexOf(id) !== index) problem(at('regions', region, kind, index), id, 'listed twice');
        });
      }
    }
    const destinations = regionNames.map((region) => egressDestinations(rule, region));
    if (destinations.every((list) => list.length === 0)) {
      problem(
        at(),
        rule,
        'give at least one destination: cidrs, or regions.<region>.prefixListIds or securityGroupIds',
      );
    }
    if (isHttpsOnly(rule) && rule.cidrs.some(isWorldCidr)) {
      problem(
        at('cidrs'),
        rule.cidrs,
        'HTTPS (TCP 443) to the internet is already allowed to every service; EC2 refuses the same rule twice, so remove the world CIDR from this rule',
      );
    } else if (needsWorldReason(rule) && rule.reason === undefined) {
      problem(
        at('reason'),
        undefined,
        `egress to the whole internet (${rule.cidrs.filter(isWorldCidr).join(', ')}) on ${rule.protocol} ${rule.port === toPort ? rule.port : `${rule.port}-${toPort}`} needs a stated reason: write why in reason (one line, 20 to 500 characters); it is printed at every synth as an accepted policy finding (vpc-no-world-egress). Or name the destination's CIDR, prefix list or security group`,
      );
    } else if (!needsWorldReason(rule) && rule.reason !== undefined) {
      problem(
        at('reason'),
        rule.reason,
        'only a rule to 0.0.0.0/0 or ::/0 on something other than TCP 443 takes a reason; this one accepts nothing, so remove it',
      );
    }
    regionNames.forEach((region, index) => {
      perRegion.set(region, (perRegion.get(region) ?? 0) + destinations[index].length);
      for (const destination of destinations[index]) {
        const key = `${rule.protocol} ${rule.port}-${toPort} ${destination.value}`;
        const first = seen.get(key);
        if (first !== undefined && first !== ruleName) {
          problem(
            at(),
            ruleName,
            `opens ${rule.protocol} ${rule.port === toPort ? rule.port : `${rule.port}-${toPort}`} to ${destination.value} like egress.${first}${destination.kind === 'cidr' ? '' : ` in ${region}`}; EC2 refuses the same rule twice, so keep it in one rule`,
          );
        }
        if (first === undefined) seen.set(key, ruleName);
      }
    });
  }
  count(Math.max(0, ...perRegion.values()));
}
