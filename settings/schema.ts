import { z } from 'zod';
import { stackLayoutProblems, stackLayoutSchema } from './stack-layout';
import { retiredSchema, retiredServiceProblems, splitRetiredServices } from './retired-services';
import { AWS_REGIONS } from './regions';
import { availabilityZonesOf } from './availability-zones';
import { hasHostBits, overlaps, parseCidr } from './cidr';
import { SEED_BACKUP_RULES, cronProblem } from './backup-rules';
import { fargateSizeProblem } from './fargate';
import { strictSettings } from './strict-settings';
import { arnRegion, keyRegionProblem, secretSource } from './secrets';
import { credentialInValue, looksSecret } from '../policies/rules/ecs-no-plaintext-secrets';
import { checkedPath, httpPathProblem, mountPathProblem } from './path-settings';
import { guardrailProblems, productionExceptionsSchema } from './production-guardrails';
import { countProblem } from './aws-limits';
import { kmsKeyArn, secretFields, secretValueFrom, variableName } from './secret-fields';
import * as networking from './service-networking';
import { checkServiceKind, kindedServices, serviceKindFields } from './service-kinds';
import { existingNetworkSchema, networkProblems, vpcEndpointsSchema } from './network-settings';
import {
  checkContainers,
  regionRegistryCredentialsSchema,
  registryCredentialsSchema,
  sidecarsSchema,
} from './containers';

/** Retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Characters AWS allows in tag keys and values. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Tag keys the stack sets itself on every resource through the providers' default tags. */
export const RESERVED_TAG_KEYS = ['app', 'environment', 'managed-by'] as const;

/**
 * Tags: an object of keys to string values in the characters AWS allows, no `aws:` prefix, none of
 * the keys the stack sets itself. The environment's `tags` and a service's `tags` take the same.
 */
function tagMapSchema() {
  return z
    .unknown()
    .superRefine((tags, ctx) => {
      if (tags === undefined) return;
      if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
        problem(ctx, [], tags, 'expected an object of tag keys to string values');
        return;
      }
      // Checked by hand, over own keys only: a record schema trips over keys such as "constructor"
      // and drops "__proto__" unchecked.
      for (const [key, value] of Object.entries(tags)) {
        const keyProblem =
          key.length < 1 || key.length > 128
            ? 'tag keys are 1 to 128 characters'
            : !TAG_TEXT.test(key)
              ? 'tag keys take letters, digits, spaces and _ . : / = + - @'
              : key.toLowerCase().startsWith('aws:')
                ? 'tag keys may not start with "aws:"'
                : (RESERVED_TAG_KEYS as readonly string[]).includes(key)
                  ? `tag key is reserved; the stack sets ${RESERVED_TAG_KEYS.join(', ')} itself`
                  : undefined;
        if (keyProblem) problem(ctx, [key], key, keyProblem);
        else if (typeof value !== 'string') problem(ctx, [key], value, 'expected a string tag value');
        else if (value.length > 256 || !TAG_TEXT.test(value)) {
          problem(
            ctx,
            [key],
            value,
            'tag values are at most 256 letters, digits, spaces and _ . : / = + - @',
          );
        }
      }
    })
    .transform((tags) => Object.fromEntries(Object.entries(tags ?? {})) as Record<string, string>);
}

/** Where the settings of the single-service platform went when services arrived. */
const SINGLE_SERVICE_MOVE =
  'an environment now holds services: put image, task and service under services.<name> (an environment deployed before services: services.app with "legacyNames": true, README "Upgrading to services")';
const REGION_OVERRIDE_MOVE =
  "a region's image, environment and secrets are now per service: services.<name>.regions.<region>.{image,environment,secrets}";

/** Application names: 3 to 16 lower-case letters, digits, hyphens. */
const APP_NAME = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,9}$/;

/** A VPC CIDR the region schema accepts: an IPv4 network address, /16 or longer. */
function validVpcCidr(cidr: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) return false;
  const parsed = parseCidr(cidr);
  return parsed.prefixLength >= 16 && parsed.prefixLength <= 32 && !hasHostBits(parsed);
}

const FARGATE_CPU_KEYS = new Set([256, 512, 1024, 2048, 4096, 8192, 16384]);

type RefinementContext = Parameters<Parameters<z.ZodType['superRefine']>[0]>[1];

/** Adds a settings problem at `path`; an undefined `input` is reported as missing. */
function problem(ctx: RefinementContext, path: PropertyKey[], input: unknown, message: string): void {
  // The value travels in params: zod replaces a null or undefined issue input with the parent object.
  ctx.addIssue(
    input === undefined
      ? { code: 'custom', path, message, params: { missing: true } }
      : { code: 'custom', path, input, message, params: { value: input } },
  );
}

/** AWS Backup's limits, checked here so a bad rule is reported as a setting of the file. */
function checkBackup(
  backup: { rules: BackupRuleSettings[]; vaultLock?: { minRetentionDays: number; maxRetentionDays: number } },
  ctx: RefinementContext,
): void {
  const names = new Map<string, number>();
  backup.rules.forEach((rule, index) => {
    const at = (field: string) => ['backup', 'rules', index, field];
    if (!/^[A-Za-z0-9_.-]{1,50}$/.test(rule.name)) {
      problem(ctx, at('name'), rule.name, 'expected 1 to 50 of A-Z a-z 0-9 _ . -');
    } else if (names.has(rule.name)) {
      problem(ctx, at('name'), rule.name, `already used by backup.rules[${names.get(rule.name)}]`);
    }
    names.set(rule.name, index);
    const scheduleProblem = cronProblem(rule.scheduleExpression);
    if (scheduleProblem) problem(ctx, at('scheduleExpression'), rule.scheduleExpression, scheduleProblem);
    if (rule.startWindowMinutes < 60) {
      problem(ctx, at('startWindowMinutes'), rule.startWindowMinutes, 'AWS Backup needs at least 60 minutes');
    }
    if (rule.completionWindowMinutes < rule.startWindowMinutes + 60) {
      problem(
        ctx,
        at('completionWindowMinutes'),
        rule.completionWindowMinutes,
        `must be at least startWindowMinutes + 60 (${rule.startWindowMinutes + 60})`,
      );
    }
    if (rule.deleteAfterDays < 1 || rule.deleteAfterDays > 36500) {
      problem(ctx, at('deleteAfterDays'), rule.deleteAfterDays, 'use 1 to 36500 days');
    } else if (
      rule.coldStorageAfterDays !== undefined &&
      rule.deleteAfterDays < rule.coldStorageAfterDays + 90
    ) {
      problem(
        ctx,
        at('deleteAfterDays'),
        rule.deleteAfterDays,
        `recovery points stay 90 days in cold storage: use at least coldStorageAfterDays + 90 (${rule.coldStorageAfterDays + 90})`,
      );
    }
    const lock = backup.vaultLock;
    if (
      lock &&
      (rule.deleteAfterDays < lock.minRetentionDays || rule.deleteAfterDays > lock.maxRetentionDays)
    ) {
      problem(
        ctx,
        at('deleteAfterDays'),
        rule.deleteAfterDays,
        `the vault lock keeps recovery points ${lock.minRetentionDays} to ${lock.maxRetentionDays} days; backups outside that would fail`,
      );
    }
  });
  if (backup.vaultLock && backup.vaultLock.maxRetentionDays < backup.vaultLock.minRetentionDays) {
    problem(
      ctx,
      ['backup', 'vaultLock', 'maxRetentionDays'],
      backup.vaultLock.maxRetentionDays,
      `must be at least minRetentionDays (${backup.vaultLock.minRetentionDays})`,
    );
  }
}

/** Why the tag `latest` cannot be deployed in these settings, or undefined where it can. */
function latestTagProblem(tier: string, image: { repositoryUri?: string }): string | undefined {
  if (tier === 'production') {
    return 'tier "production" refuses "latest": deployments must be reproducible; set an immutable tag such as a version or commit SHA';
  }
  if (!image.repositoryUri) {
    return 'the service\'s ECR repository has immutable tags, so "latest" could be pushed only once; set a version or commit SHA (or image.repositoryUri for an external image)';
  }
  return undefined;
}

/** Number of /24 blocks a VPC must hold: x.y.0.0 stays free, then one public and one private per AZ. */
export function requiredSlash24Count(azCount: number): number {
  return 2 * azCount + 1;
}

/** Variables the platform sets itself in every container. */
export const PLATFORM_VARIABLES = ['S3_BUCKET', 'S3_PREFIX', 'AWS_REGION'] as const;

/** One plain environment variable: `{ "name": "LOG_LEVEL", "value": "info" }`. */
const variableSchema = strictSettings({
  name: variableName,
  value: z.string().max(32768),
});

/** One secret the container receives as a variable (settings/secret-fields.ts). */
const secretSchema = strictSettings(secretFields);

/** One region's own ARN or key for a secret of task.secrets. */
const secretOverrideSchema = strictSettings({
  /** Name of the task.secrets entry this overrides. */
  name: variableName,
  /** The secret or parameter ARN in this region. */
  valueFrom: secretValueFrom.optional(),
  /** This region's key. */
  kmsKeyArn: kmsKeyArn.optional(),
});

