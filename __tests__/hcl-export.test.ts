/**
 * HCL export (tools/export-hcl.ts): the expression converter on tricky strings, the block layout
 * on small configurations, and, with Terraform itself, that the exported HCL of the dev
 * environment (plus a fixture stack exercising what the platform does not use yet: count,
 * for_each, variables, locals, dynamic and attribute-as-blocks, moved, templates with directives
 * and escapes, the builtin terraform provider) validates with zero warnings and plans exactly what
 * the synthesized JSON plans. One synthesis, one export and one init per stack per format.
 */
import { configWithExample } from '../test-support/example-config';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DataResource,
  Fn,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Testing,
} from 'cdktf';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import {
  ExportedStack,
  HclExportError,
  Json,
  ProviderSchemas,
  exportStacks,
  literalToHcl,
  stackToHcl,
  templateToHcl,
} from '../tools/hcl';
import {
  OVERRIDE_FILE,
  TerraformResult,
  ValidateOutput,
  offlineOverride,
  terraformAsync,
  terraformEnv,
} from '../tools/terraform/offline';
import { planStack, synthEnvironment } from '../test-support/environment';

const projectRoot = path.resolve(__dirname, '..');
const cliConfigFile = path.join(projectRoot, '.work', 'terraform', 'terraformrc');

describe('templateToHcl', () => {
  it('writes a string that is exactly one interpolation as the bare expression', () => {
    expect(templateToHcl('${aws_vpc.main.id}')).toBe('aws_vpc.main.id');
    expect(templateToHcl('${ tolist(aws_x.y.z).0.c }')).toBe('tolist(aws_x.y.z).0.c');
    expect(templateToHcl('${var.count > 1 ? "a" : "b"}')).toBe('var.count > 1 ? "a" : "b"');
  });

  it('parses nested braces and quoted strings holding braces, quotes and templates', () => {
    // GIVEN cdktf's jsonencode of an object whose strings hold `}` and an escaped quote
    const json = '${jsonencode({"a" = "x\\"}y", "b" = {"c" = [1, 2]}, "d" = "${aws_vpc.v.id}}"})}';
    // THEN the interpolation ends at the last brace, and the expression is kept verbatim
    expect(templateToHcl(json)).toBe(
      'jsonencode({"a" = "x\\"}y", "b" = {"c" = [1, 2]}, "d" = "${aws_vpc.v.id}}"})',
    );
    expect(templateToHcl('${replace(aws_s3_bucket.b.arn, ":us-east-1:", ":eu-west-1:")}')).toBe(
      'replace(aws_s3_bucket.b.arn, ":us-east-1:", ":eu-west-1:")',
    );
  });

  it('keeps a string with several interpolations or text around one as a quoted template', () => {
    expect(templateToHcl('${a.b}${c.d}')).toBe('"${a.b}${c.d}"');
    expect(templateToHcl('arn:${aws_s3_bucket.b.arn}/*')).toBe('"arn:${aws_s3_bucket.b.arn}/*"');
    // Quotes inside an interpolation are HCL syntax, not text: they stay unescaped.
    expect(templateToHcl('a/${replace(x.y, "-", "_")}/b')).toBe('"a/${replace(x.y, "-", "_")}/b"');
  });

  it('escapes quotes, backslashes and control characters in the text of JSON-in-strings', () => {
    // GIVEN a container definitions document: JSON text with quotes, an escaped quote, a newline escape and a tab
    const definitions =
      '[{"name":"app","image":"${aws_ecr_repository.r.repository_url}:1","command":["sh","-c","echo \\"hi\\"\\n"]}]\t\r\n';
    // THEN the text is escaped for HCL and the interpolation is untouched
    expect(templateToHcl(definitions)).toBe(
      '"[{\\"name\\":\\"app\\",\\"image\\":\\"${aws_ecr_repository.r.repository_url}:1\\",\\"command\\":[\\"sh\\",\\"-c\\",\\"echo \\\\\\"hi\\\\\\"\\\\n\\"]}]\\t\\r\\n"',
    );
    expect(templateToHcl('bell \u0007 é ✓')).toBe('"bell \\u0007 é ✓"');
  });

  it('copies directives and the $${ and %%{ escapes verbatim, as Terraform reads them alike in JSON', () => {
    expect(templateToHcl('%{ if var.on }yes%{ endif } $${HOME} 100%%{')).toBe(
      '"%{ if var.on }yes%{ endif } $${HOME} 100%%{"',
    );
    expect(templateToHcl('$${not.an.interpolation}')).toBe('"$${not.an.interpolation}"');
  });

  it('keeps the text after a lone carriage return literal, as Terraform reads it in JSON', () => {
    // GIVEN a template whose text has a carriage return not followed by a line feed
    const text = '${a.b} x\r${c.d} %{ if e }f%{ endif } $${g} %%{\r\n';
    // THEN what precedes it is a template, what follows is escaped text
    expect(templateToHcl(text)).toBe('"${a.b} x\\r$${c.d} %%{ if e }f%%{ endif } $${g} %%{\\r\\n"');
    expect(templateToHcl('a\r\n${b.c}')).toBe('"a\\r\\n${b.c}"');
  });

  it('keeps strip markers in a template and wraps a multi-line expression in parentheses', () => {
    expect(templateToHcl('${~ a.b ~}')).toBe('"${~ a.b ~}"');
    expect(templateToHcl('${var.on\n? "a"\n: "b"}')).toBe('(var.on\n? "a"\n: "b")');
    expect(templateToHcl('${jsonencode({\n  a = 1 # a comment with } and "\n})}')).toBe(
      'jsonencode({\n  a = 1 # a comment with } and "\n})',
    );
    expect(templateToHcl('${trimspace(<<EOT\n} "\nEOT\n)}')).toBe('trimspace(<<EOT\n} "\nEOT\n)');
  });

  it('refuses an unterminated interpolation', () => {
    expect(() => templateToHcl('a ${b.c')).toThrow(HclExportError);
    expect(() => templateToHcl('a ${b.c')).toThrow('unterminated interpolation at offset 2 of "a ${b.c"');
  });
});

