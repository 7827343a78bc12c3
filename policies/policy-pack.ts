import { IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { POLICY_PACK, PolicyRule } from './pack';
import { PolicyContext, StackView, SynthesizedStack } from './stack-view';
import { PolicySuppression, suppressionsOn } from './suppressions';

export interface PolicyFinding {
  readonly rule: PolicyRule;
  readonly address: string;
  readonly path: string;
}

export interface SuppressedFinding extends PolicyFinding {
  readonly suppression: PolicySuppression;
  /** Construct path the suppression was attached to. */
  readonly suppressedAt: string;
}

export interface PolicyReport {
  readonly violations: PolicyFinding[];
  readonly suppressed: SuppressedFinding[];
}

/** Policy violations stop synthesis; the message lists each with its path, control and fix. */
export class PolicyViolationError extends Error {
  constructor(
    stack: string,
    public readonly violations: PolicyFinding[],
  ) {
    super(
      [
        `${stack}: ${violations.length} policy violation${violations.length === 1 ? '' : 's'}`,
        ...violations.map(
          (v) =>
            `  [${v.rule.control} ${v.rule.severity}] ${v.rule.id} at ${v.path} (${v.address}): ${v.rule.title}. Fix: ${v.rule.fix}`,
        ),
        'Fix the configuration, or accept a finding with suppressPolicy(construct, ruleId, reason).',
      ].join('\n'),
    );
    this.name = 'PolicyViolationError';
  }
}

/**
 * Evaluates every rule of the pack against a synthesized stack. `suppressionsAt` returns the
 * suppressions attached to a construct path (the evaluation walks each resource's path upwards).
 */
export function evaluatePolicies(
  json: SynthesizedStack,
  context: PolicyContext,
  suppressionsAt: (path: string) => PolicySuppression[] = () => [],
  rules: readonly PolicyRule[] = POLICY_PACK,
): PolicyReport {
  const view = new StackView(json);
  const violations: PolicyFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const rule of rules) {
    for (const type of rule.appliesTo) {
      for (const resource of view.resources(type)) {
        if (rule.check(resource, view, context) !== 'non-compliant') continue;
        const finding = { rule, address: resource.address, path: resource.path };
        const parts = resource.path.split('/');
        let match: SuppressedFinding | undefined;
        for (let length = parts.length; length > 0 && !match; length -= 1) {
          const at = parts.slice(0, length).join('/');
          const suppression = suppressionsAt(at).find((s) => s.ruleId === rule.id);
          if (suppression) match = { ...finding, suppression, suppressedAt: at };
        }
        if (match) suppressed.push(match);
        else violations.push(finding);
      }
    }
  }
  return { violations, suppressed };
}

export interface PolicyPackProps {
  /** Facts the rules depend on. */
  readonly context: PolicyContext;
  /**
   * Receives one line per suppressed finding, on every synth.
   * @default - written to standard error
   */
  readonly report?: (line: string) => void;
}

/**
 * The security policy pack as a cdktf Aspect: added to a stack, it evaluates every rule when the
 * stack is synthesized, fails synthesis on any violation that is not suppressed, and reports each
 * suppression with its reason.
 */
export class PolicyPack implements IAspect {
  constructor(private readonly props: PolicyPackProps) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    const byPath = new Map(node.node.findAll().map((c) => [c.node.path, c]));
    const report = evaluatePolicies(node.toTerraform() as SynthesizedStack, this.props.context, (path) => {
      const construct = byPath.get(path);
      return construct ? suppressionsOn(construct) : [];
    });
    const write = this.props.report ?? ((line: string) => process.stderr.write(`${line}\n`));
    for (const s of report.suppressed) {
      const by = s.suppressedAt === s.path ? '' : ` (suppressed on ${s.suppressedAt})`;
      write(`policy: suppressed ${s.rule.id} [${s.rule.control}] at ${s.path}${by}: ${s.suppression.reason}`);
    }
    if (report.violations.length > 0) throw new PolicyViolationError(node.node.id, report.violations);
  }
}
