import { z } from 'zod';
import { AWS_REGIONS } from './regions';
import { hasHostBits, overlaps, parseCidr } from './cidr';

/** Retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Tag keys the stack sets itself on every resource through the providers' default tags. */
export const RESERVED_TAG_KEYS = ['app', 'environment', 'managed-by'] as const;

/**
 * A strict object: an unknown key is an error that lists the keys allowed at that place, so a typo
 * (`vpcCird`) fails loudly instead of silently falling back to a default.
 */
function settingsObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; allowed here: ${allowed}`
        : undefined,
  });
}

/** Number of /24 blocks a VPC must hold: x.y.0.0 stays free, then one public and one private per AZ. */
export function requiredSlash24Count(azCount: number): number {
  return 2 * azCount + 1;
}

const regionSchema = settingsObject({
  /** AWS region code, e.g. `us-east-1`. */
  name: z.enum(AWS_REGIONS),
  /** The VPC's IPv4 CIDR, /16 to /21; must not overlap another region's. */
  vpcCidr: z
    .cidrv4({ error: 'expected an IPv4 CIDR block such as 10.0.0.0/16' })
    .refine((cidr) => parseCidr(cidr).prefixLength >= 16, {
      error: 'AWS VPCs take a prefix from /16 to /28; use /16 to /21 here',
    })
    .refine((cidr) => !hasHostBits(parseCidr(cidr)), {
      error: 'the address has host bits set below its prefix; use the network address',
    }),
  /** Availability zone names of this region (at least 2), e.g. `us-east-1a`. */
  availabilityZones: z
    .array(z.string({ error: 'expected an availability zone name such as us-east-1a' }))
    .min(2, {
      error: 'at least 2 availability zones are required, one public and one private subnet in each',
    }),
});

export const settingsSchema = settingsObject({
  /** Application name: lower-case letters, digits and hyphens; prefixes every resource name. */
  app: z.string().regex(/^[a-z][a-z0-9-]{1,14}[a-z0-9]$/, {
    error: 'expected 3 to 16 lower-case letters, digits or hyphens, starting with a letter',
  }),
  /** Environment name; must equal the settings file's name (`config/<environment>.json`). */
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,9}$/, { error: 'expected 2 to 10 lower-case letters or digits' }),
  /** AWS account ID; when set, every provider refuses to run against any other account. */
  accountId: z
    .string()
    .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account ID as a string' })
    .optional(),
  /** Regions, primary first. */
  regions: z
    .array(regionSchema)
    .min(1, { error: 'at least one region is required' })
    .default([
      { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
    ]),
  /** `perAz`: one NAT gateway per AZ (no cross-AZ dependency); `single`: one shared NAT (dev only). */
  natGateways: z.enum(['perAz', 'single']).default('perAz'),
  /** Retention of every CloudWatch log group, in days (one of CloudWatch's allowed values). */
  logRetentionDays: z
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      error: `expected one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(90),
  /** Extra tags for every resource. */
  tags: z
    .record(z.string(), z.string().max(256, { error: 'tag values are at most 256 characters' }))
    .superRefine((tags, ctx) => {
      for (const key of Object.keys(tags)) {
        const problem =
          key.length > 128
            ? 'tag keys are at most 128 characters'
            : key.toLowerCase().startsWith('aws:')
              ? 'tag keys may not start with "aws:"'
              : (RESERVED_TAG_KEYS as readonly string[]).includes(key)
                ? `tag key is reserved; the stack sets ${RESERVED_TAG_KEYS.join(', ')} itself`
                : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: [key], input: key, message: problem });
      }
    })
    .default({}),
}).superRefine((settings, ctx) => {
  const seen = new Map<string, number>();
  settings.regions.forEach((region, index) => {
    const first = seen.get(region.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', index, 'name'],
        input: region.name,
        message: `region already listed at regions[${first}]; each region appears once`,
      });
    }
    seen.set(region.name, index);

    const zones = new Set<string>();
    region.availabilityZones.forEach((zone, zoneIndex) => {
      if (!new RegExp(`^${region.name}[a-z]$`).test(zone)) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', index, 'availabilityZones', zoneIndex],
          input: zone,
          message: `not an availability zone of ${region.name}; expected ${region.name} followed by one letter, e.g. ${region.name}a`,
        });
      } else if (zones.has(zone)) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', index, 'availabilityZones', zoneIndex],
          input: zone,
          message: 'availability zone listed twice; subnets must be in distinct zones',
        });
      }
      zones.add(zone);
    });

    const cidr = parseCidr(region.vpcCidr);
    const needed = requiredSlash24Count(region.availabilityZones.length);
    const available = 2 ** (24 - cidr.prefixLength);
    if (available < needed) {
      const largest = 24 - Math.ceil(Math.log2(needed));
      ctx.addIssue({
        code: 'custom',
        path: ['regions', index, 'vpcCidr'],
        input: region.vpcCidr,
        message: `a /${cidr.prefixLength} holds ${available} /24 subnets but ${region.availabilityZones.length} availability zones need ${needed} (x.y.1.0 upwards, one public and one private per zone); use /${largest} or a shorter prefix`,
      });
    }

    settings.regions.slice(0, index).forEach((other, otherIndex) => {
      if (overlaps(parseCidr(other.vpcCidr), cidr)) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', index, 'vpcCidr'],
          input: region.vpcCidr,
          message: `overlaps regions[${otherIndex}].vpcCidr ${other.vpcCidr} (${other.name}); VPC CIDRs must be disjoint so the VPCs can be peered`,
        });
      }
    });
  });

  if (settings.environment === 'prod' && settings.natGateways === 'single') {
    ctx.addIssue({
      code: 'custom',
      path: ['natGateways'],
      input: settings.natGateways,
      message:
        'prod requires "perAz": a single NAT gateway makes one availability zone a dependency of all others ("single" is for dev)',
    });
  }
});

/** Settings as written in `config/<environment>.json`. */
export type SettingsInput = z.input<typeof settingsSchema>;
/** Settings after validation and defaults. */
export type Settings = z.output<typeof settingsSchema>;
export type RegionSettings = Settings['regions'][number];
