import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { ecsServiceNoPublicIp } from '../../policies/rules/ecs-service-no-public-ip';
import { ruleResults } from '../../test-support/policy';

describe('rule ecs-service-no-public-ip', () => {
  it('passes a service whose tasks get no public IP', () => {
    // GIVEN a service in private subnets WHEN checked THEN compliant
    const results = ruleResults(ecsServiceNoPublicIp, (scope, provider) => {
      new EcsService(scope, 'Service', {
        provider,
        name: 'svc',
        networkConfiguration: { subnets: ['subnet-1'], assignPublicIp: false },
      });
    });
    expect(results).toEqual({ Service: 'compliant' });
  });

  it('fails a service that assigns public IPs', () => {
    const results = ruleResults(ecsServiceNoPublicIp, (scope, provider) => {
      new EcsService(scope, 'Service', {
        provider,
        name: 'svc',
        networkConfiguration: { subnets: ['subnet-1'], assignPublicIp: true },
      });
    });
    expect(results).toEqual({ Service: 'non-compliant' });
  });

  it('does not apply to a service without awsvpc networking', () => {
    const results = ruleResults(ecsServiceNoPublicIp, (scope, provider) => {
      new EcsService(scope, 'Service', { provider, name: 'svc' });
    });
    expect(results).toEqual({ Service: 'not-applicable' });
  });
});
