import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener, LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import { elbHttpsRedirect } from '../../policies/rules/elb-https-redirect';
import { ruleResults } from '../../test-support/policy';

const forward: LbListenerDefaultAction[] = [{ type: 'forward', targetGroupArn: 'arn:aws:tg' }];

/** A load balancer `id` with an HTTP listener doing `httpAction` and, if `https`, an HTTPS listener. */
function loadBalancer(
  scope: Construct,
  provider: AwsProvider,
  id: string,
  httpAction: LbListenerDefaultAction[],
  https: boolean,
): void {
  const lb = new Lb(scope, id, { provider, subnets: ['subnet-1', 'subnet-2'] });
  new LbListener(scope, `${id}Http`, {
    provider,
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: 'HTTP',
    defaultAction: httpAction,
  });
  if (https) {
    new LbListener(scope, `${id}Https`, {
      provider,
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x',
      defaultAction: forward,
    });
  }
}

describe('rule elb-https-redirect', () => {
  it('passes an HTTP listener that redirects to HTTPS, fails one that forwards or keeps the protocol', () => {
    // GIVEN three load balancers with HTTPS: HTTP redirected to HTTPS, forwarded, redirected to #{protocol}
    const results = ruleResults(elbHttpsRedirect, (scope, provider) => {
      loadBalancer(
        scope,
        provider,
        'Redirecting',
        [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
        true,
      );
      loadBalancer(scope, provider, 'Forwarding', forward, true);
      loadBalancer(
        scope,
        provider,
        'SameProtocol',
        [{ type: 'redirect', redirect: { host: 'www.example.com', statusCode: 'HTTP_301' } }],
        true,
      );
    });
    // WHEN checked THEN only the HTTPS redirect passes; HTTPS listeners are not applicable
    expect(results).toEqual({
      RedirectingHttp: 'compliant',
      RedirectingHttps: 'not-applicable',
      ForwardingHttp: 'non-compliant',
      ForwardingHttps: 'not-applicable',
      SameProtocolHttp: 'non-compliant',
      SameProtocolHttps: 'not-applicable',
    });
  });

  it('does not apply to the HTTP listener of a load balancer without HTTPS, even next to one with it', () => {
    // GIVEN a plain-HTTP load balancer next to one with HTTPS WHEN checked
    const results = ruleResults(elbHttpsRedirect, (scope, provider) => {
      loadBalancer(scope, provider, 'PlainHttp', forward, false);
      loadBalancer(scope, provider, 'WithTls', forward, true);
    });
    // THEN the plain one's listener is not applicable: the HTTPS listener belongs to the other
    expect(results).toEqual({
      PlainHttpHttp: 'not-applicable',
      WithTlsHttp: 'non-compliant',
      WithTlsHttps: 'not-applicable',
    });
  });
});
