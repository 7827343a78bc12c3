import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ValidationError } from './validation-error';

/** AWS Backup's job states that mean a recovery point, or its copy in another region, is missing. */
export const FAILED_JOB_STATES = ['FAILED', 'ABORTED', 'EXPIRED'] as const;

export interface BackupJobAlertsProps {
  /** The provider of the region whose backup and copy jobs are watched (AWS Backup's events are regional). */
  readonly provider: AwsProvider;
  /** Name of the EventBridge rule, e.g. `fargate-prod-backup-jobs-failed`: 1 to 64 letters, digits, `.`, `-`, `_`. */
  readonly ruleName: string;
  /**
   * ARN of the region's alarm topic; its policy must let this account's EventBridge rules publish
   * (`AlarmTopic`'s does) and its key must let EventBridge use it.
   */
  readonly topicArn: string;
}

/**
 * A notification to the region's alarm topic for every AWS Backup backup job and copy job of this
 * account and region that fails, is aborted or expires (EventBridge's "Backup Job State Change" and
 * "Copy Job State Change" events, which AWS Backup emits within about 5 minutes). A failed copy job
 * means the region's newest recovery point has no copy in the next region: the region's files
 * would be lost with it beyond the last good copy.
 *
 * Events, not metric alarms: an event names the job, the resource and the vault, and needs no
 * guess about which dimensions AWS Backup's CloudWatch metrics carry.
 */
export class BackupJobAlerts extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly target: CloudwatchEventTarget;

  constructor(scope: Construct, id: string, props: BackupJobAlertsProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(props.ruleName)) {
      throw new ValidationError(
        'BackupJobAlerts',
        'ruleName',
        props.ruleName,
        'use 1 to 64 letters, digits, dots, hyphens and underscores',
      );
    }
    this.rule = new CloudwatchEventRule(this, 'Rule', {
      provider: props.provider,
      name: props.ruleName,
      description: 'AWS Backup backup or copy job failed, aborted or expired',
      eventPattern: JSON.stringify({
        source: ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: [...FAILED_JOB_STATES] },
      }),
    });
    this.target = new CloudwatchEventTarget(this, 'Target', {
      provider: props.provider,
      rule: this.rule.name,
      targetId: 'alarm-topic',
      arn: props.topicArn,
    });
  }
}
