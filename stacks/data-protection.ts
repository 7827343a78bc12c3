import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BackupJobAlerts } from '../constructs/backup-job-alerts';
import { FileSystemReplication } from '../constructs/file-system-replication';
import { RegionalPlatform } from '../constructs/regional-platform';
import { Settings } from '../settings/schema';
import { tierDefaults } from '../settings/tier-defaults';

/**
 * With `efs.replication` (on by default in production), each region's file system is replicated to
 * the next region of the list (the last to the first), as its backups are copied: a read-only
 * replica encrypted with that region's EFS key, and a lag alarm to the source region's topic. Each
 * replication lives in its region's scope (`<region>/FileSystemReplication`), so adding a region
 * never moves another's.
 */
export function replicateFileSystems(
  settings: Settings,
  platforms: ReadonlyMap<string, RegionalPlatform>,
  providerOf: (region: string) => AwsProvider,
): FileSystemReplication[] {
  if (!tierDefaults(settings).efsReplication) return [];
  return settings.regions.map((region, index) => {
    const next = settings.regions[(index + 1) % settings.regions.length].name;
    const source = platforms.get(region.name) as RegionalPlatform;
    const destination = platforms.get(next) as RegionalPlatform;
    return new FileSystemReplication(source, 'FileSystemReplication', {
      provider: providerOf(region.name),
      fileSystem: source.fileSystem.fileSystem,
      destinationRegion: next,
      destinationKmsKeyArn: destination.fileSystem.key.arn,
      alarmName: `${settings.app}-${settings.environment}-efs-replication-lag`,
      alarmTopicArn: source.alarmTopic.topic.arn,
    });
  });
}

/**
 * In every region, a notification to the region's alarm topic for each failed, aborted or expired
 * AWS Backup backup or copy job (`<region>/BackupJobAlerts`).
 */
export function alertOnFailedBackupJobs(
  settings: Settings,
  platforms: ReadonlyMap<string, RegionalPlatform>,
  providerOf: (region: string) => AwsProvider,
): BackupJobAlerts[] {
  return settings.regions.map((region) => {
    const platform = platforms.get(region.name) as RegionalPlatform;
    return new BackupJobAlerts(platform, 'BackupJobAlerts', {
      provider: providerOf(region.name),
      ruleName: `${settings.app}-${settings.environment}-backup-jobs-failed`,
      topicArn: platform.alarmTopic.topic.arn,
    });
  });
}
