/**
 * EFS replication (issue 20): the platform's wiring (each region's file system to the next region, on
 * by default in production only).
 */
import { synthPlatformOnce } from '../../test-support/platform';
import { SynthesizedJson, productionOverrides, ref, resources } from '../../test-support/synth';

describe('the platform’s file system replication', () => {
  const PROD = productionOverrides('test fixture: replication only, no domain needed');
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
