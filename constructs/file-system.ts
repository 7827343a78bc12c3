import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { EncryptionKey } from './encryption-key';
import { ValidationError } from './validation-error';

export type EfsThroughputMode = 'bursting' | 'elastic' | 'provisioned';

/** The values the provider accepts for `lifecycle_policy.transition_to_ia`. */
export const TRANSITION_TO_IA_VALUES = [
  'AFTER_1_DAY',
  'AFTER_7_DAYS',
  'AFTER_14_DAYS',
  'AFTER_30_DAYS',
  'AFTER_60_DAYS',
  'AFTER_90_DAYS',
  'AFTER_180_DAYS',
  'AFTER_270_DAYS',
  'AFTER_365_DAYS',
] as const;

export type EfsTransitionToIa = (typeof TRANSITION_TO_IA_VALUES)[number];

const THROUGHPUT_MODES: readonly EfsThroughputMode[] = ['bursting', 'elastic', 'provisioned'];
const MAX_PROVISIONED_THROUGHPUT_MIBPS = 3414;
/** The port EFS mount targets answer NFS on. */
export const NFS_PORT = 2049;

export interface FileSystemProps {
  /** The provider of the region the file system lives in (EFS is regional). */
  readonly provider: AwsProvider;
  /** Prefix of every Name tag and named resource, e.g. `orders-dev`. */
  readonly namePrefix: string;
  /** VPC of the mount targets and of their security group. */
  readonly vpcId: string;
  /** Private subnets, at least 1 and distinct; each gets a mount target (one per AZ for availability). */
  readonly subnetIds: string[];
  /**
   * Throughput mode: `bursting` scales with the stored size, `elastic` with the load, `provisioned`
   * is fixed by `provisionedThroughputMibps`.
   * @default 'bursting' - like the seed and AWS's own default
   */
  readonly throughputMode?: EfsThroughputMode;
  /**
   * Provisioned throughput in MiB/s, 1 to 3414; required when `throughputMode` is `provisioned`,
   * not allowed otherwise.
   * @default - none (only `provisioned` mode takes a throughput)
   */
  readonly provisionedThroughputMibps?: number;
  /**
   * Age since last access after which files move to Infrequent Access (AFTER_1_DAY to AFTER_365_DAYS);
   * they move back to primary storage on their first access.
   * @default 'AFTER_30_DAYS'
   */
  readonly transitionToIa?: EfsTransitionToIa;
  /**
   * EFS's own automatic daily backups (AWS Backup's default vault, 35 days). The stack's AWS Backup
   * plan already selects this file system and copies its recovery points to the other region, so
   * turning this on pays for a second, single-region copy of the same data.
   * @default false - the backup policy is managed with status DISABLED, so the state is explicit
   */
  readonly automaticBackups?: boolean;
}

/**
 * A region's encrypted EFS file system (seed 8.2): customer-managed KMS key, lifecycle to Infrequent
 * Access and back, a mount target in every private subnet behind a security group that admits NFS
 * only from the clients given access (`FileSystemAccess`: one access point per service, pinning its
 * POSIX identity and root directory), and a file-system policy refusing any access without TLS.
 */
export class FileSystem extends Construct {
  public readonly key: EncryptionKey;
  public readonly fileSystem: EfsFileSystem;
  public readonly backupPolicy: EfsBackupPolicy;
  public readonly securityGroup: SecurityGroup;
  public readonly mountTargets: EfsMountTarget[];

  constructor(scope: Construct, id: string, props: FileSystemProps) {
    super(scope, id);
    validate(props);
    const { provider, namePrefix } = props;
    const throughputMode = props.throughputMode ?? 'bursting';

    this.key = new EncryptionKey(this, 'Key', {
      provider,
      alias: `${namePrefix}/efs`,
      description: `Encrypts the EFS file system ${namePrefix}-efs at rest`,
    });

    this.fileSystem = new EfsFileSystem(this, 'FileSystem', {
      provider,
      encrypted: true,
      kmsKeyId: this.key.arn,
      performanceMode: 'generalPurpose',
      throughputMode,
      provisionedThroughputInMibps: props.provisionedThroughputMibps,
      // One transition per block: the API rejects a policy object that carries two.
      lifecyclePolicy: [
        { transitionToIa: props.transitionToIa ?? 'AFTER_30_DAYS' },
        { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
      ],
      tags: { Name: `${namePrefix}-efs` },
    });

    this.backupPolicy = new EfsBackupPolicy(this, 'BackupPolicy', {
      provider,
      fileSystemId: this.fileSystem.id,
      backupPolicy: { status: props.automaticBackups ? 'ENABLED' : 'DISABLED' },
    });

    // Terraform revokes AWS's default allow-all egress rule when it creates the group, and none is
    // added: mount targets only answer NFS connections, they never open any.
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      provider,
      name: `${namePrefix}-efs`,
      description: 'EFS mount targets: NFS from the service tasks only',
      vpcId: props.vpcId,
      tags: { Name: `${namePrefix}-efs` },
    });
    this.mountTargets = props.subnetIds.map(
      (subnetId, index) =>
        new EfsMountTarget(this, `MountTarget${index + 1}`, {
          provider,
          fileSystemId: this.fileSystem.id,
          subnetId,
          securityGroups: [this.securityGroup.id],
        }),
    );

    const policy = new DataAwsIamPolicyDocument(this, 'FileSystemPolicyDocument', {
      provider,
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['*'],
          resources: [this.fileSystem.arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new EfsFileSystemPolicy(this, 'FileSystemPolicy', {
      provider,
      fileSystemId: this.fileSystem.id,
      policy: policy.json,
      bypassPolicyLockoutSafetyCheck: false,
    });
  }
}

function validate(props: FileSystemProps): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('FileSystem', prop, value, allowed);
  };

  const subnets = props.subnetIds;
  if (subnets.length < 1) fail('subnetIds', subnets, 'list at least 1 private subnet for a mount target');
  if (new Set(subnets).size !== subnets.length) {
    fail('subnetIds', subnets, 'subnets must be distinct; each gets one mount target');
  }

  const mode = props.throughputMode ?? 'bursting';
  if (!Token.isUnresolved(mode)) validateThroughput(mode, props.provisionedThroughputMibps, fail);

  const ia = props.transitionToIa;
  if (ia !== undefined && !Token.isUnresolved(ia) && !TRANSITION_TO_IA_VALUES.includes(ia)) {
    fail('transitionToIa', ia, `use one of ${TRANSITION_TO_IA_VALUES.join(', ')}`);
  }
}

function validateThroughput(
  mode: EfsThroughputMode,
  mibps: number | undefined,
  fail: (prop: string, value: unknown, allowed: string) => never,
): void {
  const range = `1 to ${MAX_PROVISIONED_THROUGHPUT_MIBPS} MiB/s`;
  if (!THROUGHPUT_MODES.includes(mode)) {
    fail('throughputMode', mode, `use one of ${THROUGHPUT_MODES.join(', ')}`);
  }
  if (mode === 'provisioned' && mibps === undefined) {
    fail('provisionedThroughputMibps', mibps, `required when throughputMode is provisioned; use ${range}`);
  }
  if (mode !== 'provisioned' && mibps !== undefined) {
    fail('provisionedThroughputMibps', mibps, `set it only when throughputMode is provisioned, not ${mode}`);
  }
  if (
    mibps !== undefined &&
    !Token.isUnresolved(mibps) &&
    !(mibps >= 1 && mibps <= MAX_PROVISIONED_THROUGHPUT_MIBPS)
  ) {
    fail('provisionedThroughputMibps', mibps, `use ${range}`);
  }
}
