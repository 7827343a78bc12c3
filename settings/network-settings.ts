/**
 * The settings of a region's network beyond the VPC the platform creates (issue 19): an existing
 * network named by ID (`regions[].existingNetwork`), and the VPC endpoints of the created networks
 * (`vpcEndpoints`). The schemas, the checks across settings, and the lines the synthesis and the
 * plan summary print about them.
 */
import { z } from 'zod';
import { vpcEndpointsDefault } from './tier-defaults';
import { strictSettings } from './strict-settings';

/** The formats of the IDs an existing network is named by. */
export const EXISTING_ID_FORMATS = {
  vpc: 'expected a VPC ID: "vpc-" and 8 or 17 lower-case hex digits, e.g. vpc-0a1b2c3d4e5f67890',
  subnet: 'expected a subnet ID: "subnet-" and 8 or 17 lower-case hex digits, e.g. subnet-0a1b2c3d4e5f67890',
} as const;

/** Why `id` is not an ID of that kind, or undefined when it is. */
export function existingIdProblem(kind: keyof typeof EXISTING_ID_FORMATS, id: string): string | undefined {
  return new RegExp(`^${kind}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id) ? undefined : EXISTING_ID_FORMATS[kind];
}

const idOf = (kind: keyof typeof EXISTING_ID_FORMATS) =>
  z.string().refine((id) => existingIdProblem(kind, id) === undefined, { error: EXISTING_ID_FORMATS[kind] });

/**
 * `regions[].existingNetwork`: a VPC that exists (its network owned elsewhere), used instead of
 * creating one. One private and one public subnet per availability zone, listed in the order of
 * `regions[].availabilityZones` (the zones are not looked up: no AWS call at plan time).
 */
export const existingNetworkSchema = strictSettings({
  /** The VPC's ID. */
  vpcId: idOf('vpc'),
  /** Private subnets (tasks, EFS mount targets): one per availability zone, in zone order. */
  privateSubnetIds: z.array(idOf('subnet')),
  /** Public subnets (the load balancer), routed to an internet gateway: one per zone, in zone order. */
  publicSubnetIds: z.array(idOf('subnet')),
});

export type ExistingNetworkSettings = z.output<typeof existingNetworkSchema>;

/** `vpcEndpoints`: interface endpoints for the AWS APIs the tasks call, and an S3 gateway endpoint. */
export const vpcEndpointsSchema = strictSettings({
  /**
   * Create them in every region whose network the platform creates.
   * Omitted: on with tier `production`, off with `development`.
   */
  enabled: z.boolean().optional(),
});

/** The parts of the settings the network checks read. */
export interface NetworkSettings {
  readonly tier: string;
  readonly natGateways: string;
  readonly regions: ReadonlyArray<{
    readonly name: string;
    readonly vpcCidr?: string;
    readonly availabilityZones: readonly string[];
    readonly existingNetwork?: ExistingNetworkSettings;
  }>;
  readonly accelerator: { readonly ipAddressType: string };
  readonly vpcEndpoints: { readonly enabled?: boolean };
  readonly services: Readonly<
    Record<string, { readonly service: { readonly enableExecuteCommand: boolean } }>
  >;
}

/** Whether the environment's created networks get VPC endpoints: the tier's default (settings/tier-defaults.ts). */
export function vpcEndpointsEnabled(settings: Pick<NetworkSettings, 'tier' | 'vpcEndpoints'>): boolean {
  return vpcEndpointsDefault(settings);
}

/** A problem at a path, with the value to echo (undefined: the setting is missing). */
export interface NetworkProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly value: unknown;
  readonly message: string;
}

/**
 * The network settings that cannot go together: a created network's settings beside an existing
 * network, subnet counts that do not match the zones, a subnet listed twice or as both kinds, and
 * VPC endpoints asked for where no region would get them.
 */
export function networkProblems(settings: NetworkSettings): NetworkProblem[] {
  const problems: NetworkProblem[] = [];
  const seen = new Map<string, string>();
  settings.regions.forEach((region, index) => {
    const at = (...path: Array<string | number>) => ['regions', index, ...path];
    const existing = region.existingNetwork;
    if (!existing) {
      if (region.vpcCidr === undefined) {
        problems.push({
          path: at('vpcCidr'),
          value: undefined,
          message: `required: the IPv4 CIDR (/16 to /21) of the VPC the platform creates in ${region.name}; or existingNetwork {vpcId, privateSubnetIds, publicSubnetIds} to use a VPC that exists`,
        });
      }
      return;
    }
    if (region.vpcCidr !== undefined) {
      problems.push({
        path: at('vpcCidr'),
        value: region.vpcCidr,
        message: `sizes a VPC the platform creates, but regions[${index}].existingNetwork names one that exists (${existing.vpcId}), whose CIDR is its owner's; remove vpcCidr, or remove existingNetwork to create the VPC`,
      });
    }
    const zones = region.availabilityZones;
    for (const kind of ['privateSubnetIds', 'publicSubnetIds'] as const) {
      const ids = existing[kind];
      if (ids.length !== zones.length) {
        problems.push({
          path: at('existingNetwork', kind),
          value: ids,
          message: `${ids.length} subnet${ids.length === 1 ? '' : 's'} for ${zones.length} availability zones; give exactly one per zone of regions[${index}].availabilityZones, in that order (${zones.join(', ')}): ${kind === 'publicSubnetIds' ? 'the load balancer needs a subnet in each of at least 2 zones' : 'the tasks and the file system need one in each zone (EFS takes one mount target per zone)'}`,
        });
      }
      ids.forEach((subnetId, subnetIndex) => {
        const first = seen.get(subnetId);
        if (first !== undefined) {
          problems.push({
            path: at('existingNetwork', kind, subnetIndex),
            value: subnetId,
            message: `already listed at ${first}; each subnet is one zone's private or public subnet, once`,
          });
        }
        seen.set(subnetId, `regions[${index}].existingNetwork.${kind}[${subnetIndex}]`);
      });
    }
  });

  const existing = settings.regions.filter((region) => region.existingNetwork);
  if (existing.length > 0 && settings.accelerator.ipAddressType === 'DUAL_STACK') {
    problems.push({
      path: ['accelerator', 'ipAddressType'],
      value: settings.accelerator.ipAddressType,
      message: `"DUAL_STACK" needs IPv6 blocks on the public subnets, which the platform adds only to a network it creates; ${existing.map((r) => r.name).join(', ')} use${existing.length === 1 ? 's' : ''} an existing network: use "IPV4"`,
    });
  }
  if (existing.length === settings.regions.length) {
    if (settings.natGateways === 'single') {
      problems.push({
        path: ['natGateways'],
        value: settings.natGateways,
        message:
          'no NAT gateway is created: every region uses an existing network, whose egress is its owner\'s; remove natGateways (allowed only with a network the platform creates: "perAz" or "single")',
      });
    }
    if (settings.vpcEndpoints.enabled === true) {
      problems.push({
        path: ['vpcEndpoints', 'enabled'],
        value: true,
        message:
          "no region would get them: every region uses an existing network, and endpoints with private DNS change name resolution for the whole VPC, which is its owner's to decide (an owner's endpoint for the same service would also make the creation fail); remove it, or ask the network's owner for the endpoints",
      });
    }
  }
  return problems;
}

