/**
 * EFS replication (issue 20): the construct, and the platform's wiring (each region's file system to
 * the next region, on by default in production only).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { FileSystemReplication, FileSystemReplicationProps } from '../constructs/file-system-replication';
import { synthPlatformOnce } from '../test-support/platform';
import { SynthesizedJson, ref, resources, synthScopeJson } from '../test-support/synth';

function synthReplication(props: Partial<Omit<FileSystemReplicationProps, 'provider' | 'fileSystem'>> = {}) {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1' });
    const fileSystem = new EfsFileSystem(scope, 'Fs', { provider, encrypted: true });
    new FileSystemReplication(scope, 'FileSystemReplication', {
      provider,
      fileSystem,
      destinationRegion: 'eu-west-1',
      alarmName: 'app-test-efs-replication-lag',
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
      ...props,
    });
  });
}

describe('FileSystemReplication', () => {
  it('replicates the file system to the destination region with the given key', () => {
    const json = synthReplication({ destinationKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' });
    const [replication] = resources(json, 'aws_efs_replication_configuration');
    expect(replication.source_file_system_id).toBe(ref(json, 'aws_efs_file_system', 'Fs'));
    expect(replication.destination).toEqual({
      region: 'eu-west-1',
      kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
    });
  });

  it('alarms on TimeSinceLastSync above twice the 15-minute RPO by default, to the topic, on ALARM and OK', () => {
    const json = synthReplication();
    const [alarm] = resources(json, 'aws_cloudwatch_metric_alarm');
    expect(alarm).toMatchObject({
      alarm_name: 'app-test-efs-replication-lag',
      namespace: 'AWS/EFS',
      metric_name: 'TimeSinceLastSync',
      statistic: 'Maximum',
      threshold: 1800,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: ['arn:aws:sns:us-east-1:123456789012:alarms'],
      ok_actions: ['arn:aws:sns:us-east-1:123456789012:alarms'],
    });
    expect(alarm.dimensions).toEqual({
      FileSystemId: ref(json, 'aws_efs_file_system', 'Fs'),
      DestinationFileSystemId: expect.stringMatching(
        /^\$\{aws_efs_replication_configuration\.\w+\.destination\[0\]\.file_system_id\}$/,
      ),
    });
  });

  it('takes another lag threshold', () => {
    const [alarm] = resources(
      synthReplication({ maxSecondsSinceLastSync: 3600 }),
      'aws_cloudwatch_metric_alarm',
    );
    expect(alarm.threshold).toBe(3600);
  });

  it.each([
    [
      { maxSecondsSinceLastSync: 600 },
      'maxSecondsSinceLastSync',
      '600',
      'use a whole number of seconds from 900',
    ],
    [
      { destinationRegion: 'Europe' },
      'destinationRegion',
      '"Europe"',
      'use an AWS region code such as eu-west-1',
    ],
  ])('refuses %j, naming the prop, the value and what is allowed', (props, prop, value, allowed) => {
    expect(() => synthReplication(props)).toThrow(prop);
    expect(() => synthReplication(props)).toThrow(value);
    expect(() => synthReplication(props)).toThrow(allowed);
  });
});

describe('the platform’s file system replication', () => {
  const PROD = {
    environment: 'prod',
    tier: 'production' as const,
    image: { tag: '1.0.0' },
    backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
    alarms: { emails: ['oncall@example.com'] },
    task: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
    edge: { plainHttpReason: 'test fixture: replication only, no domain needed' },
  };
  const replications = (json: SynthesizedJson) => resources(json, 'aws_efs_replication_configuration');

  it('is on by default in production: each region to the next, with the next region’s EFS key, in its own scope', () => {
    const json = synthPlatformOnce(PROD);
    const byPath = Object.fromEntries(replications(json).map((r) => [r.path, r]));
    expect(Object.keys(byPath).sort()).toEqual([
      'fargate-test/eu-west-1/FileSystemReplication/Replication',
      'fargate-test/us-east-1/FileSystemReplication/Replication',
    ]);
    const east = byPath['fargate-test/us-east-1/FileSystemReplication/Replication'];
    expect(east.provider).toBe('aws.us_east_1');
    expect(east.destination).toEqual({
      region: 'eu-west-1',
      kms_key_id: ref(json, 'aws_kms_key', 'eu-west-1/FileSystem/Key/Key', 'arn'),
    });
    expect(east.source_file_system_id).toBe(
      ref(json, 'aws_efs_file_system', 'us-east-1/FileSystem/FileSystem'),
    );
    expect(byPath['fargate-test/eu-west-1/FileSystemReplication/Replication'].destination).toMatchObject({
      region: 'us-east-1',
    });
    const lag = resources(json, 'aws_cloudwatch_metric_alarm').filter(
      (a) => a.metric_name === 'TimeSinceLastSync',
    );
    expect(Object.fromEntries(lag.map((a) => [a.path, a.alarm_actions]))).toEqual({
      'fargate-test/us-east-1/FileSystemReplication/LagAlarm': [
        ref(json, 'aws_sns_topic', 'us-east-1/AlarmTopic/Topic', 'arn'),
      ],
      'fargate-test/eu-west-1/FileSystemReplication/LagAlarm': [
        ref(json, 'aws_sns_topic', 'eu-west-1/AlarmTopic/Topic', 'arn'),
      ],
    });
  });

  it('is off by default in development, and on when the setting asks', () => {
    expect(replications(synthPlatformOnce())).toEqual([]);
    expect(replications(synthPlatformOnce({ efs: { replication: true } }))).toHaveLength(2);
  });

  it('can be turned off in production', () => {
    expect(replications(synthPlatformOnce({ ...PROD, efs: { replication: false } }))).toEqual([]);
  });

  it('has nowhere to go with one region', () => {
    const json = synthPlatformOnce({
      efs: { replication: true },
      regions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      ],
    } as never);
    expect(replications(json)).toEqual([]);
  });

  it('replicates every region’s bucket to every other one in production (full mesh), each with its alarms', () => {
    const json = synthPlatformOnce(PROD);
    const configurations = resources(json, 'aws_s3_bucket_replication_configuration');
    expect(configurations.map((c) => c.path).sort()).toEqual([
      'fargate-test/DataReplication/eu-west-1/Configuration',
      'fargate-test/DataReplication/us-east-1/Configuration',
    ]);
    const s3Alarms = resources(json, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/S3');
    expect(Object.fromEntries(s3Alarms.map((a) => [a.alarm_name, a.alarm_actions]))).toEqual({
      'fargate-prod-s3-replication-us-east-1-to-eu-west-1-failed': [
        ref(json, 'aws_sns_topic', 'us-east-1/AlarmTopic/Topic', 'arn'),
      ],
      'fargate-prod-s3-replication-us-east-1-to-eu-west-1-latency': [
        ref(json, 'aws_sns_topic', 'us-east-1/AlarmTopic/Topic', 'arn'),
      ],
      'fargate-prod-s3-replication-eu-west-1-to-us-east-1-failed': [
        ref(json, 'aws_sns_topic', 'eu-west-1/AlarmTopic/Topic', 'arn'),
      ],
      'fargate-prod-s3-replication-eu-west-1-to-us-east-1-latency': [
        ref(json, 'aws_sns_topic', 'eu-west-1/AlarmTopic/Topic', 'arn'),
      ],
    });
  });

  it('replicates one way in development unless replication.bidirectional, and in production when told so', () => {
    const paths = (json: SynthesizedJson) =>
      resources(json, 'aws_s3_bucket_replication_configuration').map((c) => c.path);
    expect(paths(synthPlatformOnce())).toEqual(['fargate-test/DataReplication/us-east-1/Configuration']);
    expect(paths(synthPlatformOnce({ ...PROD, replication: { bidirectional: false } }))).toEqual([
      'fargate-test/DataReplication/us-east-1/Configuration',
    ]);
  });
});
