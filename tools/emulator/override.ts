/**
 * How a synthesized stack is pointed at the emulator from outside: an override file in a scratch
 * copy (for Terraform) or environment variables (for the cdktf CLI). The synthesized
 * configuration itself never holds an endpoint or a credential.
 */
import { ConsumerJson, remoteStateReads } from '../terraform/remote-state';

/** Provider `endpoints` keys, by the resource-type prefixes that call them (longest prefix wins). */
const SERVICE_BY_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ['aws_acm_', 'acm'],
  ['aws_appautoscaling_', 'applicationautoscaling'],
  ['aws_backup_', 'backup'],
  ['aws_caller_identity', 'sts'],
  ['aws_cloudwatch_log_', 'logs'],
  ['aws_cloudwatch_event_', 'events'],
  ['aws_cloudwatch_', 'cloudwatch'],
  ['aws_default_', 'ec2'],
  ['aws_ecr_', 'ecr'],
  ['aws_ecs_', 'ecs'],
  ['aws_efs_', 'efs'],
  ['aws_egress_only_internet_gateway', 'ec2'],
  ['aws_eip', 'ec2'],
  ['aws_fis_', 'fis'],
  ['aws_flow_log', 'ec2'],
  ['aws_globalaccelerator_', 'globalaccelerator'],
  ['aws_iam_', 'iam'],
  ['aws_internet_gateway', 'ec2'],
  ['aws_kms_', 'kms'],
  ['aws_lb', 'elbv2'],
  ['aws_nat_gateway', 'ec2'],
  ['aws_network_', 'ec2'],
  ['aws_route53_', 'route53'],
  ['aws_route_', 'ec2'],
  ['aws_route', 'ec2'],
  ['aws_s3_', 's3'],
  ['aws_scheduler_', 'scheduler'],
  ['aws_secretsmanager_', 'secretsmanager'],
  ['aws_security_group', 'ec2'],
  ['aws_service_discovery_', 'servicediscovery'],
  ['aws_sns_', 'sns'],
  ['aws_sqs_', 'sqs'],
  ['aws_ssm_', 'ssm'],
  ['aws_subnet', 'ec2'],
  ['aws_vpc', 'ec2'],
  ['aws_wafv2_', 'wafv2'],
];

/**
 * Data sources computed by Terraform itself, with no API call. `terraform_remote_state` reads
 * another stack's state: the cycle points it at that stack's emulator state
 * (emulatorRemoteStateOverride) or refuses to apply.
 */
const LOCAL_DATA_SOURCES = new Set([
  'aws_iam_policy_document',
  'aws_partition',
  'aws_region',
  'terraform_remote_state',
]);

/** Every service the override points at the emulator (STS for the account check). */
export const EMULATED_SERVICES = [
  ...new Set(['sts', ...SERVICE_BY_PREFIX.map(([, service]) => service)]),
].sort();

/** The provider endpoint key a resource or data source type calls, or undefined when none is known. */
export function serviceOf(type: string, mode: 'resource' | 'data' = 'resource'): string | undefined {
  if (mode === 'data' && LOCAL_DATA_SOURCES.has(type)) return 'none';
  let best: readonly [string, string] | undefined;
  for (const entry of SERVICE_BY_PREFIX) {
    if (type.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

interface StackJson {
  provider?: { aws?: Array<{ alias?: string }> };
  resource?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/**
 * Types in the stack that call a service the override does not point at the emulator. Every one
 * of them would reach for AWS itself, so the caller refuses to apply.
 */
export function unmappedTypes(stack: StackJson): string[] {
  return [
    ...Object.keys(stack.resource ?? {}).filter((type) => !serviceOf(type, 'resource')),
    ...Object.keys(stack.data ?? {})
      .filter((type) => !serviceOf(type, 'data'))
      .map((type) => `data.${type}`),
  ].sort();
}

/**
 * Terraform override for every AWS provider block of a stack: the emulator's endpoint for every
 * emulated service, its credentials, path-style S3, and few retries (an unimplemented call
 * answers 500, which the provider otherwise retries for more than ten minutes). The account check
 * (`allowed_account_ids`) stays: the emulator answers STS with the settings' account.
 */
export function emulatorOverride(stack: StackJson, endpoint: string, statePath: string): object {
  const endpoints = Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]));
  return {
    terraform: { backend: { local: { path: statePath } } },
    provider: {
      aws: (stack.provider?.aws ?? []).map((provider) => ({
        alias: provider.alias,
        access_key: 'emulator',
        secret_key: 'emulator',
        skip_metadata_api_check: true,
        s3_use_path_style: true,
        max_retries: 2,
        endpoints: [endpoints],
      })),
    },
  };
}

/**
 * Terraform override that points each `terraform_remote_state` of a consumer stack (cdktf's
 * cross-stack references) at the local state file of the producer stack it reads, as applied to
 * the same emulator before: `statePaths` maps producer stack name → state file. No defaults: an
 * output the producer does not have fails the plan, as it would for real. Empty for a stack that
 * reads no other stack. Throws naming the producers missing from `statePaths`, so a consumer never
 * reads its real backend.
 */
export function emulatorRemoteStateOverride(
  stack: ConsumerJson,
  statePaths: Readonly<Record<string, string>>,
  stackName = 'the stack',
): { data?: { terraform_remote_state: Record<string, object> } } {
  const reads = remoteStateReads(stack, stackName);
  if (!reads.length) return {};
  const missing = [...new Set(reads.map((read) => read.producer))].filter((name) => !statePaths[name]);
  if (missing.length) {
    throw new Error(
      `${stackName} reads the state of stack${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, whose emulator state file was not given (given: ${Object.keys(statePaths).join(', ') || 'none'}); apply the producer first and pass its state path`,
    );
  }
  return {
    data: {
      terraform_remote_state: Object.fromEntries(
        reads.map((read) => [
          read.dataName,
          { backend: 'local', config: { path: statePaths[read.producer] }, workspace: 'default' },
        ]),
      ),
    },
  };
}

/**
 * Environment variables that point Terraform's AWS provider at the emulator without touching the
 * configuration, for the cdktf CLI: every SDK call to `AWS_ENDPOINT_URL`, with the emulator's
 * credentials and no instance metadata look-up. The provider does not read a retry count or
 * path-style S3 from the environment, so this suits stacks the emulator serves completely.
 */
export function emulatorEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'emulator',
    AWS_SECRET_ACCESS_KEY: 'emulator',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '2',
  };
}