describe('literalToHcl', () => {
  it('escapes what HCL would interpolate, so a literal JSON string stays literal', () => {
    expect(literalToHcl('d ${x} %{ if } $${y} "q" \\')).toBe('"d $${x} %%{ if } $$${y} \\"q\\" \\\\"');
  });
});

describe('stackToHcl', () => {
  const schemas: ProviderSchemas = {
    'registry.terraform.io/hashicorp/aws': {
      provider: {
        block: {
          attributes: { region: {} },
          block_types: { default_tags: { nesting_mode: 'list', block: { attributes: { tags: {} } } } },
        },
      },
      resource_schemas: {
        aws_thing: {
          block: {
            attributes: {
              tags: {},
              rule: { type: ['set', ['object', { port: 'number', cidrs: ['list', 'string'] }]] },
            },
            block_types: {
              setting: { nesting_mode: 'map', block: { attributes: { value: {} } } },
              nested: { nesting_mode: 'single', block: { attributes: { a: {} } } },
            },
          },
        },
      },
    },
  };
  const render = (json: Record<string, Json>) =>
    Object.values(stackToHcl(json, schemas)).join('\n').replace(/[ ]+=/g, ' =');

  it('writes blocks per the schema and map attributes as objects with quoted non-identifier keys', () => {
    // GIVEN a resource with a map attribute, a single block given as a list, a map block, and attribute-as-blocks
    const hcl = render({
      resource: {
        aws_thing: {
          t: {
            provider: 'aws.us_east_1',
            tags: { Name: 'n', 'managed-by': 'cdktf', for: 'x' },
            nested: [{ a: 1 }],
            setting: { one: { value: 'v' } },
            rule: [{ port: 80 }],
          },
        },
      },
    });
    // THEN
    expect(hcl).toContain('  provider = aws.us_east_1\n');
    expect(hcl).toContain('  tags = {\n    Name = "n"\n    "managed-by" = "cdktf"\n    "for" = "x"\n  }');
    expect(hcl).toContain('  nested {\n    a = 1\n  }');
    expect(hcl).toContain('  setting "one" {\n    value = "v"\n  }');
    expect(hcl).toContain('  rule {\n    port = 80\n  }');
  });

  it('writes an empty attribute-as-blocks list as an attribute and a dynamic block with its content schema', () => {
    const hcl = render({
      resource: {
        aws_thing: {
          t: {
            rule: [],
            dynamic: {
              nested: { for_each: '${var.items}', iterator: 'item', content: { a: '${item.value}' } },
            },
          },
        },
      },
    });
    expect(hcl).toContain('  rule = []\n');
    expect(hcl).toContain(
      '  dynamic "nested" {\n    for_each = var.items\n    iterator = item\n    content {\n      a = item.value\n    }\n  }',
    );
  });

  it('writes meta-arguments as bare references and keywords', () => {
    const hcl = render({
      resource: {
        aws_thing: {
          t: {
            count: '${length(var.x)}',
            lifecycle: {
              create_before_destroy: true,
              ignore_changes: ['tags', 'rule'],
              replace_triggered_by: ['aws_thing.u.id'],
            },
            depends_on: ['aws_thing.u', 'data.aws_thing.v'],
            provisioner: [{ 'local-exec': { command: 'echo ${self.id}', when: 'destroy' } }],
          },
        },
      },
      moved: [{ from: 'aws_thing.old', to: 'aws_thing.t' }],
    });
    expect(hcl).toContain('  count = length(var.x)\n');
    expect(hcl).toContain(
      '  lifecycle {\n    create_before_destroy = true\n    ignore_changes = [tags, rule]\n    replace_triggered_by = [aws_thing.u.id]\n  }',
    );
    expect(hcl).toContain('  depends_on = [aws_thing.u, data.aws_thing.v]\n');
    expect(hcl).toContain(
      '  provisioner "local-exec" {\n    when = destroy\n    command = "echo ${self.id}"\n  }',
    );
    expect(hcl).toContain('moved {\n  from = aws_thing.old\n  to = aws_thing.t\n}');
  });

  it('writes the s3 backend with use_lockfile, the cloud block and literal variable settings', () => {
    const s3 = render({
      terraform: {
        backend: { s3: { bucket: 'b', key: 'k/${x}.tfstate', encrypt: true, use_lockfile: true } },
        required_providers: { aws: { source: 'aws', version: '5.100.0' } },
      },
      variable: { v: { type: 'map(string)', default: { a: '${b}' }, description: 'd' } },
    });
    expect(s3).toContain(
      'terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "k/$${x}.tfstate"\n    encrypt = true\n    use_lockfile = true\n  }',
    );
    expect(s3).toContain(
      '  required_providers {\n    aws = {\n      source = "aws"\n      version = "5.100.0"\n    }\n  }',
    );
    expect(s3).toContain(
      'variable "v" {\n  description = "d"\n  type = map(string)\n  default = {\n    a = "$${b}"\n  }\n}',
    );
    const cloud = render({
      terraform: { cloud: { organization: 'o', workspaces: { name: 'w', project: 'p' } } },
    });
    expect(cloud).toContain(
      '  cloud {\n    organization = "o"\n    workspaces {\n      name = "w"\n      project = "p"\n    }\n  }',
    );
  });

  it('writes module provider maps as bare references', () => {
    const hcl = render({
      module: { m: { source: './m', providers: { aws: 'aws.us_east_1' }, x: '${var.y}' } },
    });
    expect(hcl).toContain(
      'module "m" {\n  source = "./m"\n  providers = {\n    aws = aws.us_east_1\n  }\n  x = var.y\n}',
    );
  });

  it('refuses what it cannot convert faithfully, naming where', () => {
    expect(() => render({ resource: { aws_thing: { t: { nested: '${var.block}' } } } })).toThrow(
      'aws_thing.t.nested[0]: expected a block (a JSON object), got "${var.block}"',
    );
    expect(() => render({ unknown_kind: {} })).toThrow('unsupported top-level key "unknown_kind"');
    expect(() => render({ resource: { aws_unheard_of: { t: {} } } })).toThrow(
      'resource type aws_unheard_of: not in the schema of registry.terraform.io/hashicorp/aws',
    );
  });
});

