import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ISynthesisSession, IStackSynthesizer, TerraformStack } from 'cdktf';
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
 * The security policy pack, checked on what a stack's synthesis writes: `applyTo(stack)` wraps the
 * stack's synthesizer, so that once the stack's configuration is written (after every aspect, so the
 * check sees what aspects add, such as `prevent_destroy`), every rule is evaluated on that file. A
 * violation that is not suppressed removes the file and fails the synthesis; each suppression is
 * reported with its reason. Reading the written file costs a JSON parse, where resolving the stack
 * again (as an aspect must) cost 0.7 s of a 20-service synthesis.
 */
export class PolicyPack {
  constructor(private readonly props: PolicyPackProps) {}

  /** Checks `stack` whenever it is synthesized (cdktf CLI, `app.synth()`, `Testing.fullSynth`). */
  public applyTo(stack: TerraformStack): void {
    stack.synthesizer = new PolicyCheckedSynthesizer(stack, stack.synthesizer, this);
  }

  /** Evaluates the synthesized configuration of `stack`; throws PolicyViolationError on a violation. */
  public check(stack: TerraformStack, json: SynthesizedStack): void {
    const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
    const report = evaluatePolicies(json, this.props.context, (path) => {
      const construct = byPath.get(path);
      return construct ? suppressionsOn(construct) : [];
    });
    const write = this.props.report ?? ((line: string) => process.stderr.write(`${line}\n`));
    for (const s of report.suppressed) {
      const by = s.suppressedAt === s.path ? '' : ` (suppressed on ${s.suppressedAt})`;
      write(`policy: suppressed ${s.rule.id} [${s.rule.control}] at ${s.path}${by}: ${s.suppression.reason}`);
    }
    if (report.violations.length > 0) throw new PolicyViolationError(stack.node.id, report.violations);
  }
}

/** The stack's own synthesizer, then the policy check of the file it wrote. */
class PolicyCheckedSynthesizer implements IStackSynthesizer {
  constructor(
    private readonly stack: TerraformStack,
    private readonly inner: IStackSynthesizer,
    private readonly pack: PolicyPack,
  ) {}

  public synthesize(session: ISynthesisSession): void {
    this.inner.synthesize(session);
    const file = path.join(session.outdir, session.manifest.forStack(this.stack).synthesizedStackPath);
    try {
      this.pack.check(this.stack, JSON.parse(readFileSync(file, 'utf8')) as SynthesizedStack);
    } catch (error) {
      // Nothing that broke a rule is left for a `terraform plan` in the output folder to pick up.
      rmSync(file, { force: true });
      throw error;
    }
  }
}
