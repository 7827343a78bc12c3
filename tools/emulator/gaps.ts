/**
 * What the emulator (moto 5.2.1, `MOTO_VERSION`) cannot serve, in one place.
 *
 * `UNSUPPORTED`: resource types whose API the emulator lacks. The apply test leaves these
 * resources out (and whatever references them), then probes each one against the emulator and
 * fails when one now applies, so an entry cannot outlive the gap it describes.
 *
 * `KNOWN_DIFFS`: attributes the emulator returns wrongly, so Terraform plans a change right after
 * an apply. Any other difference after apply fails the test.
 *
 * `EMULATOR_FAULTS`: errors the emulator itself causes now and then on a loaded machine. A cycle
 * whose every failure is one of them runs once more on a new emulator; any other failure, or a
 * second faulty run, fails the test.
 *
 * Entries are about the emulator only: against AWS every one of these resources applies and
 * converges.
 */

/** When the missing call happens in the resource's life. */
export type GapPhase = 'create' | 'read' | 'destroy';

export interface Unsupported {
  /** Terraform resource type, e.g. `aws_backup_selection`. */
  readonly resourceType: string;
  /** The API operation the emulator lacks, as it appears in the provider's error. */
  readonly operation: string;
  readonly phase: GapPhase;
  readonly reason: string;
}

export interface KnownDiff {
  readonly resourceType: string;
  /** Top-level attribute that shows a change after apply. */
  readonly attribute: string;
  readonly reason: string;
}

/**
 * Errors that come from the emulator under load, not from the configuration: a call it answers
 * as if it had already carried it out (a create that finds what it is creating, a delete that
 * finds nothing). The same configuration applies and destroys cleanly on a new emulator; a
 * configuration that really creates something twice fails the same way again, and the test with it.
 */
export interface EmulatorFault {
  /** The cycle step whose failure lines it matches (`apply: …`, `destroy: …`). */
  readonly step: 'apply' | 'destroy';
  /** The error codes, as the provider prints them. */
  readonly codes: RegExp;
  /** Codes seen so far, with where. */
  readonly seen: string;
  readonly reason: string;
}

export const EMULATOR_FAULTS: readonly EmulatorFault[] = [
  {
    step: 'apply',
    codes: /\b[\w.]*(AlreadyExists|Duplicate|PriorityInUse)[\w.]*\b/,
    seen: 'FileSystemAlreadyExists and FlowLogAlreadyExists (fargate-dev), InvalidGroup.Duplicate (fargate-stage), each in about one run of six on a loaded machine; PriorityInUse on a listener rule (fargate-dev with two services, once, in a fresh-clone CI run)',
    reason:
      'the emulator answers a create as if it had received it twice: it finds the file system, flow log, security group or listener rule (its priority) the same call created (no error answer in its log)',
  },
  {
    step: 'apply',
    codes: /revoking default IPv4 egress rule[\s\S]*\bInvalidPermission\.NotFound\b/,
    seen: 'InvalidPermission.NotFound on revoking the default egress rule of a security group it had just created (fargate-dev of release 0ddfddb, in the migration test, once, in a fresh-clone CI run)',
    reason:
      'the emulator answers the revoke of the default egress rule of a security group it has just created as if that rule were already gone (the provider revokes it right after the create)',
  },
  {
    step: 'apply',
    codes: /use of closed network connection|connection reset by peer/,
    seen: 'use of closed network connection on a KMS DescribeKey (fargate-stage, once, beside two duplicate creates, in a fresh-clone CI run)',
    reason:
      'the emulator, one process on a loaded machine, drops a connection in the middle of an answer; the provider gives up after its retries',
  },
  {
    step: 'destroy',
    codes: /use of closed network connection|connection reset by peer/,
    seen: 'not seen yet in a destroy; the same transport fault as in an apply',
    reason:
      'the emulator drops a connection in the middle of an answer; the object stays in the state, and the destroy run again deletes it',
  },
  {
    step: 'destroy',
    codes: /\b[\w.]*NotFound[\w.]*\b/,
    seen: "ListenerNotFound (fargate-stage, once), InvalidPermission.NotFound (dev and stage with Terraform's -parallelism=4), TargetGroupNotFound (fargate-dev with two services, once, in a fresh-clone CI run)",
    reason:
      'the emulator answers a delete as if the object were already gone, right after deleting another object of the same parent',
  },
];