/** The interface endpoints' services (`com.amazonaws.<region>.<service>`), and when each is created. */
export function interfaceEndpointServices(execSessions: boolean): string[] {
  return [
    'ecr.api',
    'ecr.dkr',
    'logs',
    'secretsmanager',
    'ssm',
    'sts',
    'kms',
    ...(execSessions ? ['ssmmessages'] : []),
  ];
}

/** Whether a service of the environment runs ECS Exec (its session channel goes through ssmmessages). */
export function execSessionsUsed(settings: Pick<NetworkSettings, 'services'>): boolean {
  return Object.values(settings.services).some((service) => service.service.enableExecuteCommand);
}

/**
 * One line per region saying what the platform builds of its network: printed at every synthesis
 * that uses an existing network, and the plan summary's `network` output.
 */
export function networkLines(settings: NetworkSettings): string[] {
  const endpoints = vpcEndpointsEnabled(settings);
  return settings.regions.map((region) => {
    const existing = region.existingNetwork;
    if (existing) {
      return `${region.name}: existing VPC ${existing.vpcId} (private ${existing.privateSubnetIds.join(', ')}; public ${existing.publicSubnetIds.join(', ')}): creates no VPC, subnets, route tables, routes, NAT gateways, internet gateway, flow logs or VPC endpoints there (they are the network owner's)`;
    }
    const zones = region.availabilityZones.length;
    const nat = settings.natGateways === 'perAz' ? zones : 1;
    return `${region.name}: creates VPC ${region.vpcCidr} with ${zones} public and ${zones} private subnets, ${nat} NAT gateway${nat === 1 ? '' : 's'}, flow logs${endpoints ? `, VPC endpoints (${interfaceEndpointServices(execSessionsUsed(settings)).join(', ')}; S3 gateway)` : ', no VPC endpoints'}`;
  });
}
