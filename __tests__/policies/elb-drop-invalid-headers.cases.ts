import { Alb } from '@cdktf/provider-aws/lib/alb';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { elbDropInvalidHeaders } from '../../policies/rules/elb-drop-invalid-headers';
import { ruleResults } from '../../test-support/policy';

describe('rule elb-drop-invalid-headers', () => {
  it('passes application load balancers that drop invalid headers, fails those that do not', () => {
    // GIVEN an ALB that drops invalid headers, one of the default type that does not, and an aws_alb that does
    const results = ruleResults(elbDropInvalidHeaders, (scope, provider) => {
      new Lb(scope, 'Dropping', {
        provider,
        loadBalancerType: 'application',
        subnets: ['subnet-1', 'subnet-2'],
        dropInvalidHeaderFields: true,
      });
      new Lb(scope, 'DefaultType', { provider, subnets: ['subnet-1', 'subnet-2'] });
      new Alb(scope, 'AlbAlias', {
        provider,
        subnets: ['subnet-1', 'subnet-2'],
        dropInvalidHeaderFields: true,
      });
    });
    // WHEN checked THEN only the one that keeps invalid headers fails
    expect(results).toEqual({ Dropping: 'compliant', DefaultType: 'non-compliant', AlbAlias: 'compliant' });
  });

  it('does not apply to network and gateway load balancers, which do not parse HTTP', () => {
    // GIVEN a network and a gateway load balancer WHEN checked THEN not applicable
    const results = ruleResults(elbDropInvalidHeaders, (scope, provider) => {
      new Lb(scope, 'Network', { provider, loadBalancerType: 'network', subnets: ['subnet-1'] });
      new Lb(scope, 'Gateway', { provider, loadBalancerType: 'gateway', subnets: ['subnet-1'] });
    });
    expect(results).toEqual({ Network: 'not-applicable', Gateway: 'not-applicable' });
  });
});
