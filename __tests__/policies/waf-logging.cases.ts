import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import { wafLogging } from '../../policies/rules/waf-logging';
import { ruleResults } from '../../test-support/policy';

const webAcl = (scope: Construct, provider: AwsProvider, id: string) =>
  new Wafv2WebAcl(scope, id, {
    provider,
    name: id.toLowerCase(),
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: id },
  });

describe('rule waf-logging', () => {
  it('passes a web ACL with a logging configuration, fails one without', () => {
    // GIVEN a logged web ACL and one whose only logging configuration names another ACL's ARN
    const results = ruleResults(wafLogging, (scope, provider) => {
      const logged = webAcl(scope, provider, 'Logged');
      new Wafv2WebAclLoggingConfiguration(scope, 'Logging', {
        provider,
        resourceArn: logged.arn,
        logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-x'],
      });
      webAcl(scope, provider, 'Unlogged');
      new Wafv2WebAclLoggingConfiguration(scope, 'OtherLogging', {
        provider,
        resourceArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/other/1',
        logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-y'],
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({ Logged: 'compliant', Unlogged: 'non-compliant' });
  });
});