/** An Application Auto Scaling schedule: at these times, the service's capacity range becomes min to max. */
const scheduleSchema = strictSettings({
  /** Unique name of the schedule, e.g. business-hours. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected 1 to 64 of A-Z a-z 0-9 _ -' }),
  /** `cron(minutes hours day-of-month month day-of-week year)`, `rate(n units)` or `at(yyyy-mm-ddThh:mm:ss)`. */
  schedule: z.string(),
  /** IANA time zone of the schedule. */
  timezone: z
    .string()
    .regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z0-9_+-]+){1,2})$/, {
      error: 'expected an IANA time zone such as UTC or Europe/Dublin',
    })
    .default('UTC'),
  /** Minimum tasks while the schedule holds (at least 1: the running-tasks alarm watches the minimum). */
  minCapacity: z.number().int().min(1).max(1000),
  /** Maximum tasks while the schedule holds. */
  maxCapacity: z.number().int().min(1).max(1000),
});

/** One capacity provider of the service's strategy. */
const capacityProviderSchema = strictSettings({
  /** `FARGATE` (on demand) or `FARGATE_SPOT` (spare capacity, interrupted with a two-minute warning). */
  capacityProvider: z.enum(['FARGATE', 'FARGATE_SPOT']),
  /** Tasks placed on this provider before the weights apply (0 to 100000; only one provider may have a base). */
  base: z.number().int().min(0).max(100000).default(0),
  /** Share of the tasks beyond the bases (0 to 1000). */
  weight: z.number().int().min(0).max(1000).default(1),
});

const WEB_ACL_ARN =
  /^arn:aws:wafv2:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):regional\/webacl\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}$/;

/** A Docker image tag. */
const imageTagSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, {
  error: 'expected a Docker image tag (letters, digits, _ . -, at most 128)',
});

/** An image manifest digest: the same bytes in every region (ECR replication keeps digests). */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;
const imageDigestSchema = z.string().regex(IMAGE_DIGEST, {
  error: 'expected an image digest: "sha256:" followed by 64 lower-case hex digits',
});

/** A region's own image for a release wave; replaces the environment's tag and digest in that region. */
const regionImageSchema = strictSettings({
  /** Tag this region runs instead of `image.tag`. */
  tag: imageTagSchema.optional(),
  /** Digest this region runs instead of `image.digest`; wins over `tag` in the image reference. */
  digest: imageDigestSchema.optional(),
});

const regionSchema = strictSettings(
  {
    /** AWS region code, e.g. `us-east-1`. */
    name: z.enum(AWS_REGIONS),
    /** The VPC's IPv4 CIDR, /16 to /21; must not overlap another region's. Not with existingNetwork. */
    vpcCidr: z
      .cidrv4({ error: 'expected an IPv4 CIDR block such as 10.0.0.0/16' })
      .refine((cidr) => parseCidr(cidr).prefixLength >= 16, {
        error: 'AWS VPCs take a prefix from /16 to /28; use /16 to /21 here',
      })
      .refine((cidr) => !hasHostBits(parseCidr(cidr)), {
        error: 'the address has host bits set below its prefix; use the network address',
      })
      .optional(),
    /** An existing VPC and its subnets, used instead of creating a VPC here (settings/network-settings.ts). */
    existingNetwork: existingNetworkSchema.optional(),
    /** Availability zone names of this region (at least 2), e.g. `us-east-1a`. */
    availabilityZones: z
      .array(z.string({ error: 'expected an availability zone name such as us-east-1a' }))
      .min(2, {
        error: 'at least 2 availability zones are required, one public and one private subnet in each',
      }),
    /** Weight of this region's load balancer in its Global Accelerator endpoint group (0 to 255). */
    acceleratorWeight: z.number().int().min(0).max(255).default(100),
    /**
     * Share of traffic Global Accelerator sends to this region, percent; 0 drains the region (an
     * evacuation, or a standby) while it still takes failover traffic.
     */
    trafficDialPercentage: z
      .number({ error: 'expected a percentage from 0 to 100' })
      .min(0, { error: 'expected a percentage from 0 (drained) to 100' })
      .max(100, { error: 'expected a percentage from 0 (drained) to 100' })
      .default(100),
    /** An existing regional AWS WAF web ACL to associate with this region's load balancer instead of creating one. */
    webAclArn: z
      .string()
      .regex(WEB_ACL_ARN, {
        error:
          'expected a regional web ACL ARN: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>',
      })
      .optional(),
  },
  { image: REGION_OVERRIDE_MOVE, environment: REGION_OVERRIDE_MOVE, secrets: REGION_OVERRIDE_MOVE },
);

const imageSchema = strictSettings({
  /**
   * Image repository without the tag, e.g. `public.ecr.aws/nginx/nginx`.
   * Omitted: the environment's own ECR repository, created in the primary region and replicated to the others.
   */
  repositoryUri: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, {
      error: 'expected an image repository without a tag, e.g. public.ecr.aws/nginx/nginx',
    })
    .optional(),
  /** Image tag to deploy; `latest` is refused in prod, where deployments must be reproducible. */
  tag: imageTagSchema,
  /**
   * Manifest digest (`sha256:` + 64 hex) that pins every region to the same bytes: the task
   * definitions then reference `<repository>@<digest>`, and `tag` only names the release.
   */
  digest: imageDigestSchema.optional(),
  /** Images the ECR lifecycle policy keeps. */
  keepImageCount: z.number().int().min(1).max(10000).default(30),
  /** A private registry's pull credentials: a Secrets Manager secret (settings/containers.ts). */
  credentials: registryCredentialsSchema.optional(),
});

const taskSchema = strictSettings({
  /** Task CPU units (Fargate sizes: 256, 512, 1024, 2048, 4096, 8192, 16384). */
  cpu: z.number().int().default(1024),
  /** Task memory in MiB; must be valid for the CPU (Fargate's table). */
  memoryMiB: z.number().int().default(2048),
  /** Port the container listens on; the ALB's target group forwards to it. */
  containerPort: z.number().int().min(1).max(65535).default(80),
  /** Container health check command, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]; none by default. */
  healthCheckCommand: z
    .array(z.string())
    .min(2)
    .refine((command) => ['CMD', 'CMD-SHELL'].includes(command[0]), {
      error: 'expected ["CMD", executable, args...] or ["CMD-SHELL", "shell command"]',
    })
    .optional(),
  /** Seconds between container health checks (5 to 300). */
  healthCheckIntervalSeconds: z.number().int().min(5).max(300).default(30),
  /** Seconds a container health check may take (2 to 120), less than the interval. */
  healthCheckTimeoutSeconds: z.number().int().min(2).max(120).default(5),
  /** Failed container health checks before the container is unhealthy (1 to 10). */
  healthCheckRetries: z.number().int().min(1).max(10).default(3),
  /** Seconds after start during which failed container health checks do not count (0 to 300). */
  healthCheckStartPeriodSeconds: z.number().int().min(0).max(300).default(60),
  /** Plain environment variables; names must not look like secrets (use `secrets`). */
  environment: z.array(variableSchema).default([]),
  /** Secrets from Secrets Manager or SSM Parameter Store, resolved to each region's ARN. */
  secrets: z.array(secretSchema).default([]),
  /** Overrides the image's CMD. */
  command: z.array(z.string().min(1).max(4096)).min(1).optional(),
  /** Overrides the image's ENTRYPOINT. */
  entryPoint: z.array(z.string().min(1).max(4096)).min(1).optional(),
  /** `uid`, `uid:gid`, `user` or `user:group` the container runs as; the EFS access point's user by default. */
  user: z
    .string()
    .regex(/^([a-z_][a-z0-9_-]{0,31}|\d{1,10})(:([a-z_][a-z0-9_-]{0,31}|\d{1,10}))?$/, {
      error: 'expected uid, uid:gid, user or user:group, e.g. 1000:1000',
    })
    .default('1000:1000'),
  /** Why the container must run as root; required with user root or 0, refused otherwise (Security Hub ECS.20). */
  rootUserReason: z.string().trim().min(20, { error: 'explain in at least 20 characters' }).optional(),
  /** `X86_64` or `ARM64` (Graviton; Fargate Spot does not run ARM64 tasks). */
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).default('X86_64'),
  /** Task ephemeral storage in GiB (21 to 200); omitted: Fargate's 20 GiB. */
  ephemeralStorageGiB: z.number().int().min(21).max(200).optional(),
  /**
   * Mount the container's root filesystem read-only. `false` needs writableRootFilesystemReason:
   * the security policy's ECS.5 finding is then accepted with that reason, printed on every synth.
   */
  readonlyRootFilesystem: z.boolean().default(true),
  /** Why the container must write to its root filesystem (at least 20 characters); only with readonlyRootFilesystem false. */
  writableRootFilesystemReason: z
    .string()
    .refine((reason) => reason.trim().length >= 20 && reason.length <= 500, {
      error: 'write why the container must write to its root filesystem, 20 to 500 characters',
    })
    .refine((reason) => !/[\p{Cc}\u2028\u2029]/u.test(reason), {
      error: 'one line of text, without control characters',
    })
    .optional(),
  /** Absolute paths given writable task storage when the root filesystem is read-only. */
  writablePaths: z.array(checkedPath(mountPathProblem)).default(['/tmp']),
});

