import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { FileSystem } from '../constructs/file-system';
import { FileSystemAccess, FileSystemAccessProps } from '../constructs/file-system-access';
import {
  SynthesizedJson,
  allBlocks,
  dataAt,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
} from '../test-support/synth';

type AccessProps = Omit<FileSystemAccessProps, 'provider' | 'fileSystem'>;

const defaults: AccessProps = { clientSecurityGroupId: 'sg-0c1e57c1e57c1e57c', name: 'fargate-test-api' };

/**
 * A file system with one access per entry (by construct ID), each with a task-role policy document
 * `<id>TaskRolePolicy` built from its client statements, the way the Fargate service consumes them.
 */
function synthAccesses(accesses: Record<string, Partial<AccessProps>>): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const fileSystem = new FileSystem(scope, 'Efs', {
      provider,
      namePrefix: 'fargate-test',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    });
    for (const [id, props] of Object.entries(accesses)) {
      const access = new FileSystemAccess(scope, id, { provider, fileSystem, ...defaults, ...props });
      new DataAwsIamPolicyDocument(scope, `${id}TaskRolePolicy`, {
        provider,
        statement: access.clientPolicyStatements,
      });
    }
  });
}

/** One access, `Files`, with props over the defaults. */
function synthAccess(props: Partial<AccessProps> = {}): SynthesizedJson {
  return synthAccesses({ Files: props });
}

