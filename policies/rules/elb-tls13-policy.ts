import { RuleCheck } from '../stack-view';
import { LISTENER_TYPES, listenerProtocol } from './_elb-iam-vpc-helpers';

/**
 * The predefined ELB security policies that negotiate TLS 1.3 and nothing older than TLS 1.2 (the
 * ELB "security policies" tables for Application and Network Load Balancers, including the FIPS,
 * post-quantum and RFC 9151 variants). The TLS13-1-0 and TLS13-1-1 policies are left out: they
 * still accept TLS 1.0 and 1.1.
 */
const TLS13_POLICIES = new Set([
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-RFC9151-FIPS-2023-07',
  'ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07',
  'ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP2-FIPS-2023-07',
  'ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP3-FIPS-2023-07',
  'ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07',
  'ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07',
]);

/**
 * HTTPS and TLS listeners use a TLS 1.3 security policy. A missing `ssl_policy` is AWS's default
 * ELBSecurityPolicy-2016-08, and one given by an expression cannot be verified: both are
 * non-compliant. Listeners of other protocols are not applicable.
 */
export const elbTls13Policy: RuleCheck = {
  appliesTo: LISTENER_TYPES,
  check(listener) {
    if (!['HTTPS', 'TLS'].includes(listenerProtocol(listener))) return 'not-applicable';
    const policy = listener.config.ssl_policy;
    return typeof policy === 'string' && TLS13_POLICIES.has(policy) ? 'compliant' : 'non-compliant';
  },
};
