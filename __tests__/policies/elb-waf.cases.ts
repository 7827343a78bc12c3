import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { elbWaf } from '../../policies/rules/elb-waf';
import { ruleResults } from '../../test-support/policy';

const webAclArn =
  'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/12345678-1234-1234-1234-123456789012';

const loadBalancers = (scope: Construct, provider: AwsProvider) => {
  const subnets = ['subnet-1', 'subnet-2'];
  const protectedLb = new Lb(scope, 'Protected', { provider, subnets });
  new Wafv2WebAclAssociation(scope, 'Association', { provider, resourceArn: protectedLb.arn, webAclArn });
  new Lb(scope, 'Unprotected', { provider, subnets });
  // An association by a literal ARN protects some other load balancer, not this one.
  new Lb(scope, 'OtherAssociated', { provider, subnets });
  new Wafv2WebAclAssociation(scope, 'Literal', {
    provider,
    resourceArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/other/1',
    webAclArn,
  });
  new Lb(scope, 'Internal', { provider, subnets, internal: true });
  new Lb(scope, 'Network', { provider, loadBalancerType: 'network', subnets });
};

describe('rule elb-waf', () => {
  it('in prod, passes an internet-facing ALB with a web ACL association, fails one without', () => {
    // GIVEN ALBs with and without an association, an internal ALB and an NLB WHEN checked for prod THEN
    const results = ruleResults(elbWaf, loadBalancers, { environment: 'prod', tier: 'production' });
    expect(results).toEqual({
      Protected: 'compliant',
      Unprotected: 'non-compliant',
      OtherAssociated: 'non-compliant',
      Internal: 'not-applicable',
      Network: 'not-applicable',
    });
  });

  it('does not apply outside prod', () => {
    const results = ruleResults(elbWaf, loadBalancers, { environment: 'dev', tier: 'development' });
    expect(Object.values(results)).toEqual(Array(5).fill('not-applicable'));
  });
});
