import { RuleCheck } from '../stack-view';

/**
 * AWS WAF web ACLs log: an `aws_wafv2_web_acl_logging_configuration` whose `resource_arn`
 * references the web ACL and that names at least one destination.
 */
export const wafLogging: RuleCheck = {
  appliesTo: ['aws_wafv2_web_acl'],
  check(webAcl, stack) {
    const logged = stack
      .resources('aws_wafv2_web_acl_logging_configuration')
      .some(
        (logging) =>
          stack.referencedBy(logging.config.resource_arn).includes(webAcl) &&
          Array.isArray(logging.config.log_destination_configs) &&
          logging.config.log_destination_configs.length > 0,
      );
    return logged ? 'compliant' : 'non-compliant';
  },
};