/** A stack with what the platform does not use yet, to plan both ways. */
function fixtureStack(): string {
  const stack = new TerraformStack(Testing.app(), 'fixture');
  const provider = new AwsProvider(stack, 'aws', {
    alias: 'us_east_1',
    region: 'us-east-1',
    defaultTags: [{ tags: { 'managed-by': 'cdktf', app: 'fixture' } }],
  });
  const names = new TerraformVariable(stack, 'names', {
    type: 'list(string)',
    default: ['a', 'b'],
    description: 'read literally: ${not_interpolated} and %{ not_a_directive }',
  });
  const prefix = new TerraformLocal(
    stack,
    'prefix',
    Fn.format('/fixture/%d', [Fn.lengthOf(names.listValue)]),
  );
  const vpc = new Vpc(stack, 'Vpc', {
    provider,
    cidrBlock: '10.9.0.0/16',
    tags: { Name: 'fx', 'kubernetes.io/role': 'x', for: 'y' },
  });
  new SecurityGroup(stack, 'Inline', {
    provider,
    vpcId: vpc.id,
    name: 'inline',
    ingress: [{ fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }],
    egress: [],
  });
  const each = TerraformIterator.fromList(names.listValue);
  new SsmParameter(stack, 'PerName', {
    provider,
    forEach: each,
    name: `${prefix.asString}/${each.value}`,
    type: 'String',
    value: 'x',
  });
  const tricky = new SsmParameter(stack, 'Tricky', {
    provider,
    name: '/fixture/tricky',
    type: 'String',
    value:
      'quote " backslash \\ tab \t %{ if true }directive%{ endif } $${literal} 100%%{ é ✓ ${"{"} newline \n' +
      ' lone CR \r ${"{"} %{ if true }x%{ endif } $${y} %%{',
    description: Fn.jsonencode({ a: 'x}y{z', b: { c: [1, 2] }, d: vpc.cidrBlock }),
    lifecycle: {
      createBeforeDestroy: true,
      ignoreChanges: ['tags'],
      precondition: [
        { condition: '${length(var.names) > 0}', errorMessage: 'needs names, got ${jsonencode(var.names)}' },
      ],
    },
  });
  tricky.moveFromId('aws_ssm_parameter.old_tricky');
  const statements = TerraformIterator.fromList(['s3:GetObject', 's3:PutObject']);
  const doc = new DataAwsIamPolicyDocument(stack, 'Doc', {
    provider,
    statement: statements.dynamic({
      actions: [statements.value],
      resources: [`arn:aws:s3:::${tricky.name}/*`],
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceVpc', values: [vpc.id] }],
    }),
  });
  new SsmParameter(stack, 'Counted', {
    provider,
    count: Fn.lengthOf(names.listValue),
    name: '/fixture/counted',
    type: 'String',
    value: doc.json,
    dependsOn: [tricky],
  });
  new DataResource(stack, 'Data', { input: { multi: 'line\nvalue', vpc: vpc.cidrBlock } });
  new TerraformOutput(stack, 'policy', {
    value: doc.json,
    description: 'policy ${literal}',
    sensitive: true,
  });
  new TerraformOutput(stack, 'cidr', { value: vpc.cidrBlock });
  return Testing.fullSynth(stack);
}

