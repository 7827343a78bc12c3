/**
 * Helpers shared by the ELB, IAM and VPC rules: nested blocks, load balancer listeners, security
 * group sources and IAM policy documents (data.aws_iam_policy_document blocks or literal JSON), read
 * from the synthesized Terraform JSON.
 */
import { Block, StackView } from '../stack-view';

/** A nested block as synthesized: one object, a list of objects, or nothing. */
export function blocks(value: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
}

/** A string or list of strings (IAM's `"Action": "x"` or `["x", "y"]`); anything else gives []. */
export function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** Whether a value holds a Terraform expression (a reference, variable or function call). */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Terraform booleans may be synthesized as `true` or `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

// ---------------------------------------------------------------------------------------------
// Load balancers

export const LOAD_BALANCER_TYPES = ['aws_lb', 'aws_alb'];
export const LISTENER_TYPES = ['aws_lb_listener', 'aws_alb_listener'];

/** A listener's protocol, upper case; Terraform's default for an ALB listener is HTTP. */
export function listenerProtocol(listener: Block): string {
  const protocol = listener.config.protocol;
  return typeof protocol === 'string' ? protocol.toUpperCase() : 'HTTP';
}

/**
 * Identifies a listener's load balancer: the address of the aws_lb it references, else the
 * literal `load_balancer_arn` (a load balancer outside the stack), so two listeners of the same
 * load balancer get the same key.
 */
export function loadBalancerKey(listener: Block, stack: StackView): string {
  const arn = listener.config.load_balancer_arn;
  const lbs = stack.referencedBy(arn).filter((b) => LOAD_BALANCER_TYPES.includes(b.type));
  return lbs.length === 1 ? lbs[0].address : JSON.stringify(arn);
}

/** Every listener of the stack, both resource type names. */
export function listeners(stack: StackView): Block[] {
  return LISTENER_TYPES.flatMap((type) => stack.resources(type));
}

// ---------------------------------------------------------------------------------------------
// Security group sources

/**
 * Whether CIDRs admit the whole internet: `world` if one is 0.0.0.0/0 or ::/0, `unknown` if one
 * is an expression (a variable could be anything), else `restricted`.
 */
export function cidrReach(cidrs: unknown[]): 'world' | 'unknown' | 'restricted' {
  if (cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0')) return 'world';
  return cidrs.some(isExpression) ? 'unknown' : 'restricted';
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents

export interface PolicyStatement {
  /** `Allow` unless the statement says `Deny` (the safe reading for rules that look at Allows). */
  readonly allow: boolean;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly principals: Array<{ type: string; identifiers: string[] }>;
  readonly notPrincipals: Array<{ type: string; identifiers: string[] }>;
  readonly conditions: Array<{ test: string; variable: string; values: string[] }>;
  /** An action list or entry is an expression: the statement's actions are unknown. */
  readonly opaqueActions: boolean;
}

/**
 * The statements of an IAM policy value (`policy`, `assume_role_policy`, an inline policy): a
 * literal JSON document, or a reference to data.aws_iam_policy_document blocks (with their
 * source and override documents, taken as a union: an override that replaces a statement by Sid
 * can only make the real policy narrower). `undefined` when the document cannot be read from the
 * stack (a variable, a file, a policy of another resource, jsonencode(...)).
 */
export function policyStatements(
  value: unknown,
  stack: StackView,
  seen = new Set<string>(),
): PolicyStatement[] | undefined {
  if (typeof value !== 'string') return undefined;
  const literal = parseJson(value);
  if (literal !== undefined) return jsonStatements(literal);
  const documents = stack
    .referencedBy(value, 'aws_iam_policy_document')
    .filter((b) => b.mode === 'data' && !seen.has(b.address));
  if (documents.length === 0) return undefined;
  const statements: PolicyStatement[] = [];
  for (const document of documents) {
    seen.add(document.address);
    const config = document.config;
    if (config.statement !== undefined && !Array.isArray(config.statement)) return undefined;
    statements.push(...blocks(config.statement).map(documentStatement));
    for (const other of [config.source_policy_documents, config.override_policy_documents]) {
      if (other === undefined) continue;
      if (!Array.isArray(other)) return undefined;
      for (const part of other) {
        const inner = policyStatements(part, stack, seen);
        if (inner === undefined) return undefined;
        statements.push(...inner);
      }
    }
  }
  return statements;
}

/** The identity-policy documents a resource defines; `undefined` for one that cannot be read. */
export function policyDocuments(resource: Block, stack: StackView): Array<PolicyStatement[] | undefined> {
  const values =
    resource.type === 'aws_iam_role'
      ? blocks(resource.config.inline_policy)
          .map((p) => p.policy)
          .filter((p) => p !== undefined)
      : [resource.config.policy];
  return values.map((value) => policyStatements(value, stack));
}

/** `"s3:*"`, `"*"`: a wildcard over a whole service or over everything. */
export function isWildcardAction(action: string): boolean {
  return action === '*' || /^[^:]+:\*$/.test(action);
}

function parseJson(value: string): Record<string, unknown> | undefined {
  if (!value.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function documentStatement(s: Record<string, unknown>): PolicyStatement {
  const principals = (v: unknown) =>
    blocks(v).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) }));
  return {
    allow: s.effect !== 'Deny',
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    principals: principals(s.principals),
    notPrincipals: principals(s.not_principals),
    conditions: blocks(s.condition).map((c) => ({
      test: String(c.test),
      variable: String(c.variable),
      values: strings(c.values),
    })),
    opaqueActions: [s.actions, s.not_actions].some(
      (list) => (list !== undefined && !Array.isArray(list)) || strings(list).some(isExpression),
    ),
  };
}

function jsonStatements(document: Record<string, unknown>): PolicyStatement[] {
  return blocks(document.Statement).map((s) => {
    const actions = strings(s.Action);
    const notActions = strings(s.NotAction);
    return {
      allow: s.Effect !== 'Deny',
      actions,
      notActions,
      resources: strings(s.Resource),
      principals: jsonPrincipals(s.Principal),
      notPrincipals: jsonPrincipals(s.NotPrincipal),
      conditions: Object.entries(objectOf(s.Condition)).flatMap(([test, keys]) =>
        Object.entries(objectOf(keys)).map(([variable, values]) => ({
          test,
          variable,
          values: strings(values),
        })),
      ),
      opaqueActions: [...actions, ...notActions].some(isExpression),
    };
  });
}

/** `"*"` is everyone; `{ "AWS": ..., "Service": ... }` lists principals by type. */
function jsonPrincipals(value: unknown): Array<{ type: string; identifiers: string[] }> {
  if (value === '*') return [{ type: '*', identifiers: ['*'] }];
  return Object.entries(objectOf(value)).map(([type, ids]) => ({ type, identifiers: strings(ids) }));
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