const serviceSchema = strictSettings({
  /** Tasks at creation; autoscaling owns the count afterwards. */
  desiredCount: z.number().int().min(0).max(1000).default(2),
  /** Autoscaling minimum. */
  minCapacity: z
    .number()
    .int()
    .min(1, { error: 'at least 1: the running-tasks alarm watches for fewer tasks than this minimum' })
    .max(1000)
    .default(2),
  /** Autoscaling maximum. */
  maxCapacity: z.number().int().min(1).max(1000).default(10),
  /** Target average CPU utilization, percent. */
  cpuTargetPercent: z.number().min(1).max(100).default(70),
  /** Target average memory utilization, percent. */
  memoryTargetPercent: z.number().min(1).max(100).default(75),
  /** Seconds between scale-in activities. */
  scaleInCooldownSeconds: z.number().int().min(0).max(3600).default(60),
  /** Seconds between scale-out activities. */
  scaleOutCooldownSeconds: z.number().int().min(0).max(3600).default(60),
  /** Seconds the service ignores failing load balancer health checks after a task starts. */
  healthCheckGracePeriodSeconds: z.number().int().min(0).max(2147483647).default(60),
  /** Path of the ALB target health check. */
  healthCheckPath: checkedPath(httpPathProblem).default('/'),
  /** HTTP codes a healthy target answers the ALB health check with: `200`, `200,204` or `200-399`. */
  healthCheckMatcher: z
    .string()
    .regex(/^[2-4]\d\d(-[2-4]\d\d)?(,[2-4]\d\d(-[2-4]\d\d)?)*$/, {
      error: 'expected HTTP codes from 200 to 499: a code, a range such as 200-399 or a list such as 200,204',
    })
    .refine(
      (matcher) =>
        matcher.split(',').every((part) => {
          const [low, high = low] = part.split('-');
          return Number(low) <= Number(high);
        }),
      { error: 'a range goes from the lower code to the higher, e.g. 200-399' },
    )
    .default('200-399'),
  /** Seconds between ALB target health checks (6 to 300); with the threshold it sets how fast a dead region is left. */
  healthCheckIntervalSeconds: z.number().int().min(6).max(300).default(10),
  /** Failed health checks before a target is unhealthy (2 to 10). */
  unhealthyThresholdCount: z.number().int().min(2).max(10).default(2),
  /** Seconds the ALB drains a deregistering task; short for quick deploys. */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  /** Allow `aws ecs execute-command` into running tasks. */
  enableExecuteCommand: z.boolean().default(false),
  /**
   * Run no tasks: autoscaling pinned to 0 and the running-tasks alarm silenced, everything else in
   * place. For the first apply of a new environment, before its image is pushed (ECS would fail
   * that first deployment and never retry), and to park an environment. Turning it off scales the
   * service to `minCapacity`.
   */
  paused: z.boolean().default(false),
  /** Target requests per task and minute (ALBRequestCountPerTarget) for a third scaling policy; none by default. */
  requestCountPerTarget: z.number().int().min(1).max(1000000).optional(),
  /** Scheduled changes of the capacity range, e.g. more tasks in business hours. */
  scheduledScaling: z.array(scheduleSchema).default([]),
  /** Fargate and Fargate Spot with base and weights; omitted: every task on Fargate (launch type FARGATE). */
  capacityProviders: z.array(capacityProviderSchema).min(1).optional(),
  /**
   * ECS deployment alarms: a deployment whose 5xx, p99 latency or unhealthy-hosts alarm fires is
   * rolled back, beside the circuit breaker (which only sees tasks failing to start).
   */
  deploymentAlarms: z.boolean().default(true),
  /**
   * Tasks the service needs at its peak, across the whole environment. The regions left when any one
   * is lost must be able to scale to it (their maxCapacity), checked at synth. Omitted: desiredCount
   * in every region.
   */
  peakTasks: z.number().int().min(1).max(100000).optional(),
});

/** A service's own values in one region: its release wave, variables and secrets there. */
const serviceRegionSchema = strictSettings({
  /**
   * This region's image during a release wave: `tag` and/or `digest`, replacing the service's
   * `image.tag` and `image.digest` here only. Omitted: the service's image.
   */
  image: regionImageSchema.optional(),
  /** This region's values of environment variables, over task.environment. */
  environment: z.array(variableSchema).default([]),
  /** This region's ARN or key of task.secrets entries (a secret that is not a replica, a single-region key). */
  secrets: z.array(secretOverrideSchema).default([]),
  /** This region's secret or key for image.credentials (settings/containers.ts). */
  imageCredentials: regionRegistryCredentialsSchema.optional(),
});

/** Host names a listener rule matches: lower-case DNS names, `*` as the first label allowed. */
const HOST_NAME = /^(?=.{1,128}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Path patterns a listener rule matches: case-sensitive, `*` and `?` wildcards, at most 128 characters. */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+*?&=%]{0,127}$/;

/** How the shared load balancer sends requests to a service: host names and/or paths, at a priority. */
const routingSchema = strictSettings({
  /**
   * Host names (the Host header) this service answers, e.g. `api.example.com`. With a domain each
   * must lie in its zone: the certificate covers it and DNS gets a record for it.
   */
  hosts: z
    .array(
      z.string().regex(HOST_NAME, {
        error:
          'expected a lower-case host name such as api.example.com (at most 128 characters; *. allowed as the first label)',
      }),
    )
    .default([]),
  /** Path patterns this service answers, e.g. `/api/*` (case-sensitive; * and ? are wildcards). */
  paths: z
    .array(
      z.string().regex(PATH_PATTERN, {
        error:
          'expected a path pattern starting with / of at most 128 characters: letters, digits and _ - . $ / ~ " \' @ : + * ? & = %, no spaces',
      }),
    )
    .default([]),
  /**
   * The listener rule's priority, 1 to 50000, unique across services: the load balancer evaluates
   * lower numbers first, so a catch-all (`/*`) takes the highest number.
   */
  priority: z.number().int().min(1).max(50000),
});

/** Condition values (hosts and paths) an ALB listener rule takes. */
const MAX_RULE_CONDITION_VALUES = 5;

/** Service names: lower-case letters, digits and hyphens, DNS-safe; part of every name the service has. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;

/** An SNS topic's ARN; its region is the fourth field. */
const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
    error: 'expected an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>',
  });

/** The region of an SNS topic ARN. */
export function topicRegion(arn: string): string {
  return arn.split(':')[3];
}

/** The topics of `arns` in `region`, each once: the ones an alarm of that region may notify. */
export function topicsIn(arns: readonly string[], region: string): string[] {
  return [...new Set(arns.filter((arn) => topicRegion(arn) === region))];
}

/** Where a service's own alarms go, beside the environment's alarm topic and `alarms.topicArns`. */
const serviceAlarmsSchema = strictSettings({
  /**
   * Existing SNS topics of the team that runs the service (its on-call, its chat channel): every
   * alarm of this service, and its recovery, notifies them in their region, beside the environment's
   * topic. Each topic's region must be one of `regions`.
   */
  topicArns: z.array(snsTopicArn).default([]),
});

/** One service of the environment: its image, task, ECS service, routing and per-region values. */
const appServiceSchema = strictSettings({
  /** The service's image. */
  image: imageSchema,
  /** The task definition (seed 8.3). */
  task: taskSchema.prefault({}),
  /** The ECS service, its target group and autoscaling (seed 8.5). */
  service: serviceSchema.prefault({}),
  /** Which requests of the shared load balancer reach this service (kind web only, required there). */
  routing: routingSchema.optional(),
  /** `kind`, and a worker's `queue` and a scheduled job's `schedule` (settings/service-kinds.ts). */
  ...serviceKindFields,
  /** This service's values per region, keyed by region name (release waves, variables, secrets). */
  regions: z.record(z.string(), serviceRegionSchema).default({}),
  /** Containers beside the application: sidecars, a FireLens log router, an OpenTelemetry collector (settings/containers.ts). */
  sidecars: sidecarsSchema.prefault({}),
  /**
   * Keep the names the single-service platform gave its one application (`<app>-<env>-service`,
   * log group `/ecs/<app>-<env>`, target group `<app>-<env>-tg-<port>`, access point at `/ecs`,
   * the whole data bucket), so an environment deployed before services moves its application into
   * this service without replacing it. At most one service; new services leave it off.
   */
  legacyNames: z.boolean().default(false),
  /** Service Connect: ports this service offers, services it calls (settings/service-networking.ts). */
  serviceConnect: networking.serviceConnectSchema,
  /** Named egress rules beyond HTTPS, keyed by rule name (settings/service-networking.ts). */
  egress: networking.egressSchema,
  /** Per region, existing security groups the service's tasks also join (settings/service-networking.ts). */
  existingSecurityGroups: networking.existingSecurityGroupsSchema,
  /**
   * Tags on every resource of this service and on its repository, beside the environment's `tags`
   * (the provider's default tags); where both set a key, the service's value wins on its resources.
   * For the team that owns it and its cost centre.
   */
  tags: tagMapSchema().default({}),
  /** Where this service's alarms go, beside the environment's (its team's topics). */
  alarms: serviceAlarmsSchema.prefault({}),
  /** Taken out of service: nothing of it is built, its repository and log groups are kept (settings/retired-services.ts). */
  retired: retiredSchema.default(false),
});

const efsSchema = strictSettings({
  /**
   * Replicate each region's file system to the next region (a read-only replica, promoted when its
   * source region is lost); omitted: on in production (issue 20).
   */
  replication: z.boolean().optional(),
  /** EFS throughput mode. */
  throughputMode: z.enum(['bursting', 'elastic', 'provisioned']).default('bursting'),
  /** Provisioned throughput in MiB/s; required with `provisioned`, refused otherwise. */
  provisionedThroughputMibps: z.number().min(1).max(3414).optional(),
  /** When files move to Infrequent Access. */
  transitionToIa: z
    .enum([
      'AFTER_1_DAY',
      'AFTER_7_DAYS',
      'AFTER_14_DAYS',
      'AFTER_30_DAYS',
      'AFTER_60_DAYS',
      'AFTER_90_DAYS',
      'AFTER_180_DAYS',
      'AFTER_270_DAYS',
      'AFTER_365_DAYS',
    ])
    .default('AFTER_30_DAYS'),
});

