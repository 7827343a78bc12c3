import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { EncryptionKey } from './kms-key';
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
const MAX_POSIX_ID = 4294967295;
const NFS_PORT = 2049;

export interface FileSystemProps {
  /** The provider of the region the file system lives in (EFS is regional). */
  readonly provider: AwsProvider;
  /** Prefix of every Name tag and named resource, e.g. `orders-dev`. */
  readonly namePrefix: string;
  /** VPC of the mount targets and of their security group. */
  readonly vpcId: string;
  /** Private subnets, at least 1 and distinct; each gets a mount target (one per AZ for availability). */
  readonly subnetIds: string[];
  /** Security group of the NFS clients (the service's tasks); the only source admitted on TCP 2049. */
  readonly clientSecurityGroupId: string;
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
  /**
   * POSIX user ID the access point enforces for every file operation, 0 to 4294967295.
   * @default 1000
   */
  readonly posixUid?: number;
  /**
   * POSIX group ID the access point enforces for every file operation, 0 to 4294967295.
   * @default 1000
   */
  readonly posixGid?: number;
  /**
   * Directory the access point exposes as the clients' root: absolute, 1 to 4 levels, no trailing
   * slash, never `/` itself. Created on first mount, owned by the POSIX user.
   * @default '/ecs'
   */
  readonly rootDirectoryPath?: string;
  /**
   * Octal permissions the root directory is created with (3 or 4 digits).
   * @default '755'
   */
  readonly rootDirectoryPermissions?: string;
}

/**
 * A region's encrypted EFS file system (seed 8.2): customer-managed KMS key, lifecycle to Infrequent
 * Access and back, a mount target in every private subnet behind a security group that admits NFS
 * from the service's tasks only, an access point pinning the POSIX identity and root directory,
 * and a file-system policy refusing any access without TLS.
 *
 * With a file-system policy in place, clients must authorize with IAM: the task role includes
 * `clientPolicyStatements`, which allow mount and write through the access point only.
 */
export class FileSystem extends Construct {
  public readonly key: EncryptionKey;
  public readonly fileSystem: EfsFileSystem;
  public readonly backupPolicy: EfsBackupPolicy;
  public readonly securityGroup: SecurityGroup;
  public readonly mountTargets: EfsMountTarget[];
  public readonly accessPoint: EfsAccessPoint;
  /**
   * IAM statements for a task role: `ClientMount` and `ClientWrite` on this file system, only
   * through the access point. Spread them into the role's policy document.
   */
  public readonly clientPolicyStatements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: FileSystemProps) {
    super(scope, id);
    validate(props);
    const { provider, namePrefix } = props;
    const throughputMode = props.throughputMode ?? 'bursting';
    const uid = props.posixUid ?? 1000;
    const gid = props.posixGid ?? 1000;

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
    new VpcSecurityGroupIngressRule(this, 'NfsFromClients', {
      provider,
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.clientSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: 'NFS from the service tasks',
      tags: { Name: `${namePrefix}-efs-nfs` },
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

    this.accessPoint = new EfsAccessPoint(this, 'AccessPoint', {
      provider,
      fileSystemId: this.fileSystem.id,
      posixUser: { uid, gid },
      rootDirectory: {
        path: props.rootDirectoryPath ?? '/ecs',
        creationInfo: {
          ownerUid: uid,
          ownerGid: gid,
          permissions: props.rootDirectoryPermissions ?? '755',
        },
      },
      tags: { Name: `${namePrefix}-efs-ap` },
    });

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

    this.clientPolicyStatements = [
      {
        sid: 'MountAndWriteThroughAccessPoint',
        effect: 'Allow',
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        resources: [this.fileSystem.arn],
        condition: [
          {
            test: 'StringEquals',
            variable: 'elasticfilesystem:AccessPointArn',
            values: [this.accessPoint.arn],
          },
        ],
      },
    ];
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

  for (const prop of ['posixUid', 'posixGid'] as const) {
    const id = props[prop];
    if (
      id !== undefined &&
      !Token.isUnresolved(id) &&
      !(Number.isInteger(id) && id >= 0 && id <= MAX_POSIX_ID)
    ) {
      fail(prop, id, `use a whole number from 0 to ${MAX_POSIX_ID}`);
    }
  }

  const path = props.rootDirectoryPath;
  if (path !== undefined && !Token.isUnresolved(path)) {
    if (path === '/') {
      fail(
        'rootDirectoryPath',
        path,
        'an access point at the root would expose the whole file system; use a directory such as /ecs',
      );
    }
    // EFS's own pattern and length limit for an access point's root directory.
    if (!/^(\/(?!\.)[^$#<>;`|&?{}^*/\n]+){1,4}$/.test(path) || path.length > 100) {
      fail(
        'rootDirectoryPath',
        path,
        'use an absolute path of 1 to 4 directories, at most 100 characters, with no trailing slash, ' +
          'no name starting with "." and none of $#<>;`|&?{}^*',
      );
    }
  }

  const permissions = props.rootDirectoryPermissions;
  if (permissions !== undefined && !Token.isUnresolved(permissions) && !/^[0-7]{3,4}$/.test(permissions)) {
    fail('rootDirectoryPermissions', permissions, 'use 3 or 4 octal digits, e.g. 755');
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
