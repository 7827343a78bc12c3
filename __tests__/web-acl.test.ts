import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { WebAcl, WebAclProps } from '../constructs/web-acl';
import { SynthesizedJson, allBlocks, dataAt, ref, resourceAt, synthScopeJson } from '../test-support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- WAF statements and policy documents are free-form */

function synthWebAcl(props: Partial<Omit<WebAclProps, 'provider'>> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    new WebAcl(scope, 'Waf', {
      provider,
      region: 'eu-west-1',
      accountId: '123456789012',
      namePrefix: 'fargate-test',
      ...props,
    });
  });
}

describe('WebAcl', () => {
  it('allows by default and runs IP reputation, a per-IP rate limit, then the Common and Known Bad Inputs groups', () => {
    // GIVEN / WHEN the defaults
    const acl = resourceAt(synthWebAcl(), 'aws_wafv2_web_acl', 'Waf/WebAcl');
    // THEN
    expect(acl).toMatchObject({
      name: 'fargate-test-web-acl',
      scope: 'REGIONAL',
      default_action: { allow: {} },
    });
    const rules = acl.rule as any[];
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [0, 'AWSManagedRulesAmazonIpReputationList'],
      [1, 'RateLimitPerIp'],
      [2, 'AWSManagedRulesCommonRuleSet'],
      [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    for (const rule of [rules[0], rules[2], rules[3]]) {
      expect(rule.override_action).toEqual({ none: {} });
      expect(rule.statement).toEqual({
        managed_rule_group_statement: { name: rule.name, vendor_name: 'AWS' },
      });
    }
    expect(rules[1]).toMatchObject({
      action: { block: {} },
      statement: {
        rate_based_statement: { limit: 2000, aggregate_key_type: 'IP', evaluation_window_sec: 300 },
      },
    });
    for (const rule of rules) {
      expect(rule.visibility_config).toEqual({
        cloudwatch_metrics_enabled: true,
        sampled_requests_enabled: true,
        metric_name: `fargate-test-${rule.name}`,
      });
    }
  });

  it('takes the rate limit from props', () => {
    const acl = resourceAt(synthWebAcl({ rateLimit: 300 }), 'aws_wafv2_web_acl', 'Waf/WebAcl');
    expect((acl.rule as any[])[1].statement.rate_based_statement.limit).toBe(300);
  });

  it('logs to aws-waf-logs-<prefix> with retention and key, Authorization and Cookie redacted', () => {
    const json = synthWebAcl({
      logRetentionDays: 365,
      logKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
    });
    expect(resourceAt(json, 'aws_cloudwatch_log_group', 'Waf/LogGroup')).toMatchObject({
      name: 'aws-waf-logs-fargate-test',
      retention_in_days: 365,
      kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/k',
    });
    expect(resourceAt(json, 'aws_wafv2_web_acl_logging_configuration', 'Waf/Logging')).toMatchObject({
      resource_arn: ref(json, 'aws_wafv2_web_acl', 'Waf/WebAcl', 'arn'),
      log_destination_configs: [ref(json, 'aws_cloudwatch_log_group', 'Waf/LogGroup', 'arn')],
      redacted_fields: [{ single_header: { name: 'authorization' } }, { single_header: { name: 'cookie' } }],
    });
  });

  it("lets the log delivery service write to the log group for this account's region only", () => {
    const json = synthWebAcl();
    const [statement] = dataAt(json, 'aws_iam_policy_document', 'Waf/LogDeliveryPolicy').statement as any[];
    expect(statement).toEqual({
      sid: 'WafLogDelivery',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${ref(json, 'aws_cloudwatch_log_group', 'Waf/LogGroup', 'arn')}:*`],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws:logs:eu-west-1:123456789012:*'] },
      ],
    });
    expect(resourceAt(json, 'aws_cloudwatch_log_resource_policy', 'Waf/LogDelivery').policy_name).toBe(
      'fargate-test-waf-log-delivery',
    );
  });

  it('puts every block on the given provider', () => {
    expect(allBlocks(synthWebAcl()).filter((b) => b.provider !== 'aws.eu_west_1')).toEqual([]);
  });

  it.each([9, 2_000_000_001, 1.5])('rejects the rate limit %p', (rateLimit) => {
    expect(() => synthWebAcl({ rateLimit })).toThrow(
      `WebAcl: rateLimit ${rateLimit} is not allowed; use an integer from 10 to 2000000000 requests per 5 minutes`,
    );
  });
});