/** A failure line that only follows from a destroy fault: what that destroy could not remove. */
export const AFTER_DESTROY_FAULT = /^left in state after destroy: /;

export const UNSUPPORTED: readonly Unsupported[] = [
  {
    resourceType: 'aws_globalaccelerator_accelerator',
    operation: 'CreateAccelerator',
    phase: 'create',
    reason: 'moto has no Global Accelerator service at all',
  },
  {
    resourceType: 'aws_globalaccelerator_listener',
    operation: 'CreateListener',
    phase: 'create',
    reason: 'moto has no Global Accelerator service at all',
  },
  {
    resourceType: 'aws_globalaccelerator_endpoint_group',
    operation: 'CreateEndpointGroup',
    phase: 'create',
    reason: 'moto has no Global Accelerator service at all',
  },
  {
    resourceType: 'aws_backup_selection',
    operation: 'CreateBackupSelection',
    phase: 'create',
    reason: 'moto does not implement backup selections',
  },
  {
    resourceType: 'aws_efs_backup_policy',
    operation: 'PutBackupPolicy',
    phase: 'create',
    reason: "moto does not implement EFS's automatic backup policy",
  },
  {
    resourceType: 'aws_efs_file_system_policy',
    operation: 'DeleteFileSystemPolicy',
    phase: 'destroy',
    reason: 'moto creates file system policies but cannot delete them, so a destroy would stop there',
  },
  {
    resourceType: 'aws_ecr_repository_creation_template',
    operation: 'CreateRepositoryCreationTemplate',
    phase: 'create',
    reason: 'moto does not implement ECR repository creation templates',
  },
  {
    resourceType: 'aws_appautoscaling_target',
    operation: 'ListTagsForResource',
    phase: 'read',
    reason:
      'moto registers the scalable target but cannot list its tags, so Terraform taints it right after creating it',
  },
  {
    resourceType: 'aws_fis_experiment_template',
    operation: 'GetExperimentTemplate',
    phase: 'read',
    reason:
      'moto creates experiment templates but answers GetExperimentTemplate with an error (500), so Terraform cannot read one back: the drills (failoverDrills) are applied with their role and log group, without their templates',
  },
];

const ECS_SERVICE_OMITS = "moto's DescribeServices leaves it out, so the provider reads its zero value";
const RULE_DESCRIPTION =
  'moto drops the description of a security group rule that references another security group';

export const KNOWN_DIFFS: readonly KnownDiff[] = [
  { resourceType: 'aws_ecs_service', attribute: 'enable_ecs_managed_tags', reason: ECS_SERVICE_OMITS },
  { resourceType: 'aws_ecs_service', attribute: 'enable_execute_command', reason: ECS_SERVICE_OMITS },
  {
    resourceType: 'aws_ecs_service',
    attribute: 'health_check_grace_period_seconds',
    reason: ECS_SERVICE_OMITS,
  },
  { resourceType: 'aws_vpc_security_group_ingress_rule', attribute: 'description', reason: RULE_DESCRIPTION },
  { resourceType: 'aws_vpc_security_group_egress_rule', attribute: 'description', reason: RULE_DESCRIPTION },
  {
    resourceType: 'aws_ecs_service',
    attribute: 'availability_zone_rebalancing',
    reason:
      "moto does not return availabilityZoneRebalancing, so it differs from the provider's DISABLED default",
  },
  {
    resourceType: 'aws_backup_vault',
    attribute: 'tags',
    reason: "moto's ListTags expects a trailing slash in the vault ARN and returns no tags without it",
  },
  {
    resourceType: 'aws_backup_vault',
    attribute: 'tags_all',
    reason: "moto's ListTags expects a trailing slash in the vault ARN and returns no tags without it",
  },
  {
    resourceType: 'aws_backup_plan',
    attribute: 'tags',
    reason: "moto's ListTags expects a trailing slash in the plan ARN and returns no tags without it",
  },
  {
    resourceType: 'aws_backup_plan',
    attribute: 'tags_all',
    reason: "moto's ListTags expects a trailing slash in the plan ARN and returns no tags without it",
  },
  {
    resourceType: 'aws_s3_bucket_replication_configuration',
    attribute: 'rule',
    reason: 'moto always returns DeleteMarkerReplication as Disabled',
  },
];

