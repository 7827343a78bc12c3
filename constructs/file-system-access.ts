import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { FileSystem, NFS_PORT } from './file-system';
import { ValidationError } from './validation-error';

const MAX_POSIX_ID = 4294967295;

export interface FileSystemAccessProps {
  /** The provider of the file system's region. */
  readonly provider: AwsProvider;
  /** The region's file system. */
  readonly fileSystem: FileSystem;
  /** Security group of the client tasks: admitted on NFS (TCP 2049) to the mount targets. */
  readonly clientSecurityGroupId: string;
  /** Name tag of the access point and the ingress rule, e.g. `orders-dev-api`. */
  readonly name: string;
  /**
   * POSIX user ID every file operation through the access point runs as.
   * @default 1000
   */
  readonly posixUid?: number;
  /**
   * POSIX group ID every file operation through the access point runs as.
   * @default 1000
   */
  readonly posixGid?: number;
  /**
   * The directory the client sees as its root; created on first use with the POSIX user as owner.
   * @default '/ecs'
   */
  readonly rootDirectoryPath?: string;
  /**
   * Permissions of the root directory when EFS creates it, 3 or 4 octal digits.
   * @default '755'
   */
  readonly rootDirectoryPermissions?: string;
}

/**
 * One client's way into a region's file system: an access point with its own POSIX user and root
 * directory, NFS from the client's security group to the mount targets, and the statements the
 * client's task role needs to mount and write through that access point only (no other directory).
 */
export class FileSystemAccess extends Construct {
  public readonly accessPoint: EfsAccessPoint;
  public readonly ingress: VpcSecurityGroupIngressRule;
  /** Statements for the client's task role: mount and write through this access point only. */
  public readonly clientPolicyStatements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: FileSystemAccessProps) {
    super(scope, id);
    validate(props);
    const { provider, fileSystem } = props;
    const uid = props.posixUid ?? 1000;
    const gid = props.posixGid ?? 1000;

    this.ingress = new VpcSecurityGroupIngressRule(this, 'NfsFromClients', {
      provider,
      securityGroupId: fileSystem.securityGroup.id,
      referencedSecurityGroupId: props.clientSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: `NFS from the tasks of ${props.name}`,
      tags: { Name: `${props.name}-efs-nfs` },
    });
    this.accessPoint = new EfsAccessPoint(this, 'AccessPoint', {
      provider,
      fileSystemId: fileSystem.fileSystem.id,
      posixUser: { uid, gid },
      rootDirectory: {
        path: props.rootDirectoryPath ?? '/ecs',
        creationInfo: { ownerUid: uid, ownerGid: gid, permissions: props.rootDirectoryPermissions ?? '755' },
      },
      tags: { Name: `${props.name}-efs-ap` },
    });
    this.clientPolicyStatements = [
      {
        sid: 'MountAndWriteThroughAccessPoint',
        effect: 'Allow',
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        resources: [fileSystem.fileSystem.arn],
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

function validate(props: FileSystemAccessProps): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('FileSystemAccess', prop, value, allowed);
  };
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
