/**
 * The policy pack: every rule's ID, the control it implements (AWS Security Hub Foundational
 * Security Best Practices where one exists, otherwise NIST SP 800-53), severity, what it asks and
 * the one-line fix. Rule logic lives in policies/rules/<id>.ts and carries no message text.
 */
import { RuleCheck } from './stack-view';
import { alarmActions } from './rules/alarm-actions';
import { backupCrossRegionCopy } from './rules/backup-cross-region-copy';
import { backupPlanHasSelection } from './rules/backup-plan-has-selection';
import { backupVaultKms } from './rules/backup-vault-kms';
import { ecrImmutableTags } from './rules/ecr-immutable-tags';
import { ecrScanOnPush } from './rules/ecr-scan-on-push';
import { ecsContainerHealthCheck } from './rules/ecs-container-health-check';
import { ecsContainerInsights } from './rules/ecs-container-insights';
import { ecsLoggingConfigured } from './rules/ecs-logging-configured';
import { ecsNoPlaintextSecrets } from './rules/ecs-no-plaintext-secrets';
import { ecsNoPrivilegedContainers } from './rules/ecs-no-privileged-containers';
import { ecsNonRootUser } from './rules/ecs-non-root-user';
import { ecsReadonlyRootFilesystem } from './rules/ecs-readonly-root-filesystem';
import { ecsSeparateRoles } from './rules/ecs-separate-roles';
import { ecsServiceNoPublicIp } from './rules/ecs-service-no-public-ip';
import { efsAccessPointRootDirectory } from './rules/efs-access-point-root-directory';
import { efsAccessPointUser } from './rules/efs-access-point-user';
import { efsEncrypted } from './rules/efs-encrypted';
import { efsInBackupPlan } from './rules/efs-in-backup-plan';
import { efsTlsOnly } from './rules/efs-tls-only';
import { elbAccessLogs } from './rules/elb-access-logs';
import { elbDeletionProtection } from './rules/elb-deletion-protection';
import { elbDropInvalidHeaders } from './rules/elb-drop-invalid-headers';
import { elbHttpsRedirect } from './rules/elb-https-redirect';
import { elbTls13Policy } from './rules/elb-tls13-policy';
import { elbWaf } from './rules/elb-waf';
import { iamNoAdminPolicies } from './rules/iam-no-admin-policies';
import { iamNoWildcardActions } from './rules/iam-no-wildcard-actions';
import { iamNoWildcardTrust } from './rules/iam-no-wildcard-trust';
import { kmsRotation } from './rules/kms-rotation';
import { logsRetention } from './rules/logs-retention';
import { s3AclsDisabled } from './rules/s3-acls-disabled';
import { s3BlockPublicAccess } from './rules/s3-block-public-access';
import { s3KmsEncryption } from './rules/s3-kms-encryption';
import { s3TlsOnly } from './rules/s3-tls-only';
import { s3Versioning } from './rules/s3-versioning';
import { schedulerDeadLetterQueue } from './rules/scheduler-dead-letter-queue';
import { schedulerEcsNoPublicIp } from './rules/scheduler-ecs-no-public-ip';
import { snsEncrypted } from './rules/sns-encrypted';
import { sqsEncrypted } from './rules/sqs-encrypted';
import { vpcDefaultSecurityGroupClosed } from './rules/vpc-default-security-group-closed';
import { vpcFlowLogs } from './rules/vpc-flow-logs';
import { vpcEndpointPolicyScoped } from './rules/vpc-endpoint-policy-scoped';
import { vpcNoWorldIngress } from './rules/vpc-no-world-ingress';
import { vpcNoWorldEgress } from './rules/vpc-no-world-egress';
import { wafLogging } from './rules/waf-logging';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface PolicyRule extends RuleCheck {
  /** Stable rule ID, used by suppressions. */
  readonly id: string;
  /** Security Hub FSBP control ID (e.g. `ECS.2`), or a NIST SP 800-53 control where FSBP has none. */
  readonly control: string;
  readonly severity: Severity;
  /** What the rule asks, in one line. */
  readonly title: string;
  /** How to fix a violation, in one line. */
  readonly fix: string;
}

