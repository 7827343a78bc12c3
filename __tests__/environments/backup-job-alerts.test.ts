/**
 * Failed AWS Backup backup and copy jobs notify the region's alarm topic (issue 20): the platform's
 * wiring, every region's jobs to its own region's topic.
 */
import { synthPlatformOnce } from '../../test-support/platform';
import { ref, resources } from '../../test-support/synth';

describe('the platform’s backup job alerts', () => {
  it("watches every region's jobs, each notifying its own region's topic", () => {
    const json = synthPlatformOnce();
    const targets = Object.fromEntries(
      resources(json, 'aws_cloudwatch_event_target').map((target) => [target.path, target]),
    );
    for (const region of ['us-east-1', 'eu-west-1']) {
      const target = targets[`fargate-test/${region}/BackupJobAlerts/Target`];
      expect(target.arn).toBe(ref(json, 'aws_sns_topic', `${region}/AlarmTopic/Topic`, 'arn'));
      expect(target.provider).toBe(`aws.${region.replace(/-/g, '_')}`);
    }
  });
});