const domainSchema = strictSettings({
  /** The hosted zone's domain, e.g. `example.com`. */
  zoneName: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'expected a lower-case DNS domain such as example.com',
  }),
  /** ID of the existing Route 53 hosted zone of `zoneName`; omit it with createZone. */
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{1,31}$/, { error: 'expected a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ' })
    .optional(),
  /** Create a new public hosted zone for `zoneName` (then delegate it from the parent zone). */
  createZone: z.boolean().default(false),
  /** Label of the application's record in the zone: `app` serves app.<zoneName>. */
  recordName: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'expected one DNS label such as app' })
    .default('app'),
});

const acceleratorSchema = strictSettings({
  /** `IPV4`, or `DUAL_STACK` (adds an AAAA record; the endpoints must then be dual-stack). */
  ipAddressType: z.enum(['IPV4', 'DUAL_STACK']).default('IPV4'),
  /** `SOURCE_IP` keeps a client on one endpoint; `NONE` spreads its flows. */
  clientAffinity: z.enum(['NONE', 'SOURCE_IP']).default('NONE'),
  /** Flow logs; omitted: on with tier production or with flowLogsBucket. Without flowLogsBucket they go to the primary region's log bucket. */
  flowLogs: z.boolean().optional(),
  /** Existing S3 bucket that receives the accelerator's flow logs, instead of the primary region's log bucket. */
  flowLogsBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, {
      error: 'expected an S3 bucket name (lower-case letters, digits, hyphens)',
    })
    .optional(),
});

const edgeSchema = strictSettings({
  /** ALB access logs to a per-region log bucket; omitted: on with tier production. */
  accessLogs: z.boolean().optional(),
  /** ALB connection logs (TLS handshakes, client certificates) to the same bucket; omitted: as accessLogs. */
  connectionLogs: z.boolean().optional(),
  /** Days the log buckets keep log objects (1 to 3650). */
  logExpirationDays: z.number().int().min(1).max(3650).default(365),
  /** An AWS WAF web ACL per region on the load balancer; omitted: on with tier production. */
  waf: z.boolean().optional(),
  /** Requests per client IP in 5 minutes before the web ACL's rate rule blocks it (10 to 2000000000). */
  wafRateLimit: z.number().int().min(10).max(2000000000).default(2000),
  /** Why a production environment serves plain HTTP without a domain; tier production requires a domain otherwise. */
  plainHttpReason: z.string().trim().min(20, { error: 'explain in at least 20 characters' }).optional(),
});

const backupRuleSchema = strictSettings({
  /** Rule name, e.g. DailyBackups. */
  name: z.string(),
  /** AWS Backup schedule, e.g. cron(0 5 ? * * *). */
  scheduleExpression: z.string(),
  /** Minutes after the scheduled time a backup may start (at least 60). */
  startWindowMinutes: z.number().int(),
  /** Minutes a started backup may take. */
  completionWindowMinutes: z.number().int(),
  /** Days a recovery point is kept. */
  deleteAfterDays: z.number().int(),
  /** Days before a recovery point moves to cold storage; deleteAfterDays must be at least this + 90. */
  coldStorageAfterDays: z.number().int().min(1).max(36500).optional(),
});

type BackupRuleSettings = z.output<typeof backupRuleSchema>;

const backupSchema = strictSettings({
  /** Backup rules; the seed's daily (30 days) and weekly (90 days) rules by default. */
  rules: z
    .array(backupRuleSchema)
    .min(1)
    .default(() => SEED_BACKUP_RULES.map((rule) => ({ ...rule }))),
  /** Vault lock: recovery points cannot be deleted early, not even by an administrator. Omitted: no lock. */
  vaultLock: strictSettings({
    minRetentionDays: z.number().int().min(1).max(36500),
    maxRetentionDays: z.number().int().min(1).max(36500),
    /** Days until a compliance-mode lock becomes immutable (at least 3); omitted: governance mode. */
    changeableForDays: z.number().int().min(3).optional(),
  }).optional(),
});

const replicationSchema = strictSettings({
  /** S3 Replication Time Control: 15-minute replication SLA, with metrics. */
  replicationTimeControl: z.boolean().default(false),
  /** Replicate every region's bucket to every other region as well (active-active, full mesh); omitted: on in production. */
  bidirectional: z.boolean().optional(),
});

const alarmsSchema = strictSettings({
  /** Email addresses subscribed to every region's alarm topic (each must confirm). */
  emails: z.array(z.email({ error: 'expected an email address' })).default([]),
  /**
   * Existing SNS topics that also receive every alarm and its recovery in their region, e.g. the
   * topic a chat integration (Amazon Q Developer in chat applications) or an incident tool watches.
   * Each topic's region must be one of `regions`; alarms notify only topics of their own region.
   */
  topicArns: z.array(snsTopicArn).default([]),
  /** ECS service CPU alarm threshold, percent (the seed's 85). */
  cpuHighPercent: z.number().min(1).max(100).default(85),
  /** ECS service memory alarm threshold, percent. */
  memoryHighPercent: z.number().min(1).max(100).default(85),
  /** 5xx responses per period that raise the alarm. */
  http5xxCount: z.number().int().min(1).default(10),
  /** Unhealthy targets that raise the alarm. */
  unhealthyHostCount: z.number().int().min(1).default(1),
  /** p99 target response time that raises the alarm, seconds. */
  targetResponseTimeP99Seconds: z.number().positive().default(2),
  /** Alarm period, seconds: 10, 20, 30 or a multiple of 60. */
  periodSeconds: z
    .number()
    .int()
    .max(86400)
    .refine((period) => period > 0 && period % 60 === 0, {
      error:
        'use a multiple of 60: CloudWatch also takes 10, 20 or 30 for high-resolution metrics, but the ECS, ALB and Container Insights metrics arrive once a minute, so shorter periods leave the alarms without data',
    })
    .default(60),
  /** Periods that must breach before the alarm fires. */
  evaluationPeriods: z.number().int().min(1).default(2),
});

const failoverDrillsSchema = strictSettings({
  /**
   * AWS FIS experiment templates per region (stop the region's tasks; black-hole its private
   * subnets). Creating them runs nothing. Omitted: on with tier `production`.
   */
  enabled: z.boolean().optional(),
  /** How long the black-hole drill cuts the region's private subnets off, minutes (1 to 720). */
  blackholeMinutes: z.number().int().min(1).max(720).default(10),
});

const backendSchema = z
  .discriminatedUnion(
    'type',
    [
      strictSettings({
        /** State in terraform.tfstate.d/<stack>.tfstate at the project root (one person, one machine). */
        type: z.literal('local'),
      }),
      strictSettings({
        /** State in S3, one object per stack: <keyPrefix>/<stack>.tfstate. */
        type: z.literal('s3'),
        /** Existing, versioned state bucket. */
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name' }),
        /** Region of the state bucket. */
        region: z.enum(AWS_REGIONS),
        /** Key prefix of the state objects. */
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, {
            error: 'expected an S3 key prefix without leading or trailing slash',
          })
          .default('cdktf'),
        /** `lockfile`: Terraform's native S3 lock file (Terraform >= 1.10); `dynamodb`: a DynamoDB lock table. */
        locking: z.enum(['lockfile', 'dynamodb']).default('lockfile'),
        /** DynamoDB lock table (with locking "dynamodb"). */
        dynamodbTable: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{3,255}$/, {
            error: 'expected a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)',
          })
          .optional(),
        /** KMS key (ARN or alias) encrypting the state objects; S3's default encryption otherwise. */
        kmsKeyId: z.string().optional(),
      }),
      strictSettings({
        /** Terraform Cloud / Enterprise: one workspace per stack, named after the stack. */
        type: z.literal('cloud'),
        /** Organization that owns the workspaces. */
        organization: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a Terraform Cloud organization name' }),
        /** Terraform Enterprise host; Terraform Cloud by default. */
        hostname: z.string().default('app.terraform.io'),
        /** Terraform Cloud project holding the workspaces; the organization's default project otherwise. */
        project: z.string().optional(),
      }),
    ],
    { error: 'expected type "local", "s3" or "cloud"' },
  )
  .prefault({ type: 'local' });

