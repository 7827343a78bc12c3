/**
 * A read-only view of one synthesized stack (Terraform JSON, the same as cdk.tf.json), with the
 * lookups the policy rules need: resources by type, what a value references, what references a
 * resource. Rules see only this view, so they are pure functions of the configuration.
 */

export interface Block {
  /** `resource` or `data`. */
  readonly mode: 'resource' | 'data';
  /** Terraform type, e.g. `aws_ecs_service`. */
  readonly type: string;
  /** Logical name in the configuration. */
  readonly name: string;
  /** Terraform address: `aws_x.name` or `data.aws_x.name`. */
  readonly address: string;
  /** Construct path, e.g. `fargate-dev/us-east-1/Service/Service`. */
  readonly path: string;
  /** Arguments as synthesized (snake_case). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

/** `aws_x.name.` or `data.aws_x.name.`; only strings holding an interpolation are searched. */
const REFERENCE = /\b((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)(?=\.)/g;

export class StackView {
  private readonly blocks: Block[] = [];
  private readonly byAddressMap = new Map<string, Block>();

  constructor(json: SynthesizedStack) {
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, named] of Object.entries(json[mode] ?? {})) {
        for (const [name, config] of Object.entries(named)) {
          const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const meta = config['//'] as { metadata?: { path?: string } } | undefined;
          const block: Block = { mode, type, name, address, path: meta?.metadata?.path ?? address, config };
          this.blocks.push(block);
          this.byAddressMap.set(address, block);
        }
      }
    }
  }

  /** Managed resources, optionally of one type. */
  public resources(type?: string): Block[] {
    return this.blocks.filter((b) => b.mode === 'resource' && (type === undefined || b.type === type));
  }

  public byAddress(address: string): Block | undefined {
    return this.byAddressMap.get(address);
  }

  /** Blocks referenced anywhere inside `value` (a string, list or object of Terraform expressions). */
  public referencedBy(value: unknown, type?: string): Block[] {
    const found = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        if (v.includes('${')) for (const m of v.matchAll(REFERENCE)) found.add(m[1]);
      } else if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (v && typeof v === 'object') {
        Object.entries(v).forEach(([key, inner]) => key !== '//' && walk(inner));
      }
    };
    walk(value);
    return [...found]
      .map((address) => this.byAddressMap.get(address))
      .filter((b): b is Block => b !== undefined && (type === undefined || b.type === type));
  }

  /** Blocks whose arguments reference `target`. */
  public referencing(target: Block, type?: string): Block[] {
    return this.blocks.filter(
      (b) =>
        (type === undefined || b.type === type) &&
        this.referencedBy(b.config, target.type).some((r) => r === target),
    );
  }
}

/** What a rule returns for one resource. */
export type RuleResult = 'compliant' | 'non-compliant' | 'not-applicable';

/** Facts about the deployment that rules may depend on. */
export interface PolicyContext {
  /** Environment name, for messages. */
  readonly environment: string;
  /** The environment's tier; some rules apply to `production` only. */
  readonly tier: 'production' | 'development';
}

/** A rule's logic: which resource types it looks at and a pure check. No message text here. */
export interface RuleCheck {
  readonly appliesTo: readonly string[];
  check(resource: Block, stack: StackView, context: PolicyContext): RuleResult;
}