const rule = (
  id: string,
  control: string,
  severity: Severity,
  title: string,
  fix: string,
  logic: RuleCheck,
): PolicyRule => ({ id, control, severity, title, fix, appliesTo: logic.appliesTo, check: logic.check });

export const POLICY_PACK: readonly PolicyRule[] = [
  // ECS
  rule(
    'ecs-service-no-public-ip',
    'ECS.2',
    'high',
    'ECS services should not assign public IP addresses',
    'run tasks in private subnets with assign_public_ip = false',
    ecsServiceNoPublicIp,
  ),
  rule(
    'ecs-readonly-root-filesystem',
    'ECS.5',
    'high',
    'Containers should have read-only root filesystems',
    'set readonlyRootFilesystem: true and mount writable volumes where needed',
    ecsReadonlyRootFilesystem,
  ),
  rule(
    'ecs-no-privileged-containers',
    'ECS.4',
    'high',
    'Containers should run unprivileged',
    'remove privileged: true from the container definition',
    ecsNoPrivilegedContainers,
  ),
  rule(
    'ecs-container-insights',
    'ECS.12',
    'medium',
    'ECS clusters should use Container Insights',
    'add setting { name = "containerInsights", value = "enabled" } to the cluster',
    ecsContainerInsights,
  ),
  rule(
    'ecs-logging-configured',
    'ECS.9',
    'high',
    'Task definitions should configure logging for every container',
    'give every container a logConfiguration (awslogs to a log group with retention)',
    ecsLoggingConfigured,
  ),
  rule(
    'ecs-separate-roles',
    'NIST AC-6',
    'medium',
    'Task definitions should use a task role distinct from the execution role',
    'give the task definition its own task role with only the application’s permissions',
    ecsSeparateRoles,
  ),
  rule(
    'ecs-no-plaintext-secrets',
    'ECS.8',
    'high',
    'Secrets should not be passed as plaintext container environment variables',
    'move the value to Secrets Manager or SSM and reference it under secrets',
    ecsNoPlaintextSecrets,
  ),
  rule(
    'ecs-non-root-user',
    'ECS.20',
    'medium',
    'Linux containers should run as a non-root user',
    'set user to a non-root uid:gid such as 1000:1000 in every container definition',
    ecsNonRootUser,
  ),
  rule(
    'ecs-container-health-check',
    'NIST CP-10',
    'medium',
    'In prod, essential containers should have a health check',
    'give every essential container a healthCheck with a command (task.healthCheckCommand)',
    ecsContainerHealthCheck,
  ),
  // EFS
  rule(
    'efs-encrypted',
    'EFS.1',
    'medium',
    'EFS file systems should be encrypted at rest with KMS',
    'set encrypted = true and kms_key_id to a customer-managed key',
    efsEncrypted,
  ),
  rule(
    'efs-access-point-root-directory',
    'EFS.3',
    'medium',
    'EFS access points should enforce a root directory',
    'give the access point a root_directory path other than /',
    efsAccessPointRootDirectory,
  ),
  rule(
    'efs-access-point-user',
    'EFS.4',
    'medium',
    'EFS access points should enforce a user identity',
    'give the access point a posix_user',
    efsAccessPointUser,
  ),
  rule(
    'efs-tls-only',
    'NIST SC-8',
    'medium',
    'EFS file systems should deny access without TLS',
    'attach a file system policy denying requests where aws:SecureTransport is false',
    efsTlsOnly,
  ),
  rule(
    'efs-in-backup-plan',
    'EFS.2',
    'medium',
    'EFS file systems should be in a backup plan',
    'add the file system ARN to an aws_backup_selection',
    efsInBackupPlan,
  ),
  // S3
  rule(
    's3-versioning',
    'S3.14',
    'low',
    'S3 buckets should have versioning enabled',
    'add aws_s3_bucket_versioning with status Enabled',
    s3Versioning,
  ),
  rule(
    's3-kms-encryption',
    'S3.17',
    'medium',
    'S3 buckets should be encrypted at rest with KMS keys',
    'add server-side encryption with sse_algorithm aws:kms and a customer-managed key',
    s3KmsEncryption,
  ),
  rule(
    's3-block-public-access',
    'S3.8',
    'high',
    'S3 buckets should block all public access',
    'add aws_s3_bucket_public_access_block with all four settings true',
    s3BlockPublicAccess,
  ),
  rule(
    's3-tls-only',
    'S3.5',
    'medium',
    'S3 buckets should require requests to use TLS',
    'add a bucket policy denying s3:* when aws:SecureTransport is false',
    s3TlsOnly,
  ),
  rule(
    's3-acls-disabled',
    'S3.12',
    'medium',
    'S3 buckets should not use ACLs',
    'add aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced',
    s3AclsDisabled,
  ),
  // ELB
  rule(
    'elb-drop-invalid-headers',
    'ELB.4',
    'medium',
    'Application load balancers should drop invalid HTTP headers',
    'set drop_invalid_header_fields = true',
    elbDropInvalidHeaders,
  ),
  rule(
    'elb-deletion-protection',
    'ELB.6',
    'medium',
    'Load balancers should have deletion protection in prod',
    'set enable_deletion_protection = true',
    elbDeletionProtection,
  ),
  rule(
    'elb-https-redirect',
    'ELB.1',
    'medium',
    'With TLS, the HTTP listener should redirect to HTTPS',
    'make the port-80 listener’s default action a redirect to HTTPS',
    elbHttpsRedirect,
  ),
  rule(
    'elb-tls13-policy',
    'ELB.17',
    'medium',
    'HTTPS listeners should use a TLS 1.3 security policy',
    'set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 or stricter',
    elbTls13Policy,
  ),
  rule(
    'elb-access-logs',
    'ELB.5',
    'medium',
    'In prod, Application Load Balancers should deliver access logs',
    'add an enabled access_logs block with an S3 bucket (edge.accessLogs)',
    elbAccessLogs,
  ),
  rule(
    'elb-waf',
    'ELB.16',
    'medium',
    'In prod, internet-facing Application Load Balancers should be associated with an AWS WAF web ACL',
    'add an aws_wafv2_web_acl_association for the load balancer (edge.waf or regions[].webAclArn)',
    elbWaf,
  ),
  // WAF
  rule(
    'waf-logging',
    'NIST AU-12',
    'low',
    'AWS WAF web ACLs should log',
    'add an aws_wafv2_web_acl_logging_configuration with a destination',
    wafLogging,
  ),
  // KMS
  rule(
    'kms-rotation',
    'KMS.4',
    'medium',
    'KMS keys should rotate automatically',
    'set enable_key_rotation = true',
    kmsRotation,
  ),
  // IAM
  rule(
    'iam-no-wildcard-actions',
    'IAM.21',
    'low',
    'IAM policies should not allow wildcard actions',
    'list the actions the role needs instead of "*" or "service:*"',
    iamNoWildcardActions,
  ),
  rule(
    'iam-no-admin-policies',
    'IAM.1',
    'high',
    'IAM roles should not have administrator policies',
    'grant the actions and resources the role needs instead of *:* or AdministratorAccess',
    iamNoAdminPolicies,
  ),
  rule(
    'iam-no-wildcard-trust',
    'NIST AC-3',
    'critical',
    'Role trust policies should not trust every principal',
    'name the service or account principal that may assume the role',
    iamNoWildcardTrust,
  ),
  // VPC
  rule(
    'vpc-flow-logs',
    'EC2.6',
    'medium',
    'VPCs should have flow logs',
    'add an aws_flow_log for the VPC',
    vpcFlowLogs,
  ),
  rule(
    'vpc-endpoint-policy-scoped',
    'NIST AC-4',
    'medium',
    "VPC endpoints should admit only the account's principals (a data perimeter)",
    'give the endpoint an inline policy whose Allow statements test aws:PrincipalAccount, or name actions and resources',
    vpcEndpointPolicyScoped,
  ),
  rule(
    'vpc-default-security-group-closed',
    'EC2.2',
    'high',
    'The default security group should allow no traffic',
    'manage it with aws_default_security_group without rules',
    vpcDefaultSecurityGroupClosed,
  ),
  rule(
    'vpc-no-world-ingress',
    'EC2.18',
    'high',
    'Only load balancers may admit traffic from anywhere, on 80 and 443',
    'restrict the rule to a security group or known CIDRs',
    vpcNoWorldIngress,
  ),
  rule(
    'vpc-no-world-egress',
    'NIST SC-7(5)',
    'high',
    'Security groups should reach anywhere only on HTTPS (TCP 443)',
    "name the destination (CIDR, prefix list or security group), or state why in the egress rule's reason",
    vpcNoWorldEgress,
  ),
  // CloudWatch
  rule(
    'logs-retention',
    'CloudWatch.16',
    'medium',
    'Log groups should have a retention period',
    'set retention_in_days to one of CloudWatch’s values',
    logsRetention,
  ),
  rule(
    'alarm-actions',
    'CloudWatch.15',
    'high',
    'Alarms should notify someone on alarm and on recovery',
    'set alarm_actions and ok_actions to an SNS topic',
    alarmActions,
  ),
  // SNS
  rule(
    'sns-encrypted',
    'SNS.1',
    'medium',
    'SNS topics should be encrypted with KMS',
    'set kms_master_key_id to a customer-managed key',
    snsEncrypted,
  ),
  // Backup
  rule(
    'backup-vault-kms',
    'Backup.1',
    'medium',
    'Backup vaults should be encrypted with a customer-managed key',
    'set kms_key_arn on the vault',
    backupVaultKms,
  ),
  rule(
    'backup-plan-has-selection',
    'NIST CP-9',
    'high',
    'Backup plans should select resources to back up',
    'add an aws_backup_selection to the plan',
    backupPlanHasSelection,
  ),
  rule(
    'backup-cross-region-copy',
    'NIST CP-9(8)',
    'medium',
    'Backup rules should copy recovery points to another region',
    'add a copy_action to a vault in another region',
    backupCrossRegionCopy,
  ),
  // ECR
  rule(
    'ecr-scan-on-push',
    'ECR.1',
    'high',
    'ECR repositories should scan images on push',
    'set image_scanning_configuration { scan_on_push = true }',
    ecrScanOnPush,
  ),
  rule(
    'ecr-immutable-tags',
    'ECR.2',
    'medium',
    'ECR repositories should have immutable tags',
    'set image_tag_mutability = "IMMUTABLE"',
    ecrImmutableTags,
  ),
  // EventBridge Scheduler and SQS (scheduled jobs, settings kind "scheduled")
  rule(
    'scheduler-dead-letter-queue',
    'NIST CP-10',
    'medium',
    'Schedules should retry failed starts and keep what still fails in a dead-letter queue',
    'set target.retry_policy and target.dead_letter_config { arn = <an SQS queue> }',
    schedulerDeadLetterQueue,
  ),
  rule(
    'scheduler-ecs-no-public-ip',
    'NIST AC-4',
    'high',
    'Schedules should start ECS tasks without public IP addresses',
    'run the tasks in private subnets with ecs_parameters.network_configuration.assign_public_ip = false',
    schedulerEcsNoPublicIp,
  ),
  rule(
    'sqs-encrypted',
    'SQS.1',
    'medium',
    'SQS queues should be encrypted at rest',
    'set sqs_managed_sse_enabled = true or kms_master_key_id',
    sqsEncrypted,
  ),
];