const checkedSettingsSchema = strictSettings(
  {
    /** Application name: lower-case letters, digits and hyphens; prefixes every resource name. */
    app: z.string().regex(APP_NAME, {
      error: 'expected 3 to 16 lower-case letters, digits or hyphens, starting with a letter',
    }),
    /** Environment name; must equal the settings file's name (`config/<environment>.json`). */
    environment: z
      .string()
      .regex(ENVIRONMENT_NAME, { error: 'expected 2 to 10 lower-case letters or digits' }),
    /**
     * What the environment is for. `production` turns on every guardrail: prevent_destroy on stateful
     * resources, load balancer deletion protection, a required vault lock, one NAT gateway per AZ, no
     * `latest` image. `development` leaves them off so the environment can be torn down. Chosen here,
     * never from the environment's name.
     */
    tier: z.enum(['production', 'development'], {
      error: 'expected "production" (every guardrail on) or "development" (can be torn down)',
    }),
    /** AWS account ID; when set, every provider refuses to run against any other account. */
    accountId: z
      .string()
      .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account ID as a string' })
      .optional(),
    /** Regions, primary first. */
    regions: z
      .array(regionSchema)
      .min(1, { error: 'at least one region is required' })
      .prefault([
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
      ]),
    /** `perAz`: one NAT gateway per AZ (no cross-AZ dependency); `single`: one shared NAT (dev only). */
    natGateways: z.enum(['perAz', 'single']).default('perAz'),
    /** VPC endpoints in the networks the platform creates (settings/network-settings.ts). */
    vpcEndpoints: vpcEndpointsSchema.prefault({}),
    /** Retention of every CloudWatch log group, in days (one of CloudWatch's allowed values). */
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        error: `expected one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    /**
     * The services on this environment's foundation, keyed by a stable service name (lower-case,
     * DNS-safe, part of every name the service has): each with its own image, task, ECS service,
     * routing on the shared load balancer and per-region values.
     */
    services: kindedServices(z.record(z.string(), appServiceSchema)).superRefine((services, ctx) => {
      if (Object.keys(services).length === 0) problem(ctx, [], services, 'give at least one service');
      // Checked here rather than by the record's key schema, whose message zod replaces.
      for (const name of Object.keys(services)) {
        if (!SERVICE_NAME.test(name)) {
          problem(
            ctx,
            [name],
            name,
            'expected a service name: 2 to 20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen',
          );
        }
      }
    }),
    /** The EFS file system of each region (seed 8.2). */
    efs: efsSchema.prefault({}),
    /** DNS and TLS: with a domain the ALBs serve HTTPS with ACM certificates. Omitted: HTTP only, no DNS resources. */
    domain: domainSchema.optional(),
    /** Global Accelerator in front of every region's load balancer. */
    accelerator: acceleratorSchema.prefault({}),
    /** Access logs, AWS WAF and plain-HTTP exceptions at the load balancers. */
    edge: edgeSchema.prefault({}),
    /** AWS Backup of each region's file system, copied to another region. */
    backup: backupSchema.prefault({}),
    /** Cross-region replication of the data buckets. */
    replication: replicationSchema.prefault({}),
    /** Alarms and their notification topic in every region. */
    alarms: alarmsSchema.prefault({}),
    /** Failover drills as code: AWS FIS experiment templates in every region. */
    failoverDrills: failoverDrillsSchema.prefault({}),
    /**
     * Terraform's prevent_destroy on file systems, buckets, backup vaults, KMS keys and ECR repositories.
     * Omitted: on with tier `production`, off with `development` (so the environment can be torn down).
     */
    preventDestroy: z.boolean().optional(),
    /**
     * Tier production: a reason per production protection turned off (settings/production-guardrails.ts),
     * e.g. `{"preventDestroy": "why"}`; each is printed at every synth.
     */
    productionExceptions: productionExceptionsSchema,
    /** Where Terraform keeps the state of each stack. */
    backend: backendSchema,
    /** Where the configurations are cut: `one-stack` or `stack-per-service` (settings/stack-layout.ts). */
    stackLayout: stackLayoutSchema,
    /**
     * Examples built beside the environment, only when asked: `simpleFargate` is the seed's "Simple
     * ECS Fargate Cluster Example" (8.8) as stack `<app>-<env>-simple` (public IPs, fixed names: never
     * in tier production).
     */
    examples: strictSettings({
      /** Build the seed's 8.8 example as stack `<app>-<env>-simple`. */
      simpleFargate: z.boolean().default(false),
    }).prefault({}),
    /** Extra tags for every resource. */
    tags: tagMapSchema(),
  },
  { image: SINGLE_SERVICE_MOVE, task: SINGLE_SERVICE_MOVE, service: SINGLE_SERVICE_MOVE },
).superRefine((all, ctx) => {
  // Retired services: their own rules (settings/retired-services.ts); every other rule sees the live ones.
  for (const p of retiredServiceProblems(all)) problem(ctx, [...p.path], p.value, p.message);
  const settings = splitRetiredServices(all);
  const seen = new Map<string, number>();
  settings.regions.forEach((region, index) => {
    const first = seen.get(region.name);
    if (first !== undefined) {
      problem(
        ctx,
        ['regions', index, 'name'],
        region.name,
        `region already listed at regions[${first}]; each region appears once`,
      );
    }
    seen.set(region.name, index);

    const zones = new Set<string>();
    const known = availabilityZonesOf(region.name);
    region.availabilityZones.forEach((zone, zoneIndex) => {
      if (!known.includes(zone)) {
        problem(
          ctx,
          ['regions', index, 'availabilityZones', zoneIndex],
          zone,
          `not an availability zone of ${region.name}; its zones are ${known.join(', ')} (settings/availability-zones.ts)`,
        );
      } else if (zones.has(zone)) {
        problem(
          ctx,
          ['regions', index, 'availabilityZones', zoneIndex],
          zone,
          'availability zone listed twice; subnets must be in distinct zones',
        );
      }
      zones.add(zone);
    });

    // A CIDR already refused above (host bits set, prefix too short) is not compared further: its
    // size and overlaps would be reported for a block the user did not mean.
    if (region.vpcCidr === undefined || !validVpcCidr(region.vpcCidr)) return;
    const cidr = parseCidr(region.vpcCidr);
    const needed = requiredSlash24Count(region.availabilityZones.length);
    const available = 2 ** (24 - cidr.prefixLength);
    if (available < needed) {
      const largest = 24 - Math.ceil(Math.log2(needed));
      problem(
        ctx,
        ['regions', index, 'vpcCidr'],
        region.vpcCidr,
        `a /${cidr.prefixLength} holds ${available} /24 subnets but ${region.availabilityZones.length} availability zones need ${needed} (x.y.1.0 upwards, one public and one private per zone); use /${largest} or a shorter prefix`,
      );
    }

    settings.regions.slice(0, index).forEach((other, otherIndex) => {
      if (
        other.vpcCidr !== undefined &&
        validVpcCidr(other.vpcCidr) &&
        overlaps(parseCidr(other.vpcCidr), cidr)
      ) {
        problem(
          ctx,
          ['regions', index, 'vpcCidr'],
          region.vpcCidr,
          `overlaps regions[${otherIndex}].vpcCidr ${other.vpcCidr} (${other.name}); VPC CIDRs must be disjoint so the VPCs can be peered`,
        );
      }
    });
  });

  if (
    settings.efs.throughputMode === 'provisioned' &&
    settings.efs.provisionedThroughputMibps === undefined
  ) {
    problem(
      ctx,
      ['efs', 'provisionedThroughputMibps'],
      undefined,
      'required when throughputMode is "provisioned" (1 to 3414 MiB/s)',
    );
  }
  if (
    settings.efs.throughputMode !== 'provisioned' &&
    settings.efs.provisionedThroughputMibps !== undefined
  ) {
    problem(
      ctx,
      ['efs', 'provisionedThroughputMibps'],
      settings.efs.provisionedThroughputMibps,
      `only allowed with throughputMode "provisioned" (got "${settings.efs.throughputMode}")`,
    );
  }
  if (settings.domain && settings.domain.createZone === (settings.domain.hostedZoneId !== undefined)) {
    problem(
      ctx,
      ['domain', 'hostedZoneId'],
      settings.domain.hostedZoneId,
      'give either hostedZoneId (an existing zone) or createZone: true (a new zone), exactly one',
    );
  }
  if (
    settings.backend.type === 's3' &&
    (settings.backend.locking === 'dynamodb') !== Boolean(settings.backend.dynamodbTable)
  ) {
    problem(
      ctx,
      ['backend', 'dynamodbTable'],
      settings.backend.dynamodbTable,
      'give dynamodbTable exactly when locking is "dynamodb" (with "lockfile" Terraform locks through S3 itself)',
    );
  }
  const reservedPrefix = ['internal-', 'sg-', 'xn--', 'sthree-', 'amzn-s3-demo-'].find((prefix) =>
    settings.app.startsWith(prefix),
  );
  if (reservedPrefix) {
    problem(
      ctx,
      ['app'],
      settings.app,
      `must not start with "${reservedPrefix}": AWS reserves it in load balancer, security group or bucket names, which start with the app name`,
    );
  }
  checkBackup(settings.backup, ctx);
  const emails = new Map<string, number>();
  settings.alarms.emails.forEach((email, index) => {
    const first = emails.get(email.toLowerCase());
    if (first !== undefined)
      problem(ctx, ['alarms', 'emails', index], email, `already listed at alarms.emails[${first}]`);
    emails.set(email.toLowerCase(), index);
  });
  const regionNames: string[] = settings.regions.map((region) => region.name);
  checkTopicRegions(settings.alarms.topicArns, regionNames, ctx);
  if (settings.tier === 'production' && settings.alarms.emails.length === 0) {
    const unreached = regionNames.filter(
      (region) => !settings.alarms.topicArns.some((arn) => topicRegion(arn) === region),
    );
    if (unreached.length) {
      problem(
        ctx,
        ['alarms', 'emails'],
        settings.alarms.emails,
        `tier "production" needs someone to receive the alarms of ${unreached.join(', ')}: add an email address, or a topicArns entry in each of those regions`,
      );
    }
  }
  const { periodSeconds, evaluationPeriods } = settings.alarms;
  const windowLimit = periodSeconds < 3600 ? 86400 : 604800;
  if (periodSeconds * evaluationPeriods > windowLimit) {
    problem(
      ctx,
      ['alarms', 'evaluationPeriods'],
      evaluationPeriods,
      `${evaluationPeriods} periods of ${periodSeconds} s exceed CloudWatch's ${windowLimit / 3600} hours; use at most ${Math.floor(windowLimit / periodSeconds)}`,
    );
  }
  if (settings.domain) {
    const fqdn = `${settings.domain.recordName}.${settings.domain.zoneName}`;
    if (fqdn.length > 253) {
      problem(
        ctx,
        ['domain', 'zoneName'],
        settings.domain.zoneName,
        `${settings.domain.recordName}.<zoneName> would be ${fqdn.length} characters; DNS names are at most 253`,
      );
    }
  }

  if (settings.tier === 'production' && !settings.backup.vaultLock) {
    problem(
      ctx,
      ['backup', 'vaultLock'],
      undefined,
      'tier "production" requires a vault lock (minRetentionDays, maxRetentionDays): without it anyone with the permissions can delete the recovery points',
    );
  }
  checkPlatformEdge(settings, ctx);
  for (const [name, service] of Object.entries(settings.services)) {
    checkService(settings, name, service, scopedContext(ctx, name, settings.regions));
  }
  checkRouting(settings, ctx);
  checkTagCounts(settings, ctx);
  networking.checkServiceNetworking(settings, (path, value, message) => problem(ctx, path, value, message));
  // Production protections turned off need their own reason (settings/production-guardrails.ts).
  for (const p of guardrailProblems(settings)) problem(ctx, [...p.path], p.value, p.message);
  for (const p of networkProblems(settings)) problem(ctx, [...p.path], p.value, p.message);
  for (const p of stackLayoutProblems(settings)) problem(ctx, [...p.path], p.value, p.message);
  if (settings.tier === 'production' && settings.examples.simpleFargate) {
    problem(
      ctx,
      ['examples', 'simpleFargate'],
      true,
      'tier "production" builds no example: the seed\'s 8.8 example runs public IPs with fixed names; try it in a development environment',
    );
  }
  if (settings.tier === 'production' && settings.natGateways === 'single') {
    problem(
      ctx,
      ['natGateways'],
      settings.natGateways,
      'tier "production" requires "perAz": a single NAT gateway makes one availability zone a dependency of all others ("single" is for tier "development")',
    );
  }
});

