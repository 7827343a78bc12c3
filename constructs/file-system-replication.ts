import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsReplicationConfiguration } from '@cdktf/provider-aws/lib/efs-replication-configuration';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ValidationError } from './validation-error';

/**
 * AWS's stated recovery point objective for EFS replication: "most" changes reach the replica
 * within 15 minutes (Amazon EFS User Guide, "Replicating file systems"). Used for the RPO the plan
 * summary and README state; the alarm below fires well after it.
 */
export const EFS_REPLICATION_RPO_SECONDS = 15 * 60;

export interface FileSystemReplicationProps {
  /** The provider of the source file system's region (the replication configuration lives there). */
  readonly provider: AwsProvider;
  /** The file system to replicate. */
  readonly fileSystem: EfsFileSystem;
  /** The region of the replica, another region of the environment, e.g. `eu-west-1`. */
  readonly destinationRegion: string;
  /**
   * ARN of a KMS key in `destinationRegion` that encrypts the replica.
   * @default - EFS's AWS-managed key (`aws/elasticfilesystem`) of that region
   */
  readonly destinationKmsKeyArn?: string;
  /** Name of the lag alarm, e.g. `fargate-prod-efs-replication-lag`. */
  readonly alarmName: string;
  /** ARN of the source region's alarm topic: the alarm notifies it on ALARM and on OK. */
  readonly alarmTopicArn: string;
  /**
   * Seconds since the last successful sync (`TimeSinceLastSync`, maximum over 5 minutes) above which
   * it alarms, for two periods in a row; at least the 15-minute RPO AWS states.
   * @default 1800 - twice AWS's stated RPO
   */
  readonly maxSecondsSinceLastSync?: number;
}

/**
 * EFS replication of one region's file system to a new, read-only file system in another region
 * (the replica EFS creates and keeps in sync; not a Terraform resource of its own), and an alarm on
 * the replication's lag. On the day the source region is lost, the replica is promoted: delete the
 * replication configuration (from the replica's region) and the replica becomes writable; see the
 * README's promotion runbook.
 */
export class FileSystemReplication extends Construct {
  public readonly replication: EfsReplicationConfiguration;
  /** `TimeSinceLastSync` above `maxSecondsSinceLastSync`. */
  public readonly lagAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: FileSystemReplicationProps) {
    super(scope, id);
    const threshold = props.maxSecondsSinceLastSync ?? 2 * EFS_REPLICATION_RPO_SECONDS;
    if (
      !Token.isUnresolved(threshold) &&
      !(Number.isInteger(threshold) && threshold >= EFS_REPLICATION_RPO_SECONDS)
    ) {
      throw new ValidationError(
        'FileSystemReplication',
        'maxSecondsSinceLastSync',
        threshold,
        `use a whole number of seconds from ${EFS_REPLICATION_RPO_SECONDS} (AWS's stated replication RPO)`,
      );
    }
    if (!/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(props.destinationRegion)) {
      throw new ValidationError(
        'FileSystemReplication',
        'destinationRegion',
        props.destinationRegion,
        'use an AWS region code such as eu-west-1',
      );
    }
    this.replication = new EfsReplicationConfiguration(this, 'Replication', {
      provider: props.provider,
      sourceFileSystemId: props.fileSystem.id,
      destination: {
        region: props.destinationRegion,
        kmsKeyId: props.destinationKmsKeyArn,
      },
    });
    this.lagAlarm = new CloudwatchMetricAlarm(this, 'LagAlarm', {
      provider: props.provider,
      alarmName: props.alarmName,
      alarmDescription: `EFS replication of ${props.fileSystem.id} to ${props.destinationRegion} has not synced for more than ${threshold} s: files written since then would be lost with this region`,
      namespace: 'AWS/EFS',
      metricName: 'TimeSinceLastSync',
      dimensions: {
        FileSystemId: props.fileSystem.id,
        DestinationFileSystemId: this.replication.destination.fileSystemId,
      },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 2,
      threshold,
      comparisonOperator: 'GreaterThanThreshold',
      // EFS publishes the metric while the replication runs; none (replication deleted, region
      // unreachable) is not a lag of its own.
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
  }
}
