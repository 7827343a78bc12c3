import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { elbDeletionProtection } from '../../policies/rules/elb-deletion-protection';
import { ruleResults } from '../../test-support/policy';

const twoLoadBalancers = (scope: Construct, provider: AwsProvider) => {
  new Lb(scope, 'Protected', { provider, subnets: ['subnet-1', 'subnet-2'], enableDeletionProtection: true });
  new Lb(scope, 'Unprotected', { provider, loadBalancerType: 'network', subnets: ['subnet-1'] });
};

describe('rule elb-deletion-protection', () => {
  it('in prod, passes a protected load balancer and fails an unprotected one of any type', () => {
    // GIVEN a protected ALB and an unprotected NLB WHEN checked for prod THEN
    const results = ruleResults(elbDeletionProtection, twoLoadBalancers, {
      environment: 'prod',
      tier: 'production',
    });
    expect(results).toEqual({ Protected: 'compliant', Unprotected: 'non-compliant' });
  });

  it('does not apply outside prod', () => {
    // GIVEN the same load balancers WHEN checked for dev THEN not applicable
    const results = ruleResults(elbDeletionProtection, twoLoadBalancers, {
      environment: 'dev',
      tier: 'development',
    });
    expect(results).toEqual({ Protected: 'not-applicable', Unprotected: 'not-applicable' });
  });
});
