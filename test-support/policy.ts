/** Helpers for the policy rule tests: build constructs, synthesize, run one rule over the result. */
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PolicyContext, RuleCheck, RuleResult, StackView } from '../policies/stack-view';
import { synthScopeJson } from './synth';

/**
 * Synthesizes what `build` creates (with a us-east-1 provider) and returns the rule's result for
 * every resource of the types it applies to, keyed by construct path relative to the stack.
 */
export function ruleResults(
  rule: RuleCheck,
  build: (scope: Construct, provider: AwsProvider) => void,
  context: PolicyContext = { environment: 'dev', tier: 'development' },
): Record<string, RuleResult> {
  const json = synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
    build(scope, provider);
  });
  const view = new StackView(json);
  const results: Record<string, RuleResult> = {};
  for (const type of rule.appliesTo) {
    for (const resource of view.resources(type)) {
      results[resource.path.replace(/^test\//, '')] = rule.check(resource, view, context);
    }
  }
  return results;
}