/**
 * Tags the stack sets on some resource itself, beside the environment's and a service's: the
 * default tags of every resource, a `Name`, and a subnet's `tier`.
 */
const STACK_SET_TAG_KEYS = [...RESERVED_TAG_KEYS, 'Name', 'tier'];

/** No resource carries more tags than AWS takes: the environment's, or with a service's. */
function checkTagCounts(settings: Settings, ctx: RefinementContext): void {
  // A tags value that is not an object is reported where it is; it adds no tag to count here.
  const keysOf = (tags: unknown) =>
    tags !== null && typeof tags === 'object' && !Array.isArray(tags) ? Object.keys(tags) : [];
  const count = (...maps: unknown[]) => new Set([...STACK_SET_TAG_KEYS, ...maps.flatMap(keysOf)]).size;
  const tooMany = countProblem(
    'tagsPerResource',
    count(settings.tags),
    'with the tags the stack sets, a resource would carry',
  );
  if (tooMany) {
    problem(ctx, ['tags'], settings.tags, tooMany);
    return;
  }
  for (const [name, service] of Object.entries(settings.services)) {
    const serviceTooMany = countProblem(
      'tagsPerResource',
      count(settings.tags, service.tags),
      `with the environment's tags and those the stack sets, a resource of ${name} would carry`,
    );
    if (serviceTooMany) problem(ctx, ['services', name, 'tags'], service.tags, serviceTooMany);
  }
}

/** Alarms notify only topics of their own region: each topic of `alarms.topicArns` is in one of `regions`. */
function checkTopicRegions(
  topicArns: readonly string[],
  regionNames: readonly string[],
  ctx: RefinementContext,
): void {
  topicArns.forEach((arn, index) => {
    if (!snsTopicArn.safeParse(arn).success) return; // not an ARN: reported as such
    const region = topicRegion(arn);
    if (!regionNames.includes(region)) {
      problem(
        ctx,
        ['alarms', 'topicArns', index],
        arn,
        `is in ${region}, which is not one of regions (${regionNames.join(', ')}); alarms can notify only topics of their own region`,
      );
    }
  });
}

/** The settings: `services` the live ones, which everything built reads; `retiredServices` the retired ones. */
export const settingsSchema = checkedSettingsSchema.transform(splitRetiredServices);

/** Listener rules share one listener: priorities unique, host names in the domain, one legacy service. */
function checkRouting(settings: Settings, ctx: RefinementContext): void {
  const priorities = new Map<number, string>();
  const legacy: string[] = [];
  for (const [name, service] of Object.entries(settings.services)) {
    const { routing } = service;
    if (routing === undefined) continue; // not a web service (settings/service-kinds.ts)
    const at = (...path: PropertyKey[]) => ['services', name, 'routing', ...path];
    const owner = priorities.get(routing.priority);
    if (owner !== undefined) {
      problem(
        ctx,
        at('priority'),
        routing.priority,
        `already the priority of services.${owner}; each service's listener rule needs its own priority (1 to 50000, lower first)`,
      );
    }
    priorities.set(routing.priority, name);
    if (routing.hosts.length + routing.paths.length === 0) {
      problem(
        ctx,
        at('paths'),
        routing.paths,
        'give hosts, paths or both: a rule with no condition would take every request',
      );
    }
    if (routing.hosts.length + routing.paths.length > MAX_RULE_CONDITION_VALUES) {
      problem(
        ctx,
        at('paths'),
        routing.paths,
        `${routing.hosts.length} hosts and ${routing.paths.length} paths make ${routing.hosts.length + routing.paths.length} condition values; an ALB rule takes at most ${MAX_RULE_CONDITION_VALUES}`,
      );
    }
    routing.hosts.forEach((host, index) => {
      if (routing.hosts.indexOf(host) !== index) problem(ctx, at('hosts', index), host, 'listed twice');
      const zone = settings.domain?.zoneName;
      if (zone !== undefined && host !== zone && !host.endsWith(`.${zone}`)) {
        problem(
          ctx,
          at('hosts', index),
          host,
          `not in the domain's zone ${zone}: the certificate and the DNS records cover that zone only`,
        );
      } else if (zone !== undefined && host !== zone && host.slice(0, -zone.length - 1).includes('.')) {
        problem(
          ctx,
          at('hosts', index),
          host,
          `more than one label below ${zone}: the certificate covers ${zone} and *.${zone} only; use a name such as api.${zone}`,
        );
      }
    });
    routing.paths.forEach((path, index) => {
      if (routing.paths.indexOf(path) !== index) problem(ctx, at('paths', index), path, 'listed twice');
    });
    const wildcards = [...routing.hosts, ...routing.paths].join('').match(/[*?]/g)?.length ?? 0;
    const tooWild = countProblem(
      'conditionWildcardsPerRule',
      wildcards,
      `the listener rule of services.${name} would have`,
    );
    if (tooWild) problem(ctx, at('paths'), routing.paths, tooWild);
    if (service.legacyNames) legacy.push(name);
  }
  // Each region's load balancer takes one listener rule and one target group per service.
  const count = Object.values(settings.services).filter((service) => service.routing).length;
  for (const limit of ['rulesPerLoadBalancer', 'targetGroupsPerLoadBalancer'] as const) {
    const over = countProblem(
      limit,
      count,
      `${count} services give each region's load balancer ${settings.app}-${settings.environment}-alb one listener rule and one target group each:`,
    );
    if (over) problem(ctx, ['services'], `${count} services`, over);
  }
  const misnamed = legacy.find((name) => name !== 'app');
  if (misnamed !== undefined) {
    problem(
      ctx,
      ['services', misnamed, 'legacyNames'],
      true,
      'only a service named "app" keeps the single-service names: the repository <app>/<env>/app it moves into carries that name, and ECR cannot rename a repository',
    );
  }
  if (legacy.length > 1) {
    problem(
      ctx,
      ['services', legacy[1], 'legacyNames'],
      true,
      `services.${legacy[0]} already keeps the single-service names; only one service can have them`,
    );
  }
}

/**
 * A refinement context whose problems land under `services.<name>`; a service's per-region values
 * (`regions[<index>]` in the checks) land under `services.<name>.regions.<region name>`.
 */
function scopedContext(
  ctx: RefinementContext,
  name: string,
  regions: ReadonlyArray<{ name: string }>,
): RefinementContext {
  const prefix = ['services', name];
  return {
    ...ctx,
    addIssue: (issue: Parameters<RefinementContext['addIssue']>[0]) => {
      if (typeof issue === 'string') return ctx.addIssue(issue);
      const path = [...(issue.path ?? [])];
      if (path[0] === 'regions' && typeof path[1] === 'number') path[1] = regions[path[1]]?.name ?? path[1];
      ctx.addIssue({ ...issue, path: [...prefix, ...path] });
    },
  } as RefinementContext;
}

/** The target group name of a service: `<app>-<env>-<service>-<port>`, or the legacy `<app>-<env>-tg-<port>`. */
export function targetGroupNameOf(
  settings: { app: string; environment: string },
  name: string,
  service: { legacyNames: boolean; task: { containerPort: number } },
): string {
  const base = service.legacyNames
    ? `${settings.app}-${settings.environment}-tg`
    : `${settings.app}-${settings.environment}-${name}`;
  return `${base}-${service.task.containerPort}`;
}

/**
 * When any one region is lost, the others take its traffic at once: together they must be able to
 * scale to the service's peak (the stated `peakTasks`, or `desiredCount` in every region).
 */
function checkSurvivorCapacity(
  regionCount: number,
  service: { desiredCount: number; minCapacity: number; maxCapacity: number; peakTasks?: number },
  ctx: RefinementContext,
): void {
  if (regionCount < 2 || service.maxCapacity < service.minCapacity) return;
  const peak = service.peakTasks ?? service.desiredCount * regionCount;
  const survivors = regionCount - 1;
  const canCarry = survivors * service.maxCapacity;
  if (canCarry < peak) {
    const source =
      service.peakTasks === undefined
        ? `desiredCount ${service.desiredCount} in each of ${regionCount} regions`
        : 'service.peakTasks';
    problem(
      ctx,
      ['service', 'maxCapacity'],
      service.maxCapacity,
      `losing one of ${regionCount} regions leaves ${survivors} region${survivors > 1 ? 's' : ''} × maxCapacity ${service.maxCapacity} = ${canCarry} tasks for a peak of ${peak} (${source}); raise maxCapacity to at least ${Math.ceil(peak / survivors)}, or state the real peak in service.peakTasks`,
    );
  }
}

