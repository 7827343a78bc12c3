import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { FileSystem, FileSystemProps } from '../constructs/file-system';
import {
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
  dataAt,
} from '../test-support/synth';

type Overrides = Partial<Omit<FileSystemProps, 'provider'>>;

/** A file system on an aliased provider, without clients (their access is FileSystemAccess's). */
function synthFileSystem(props: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new FileSystem(scope, 'Efs', {
      provider,
      namePrefix: 'fargate-test',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      ...props,
    });
  });
}

describe('FileSystem', () => {
  it('creates the seed’s encrypted, general-purpose, bursting file system named after the prefix', () => {
    // GIVEN / WHEN a file system with the defaults
    const json = synthFileSystem();
    // THEN
    expect(resources(json, 'aws_efs_file_system')).toEqual([
      expect.objectContaining({
        encrypted: true,
        performance_mode: 'generalPurpose',
        throughput_mode: 'bursting',
        tags: { Name: 'fargate-test-efs' },
      }),
    ]);
    expect(resources(json, 'aws_efs_file_system')[0].provisioned_throughput_in_mibps).toBeUndefined();
  });

  it('encrypts with its own rotating customer-managed KMS key', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN
    expect(resourceAt(json, 'aws_kms_key', 'Efs/Key/Key')).toMatchObject({ enable_key_rotation: true });
    expect(resourceAt(json, 'aws_kms_alias', 'Efs/Key/Alias')).toMatchObject({
      name: 'alias/fargate-test/efs',
      target_key_id: ref(json, 'aws_kms_key', 'Efs/Key/Key', 'key_id'),
    });
    expect(resourceAt(json, 'aws_efs_file_system', 'Efs/FileSystem').kms_key_id).toBe(
      ref(json, 'aws_kms_key', 'Efs/Key/Key', 'arn'),
    );
  });

  it('moves files to Infrequent Access after 30 days and back on first access, one rule per block', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN
    expect(resourceAt(json, 'aws_efs_file_system', 'Efs/FileSystem').lifecycle_policy).toEqual([
      { transition_to_ia: 'AFTER_30_DAYS' },
      { transition_to_primary_storage_class: 'AFTER_1_ACCESS' },
    ]);
  });

  it('uses the given Infrequent Access transition', () => {
    // GIVEN / WHEN
    const json = synthFileSystem({ transitionToIa: 'AFTER_7_DAYS' });
    // THEN
    expect(resourceAt(json, 'aws_efs_file_system', 'Efs/FileSystem').lifecycle_policy).toEqual([
      { transition_to_ia: 'AFTER_7_DAYS' },
      { transition_to_primary_storage_class: 'AFTER_1_ACCESS' },
    ]);
  });

  it('provisions the given throughput in provisioned mode', () => {
    // GIVEN / WHEN
    const json = synthFileSystem({ throughputMode: 'provisioned', provisionedThroughputMibps: 256 });
    // THEN
    expect(resourceAt(json, 'aws_efs_file_system', 'Efs/FileSystem')).toMatchObject({
      throughput_mode: 'provisioned',
      provisioned_throughput_in_mibps: 256,
    });
  });

  it('uses elastic throughput without a provisioned figure', () => {
    // GIVEN / WHEN
    const json = synthFileSystem({ throughputMode: 'elastic' });
    // THEN
    const fileSystem = resourceAt(json, 'aws_efs_file_system', 'Efs/FileSystem');
    expect(fileSystem.throughput_mode).toBe('elastic');
    expect(fileSystem.provisioned_throughput_in_mibps).toBeUndefined();
  });

  it('manages the EFS automatic backup policy as DISABLED by default', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN the AWS Backup plan does the backups; EFS's own daily backup is explicitly off
    expect(resources(json, 'aws_efs_backup_policy')).toEqual([
      expect.objectContaining({
        file_system_id: ref(json, 'aws_efs_file_system', 'Efs/FileSystem'),
        backup_policy: { status: 'DISABLED' },
      }),
    ]);
  });

  it('enables the EFS automatic backup policy when asked', () => {
    // GIVEN / WHEN
    const json = synthFileSystem({ automaticBackups: true });
    // THEN
    expect(resourceAt(json, 'aws_efs_backup_policy', 'Efs/BackupPolicy').backup_policy).toEqual({
      status: 'ENABLED',
    });
  });

  it('puts a mount target in every subnet behind the EFS security group', () => {
    // GIVEN / WHEN three subnets
    const subnetIds = ['subnet-01', 'subnet-02', 'subnet-03'];
    const json = synthFileSystem({ subnetIds });
    // THEN
    const fileSystem = ref(json, 'aws_efs_file_system', 'Efs/FileSystem');
    const group = ref(json, 'aws_security_group', 'Efs/SecurityGroup');
    expect(resources(json, 'aws_efs_mount_target')).toHaveLength(3);
    subnetIds.forEach((subnetId, index) => {
      expect(resourceAt(json, 'aws_efs_mount_target', `Efs/MountTarget${index + 1}`)).toMatchObject({
        file_system_id: fileSystem,
        subnet_id: subnetId,
        security_groups: [group],
      });
    });
  });

  it('gives the mount targets their own security group in the VPC', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN
    expect(resources(json, 'aws_security_group')).toEqual([
      expect.objectContaining({
        name: 'fargate-test-efs',
        description: expect.stringMatching(/NFS/),
        vpc_id: 'vpc-0123456789abcdef0',
        tags: { Name: 'fargate-test-efs' },
      }),
    ]);
  });

  it('admits no one until a client is given access: no ingress rule of its own', () => {
    // GIVEN / WHEN a file system without clients
    const json = synthFileSystem();
    // THEN NFS is open to no one; each service's FileSystemAccess adds its own rule
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(resourceAt(json, 'aws_security_group', 'Efs/SecurityGroup').ingress).toBeUndefined();
    expect(resources(json, 'aws_efs_access_point')).toEqual([]);
  });

  it('adds no egress rule: mount targets never open connections', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(resources(json, 'aws_security_group_rule')).toEqual([]);
    expect(resourceAt(json, 'aws_security_group', 'Efs/SecurityGroup').egress).toBeUndefined();
  });

  it('denies every request made without TLS in the file-system policy', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN
    const document = dataAt(json, 'aws_iam_policy_document', 'Efs/FileSystemPolicyDocument');
    expect(document.statement).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: 'AWS', identifiers: ['*'] }],
        actions: ['*'],
        resources: [ref(json, 'aws_efs_file_system', 'Efs/FileSystem', 'arn')],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
    const documentName = Object.keys(json.data?.aws_iam_policy_document ?? {}).find(
      (name) => json.data?.aws_iam_policy_document[name] === document,
    );
    expect(resources(json, 'aws_efs_file_system_policy')).toEqual([
      expect.objectContaining({
        file_system_id: ref(json, 'aws_efs_file_system', 'Efs/FileSystem'),
        policy: `\${data.aws_iam_policy_document.${documentName}.json}`,
        bypass_policy_lockout_safety_check: false,
      }),
    ]);
  });

  it('puts every resource and data source on the given provider', () => {
    // GIVEN / WHEN
    const json = synthFileSystem();
    // THEN
    const blocks = allBlocks(json);
    expect(blocks.map((block) => block.type).sort()).toEqual([
      'aws_efs_backup_policy',
      'aws_efs_file_system',
      'aws_efs_file_system_policy',
      'aws_efs_mount_target',
      'aws_efs_mount_target',
      'aws_iam_policy_document',
      'aws_kms_alias',
      'aws_kms_key',
      'aws_security_group',
    ]);
    expect(blocks.filter((block) => block.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it('rejects an empty subnet list', () => {
    expect(() => synthFileSystem({ subnetIds: [] })).toThrow(
      'FileSystem: subnetIds [] is not allowed; list at least 1 private subnet for a mount target',
    );
  });

  it('rejects a repeated subnet', () => {
    expect(() => synthFileSystem({ subnetIds: ['subnet-01', 'subnet-01'] })).toThrow(
      'FileSystem: subnetIds ["subnet-01","subnet-01"] is not allowed; subnets must be distinct; each gets one mount target',
    );
  });

  it('rejects an unknown throughput mode', () => {
    expect(() => synthFileSystem({ throughputMode: 'burst' as 'bursting' })).toThrow(
      'FileSystem: throughputMode "burst" is not allowed; use one of bursting, elastic, provisioned',
    );
  });

  it('rejects provisioned mode without a throughput', () => {
    expect(() => synthFileSystem({ throughputMode: 'provisioned' })).toThrow(
      'FileSystem: provisionedThroughputMibps undefined is not allowed; required when throughputMode is provisioned; use 1 to 3414 MiB/s',
    );
  });

  it('rejects a provisioned throughput outside provisioned mode', () => {
    expect(() => synthFileSystem({ provisionedThroughputMibps: 100 })).toThrow(
      'FileSystem: provisionedThroughputMibps 100 is not allowed; set it only when throughputMode is provisioned, not bursting',
    );
  });

  it('rejects a provisioned throughput below 1 MiB/s', () => {
    expect(() => synthFileSystem({ throughputMode: 'provisioned', provisionedThroughputMibps: 0 })).toThrow(
      'FileSystem: provisionedThroughputMibps 0 is not allowed; use 1 to 3414 MiB/s',
    );
  });

  it('rejects a provisioned throughput above 3414 MiB/s', () => {
    expect(() =>
      synthFileSystem({ throughputMode: 'provisioned', provisionedThroughputMibps: 3415 }),
    ).toThrow('FileSystem: provisionedThroughputMibps 3415 is not allowed; use 1 to 3414 MiB/s');
  });

  it('rejects a transition the provider does not offer', () => {
    expect(() => synthFileSystem({ transitionToIa: 'AFTER_2_DAYS' as 'AFTER_1_DAY' })).toThrow(
      'FileSystem: transitionToIa "AFTER_2_DAYS" is not allowed; use one of AFTER_1_DAY, AFTER_7_DAYS, ' +
        'AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS',
    );
  });
});
