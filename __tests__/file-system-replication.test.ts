/**
 * EFS replication (issue 20): the construct. The platform's wiring (each region's file system to the
 * next region, on by default in production only) is in environments/file-system-replication.test.ts.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { FileSystemReplication, FileSystemReplicationProps } from '../constructs/file-system-replication';
import { ref, resources, synthScopeJson } from '../test-support/synth';

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
