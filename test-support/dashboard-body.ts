/**
 * Renders a synthesized dashboard body the way Terraform will at apply, without Terraform: cdktf
 * writes `${jsonencode({"key" = value, ...})}` with references unquoted inside; this evaluates that
 * HCL subset with realistic values for the references and parses the JSON, so an unexpected
 * reference, a string literal cdktf broke or a leftover template fails the test. (The Terraform
 * tests render the real bodies with `terraform console` too: test-support/render.ts.)
 */
export type MetricLine = Array<string | { stat: string; label: string }>;

export interface RenderedWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title: string; region: string; period: number; metrics: MetricLine[] };
}

/** `aws_lb.x.arn_suffix`: a reference as it stands inside a Terraform expression. */
export function bare(reference: string): string {
  return reference.slice(2, -1);
}

/** The end of the HCL string literal opening at `start`. */
function endOfString(hcl: string, start: number): number {
  let i = start + 1;
  while (hcl[i] !== '"') {
    if (i >= hcl.length) throw new Error(`unterminated string at ${start}`);
    i += hcl[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

/** The end of the expression starting at `start`: the next `,`, `]` or `}` outside brackets. */
function endOfExpression(hcl: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < hcl.length && !(depth === 0 && /[,\]}]/.test(hcl[i]))) {
    if (hcl[i] === '"') {
      i = endOfString(hcl, i);
      continue;
    }
    if ('([{'.includes(hcl[i])) depth += 1;
    if (')]}'.includes(hcl[i])) depth -= 1;
    i += 1;
  }
  return i;
}

/** A reference, a literal, or `element(split("/", <expression>), 1)`, as Terraform evaluates them. */
function evaluate(expression: string, values: Record<string, string>): unknown {
  if (['true', 'false', 'null'].includes(expression)) return JSON.parse(expression);
  if (expression.startsWith('"')) return JSON.parse(expression);
  if (expression in values) return values[expression];
  const element = /^element\(split\("\/", (.+)\), 1\)$/.exec(expression);
  if (element) return String(evaluate(element[1], values)).split('/')[1];
  throw new Error(`unexpected expression: ${expression}`);
}

/**
 * The body as Terraform renders it at apply: cdktf writes `${jsonencode({"key" = value, ...})}`
 * with expressions unquoted inside; Terraform evaluates the object and encodes it as JSON. This
 * reads only that HCL subset, so an unexpected expression, a string literal cdktf broke (an
 * unescaped quote) or a leftover template fails the test.
 */
export function render(body: string, values: Record<string, string>): RenderedWidget[] {
  const hcl = /^\$\{jsonencode\((.*)\)\}$/s.exec(body)?.[1];
  if (hcl === undefined) throw new Error(`not a jsonencode expression: ${body}`);
  let json = '';
  let i = 0;
  while (i < hcl.length) {
    if (hcl[i] === '"') {
      const end = endOfString(hcl, i);
      const literal = hcl.slice(i, end);
      if (/(^|[^$])[$%]\{/.test(literal)) throw new Error(`template in a string literal: ${literal}`);
      json += literal.replace(/\$\$\{/g, '${');
      i = end;
    } else if (/[A-Za-z_]/.test(hcl[i])) {
      const end = endOfExpression(hcl, i);
      json += JSON.stringify(evaluate(hcl.slice(i, end).trim(), values));
      i = end;
    } else {
      json += hcl[i] === '=' ? ':' : hcl[i];
      i += 1;
    }
  }
  return (JSON.parse(json) as { widgets: RenderedWidget[] }).widgets;
}