describe('FileSystemAccess', () => {
  it('admits NFS on TCP 2049 to the mount targets only from the client security group', () => {
    // GIVEN / WHEN
    const json = synthAccess();
    // THEN exactly one ingress rule, on the file system's group, from the clients' group, no CIDR or prefix list
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      path: 'test/Files/NfsFromClients',
      security_group_id: ref(json, 'aws_security_group', 'Efs/SecurityGroup'),
      referenced_security_group_id: 'sg-0c1e57c1e57c1e57c',
      ip_protocol: 'tcp',
      from_port: 2049,
      to_port: 2049,
      description: 'NFS from the tasks of fargate-test-api',
      tags: { Name: 'fargate-test-api-efs-nfs' },
    });
    expect(rules[0]).not.toHaveProperty('cidr_ipv4');
    expect(rules[0]).not.toHaveProperty('cidr_ipv6');
    expect(rules[0]).not.toHaveProperty('prefix_list_id');
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
  });

  it('creates the seed’s access point by default: uid/gid 1000 in /ecs, created 1000:1000 with 755', () => {
    // GIVEN / WHEN
    const json = synthAccess();
    // THEN
    expect(resources(json, 'aws_efs_access_point')).toEqual([
      expect.objectContaining({
        file_system_id: ref(json, 'aws_efs_file_system', 'Efs/FileSystem'),
        posix_user: { uid: 1000, gid: 1000 },
        root_directory: {
          path: '/ecs',
          creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: '755' },
        },
        tags: { Name: 'fargate-test-api-efs-ap' },
      }),
    ]);
  });

  it('creates the access point’s directory for the given POSIX user, path and permissions', () => {
    // GIVEN / WHEN
    const json = synthAccess({
      posixUid: 2001,
      posixGid: 3002,
      rootDirectoryPath: '/apps/orders',
      rootDirectoryPermissions: '0750',
    });
    // THEN the directory's owner is the enforced POSIX user
    expect(resourceAt(json, 'aws_efs_access_point', 'Files/AccessPoint')).toMatchObject({
      posix_user: { uid: 2001, gid: 3002 },
      root_directory: {
        path: '/apps/orders',
        creation_info: { owner_uid: 2001, owner_gid: 3002, permissions: '0750' },
      },
    });
  });

  it('offers task-role statements allowing mount and write through its access point only', () => {
    // GIVEN / WHEN a task-role document built from clientPolicyStatements
    const json = synthAccess();
    // THEN
    expect(dataAt(json, 'aws_iam_policy_document', 'FilesTaskRolePolicy').statement).toEqual([
      {
        sid: 'MountAndWriteThroughAccessPoint',
        effect: 'Allow',
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        resources: [ref(json, 'aws_efs_file_system', 'Efs/FileSystem', 'arn')],
        condition: [
          {
            test: 'StringEquals',
            variable: 'elasticfilesystem:AccessPointArn',
            values: [ref(json, 'aws_efs_access_point', 'Files/AccessPoint', 'arn')],
          },
        ],
      },
    ]);
  });

  it('gives each client of one file system its own directory, NFS rule and statements', () => {
    // GIVEN / WHEN two services' accesses to one file system
    const json = synthAccesses({
      App: { name: 'fargate-test', clientSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', rootDirectoryPath: '/ecs' },
      Api: {
        name: 'fargate-test-api',
        clientSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
        rootDirectoryPath: '/api',
      },
    });
    // THEN one file system, two access points in their own directories
    expect(resources(json, 'aws_efs_file_system')).toHaveLength(1);
    const fileSystem = ref(json, 'aws_efs_file_system', 'Efs/FileSystem');
    for (const [id, path, group] of [
      ['App', '/ecs', 'sg-0aaaaaaaaaaaaaaaa'],
      ['Api', '/api', 'sg-0bbbbbbbbbbbbbbbb'],
    ]) {
      expect(resourceAt(json, 'aws_efs_access_point', `${id}/AccessPoint`)).toMatchObject({
        file_system_id: fileSystem,
        root_directory: { path },
      });
      expect(resourceAt(json, 'aws_vpc_security_group_ingress_rule', `${id}/NfsFromClients`)).toMatchObject({
        security_group_id: ref(json, 'aws_security_group', 'Efs/SecurityGroup'),
        referenced_security_group_id: group,
      });
      // and each client may mount through its own access point only, not the other's
      const statement = (
        dataAt(json, 'aws_iam_policy_document', `${id}TaskRolePolicy`).statement as Array<{
          condition: Array<{ values: string[] }>;
        }>
      )[0];
      expect(statement.condition[0].values).toEqual([
        ref(json, 'aws_efs_access_point', `${id}/AccessPoint`, 'arn'),
      ]);
    }
    expect(resources(json, 'aws_efs_access_point')).toHaveLength(2);
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(2);
  });

  it('puts every resource on the given provider', () => {
    // GIVEN / WHEN
    const json = synthAccess();
    // THEN the access's two resources, like the file system's, are on the region's provider
    const blocks = allBlocks(json);
    expect(
      blocks
        .filter((block) => block.path.startsWith('test/Files/'))
        .map((block) => block.type)
        .sort(),
    ).toEqual(['aws_efs_access_point', 'aws_vpc_security_group_ingress_rule']);
    expect(blocks.filter((block) => block.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it.each([0, 4294967295])('accepts the POSIX IDs %p', (id) => {
    const json = synthAccess({ posixUid: id, posixGid: id });
    expect(resourceAt(json, 'aws_efs_access_point', 'Files/AccessPoint').posix_user).toEqual({
      uid: id,
      gid: id,
    });
  });

  it('rejects a POSIX user ID that is not a whole number', () => {
    expect(() => synthAccess({ posixUid: 1000.5 })).toThrow(
      'FileSystemAccess: posixUid 1000.5 is not allowed; use a whole number from 0 to 4294967295',
    );
  });

  it('rejects a POSIX user ID above 4294967295', () => {
    expect(() => synthAccess({ posixUid: 4294967296 })).toThrow(
      'FileSystemAccess: posixUid 4294967296 is not allowed; use a whole number from 0 to 4294967295',
    );
  });

  it('rejects a negative POSIX group ID', () => {
    expect(() => synthAccess({ posixGid: -1 })).toThrow(
      'FileSystemAccess: posixGid -1 is not allowed; use a whole number from 0 to 4294967295',
    );
  });

  it('rejects the file system root as the access point’s directory', () => {
    expect(() => synthAccess({ rootDirectoryPath: '/' })).toThrow(
      'FileSystemAccess: rootDirectoryPath "/" is not allowed; an access point at the root would expose the whole ' +
        'file system; use a directory such as /ecs',
    );
  });

  it.each([
    ['a relative path', 'ecs'],
    ['a trailing slash', '/ecs/'],
    ['an empty component', '/apps//ecs'],
    ['more than 4 levels', '/a/b/c/d/e'],
    ['a hidden directory', '/.ecs'],
    ['a forbidden character', '/ecs$data'],
    ['more than 100 characters', `/${'a'.repeat(100)}`],
  ])('rejects a root directory path with %s', (_case, rootDirectoryPath) => {
    expect(() => synthAccess({ rootDirectoryPath })).toThrow(
      `FileSystemAccess: rootDirectoryPath ${JSON.stringify(rootDirectoryPath)} is not allowed; use an absolute path ` +
        'of 1 to 4 directories, at most 100 characters, with no trailing slash, no name starting with "." ' +
        'and none of $#<>;`|&?{}^*',
    );
  });

  it('accepts a root directory of 4 levels and 100 characters', () => {
    const rootDirectoryPath = `/a/b/c/${'d'.repeat(93)}`;
    expect(rootDirectoryPath).toHaveLength(100);
    const json = synthAccess({ rootDirectoryPath });
    expect(resourceAt(json, 'aws_efs_access_point', 'Files/AccessPoint').root_directory).toMatchObject({
      path: rootDirectoryPath,
    });
  });

  it.each(['75', '0x755', '758', '07555'])(
    'rejects root directory permissions %s',
    (rootDirectoryPermissions) => {
      expect(() => synthAccess({ rootDirectoryPermissions })).toThrow(
        `FileSystemAccess: rootDirectoryPermissions "${rootDirectoryPermissions}" is not allowed; use 3 or 4 octal digits, e.g. 755`,
      );
    },
  );
});