function tf(args: string[], cwd: string): Promise<TerraformResult> {
  return terraformAsync(args, cwd, terraformEnv(cliConfigFile));
}

async function ok(args: string[], cwd: string): Promise<string> {
  const result = await tf(args, cwd);
  if (result.code !== 0)
    throw new Error(`terraform ${args[0]} failed in ${cwd}:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

interface Planned {
  readonly validate: ValidateOutput;
  readonly plan: Plan;
}

/** The parts of `terraform show -json` compared between the two formats. */
interface Plan {
  readonly resource_changes: Array<{
    readonly address: string;
    readonly type: string;
    readonly change: {
      readonly actions: string[];
      readonly after: Record<string, unknown> | null;
      readonly after_unknown?: unknown;
    };
  }>;
  readonly planned_values: unknown;
  readonly output_changes?: unknown;
}

/**
 * The HCL folder planned exactly as test-support plans the JSON (a scratch copy plus the same
 * mock-credential override file); validate's result is returned even when it fails, to assert on.
 */
async function planHcl(hclDir: string, stackJson: object, work: string): Promise<Planned> {
  cpSync(hclDir, work, { recursive: true });
  writeFileSync(
    path.join(work, OVERRIDE_FILE),
    JSON.stringify(offlineOverride(stackJson, path.join(work, 'offline.tfstate'))),
  );
  await ok(['init', '-input=false', '-no-color'], work);
  const validate = JSON.parse((await tf(['validate', '-json', '-no-color'], work)).stdout) as ValidateOutput;
  if (!validate.valid) return { validate, plan: { resource_changes: [] } as unknown as Plan };
  await ok(['plan', '-input=false', '-no-color', '-lock=false', '-out=offline.tfplan'], work);
  return {
    validate,
    plan: JSON.parse(await ok(['show', '-json', 'offline.tfplan'], work)) as Plan,
  };
}

describe('the HCL export of the dev environment and of a fixture stack', () => {
  const json: Record<string, { dir: string; stack: object; planned?: Planned }> = {};
  const hcl: Record<string, Planned> = {};
  const exported: Record<string, ExportedStack> = {};
  const out = mkdtempSync(path.join(os.tmpdir(), 'hcl-export-'));

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  beforeAll(async () => {
    // dev with the seed's 8.8 example, whose task definition has literal container definitions
    const configDir = configWithExample('dev');
    const dev = synthEnvironment('dev', configDir);
    rmSync(configDir, { recursive: true, force: true });
    const fixture = fixtureStack();
    for (const [synthDir, target] of [
      [dev.outdir, path.join(out, 'dev')],
      [fixture, path.join(out, 'fixture')],
    ]) {
      for (const stack of exportStacks({ projectRoot, cliConfigFile, synthDir, out: target })) {
        exported[stack.stack] = stack;
        const stackDir = path.join(synthDir, 'stacks', stack.stack);
        json[stack.stack] = {
          dir: stackDir,
          stack: JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')),
        };
      }
    }
    // allSettled: a failure still waits for the other Terraform runs to end.
    const runs = await Promise.allSettled(
      Object.entries(json).flatMap(([name, entry]) => [
        planStack(entry.dir).then((result) => void (entry.planned = result as Planned)),
        planHcl(exported[name].dir, entry.stack, path.join(out, 'plan', name)).then(
          (result) => void (hcl[name] = result),
        ),
      ]),
    );
    const failed = runs.find((run): run is PromiseRejectedResult => run.status === 'rejected');
    if (failed) throw failed.reason;
  });

  const stacks = ['fargate-dev', 'fargate-dev-simple', 'fixture'];

  it('exports every stack of the environment into its own folder of .tf files', () => {
    expect(Object.keys(exported).sort()).toEqual(stacks);
    for (const name of stacks) {
      expect(exported[name].files).toEqual(
        expect.arrayContaining(['terraform.tf', 'providers.tf', 'main.tf', 'outputs.tf']),
      );
      expect(readdirSync(exported[name].dir).filter((file) => file.endsWith('.json'))).toEqual([]);
    }
    expect(exported.fixture.files).toEqual(expect.arrayContaining(['variables.tf', 'locals.tf', 'moved.tf']));
  });

  it.each(stacks)('validates %s with no errors, no warnings and no diagnostics at all', (name) => {
    expect(hcl[name].validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    expect(hcl[name].validate.diagnostics).toEqual([]);
  });

  it.each(stacks)('plans %s to exactly the resource addresses and actions of the JSON', (name) => {
    const changes = (plan: Plan) =>
      plan.resource_changes.map((change) => `${change.address} ${change.change.actions.join('+')}`).sort();
    const fromJson = changes(json[name].planned!.plan);
    expect(fromJson.length).toBeGreaterThan(0);
    expect(changes(hcl[name].plan)).toEqual(fromJson);
  });

  it.each(stacks)('plans %s to the same values, unknowns and outputs as the JSON', (name) => {
    // Every planned attribute of every resource: a quoting or escaping slip shows up here.
    const values = (plan: Plan) =>
      Object.fromEntries(
        plan.resource_changes.map((c) => [
          c.address,
          { after: c.change.after, unknown: c.change.after_unknown },
        ]),
      );
    expect(values(hcl[name].plan)).toEqual(values(json[name].planned!.plan));
    expect(hcl[name].plan.planned_values).toEqual(json[name].planned!.plan.planned_values);
    expect(hcl[name].plan.output_changes).toEqual(json[name].planned!.plan.output_changes);
  });

  it('keeps the container definitions, VPC CIDRs and the tricky fixture value byte for byte', () => {
    const after = (name: string, type: string) =>
      hcl[name].plan.resource_changes.filter((c) => c.type === type).map((c) => c.change.after);
    // The simple stack's task definition has only literal container definitions, so they are planned.
    const definitions = JSON.parse(
      String(after('fargate-dev-simple', 'aws_ecs_task_definition')[0]?.container_definitions),
    );
    expect(definitions[0]).toMatchObject({
      essential: true,
      portMappings: [expect.objectContaining({ containerPort: 80 })],
    });
    expect(
      after('fargate-dev', 'aws_vpc')
        .map((vpc) => vpc?.cidr_block)
        .sort(),
    ).toEqual(expect.arrayContaining(['10.0.0.0/16', '10.1.0.0/16']));
    const tricky = hcl.fixture.plan.resource_changes.find((c) => c.address === 'aws_ssm_parameter.Tricky');
    expect(tricky?.change.after?.value).toBe(
      'quote " backslash \\ tab \t directive ${literal} 100%{ é ✓ { newline \n' +
        ' lone CR \r ${"{"} %{ if true }x%{ endif } ${y} %{',
    );
    expect(
      hcl.fixture.plan.resource_changes
        .filter((c) => c.address.startsWith('aws_ssm_parameter.PerName'))
        .map((c) => c.change.after?.name),
    ).toEqual(['/fixture/2/a', '/fixture/2/b']);
  });

  it('writes provider references bare, never quoted, and the construct path above each resource', () => {
    const main = readFileSync(path.join(exported['fargate-dev'].dir, 'main.tf'), 'utf8');
    expect(main).toMatch(/^ {2}provider += aws\.us_east_1$/m);
    expect(main).toMatch(/^ {2}provider += aws\.eu_west_1$/m);
    expect(main).not.toMatch(/provider\s*=\s*"/);
    expect(main).toMatch(/^# fargate-dev\/us-east-1\/Network\/Vpc\nresource "aws_vpc" /m);
    const providers = readFileSync(path.join(exported['fargate-dev'].dir, 'providers.tf'), 'utf8');
    expect(providers).toMatch(
      /provider "aws" \{\n {2}alias += "us_east_1"\n[\s\S]*? {2}default_tags \{\n {4}tags = \{/,
    );
  });
});
