import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { elbAccessLogs } from '../../policies/rules/elb-access-logs';
import { ruleResults } from '../../test-support/policy';

const loadBalancers = (scope: Construct, provider: AwsProvider) => {
  const subnets = ['subnet-1', 'subnet-2'];
  new Lb(scope, 'Logging', {
    provider,
    subnets,
    accessLogs: { enabled: true, bucket: 'logs', prefix: 'alb' },
  });
  new Lb(scope, 'Disabled', { provider, subnets, accessLogs: { enabled: false, bucket: 'logs' } });
  new Lb(scope, 'NoLogs', { provider, subnets });
  new Lb(scope, 'Network', { provider, loadBalancerType: 'network', subnets });
};

describe('rule elb-access-logs', () => {
  it('in prod, passes an ALB delivering access logs, fails one with logs off or absent', () => {
    // GIVEN ALBs logging, logging disabled, without logs, and an NLB WHEN checked for prod THEN
    const results = ruleResults(elbAccessLogs, loadBalancers, { environment: 'prod', tier: 'production' });
    expect(results).toEqual({
      Logging: 'compliant',
      Disabled: 'non-compliant',
      NoLogs: 'non-compliant',
      Network: 'not-applicable',
    });
  });

  it('does not apply outside prod', () => {
    const results = ruleResults(elbAccessLogs, loadBalancers, { environment: 'dev', tier: 'development' });
    expect(Object.values(results)).toEqual(Array(4).fill('not-applicable'));
  });
});
