import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { elbTls13Policy } from '../../policies/rules/elb-tls13-policy';
import { ruleResults } from '../../test-support/policy';

const common = {
  loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/x/1',
  defaultAction: [{ type: 'forward', targetGroupArn: 'arn:aws:tg' }],
};
const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/x';

describe('rule elb-tls13-policy', () => {
  it('passes HTTPS and TLS listeners with a TLS 1.3 policy, fails older or missing policies', () => {
    // GIVEN HTTPS/TLS listeners with TLS 1.3 policies, a TLS 1.2-only one, one that still allows
    // TLS 1.0, and one with no policy (AWS's default ELBSecurityPolicy-2016-08)
    const results = ruleResults(elbTls13Policy, (scope, provider) => {
      const https = (id: string, sslPolicy?: string) =>
        new LbListener(scope, id, {
          provider,
          ...common,
          port: 443,
          protocol: 'HTTPS',
          certificateArn,
          sslPolicy,
        });
      https('Tls13', 'ELBSecurityPolicy-TLS13-1-2-2021-06');
      https('Tls13PostQuantum', 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
      https('Tls12Only', 'ELBSecurityPolicy-TLS-1-2-2017-01');
      https('Tls13FromTls10', 'ELBSecurityPolicy-TLS13-1-0-2021-06');
      https('NoPolicy');
      new LbListener(scope, 'NetworkTls', {
        provider,
        ...common,
        port: 443,
        protocol: 'TLS',
        certificateArn,
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
      });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Tls13: 'compliant',
      Tls13PostQuantum: 'compliant',
      Tls12Only: 'non-compliant',
      Tls13FromTls10: 'non-compliant',
      NoPolicy: 'non-compliant',
      NetworkTls: 'compliant',
    });
  });

  it('does not apply to listeners without TLS', () => {
    // GIVEN an HTTP and a TCP listener WHEN checked THEN not applicable
    const results = ruleResults(elbTls13Policy, (scope, provider) => {
      new LbListener(scope, 'Http', { provider, ...common, port: 80, protocol: 'HTTP' });
      new LbListener(scope, 'Tcp', { provider, ...common, port: 5432, protocol: 'TCP' });
    });
    expect(results).toEqual({ Http: 'not-applicable', Tcp: 'not-applicable' });
  });
});
