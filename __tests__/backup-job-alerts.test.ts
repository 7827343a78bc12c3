/**
 * Failed AWS Backup backup and copy jobs notify the region's alarm topic (issue 20): the construct.
 * The platform's wiring in every region is in environments/backup-job-alerts.test.ts.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BackupJobAlerts } from '../constructs/backup-job-alerts';
import { ref, resources, synthScopeJson } from '../test-support/synth';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:fargate-test-alarms';

function synthAlerts(ruleName = 'fargate-test-backup-jobs-failed') {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1' });
    new BackupJobAlerts(scope, 'BackupJobAlerts', { provider, ruleName, topicArn: TOPIC });
  });
}

describe('BackupJobAlerts', () => {
  it('matches failed, aborted and expired backup and copy jobs', () => {
    const [rule] = resources(synthAlerts(), 'aws_cloudwatch_event_rule');
    expect(rule.name).toBe('fargate-test-backup-jobs-failed');
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
      detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
    });
  });

  it('sends them to the alarm topic', () => {
    const json = synthAlerts();
    const [target] = resources(json, 'aws_cloudwatch_event_target');
    expect(target).toMatchObject({
      arn: TOPIC,
      rule: ref(json, 'aws_cloudwatch_event_rule', 'BackupJobAlerts/Rule', 'name'),
    });
  });

  it('refuses a rule name EventBridge would refuse, naming it', () => {
    expect(() => synthAlerts('no spaces allowed')).toThrow(/ruleName.*"no spaces allowed".*letters, digits/);
  });
});