/** Every rule of one service, reported under `services.<name>` through `ctx`. */
function checkService(
  settings: {
    app: string;
    environment: string;
    tier: 'production' | 'development';
    regions: Array<{ name: string }>;
  },
  name: string,
  service: ServiceSettings,
  ctx: RefinementContext,
): void {
  const { minCapacity, desiredCount, maxCapacity } = service.service;
  if (service.kind === 'web') checkSurvivorCapacity(settings.regions.length, service.service, ctx);
  checkServiceKind(service, ctx);
  const regionNames = settings.regions.map((region) => region.name);
  checkTopicRegions(service.alarms.topicArns, regionNames, ctx);
  for (const regionName of Object.keys(service.regions)) {
    if (!regionNames.includes(regionName)) {
      problem(
        ctx,
        ['regions', regionName],
        service.regions[regionName],
        `${regionName} is not one of the environment's regions (${regionNames.join(', ')})`,
      );
    }
  }
  settings.regions.forEach((region, regionIndex) => {
    const overrides = service.regions[region.name];
    if (!overrides) return;
    if (overrides.image && overrides.image.tag === undefined && overrides.image.digest === undefined) {
      problem(
        ctx,
        ['regions', regionIndex, 'image'],
        overrides.image,
        "give tag, digest or both: the image this region runs in the wave (omit image to run the service's)",
      );
    }
    const waveLatest =
      overrides.image?.tag === 'latest' ? latestTagProblem(settings.tier, service.image) : undefined;
    if (waveLatest) problem(ctx, ['regions', regionIndex, 'image', 'tag'], 'latest', waveLatest);
  });
  const sizeProblem = fargateSizeProblem(service.task.cpu, service.task.memoryMiB);
  if (sizeProblem) {
    problem(
      ctx,
      ['task', FARGATE_CPU_KEYS.has(service.task.cpu) ? 'memoryMiB' : 'cpu'],
      FARGATE_CPU_KEYS.has(service.task.cpu) ? service.task.memoryMiB : service.task.cpu,
      sizeProblem,
    );
  }
  const targetGroupName = targetGroupNameOf(settings, name, service);
  // Only for names that are valid themselves: an invalid one is reported as such, and echoing it
  // inside another message would bypass its quoting.
  if (
    service.kind === 'web' &&
    targetGroupName.length > 32 &&
    APP_NAME.test(settings.app) &&
    ENVIRONMENT_NAME.test(settings.environment)
  ) {
    problem(
      ctx,
      [],
      name,
      `the target group name "${targetGroupName}" would be ${targetGroupName.length} characters; AWS allows 32 for load balancer and target group names, so shorten the service name, app or environment`,
    );
  }
  if (maxCapacity < minCapacity) {
    problem(
      ctx,
      ['service', 'maxCapacity'],
      maxCapacity,
      `must be at least minCapacity ${minCapacity} (min <= desired <= max)`,
    );
  } else if (!(minCapacity <= desiredCount && desiredCount <= maxCapacity)) {
    problem(
      ctx,
      ['service', 'desiredCount'],
      desiredCount,
      `must lie within minCapacity ${minCapacity} and maxCapacity ${maxCapacity} (min <= desired <= max)`,
    );
  }
  if (service.image.tag === 'latest') {
    const latest = latestTagProblem(settings.tier, service.image);
    if (latest) problem(ctx, ['image', 'tag'], service.image.tag, latest);
  }
  if (!service.task.readonlyRootFilesystem && service.task.writableRootFilesystemReason === undefined) {
    problem(
      ctx,
      ['task', 'writableRootFilesystemReason'],
      undefined,
      'required with readonlyRootFilesystem false: the security policy refuses a writable root filesystem (ECS.5) unless you say why the container needs one (20 characters or more); the reason is printed on every synth',
    );
  }
  if (service.task.readonlyRootFilesystem && service.task.writableRootFilesystemReason !== undefined) {
    problem(
      ctx,
      ['task', 'writableRootFilesystemReason'],
      service.task.writableRootFilesystemReason,
      'only allowed with readonlyRootFilesystem false',
    );
  }
  service.task.writablePaths.forEach((writable, index) => {
    if (writable.split('/').some((segment) => segment === '.' || segment === '..')) {
      problem(
        ctx,
        ['task', 'writablePaths', index],
        writable,
        'use a normalized absolute path, without . or .. segments',
      );
    } else if (service.task.writablePaths.indexOf(writable) !== index) {
      problem(ctx, ['task', 'writablePaths', index], writable, 'listed twice');
    }
    if (writable === '/mnt/efs' || writable.startsWith('/mnt/efs/')) {
      problem(
        ctx,
        ['task', 'writablePaths', index],
        writable,
        'lies under /mnt/efs, where the EFS volume is mounted; choose another path',
      );
    }
  });
  checkApplication(
    {
      prefix: `services.${name}.`,
      tier: settings.tier,
      regions: settings.regions.map((region) => ({
        name: region.name,
        environment: service.regions[region.name]?.environment ?? [],
        secrets: service.regions[region.name]?.secrets ?? [],
      })),
      task: service.task,
      service: service.service,
      runByService: service.kind !== 'scheduled',
    },
    ctx,
  );
  checkContainers(settings, service, ctx);
}

/** Settings as written in `config/<environment>.json`. */
export type SettingsInput = z.input<typeof settingsSchema>;
/** Settings after validation and defaults. */
export type Settings = z.output<typeof settingsSchema>;
export type RegionSettings = Settings['regions'][number];
/** One entry of `services`, validated. */
export type ServiceSettings = Settings['services'][string];

/** The settings `checkApplication` reads. */
interface ApplicationSettings {
  /** How messages name the service's settings: `services.<name>.` */
  prefix: string;
  tier: 'production' | 'development';
  /**
   * Whether an ECS service runs the tasks (web, worker), which replaces a task whose container
   * turns unhealthy; a scheduled job's task runs to its end, and ECS acts on no health check there.
   */
  runByService: boolean;
  regions: Array<{
    name: string;
    environment: Array<{ name: string; value: string }>;
    secrets: Array<{ name: string; valueFrom?: string; kmsKeyArn?: string }>;
  }>;
  task: {
    healthCheckCommand?: string[];
    healthCheckIntervalSeconds: number;
    healthCheckTimeoutSeconds: number;
    environment: Array<{ name: string; value: string }>;
    secrets: Array<{
      name: string;
      valueFrom: string;
      jsonKey?: string;
      versionStage?: string;
      versionId?: string;
      kmsKeyArn?: string;
    }>;
    user: string;
    rootUserReason?: string;
    cpuArchitecture: 'X86_64' | 'ARM64';
  };
  service: {
    minCapacity: number;
    maxCapacity: number;
    scheduledScaling: Array<{ name: string; schedule: string; minCapacity: number; maxCapacity: number }>;
    capacityProviders?: Array<{ capacityProvider: string; base: number; weight: number }>;
  };
}

/** A user that is root: `root` or uid 0, with or without a group. */
export function isRootUser(user: string): boolean {
  return ['root', '0'].includes(user.split(':')[0]);
}

/** What one list of container variables checks beyond the rules every such list shares. */
interface VariableListRules<T> {
  /**
   * The advice for a name that looks like a secret, in a list of plaintext variables.
   * @default - no such check: the list is of secrets
   */
  readonly looksSecretAdvice?: string;
  /**
   * The list's own problem with a name the shared rules admit (a repeat, a clash with another
   * list), given the names before it, each with its last index so far.
   */
  readonly nameProblem: (name: string, earlier: ReadonlyMap<string, number>) => string | undefined;
  /**
   * Checks the entry's other fields, reported right after its name's problem.
   * @default - none
   */
  readonly checkEntry?: (entry: T, index: number) => void;
}

/**
 * Checks the names of one list of container variables at `path` (`task.environment`,
 * `task.secrets`, `regions[].environment`) and reports the first problem of each: a variable the
 * platform sets itself, then a name that looks like a secret (plaintext lists), then the list's
 * own. Returns each name with the last index it has in the list.
 */
function checkVariableNames<T extends { name: string }>(
  ctx: RefinementContext,
  path: PropertyKey[],
  list: readonly T[],
  rules: VariableListRules<T>,
): Map<string, number> {
  const names = new Map<string, number>();
  list.forEach((entry, index) => {
    const { name } = entry;
    let message: string | undefined;
    if ((PLATFORM_VARIABLES as readonly string[]).includes(name)) {
      message = `the platform sets ${PLATFORM_VARIABLES.join(', ')} itself; choose another name`;
    } else if (rules.looksSecretAdvice !== undefined && looksSecret(name)) {
      message = rules.looksSecretAdvice;
    } else {
      message = rules.nameProblem(name, names);
    }
    if (message !== undefined) problem(ctx, [...path, index, 'name'], name, message);
    // A value that carries a credential whatever the name (issue 21): the policy pack's own check.
    const value = (entry as { value?: unknown }).value;
    const credential =
      rules.looksSecretAdvice !== undefined && typeof value === 'string'
        ? credentialInValue(value)
        : undefined;
    if (credential !== undefined) {
      problem(
        ctx,
        [...path, index, 'value'],
        `${String(value).slice(0, 4)}... (${String(value).length} characters, the rest not shown)`,
        `carries ${credential}; ${rules.looksSecretAdvice}`,
      );
    }
    names.set(name, index);
    rules.checkEntry?.(entry, index);
  });
  return names;
}

