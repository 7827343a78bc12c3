import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Wafv2WebAcl, Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { ValidationError } from './validation-error';

/** The AWS managed rule groups of the web ACL, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;
/** AWS WAF only delivers to log groups whose name starts with this. */
export const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';
/** Headers whose values never reach the logs. */
const REDACTED_HEADERS = ['authorization', 'cookie'];

export interface WebAclProps {
  /** The provider of the region; a regional web ACL protects load balancers of its own region. */
  readonly provider: AwsProvider;
  /** The region, for the log delivery policy's source ARN. */
  readonly region: string;
  /** The account, for the log delivery policy's conditions. */
  readonly accountId: string;
  /** Prefix of the names: `<namePrefix>-web-acl` and the log group `aws-waf-logs-<namePrefix>`. */
  readonly namePrefix: string;
  /**
   * Requests one client IP may send in 5 minutes before the rate rule blocks it, 10 to 2000000000.
   * @default 2000
   */
  readonly rateLimit?: number;
  /**
   * Retention of the log group, in days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * KMS key of the log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
}

/**
 * A regional AWS WAF web ACL for a load balancer: allow by default; block clients on Amazon's IP
 * reputation list, clients above a request rate per IP, and what AWS's Common and Known Bad Inputs
 * rule groups match. Every rule publishes CloudWatch metrics and sampled requests, and the ACL logs
 * to `aws-waf-logs-<namePrefix>` with the Authorization and Cookie headers redacted.
 */
export class WebAcl extends Construct {
  public readonly webAcl: Wafv2WebAcl;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly logging: Wafv2WebAclLoggingConfiguration;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 2000;
    if (
      !Token.isUnresolved(rateLimit) &&
      (!Number.isInteger(rateLimit) || rateLimit < 10 || rateLimit > 2e9)
    ) {
      throw new ValidationError(
        'WebAcl',
        'rateLimit',
        rateLimit,
        'use an integer from 10 to 2000000000 requests per 5 minutes',
      );
    }
    const { provider, namePrefix } = props;
    const name = `${namePrefix}-web-acl`;
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${namePrefix}-${metricName}`,
    });
    const managed = (group: string, priority: number): Wafv2WebAclRule => ({
      name: group,
      priority,
      overrideAction: { none: {} },
      // statement is untyped in the provider bindings: Terraform's own (snake_case) names.
      statement: { managed_rule_group_statement: { name: group, vendor_name: 'AWS' } },
      visibilityConfig: visibility(group),
    });
    const [reputation, common, badInputs] = MANAGED_RULE_GROUPS;
    this.webAcl = new Wafv2WebAcl(this, 'WebAcl', {
      provider,
      name,
      description: `Load balancer of ${namePrefix}: IP reputation, rate limit, AWS common and known-bad-input rules`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: [
        managed(reputation, 0),
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rate_based_statement: { limit: rateLimit, aggregate_key_type: 'IP', evaluation_window_sec: 300 },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed(common, 2),
        managed(badInputs, 3),
      ],
      visibilityConfig: visibility('web-acl'),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      provider,
      name: `${WAF_LOG_GROUP_PREFIX}${namePrefix}`,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.logKmsKeyArn,
    });
    // WAF delivers through CloudWatch Logs' vended-log service; without this policy it tries to
    // add one itself, which needs logs:PutResourcePolicy on the deployer.
    const delivery = new DataAwsIamPolicyDocument(this, 'LogDeliveryPolicy', {
      provider,
      statement: [
        {
          sid: 'WafLogDelivery',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:aws:logs:${props.region}:${props.accountId}:*`],
            },
          ],
        },
      ],
    });
    const policy = new CloudwatchLogResourcePolicy(this, 'LogDelivery', {
      provider,
      policyName: `${namePrefix}-waf-log-delivery`,
      policyDocument: delivery.json,
    });
    this.logging = new Wafv2WebAclLoggingConfiguration(this, 'Logging', {
      provider,
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
      dependsOn: [policy],
    });
  }

  /** The web ACL's ARN, for the load balancer's association. */
  public get arn(): string {
    return this.webAcl.arn;
  }
}
