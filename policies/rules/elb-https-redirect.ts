import { RuleCheck } from '../stack-view';
import { LISTENER_TYPES, blocks, listenerProtocol, listeners, loadBalancerKey } from './_elb-iam-vpc-helpers';

/**
 * An HTTP listener (on any port; HTTP is the default protocol) of a load balancer that also has an
 * HTTPS listener redirects to HTTPS. HTTPS/TLS/TCP listeners, and HTTP listeners of a load balancer
 * without HTTPS, are not applicable. Listeners are matched to their load balancer by the aws_lb
 * their `load_balancer_arn` references, or by the literal ARN for one outside the stack.
 */
export const elbHttpsRedirect: RuleCheck = {
  appliesTo: LISTENER_TYPES,
  check(listener, stack) {
    if (listenerProtocol(listener) !== 'HTTP') return 'not-applicable';
    const lb = loadBalancerKey(listener, stack);
    const hasHttps = listeners(stack).some(
      (other) => listenerProtocol(other) === 'HTTPS' && loadBalancerKey(other, stack) === lb,
    );
    if (!hasHttps) return 'not-applicable';
    const redirectsToHttps = blocks(listener.config.default_action).some(
      (action) =>
        action.type === 'redirect' &&
        blocks(action.redirect).some((r) => String(r.protocol).toUpperCase() === 'HTTPS'),
    );
    return redirectsToHttps ? 'compliant' : 'non-compliant';
  },
};