/** An API call of the project's own tools (not Terraform's) that the emulator lacks. */
export interface UnsupportedCall {
  readonly service: string;
  readonly operation: string;
  /** Which tool makes the call. */
  readonly usedBy: string;
  readonly reason: string;
}

export const UNSUPPORTED_CALLS: readonly UnsupportedCall[] = [
  {
    service: 'backup',
    operation: 'ListRecoveryPointsByBackupVault',
    usedBy: 'npm run teardown (empties the backup vaults)',
    reason: 'moto has no recovery points (no backup jobs run), and no route for listing them',
  },
  {
    service: 'globalaccelerator',
    operation: 'ListAccelerators',
    usedBy:
      'npm run traffic (ListAccelerators, ListListeners, ListEndpointGroups, UpdateEndpointGroup, DescribeEndpointGroup)',
    reason:
      'moto has no Global Accelerator service at all; the failover drill (emulator-failover-drill.test.ts) serves these calls from an in-memory stand-in among the test helpers (global-accelerator-stand-in.ts), seeded with what the dev stack declares, which the command reaches only through AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR',
  },
];

/**
 * A setting whose resources the emulator cannot serve as a whole; the apply test applies its
 * environments without it, and applies `probe` (a minimal configuration of what the setting
 * builds) on its own, which must still fail with `operation`.
 */
export interface UnsupportedSetting {
  readonly setting: string;
  readonly operation: string;
  readonly reason: string;
  /** Terraform JSON, without providers: the emulator's override supplies `aws`. */
  readonly probe: object;
}

export const UNSUPPORTED_SETTINGS: readonly UnsupportedSetting[] = [
  {
    setting: 'accelerator.ipAddressType: DUAL_STACK',
    operation: 'DescribeSubnets',
    reason:
      "moto answers DescribeSubnets with a 500 while the provider waits for a subnet's IPv6 CIDR block to be associated",
    probe: {
      resource: {
        aws_vpc: { probe: { cidr_block: '10.9.0.0/16', assign_generated_ipv6_cidr_block: true } },
        aws_subnet: {
          probe: {
            vpc_id: '${aws_vpc.probe.id}',
            cidr_block: '10.9.1.0/24',
            availability_zone: 'us-east-1a',
            ipv6_cidr_block: '${cidrsubnet(aws_vpc.probe.ipv6_cidr_block, 8, 1)}',
          },
        },
      },
    },
  },
];

/**
 * A setting the emulator accepts and applies without a difference after apply, but does not carry
 * out: the cycle passes, yet proves nothing about the setting's effect. Nothing excludes these; they
 * are listed so no one reads a green emulator cycle as proof of them.
 */
export interface IgnoredSetting {
  readonly resourceType: string;
  readonly attribute: string;
  /** The API operation whose parameter the emulator drops. */
  readonly operation: string;
  readonly reason: string;
}

export const IGNORED_SETTINGS: readonly IgnoredSetting[] = [
  {
    resourceType: 'aws_ecs_service',
    attribute: 'service_connect_configuration',
    operation: 'CreateService',
    reason:
      "moto's CreateService drops serviceConnectConfiguration and DescribeServices never returns it (provider 5.100 then keeps the configured value: no diff after apply, probed 2026-12-03 with a namespace, a named port mapping and a service); no Cloud Map service is registered, so callers reaching a service by name is not emulated. aws_service_discovery_http_namespace itself applies and destroys (CreateHttpNamespace, GetOperation, GetNamespace, DeleteNamespace)",
  },
];