/** The application contract: variables, secrets, user, health check, capacity and schedules. */
function checkApplication(settings: ApplicationSettings, ctx: RefinementContext): void {
  // The service's own settings, as the messages name them (`services.<name>.`).
  const own = settings.prefix;
  const { task, service } = settings;
  const variableNames = checkVariableNames(ctx, ['task', 'environment'], task.environment, {
    looksSecretAdvice: `looks like a secret, and plaintext variables are visible to anyone who can read the task definition; move it to ${own}task.secrets (Secrets Manager or SSM Parameter Store)`,
    nameProblem: (name, earlier) =>
      earlier.has(name) ? `already set at task.environment[${earlier.get(name)}]` : undefined,
  });
  const secretNames = checkVariableNames(ctx, ['task', 'secrets'], task.secrets, {
    nameProblem: (name, earlier) => {
      if (earlier.has(name)) return `already used by task.secrets[${earlier.get(name)}]`;
      if (variableNames.has(name)) {
        return `also a plain variable at task.environment[${variableNames.get(name)}]; a name is either`;
      }
      return undefined;
    },
    checkEntry: (secret, index) => {
      if (secretSource(secret.valueFrom) !== 'ssm') return;
      for (const field of ['jsonKey', 'versionStage', 'versionId'] as const) {
        if (secret[field] !== undefined) {
          problem(
            ctx,
            ['task', 'secrets', index, field],
            secret[field],
            'only Secrets Manager secrets have JSON keys and versions; valueFrom names an SSM parameter',
          );
        }
      }
    },
  });
  settings.regions.forEach((region, regionIndex) => {
    checkVariableNames(ctx, ['regions', regionIndex, 'environment'], region.environment, {
      looksSecretAdvice: `looks like a secret; move it to ${own}task.secrets (with a ${own}regions.${region.name}.secrets override)`,
      nameProblem: (name, earlier) => {
        if (secretNames.has(name)) {
          return `is a secret of ${own}task.secrets; override its ARN under ${own}regions.${region.name}.secrets instead`;
        }
        if (earlier.has(name)) return 'listed twice for this region';
        return undefined;
      },
    });
    const overridden = new Set<string>();
    region.secrets.forEach((override, index) => {
      const at = (field: string) => ['regions', regionIndex, 'secrets', index, field];
      if (!secretNames.has(override.name)) {
        problem(
          ctx,
          at('name'),
          override.name,
          `not a secret of ${own}task.secrets (${[...secretNames.keys()].join(', ') || 'none'}); add it there first`,
        );
      } else if (overridden.has(override.name)) {
        problem(ctx, at('name'), override.name, 'overridden twice for this region');
      }
      overridden.add(override.name);
      if (override.valueFrom?.startsWith('arn:') && arnRegion(override.valueFrom) !== region.name) {
        problem(
          ctx,
          at('valueFrom'),
          override.valueFrom,
          `an override for ${region.name} must name a secret or parameter in ${region.name}`,
        );
      }
      if (override.kmsKeyArn && arnRegion(override.kmsKeyArn) !== region.name) {
        problem(
          ctx,
          at('kmsKeyArn'),
          override.kmsKeyArn,
          `an override for ${region.name} must name a key in ${region.name}`,
        );
      }
      if (override.valueFrom === undefined && override.kmsKeyArn === undefined) {
        problem(ctx, at('valueFrom'), undefined, 'give valueFrom, kmsKeyArn or both');
      }
    });
    task.secrets.forEach((secret, index) => {
      const key = region.secrets.find((o) => o.name === secret.name)?.kmsKeyArn ?? secret.kmsKeyArn;
      const keyProblem = key && keyRegionProblem(key, region.name);
      if (keyProblem && !region.secrets.some((o) => o.name === secret.name && o.kmsKeyArn)) {
        problem(ctx, ['task', 'secrets', index, 'kmsKeyArn'], key, keyProblem);
      }
    });
  });

  if (isRootUser(task.user) && task.rootUserReason === undefined) {
    problem(
      ctx,
      ['task', 'user'],
      task.user,
      `runs the container as root (Security Hub ECS.20); use a non-root user such as 1000:1000 (the EFS access point's), or state why in ${own}task.rootUserReason`,
    );
  } else if (!isRootUser(task.user) && task.rootUserReason !== undefined) {
    problem(
      ctx,
      ['task', 'rootUserReason'],
      task.rootUserReason,
      `only with a root user; task.user is "${task.user}"`,
    );
  }
  if (task.healthCheckTimeoutSeconds >= task.healthCheckIntervalSeconds) {
    problem(
      ctx,
      ['task', 'healthCheckTimeoutSeconds'],
      task.healthCheckTimeoutSeconds,
      `must be shorter than task.healthCheckIntervalSeconds (${task.healthCheckIntervalSeconds})`,
    );
  }
  if (settings.tier === 'production' && settings.runByService && !task.healthCheckCommand) {
    problem(
      ctx,
      ['task', 'healthCheckCommand'],
      undefined,
      'tier "production" requires a container health check, e.g. ["CMD-SHELL", "curl -f http://localhost/health || exit 1"]: without one ECS cannot tell a hung container from a working one',
    );
  }

  const providers = service.capacityProviders ?? [];
  const seen = new Set<string>();
  providers.forEach((provider, index) => {
    const at = ['service', 'capacityProviders', index, 'capacityProvider'];
    if (seen.has(provider.capacityProvider)) problem(ctx, at, provider.capacityProvider, 'listed twice');
    seen.add(provider.capacityProvider);
    if (provider.capacityProvider === 'FARGATE_SPOT' && task.cpuArchitecture === 'ARM64') {
      problem(
        ctx,
        at,
        provider.capacityProvider,
        'Fargate Spot runs only X86_64 Linux tasks and task.cpuArchitecture is "ARM64"; use FARGATE, or X86_64',
      );
    }
  });
  const withBase = providers.filter((p) => p.base > 0);
  if (withBase.length > 1) {
    problem(
      ctx,
      ['service', 'capacityProviders', providers.lastIndexOf(withBase[1]), 'base'],
      withBase[1].base,
      'only one capacity provider of a strategy may have a base',
    );
  }
  if (providers.length > 0 && providers.every((p) => p.weight === 0)) {
    problem(
      ctx,
      ['service', 'capacityProviders', 0, 'weight'],
      0,
      'at least one capacity provider needs a weight above 0',
    );
  }

  const schedules = new Map<string, number>();
  service.scheduledScaling.forEach((schedule, index) => {
    const at = (field: string) => ['service', 'scheduledScaling', index, field];
    if (schedules.has(schedule.name)) {
      problem(
        ctx,
        at('name'),
        schedule.name,
        `already used by service.scheduledScaling[${schedules.get(schedule.name)}]`,
      );
    }
    schedules.set(schedule.name, index);
    const expressionProblem = scheduleProblem(schedule.schedule);
    if (expressionProblem) problem(ctx, at('schedule'), schedule.schedule, expressionProblem);
    if (schedule.maxCapacity < schedule.minCapacity) {
      problem(
        ctx,
        at('maxCapacity'),
        schedule.maxCapacity,
        `must be at least minCapacity (${schedule.minCapacity})`,
      );
    }
  });
}

/** The platform's edge: a domain or a stated reason for plain HTTP, regional web ACLs, flow logs. */
function checkPlatformEdge(settings: Settings, ctx: RefinementContext): void {
  settings.regions.forEach((region, regionIndex) => {
    if (region.webAclArn && arnRegion(region.webAclArn) !== region.name) {
      problem(
        ctx,
        ['regions', regionIndex, 'webAclArn'],
        region.webAclArn,
        `a regional web ACL protects load balancers of its own region only; give one of ${region.name}`,
      );
    }
  });
  if (
    settings.tier === 'production' &&
    settings.domain === undefined &&
    settings.edge.plainHttpReason === undefined
  ) {
    problem(
      ctx,
      ['domain'],
      undefined,
      'tier "production" requires a domain (zoneName with hostedZoneId or createZone), so the load balancers serve HTTPS with a certificate and redirect HTTP; to serve plain HTTP anyway, state why in edge.plainHttpReason',
    );
  }
  if (settings.domain !== undefined && settings.edge.plainHttpReason !== undefined) {
    problem(
      ctx,
      ['edge', 'plainHttpReason'],
      settings.edge.plainHttpReason,
      'only without a domain: with a domain the load balancers serve HTTPS',
    );
  }
  if (settings.accelerator.flowLogs === false && settings.accelerator.flowLogsBucket !== undefined) {
    problem(
      ctx,
      ['accelerator', 'flowLogsBucket'],
      settings.accelerator.flowLogsBucket,
      'flow logs are off (accelerator.flowLogs false); remove the bucket or turn them on',
    );
  }
}

/** What is wrong with an Application Auto Scaling schedule, or undefined. */
function scheduleProblem(expression: string): string | undefined {
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression)) return undefined;
  if (/^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/.test(expression))
    return undefined;
  if (expression.startsWith('cron(')) {
    // AWS Backup's cron takes single minutes only; Application Auto Scaling takes the full syntax,
    // so the minutes field is left to AWS and the other five are checked.
    const cron = cronProblem(expression);
    const rest = cron?.startsWith('AWS Backup runs')
      ? cronProblem(expression.replace(/^cron\(\s*\S+/, 'cron(0'))
      : cron;
    return rest?.replace(' in UTC', '');
  }
  return 'expected cron(minutes hours day-of-month month day-of-week year), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)';
}
