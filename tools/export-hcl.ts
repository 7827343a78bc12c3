/**
 * HCL export: writes each synthesized stack as plain Terraform (`.tf` files) that a team can keep
 * without cdktf. The conversion is driven by the providers' own schemas (`terraform providers
 * schema -json`, cached per provider version under `.work/hcl-export/schemas/`), so nested blocks
 * are written as blocks and map/object arguments as attributes, and it keeps the semantics of
 * Terraform's JSON syntax exactly:
 *
 * - strings that Terraform evaluates as templates stay templates; one that is exactly one `${…}`
 *   interpolation becomes the bare expression (`vpc_id = aws_vpc.main.id`); `$${`/`%%{` escapes,
 *   `%{…}` directives and interpolations are copied verbatim (JSON strings are templates too, so
 *   a `%{` there is already a directive), literal text gets HCL escaping; text after a lone
 *   carriage return is escaped as literal, because Terraform's JSON scanner reads it so;
 * - strings that Terraform reads literally (backend settings, descriptions, variable defaults)
 *   get `${` and `%{` escaped, so they stay literal;
 * - references (`provider`, `depends_on`, `lifecycle.ignore_changes`, `moved`, ...) are bare.
 *
 * CLI: `node dist/export-hcl.js [--out DIR] [stack...]` synthesizes the environment chosen by
 * PLATFORM_ENV into cdktf.out (like the offline plan), then writes `<out>/<stack>/*.tf` for every
 * stack, or the named ones, and formats them with `terraform fmt`.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { prepareTerraform, terraform, terraformEnv } from './terraform/offline';

// ---------------------------------------------------------------------------------------------
// Types

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The parts of Terraform's provider schema JSON that decide between blocks and attributes. */
export interface SchemaAttribute {
  readonly type?: unknown;
  readonly nested_type?: {
    readonly attributes: Record<string, SchemaAttribute>;
    readonly nesting_mode: string;
  };
}
export interface SchemaBlockType {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly block: SchemaBlock;
}
export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaBlockType>;
}
export interface ProviderSchema {
  readonly provider?: { readonly block: SchemaBlock };
  readonly resource_schemas?: Record<string, { readonly block: SchemaBlock }>;
  readonly data_source_schemas?: Record<string, { readonly block: SchemaBlock }>;
}
/** Provider schemas by provider address (`registry.terraform.io/hashicorp/aws`). */
export type ProviderSchemas = Record<string, ProviderSchema>;

/** Thrown for a configuration the converter cannot express faithfully; names where. */
export class HclExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HclExportError';
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/**
 * Scans the HCL expression of an interpolation or directive starting at `start` (just after `${`
 * or `%{`) and returns the index of its closing `}`, honouring nested brackets, quoted strings
 * (with escapes and their own templates), heredocs and comments. `topLevelNewline` tells whether
 * the expression has a line break outside any bracket, where a bare expression would end.
 */
export function scanInterpolation(text: string, start: number): { end: number; topLevelNewline: boolean } {
  let depth = 0;
  let topLevelNewline = false;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = scanQuoted(text, i + 1);
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    const heredoc = c === '<' ? /^<<-?([A-Za-z_][\w-]*)\r?\n/.exec(text.slice(i)) : null;
    if (heredoc) {
      const marker = new RegExp(`\\n[ \\t]*${heredoc[1]}[ \\t]*(?=\\r?\\n|$|[)\\]},])`, 'g');
      marker.lastIndex = i + heredoc[0].length - 1;
      const found = marker.exec(text);
      if (!found) break;
      i = found.index + found[0].length;
      continue;
    }
    if (c === '\n' && depth === 0) topLevelNewline = true;
    if (OPEN.has(c)) depth += 1;
    if (CLOSE.has(c)) {
      if (depth === 0) {
        if (c === '}') return { end: i, topLevelNewline };
        break;
      }
      depth -= 1;
    }
    i += 1;
  }
  throw new HclExportError(`unterminated interpolation at offset ${start - 2} of ${JSON.stringify(text)}`);
}

/** Index just after the closing quote of a quoted template whose content starts at `start`. */
function scanQuoted(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
    } else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      i += 3;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      i = scanInterpolation(text, i + 2).end + 1;
    } else if (c === '"') {
      return i + 1;
    } else {
      i += 1;
    }
  }
  throw new HclExportError(`unterminated string in ${JSON.stringify(text)}`);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeLiteralChar(c: string): string {
  if (c in ESCAPES) return ESCAPES[c];
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
}

/**
 * A string of Terraform's JSON syntax that Terraform evaluates as a template (resource, data
 * source, provider, local and output values) as an HCL expression: the bare expression when the
 * string is exactly one `${…}` interpolation, else a quoted template with the same interpolations,
 * directives and `$${`/`%%{` escapes, its literal text escaped for HCL.
 */
export function templateToHcl(text: string): string {
  if (text.startsWith('${') && !text.startsWith('${~')) {
    const { end, topLevelNewline } = scanInterpolation(text, 2);
    if (end === text.length - 1 && text[end - 1] !== '~') {
      const expression = text.slice(2, end).trim();
      if (expression) return topLevelNewline ? `(${expression})` : expression;
    }
  }
  let out = '"';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += text.slice(i, i + 3);
      i += 3;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      const { end } = scanInterpolation(text, i + 2);
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (c === '\r' && text[i + 1] !== '\n') {
      // Terraform's JSON template scanner reads everything after a lone carriage return as text,
      // only unescaping `$${` and `%%{`: keep that text literal in HCL too.
      return `${out}${literalToHcl(text.slice(i).replace(/([$%])\1\{/g, '$1{')).slice(1)}`;
    } else {
      out += escapeLiteralChar(c);
      i += 1;
    }
  }
  return `${out}"`;
}

/**
 * A string Terraform reads literally from JSON (backend and `terraform` settings, descriptions,
 * variable defaults) as an HCL string that stays literal: `${` and `%{` are escaped.
 */
export function literalToHcl(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    out += (c === '$' || c === '%') && text[i + 1] === '{' ? `${c}${c}` : escapeLiteralChar(c);
  }
  return `${out}"`;
}

/** A reference or keyword given as a JSON string (`aws.us_east_1`, `aws_vpc.x`, `"${aws_vpc.x}"`) as bare HCL. */
export function referenceToHcl(text: string): string {
  const inner = /^\$\{([\s\S]*)\}$/.exec(text.trim());
  return (inner ? inner[1] : text).trim();
}

type Mode = 'template' | 'literal';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['for', 'in', 'if', 'endfor', 'endif', 'else', 'true', 'false', 'null']);

/** Object keys are templates in JSON too; bare when a plain identifier, else quoted the same way. */
function objectKey(key: string, mode: Mode): string {
  if (IDENTIFIER.test(key) && !KEYWORDS.has(key)) return key;
  if (mode === 'literal') return literalToHcl(key);
  const hcl = templateToHcl(key);
  return hcl.startsWith('"') ? hcl : `"\${${hcl}}"`;
}

/** A label of a block (`resource "aws_vpc" "main"`): a plain quoted string. */
function label(text: string): string {
  return `"${[...text].map(escapeLiteralChar).join('')}"`;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PAD = '  ';

/** Any JSON value as an HCL expression; continuation lines are indented for `indent`. */
export function valueToHcl(value: Json, mode: Mode = 'template', indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return mode === 'template' ? templateToHcl(value) : literalToHcl(value);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    const items = value.map((item) => valueToHcl(item, mode, indent + PAD));
    const inline = `[${items.join(', ')}]`;
    if (inline.length <= 100 && !inline.includes('\n')) return inline;
    return `[\n${items.map((item) => `${indent}${PAD}${item},`).join('\n')}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (!keys.length) return '{}';
  const lines = keys.map(
    (key) => `${indent}${PAD}${objectKey(key, mode)} = ${valueToHcl(value[key], mode, indent + PAD)}`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

// ---------------------------------------------------------------------------------------------
// Blocks

/** Entries (attributes, blocks) of an HCL body under construction. */
class Body {
  readonly lines: string[] = [];
  private pending: string[] = [];
  constructor(readonly indent: string) {}

  attribute(name: string, expression: string): void {
    this.push(`${this.indent}${name} = ${expression}`);
  }

  block(header: string, fill: (body: Body) => void): void {
    const inner = new Body(this.indent + PAD);
    fill(inner);
    const content = inner.text();
    this.push(
      content ? `${this.indent}${header} {\n${content}\n${this.indent}}` : `${this.indent}${header} {}`,
    );
  }

  /** A `# comment` attached to the next entry. */
  comment(text: string): void {
    for (const line of text.split('\n')) this.pending.push(`${this.indent}# ${line}`);
  }

  /** A blank line between groups of entries (none at the start or end, never two). */
  gap(): void {
    if (this.lines.length && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  text(separator = '\n'): string {
    const lines = this.lines[this.lines.length - 1] === '' ? this.lines.slice(0, -1) : this.lines;
    return lines.join(separator);
  }

  private push(entry: string): void {
    this.lines.push([...this.pending, entry].join('\n'));
    this.pending = [];
  }
}

function asList(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function asObject(value: Json, where: string): JsonObject {
  if (!isObject(value)) {
    throw new HclExportError(`${where}: expected a block (a JSON object), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The object type of an SDKv2 "attribute as blocks" argument (`list(object)` / `set(object)`,
 * e.g. aws_security_group's `ingress`), as a block schema; undefined for any other attribute.
 */
function attributeAsBlocks(attribute: SchemaAttribute | undefined): SchemaBlock | undefined {
  const type = attribute?.type;
  if (attribute?.nested_type || !Array.isArray(type)) return undefined;
  const [kind, element] = type as [string, unknown];
  if ((kind !== 'list' && kind !== 'set') || !Array.isArray(element) || element[0] !== 'object')
    return undefined;
  const fields = element[1] as Record<string, unknown>;
  return { attributes: Object.fromEntries(Object.keys(fields).map((key) => [key, { type: fields[key] }])) };
}

/** Meta-arguments of the enclosing block, written by the caller; never treated as arguments. */
type Meta = ReadonlySet<string>;
const NO_META: Meta = new Set();

/**
 * Writes a block body: arguments as attributes, nested blocks per the schema (`single`/`list`/
 * `set`/`map`), `dynamic` blocks, attribute-as-blocks arguments given as a list of objects as
 * blocks. Without a schema (modules, unknown types) everything is an attribute.
 */
function writeBody(
  body: Body,
  json: JsonObject,
  schema: SchemaBlock | undefined,
  where: string,
  meta: Meta = NO_META,
): void {
  const blocks: Array<() => void> = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === '//' || meta.has(key) || value === undefined) continue;
    if (key === 'dynamic' && schema) {
      blocks.push(() => writeDynamic(body, value, schema, `${where}.dynamic`));
      continue;
    }
    const blockType = schema?.block_types?.[key];
    if (blockType) {
      blocks.push(() => writeNestedBlocks(body, key, value, blockType, `${where}.${key}`));
      continue;
    }
    const asBlocks = attributeAsBlocks(schema?.attributes?.[key]);
    if (asBlocks && Array.isArray(value) && value.length && value.every(isObject)) {
      blocks.push(() => {
        for (const item of value)
          body.block(key, (inner) => writeBody(inner, item as JsonObject, asBlocks, `${where}.${key}`));
      });
      continue;
    }
    body.attribute(
      key,
      located(`${where}.${key}`, () => valueToHcl(value, 'template', body.indent)),
    );
  }
  for (const write of blocks) write();
}

/** Runs `convert`, prefixing a conversion error with where it happened. */
function located<T>(where: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof HclExportError && !error.message.startsWith(where)) {
      throw new HclExportError(`${where}: ${error.message}`);
    }
    throw error;
  }
}

function writeNestedBlocks(
  body: Body,
  name: string,
  value: Json,
  type: SchemaBlockType,
  where: string,
): void {
  if (type.nesting_mode === 'map') {
    if (value === null) return;
    for (const [key, item] of Object.entries(asObject(value, where))) {
      for (const element of asList(item)) {
        body.block(`${name} ${label(key)}`, (inner) =>
          writeBody(inner, asObject(element, `${where}.${key}`), type.block, where),
        );
      }
    }
    return;
  }
  asList(value).forEach((element, index) =>
    body.block(name, (inner) => writeBody(inner, asObject(element, `${where}[${index}]`), type.block, where)),
  );
}

function writeDynamic(body: Body, value: Json, schema: SchemaBlock, where: string): void {
  for (const [name, specs] of Object.entries(asObject(value, where))) {
    const blockSchema = schema.block_types?.[name]?.block ?? attributeAsBlocks(schema.attributes?.[name]);
    for (const spec of asList(specs)) {
      const { for_each: forEach, iterator, labels, content } = asObject(spec, `${where}.${name}`);
      body.block(`dynamic ${label(name)}`, (inner) => {
        inner.attribute('for_each', valueToHcl(forEach ?? null, 'template', inner.indent));
        if (typeof iterator === 'string') inner.attribute('iterator', referenceToHcl(iterator));
        if (labels !== undefined) inner.attribute('labels', valueToHcl(labels, 'template', inner.indent));
        inner.block('content', (c) =>
          writeBody(c, asObject(content ?? {}, `${where}.${name}.content`), blockSchema, where),
        );
      });
    }
  }
}

function references(value: Json): string {
  const list = asList(value).map((item) => referenceToHcl(String(item)));
  const inline = `[${list.join(', ')}]`;
  return inline.length <= 100 ? inline : `[\n${list.map((item) => `${PAD}${item},`).join('\n')}\n]`;
}

/** `precondition`/`postcondition`/`assert` blocks: condition and error message are expressions. */
function writeConditions(body: Body, name: string, value: Json | undefined, where: string): void {
  for (const element of asList(value)) {
    body.block(name, (inner) => writeBody(inner, asObject(element, where), undefined, where));
  }
}

function writeLifecycle(body: Body, value: Json, where: string, extra: Meta = NO_META): void {
  for (const lifecycle of asList(value)) {
    const json = asObject(lifecycle, where);
    body.block('lifecycle', (inner) => {
      for (const [key, item] of Object.entries(json)) {
        if (key === '//' || extra.has(key)) continue;
        if (key === 'ignore_changes') {
          inner.attribute(key, typeof item === 'string' ? referenceToHcl(item) : references(item));
        } else if (key === 'replace_triggered_by') {
          inner.attribute(key, references(item));
        } else if (key === 'precondition' || key === 'postcondition') {
          writeConditions(inner, key, item, `${where}.${key}`);
        } else {
          inner.attribute(key, valueToHcl(item, 'literal', inner.indent));
        }
      }
    });
  }
}

function writeProvisioners(body: Body, value: Json, where: string): void {
  for (const element of asList(value)) {
    for (const [type, config] of Object.entries(asObject(element, where))) {
      for (const provisioner of asList(config)) {
        const json = asObject(provisioner, `${where}.${type}`);
        body.block(`provisioner ${label(type)}`, (inner) => {
          for (const key of ['when', 'on_failure']) {
            if (typeof json[key] === 'string') inner.attribute(key, referenceToHcl(json[key] as string));
          }
          writeBody(
            inner,
            json,
            undefined,
            `${where}.${type}`,
            new Set(['when', 'on_failure', 'connection']),
          );
          for (const connection of asList(json.connection)) {
            inner.block('connection', (c) =>
              writeBody(c, asObject(connection, `${where}.connection`), undefined, where),
            );
          }
        });
      }
    }
  }
}

const RESOURCE_META: Meta = new Set([
  'count',
  'for_each',
  'provider',
  'depends_on',
  'lifecycle',
  'provisioner',
  'connection',
]);

/**
 * A resource or data source block: its meta-arguments first (`count`, `for_each`, `provider`),
 * its arguments and blocks per the schema, then `lifecycle`, `depends_on`, provisioners.
 */
function writeResource(
  body: Body,
  kind: 'resource' | 'data',
  type: string,
  name: string,
  json: JsonObject,
  schema: SchemaBlock | undefined,
): void {
  const where = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
  const metadata = json['//'];
  const constructPath =
    isObject(metadata) && isObject(metadata.metadata) ? metadata.metadata.path : undefined;
  if (typeof constructPath === 'string') body.comment(constructPath);
  body.block(`${kind} ${label(type)} ${label(name)}`, (inner) => {
    for (const key of ['count', 'for_each']) {
      if (json[key] !== undefined) inner.attribute(key, valueToHcl(json[key], 'template', inner.indent));
    }
    if (typeof json.provider === 'string') inner.attribute('provider', referenceToHcl(json.provider));
    inner.gap();
    writeBody(inner, json, schema, where, RESOURCE_META);
    inner.gap();
    if (json.lifecycle !== undefined) writeLifecycle(inner, json.lifecycle, `${where}.lifecycle`);
    if (json.depends_on !== undefined) inner.attribute('depends_on', references(json.depends_on));
    for (const connection of asList(json.connection)) {
      inner.block('connection', (c) =>
        writeBody(c, asObject(connection, `${where}.connection`), undefined, where),
      );
    }
    if (json.provisioner !== undefined) writeProvisioners(inner, json.provisioner, `${where}.provisioner`);
  });
}

// ---------------------------------------------------------------------------------------------
// Providers and schemas

/** The provider address of a `required_providers` source (`aws` → `registry.terraform.io/hashicorp/aws`). */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join('/')}`;
  return parts.join('/');
}

/** Source and version constraint of every provider a stack uses, by local name. */
export function requiredProviders(stack: JsonObject): Record<string, { source: string; version?: string }> {
  const terraformBlock = isObject(stack.terraform) ? stack.terraform : {};
  const declared = isObject(terraformBlock.required_providers) ? terraformBlock.required_providers : {};
  const result: Record<string, { source: string; version?: string }> = {};
  for (const [name, requirement] of Object.entries(declared)) {
    if (isObject(requirement)) {
      result[name] = {
        source: typeof requirement.source === 'string' ? requirement.source : `hashicorp/${name}`,
        version: typeof requirement.version === 'string' ? requirement.version : undefined,
      };
    } else {
      result[name] = {
        source: `hashicorp/${name}`,
        version: typeof requirement === 'string' ? requirement : undefined,
      };
    }
  }
  // Providers used without a requirement are implied, as Terraform implies them.
  for (const kind of ['resource', 'data'] as const) {
    const types = isObject(stack[kind]) ? Object.keys(stack[kind] as JsonObject) : [];
    for (const type of types) {
      const name = type.split('_')[0];
      if (!result[name]) {
        result[name] = {
          source: name === 'terraform' ? 'terraform.io/builtin/terraform' : `hashicorp/${name}`,
        };
      }
    }
  }
  return result;
}

/**
 * Only what the converter needs, per block: its attributes (with the type of list/set of object
 * ones, which may be written as blocks) and its nested block types. ~14 MB of schema become ~1 MB.
 */
function stripBlock(block: SchemaBlock): SchemaBlock {
  const attributes = Object.fromEntries(
    Object.entries(block.attributes ?? {}).map(([name, attribute]) => [
      name,
      attributeAsBlocks(attribute)
        ? { type: attribute.type }
        : attribute.nested_type
          ? { nested_type: attribute.nested_type }
          : {},
    ]),
  );
  const blockTypes = Object.fromEntries(
    Object.entries(block.block_types ?? {}).map(([name, type]) => [
      name,
      { nesting_mode: type.nesting_mode, block: stripBlock(type.block) },
    ]),
  );
  return { attributes, block_types: blockTypes };
}

function stripSchema(schema: ProviderSchema): ProviderSchema {
  const blocks = (schemas: Record<string, { block: SchemaBlock }> | undefined) =>
    Object.fromEntries(
      Object.entries(schemas ?? {}).map(([type, s]) => [type, { block: stripBlock(s.block) }]),
    );
  return {
    provider: { block: stripBlock(schema.provider?.block ?? {}) },
    resource_schemas: blocks(schema.resource_schemas),
    data_source_schemas: blocks(schema.data_source_schemas),
  };
}

export interface SchemaOptions {
  /** Folder holding `.work/` (the schema cache and scratch folders). */
  readonly projectRoot: string;
  /** Terraform CLI configuration (provider mirror or registry), from `prepareTerraform`. */
  readonly cliConfigFile: string;
}

function cacheFile(projectRoot: string, address: string, version: string | undefined): string {
  const key = `${address}@${version ?? 'any'}`.replace(/[^A-Za-z0-9.@-]+/g, '_');
  return path.join(projectRoot, '.work', 'hcl-export', 'schemas', `${key}.json`);
}

/**
 * The schemas of every provider the stacks use, from the cache under `.work/hcl-export/schemas/`
 * (one file per provider source and version constraint) or else from `terraform init
 * -backend=false` and `terraform providers schema -json` in a scratch folder with only the
 * stacks' provider requirements.
 */
export function loadProviderSchemas(stacks: JsonObject[], options: SchemaOptions): ProviderSchemas {
  const wanted = new Map<string, { name: string; source: string; version?: string; file: string }>();
  for (const stack of stacks) {
    for (const [name, requirement] of Object.entries(requiredProviders(stack))) {
      const address = providerAddress(requirement.source);
      wanted.set(address, {
        name,
        ...requirement,
        file: cacheFile(options.projectRoot, address, requirement.version),
      });
    }
  }
  const schemas: ProviderSchemas = {};
  const missing = [...wanted].filter(([address, want]) => {
    if (!existsSync(want.file)) return true;
    schemas[address] = JSON.parse(readFileSync(want.file, 'utf8')) as ProviderSchema;
    return false;
  });
  if (!missing.length) return schemas;

  const base = path.join(options.projectRoot, '.work', 'hcl-export');
  mkdirSync(base, { recursive: true });
  const scratch = mkdtempSync(path.join(base, 'schema-'));
  try {
    const requirements = Object.fromEntries(
      missing.map(([, want]) => [
        want.name,
        { source: want.source, ...(want.version ? { version: want.version } : {}) },
      ]),
    );
    writeFileSync(
      path.join(scratch, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: requirements } }),
    );
    const env = terraformEnv(options.cliConfigFile);
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], scratch, env);
    if (init.code !== 0)
      throw new HclExportError(`terraform init failed in ${scratch}:\n${init.stderr || init.stdout}`);
    const result = terraform(['providers', 'schema', '-json'], scratch, env);
    if (result.code !== 0) throw new HclExportError(`terraform providers schema failed:\n${result.stderr}`);
    const all = (JSON.parse(result.stdout) as { provider_schemas?: ProviderSchemas }).provider_schemas ?? {};
    for (const [address, want] of missing) {
      const schema = all[address];
      if (!schema) throw new HclExportError(`terraform providers schema returned no schema for ${address}`);
      const stripped = stripSchema(schema);
      mkdirSync(path.dirname(want.file), { recursive: true });
      const temporary = `${want.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(stripped));
      renameSync(temporary, want.file);
      schemas[address] = stripped;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return schemas;
}

// ---------------------------------------------------------------------------------------------
// Stacks

export interface ConvertOptions {
  /**
   * Rebases a relative local-backend `path`/`workspace_dir` (relative to the synthesized stack's
   * folder) onto the output folder, so the HCL configuration uses the same state file.
   * @default - paths are kept as they are
   */
  readonly rebase?: { readonly from: string; readonly to: string };
}

/** File name → HCL text of one synthesized stack (unformatted; `terraform fmt` aligns it). */
export function stackToHcl(
  stack: JsonObject,
  schemas: ProviderSchemas,
  options: ConvertOptions = {},
): Record<string, string> {
  const providers = requiredProviders(stack);
  const schemaOf = (kind: 'resource' | 'data', type: string, provider: Json | undefined): SchemaBlock => {
    const localName =
      typeof provider === 'string' ? referenceToHcl(provider).split('.')[0] : type.split('_')[0];
    const address = providerAddress(providers[localName]?.source ?? localName);
    const schema = schemas[address];
    const block = (kind === 'resource' ? schema?.resource_schemas : schema?.data_source_schemas)?.[type]
      ?.block;
    if (!block) {
      // Without the schema, blocks and map arguments cannot be told apart: refuse rather than guess.
      throw new HclExportError(
        `${kind === 'data' ? 'data source' : 'resource'} type ${type}: not in the schema of ${address}`,
      );
    }
    return block;
  };
  const files: Record<string, Body> = {};
  const file = (name: string) => (files[name] ??= new Body(''));

  for (const [key, value] of Object.entries(stack)) {
    switch (key) {
      case '//':
        break;
      case 'terraform':
        writeTerraformBlock(file('terraform.tf'), asObject(value, 'terraform'), options);
        break;
      case 'provider':
        for (const [name, configs] of Object.entries(asObject(value, 'provider'))) {
          const requirement = providers[name];
          const schema = requirement
            ? schemas[providerAddress(requirement.source)]?.provider?.block
            : undefined;
          for (const config of asList(configs)) {
            const json = asObject(config, `provider.${name}`);
            file('providers.tf').block(`provider ${label(name)}`, (inner) => {
              if (typeof json.alias === 'string') inner.attribute('alias', literalToHcl(json.alias));
              if (typeof json.version === 'string') inner.attribute('version', literalToHcl(json.version));
              writeBody(inner, json, schema, `provider.${name}`, new Set(['alias', 'version']));
            });
          }
        }
        break;
      case 'variable':
        for (const [name, config] of Object.entries(asObject(value, 'variable'))) {
          file('variables.tf').block(`variable ${label(name)}`, (inner) =>
            writeVariable(inner, asObject(config, `var.${name}`)),
          );
        }
        break;
      case 'locals':
        for (const locals of asList(value)) {
          file('locals.tf').block('locals', (inner) =>
            writeBody(inner, asObject(locals, 'locals'), undefined, 'locals'),
          );
        }
        break;
      case 'data':
      case 'resource':
        for (const [type, blocks] of Object.entries(asObject(value, key))) {
          for (const [name, config] of Object.entries(asObject(blocks, `${key}.${type}`))) {
            for (const element of asList(config)) {
              const json = asObject(element, `${key}.${type}.${name}`);
              writeResource(file('main.tf'), key, type, name, json, schemaOf(key, type, json.provider));
            }
          }
        }
        break;
      case 'module':
        for (const [name, config] of Object.entries(asObject(value, 'module'))) {
          file('main.tf').block(`module ${label(name)}`, (inner) =>
            writeModule(inner, asObject(config, `module.${name}`)),
          );
        }
        break;
      case 'output':
        for (const [name, config] of Object.entries(asObject(value, 'output'))) {
          file('outputs.tf').block(`output ${label(name)}`, (inner) =>
            writeOutput(inner, asObject(config, `output.${name}`)),
          );
        }
        break;
      case 'moved':
      case 'import':
      case 'removed':
        for (const element of asList(value)) writeRefactoring(file('moved.tf'), key, asObject(element, key));
        break;
      case 'check':
        for (const [name, config] of Object.entries(asObject(value, 'check'))) {
          const json = asObject(config, `check.${name}`);
          file('main.tf').block(`check ${label(name)}`, (inner) => {
            for (const [type, blocks] of Object.entries(isObject(json.data) ? json.data : {})) {
              for (const [dataName, dataConfig] of Object.entries(asObject(blocks, `check.${name}.data`))) {
                const dataJson = asObject(dataConfig, `check.${name}.data.${type}`);
                writeResource(
                  inner,
                  'data',
                  type,
                  dataName,
                  dataJson,
                  schemaOf('data', type, dataJson.provider),
                );
              }
            }
            writeConditions(inner, 'assert', json.assert, `check.${name}.assert`);
          });
        }
        break;
      default:
        throw new HclExportError(`unsupported top-level key "${key}" in the synthesized configuration`);
    }
  }
  const order = [
    'terraform.tf',
    'providers.tf',
    'variables.tf',
    'locals.tf',
    'main.tf',
    'moved.tf',
    'outputs.tf',
  ];
  return Object.fromEntries(
    order.filter((name) => files[name]).map((name) => [name, `${files[name].text('\n\n')}\n`]),
  );
}

function writeTerraformBlock(body: Body, json: JsonObject, options: ConvertOptions): void {
  body.block('terraform', (inner) => {
    for (const [key, value] of Object.entries(json)) {
      if (key === '//') continue;
      if (key === 'required_providers') {
        inner.block('required_providers', (rp) => {
          for (const [name, requirement] of Object.entries(asObject(value, 'required_providers'))) {
            if (!isObject(requirement)) {
              rp.attribute(name, valueToHcl(requirement, 'literal', rp.indent));
              continue;
            }
            const fields = Object.entries(requirement).map(([field, item]) =>
              field === 'configuration_aliases'
                ? `${rp.indent}${PAD}${field} = ${references(item)}`
                : `${rp.indent}${PAD}${field} = ${valueToHcl(item, 'literal', rp.indent + PAD)}`,
            );
            rp.attribute(name, `{\n${fields.join('\n')}\n${rp.indent}}`);
          }
        });
      } else if (key === 'backend') {
        for (const [type, config] of Object.entries(asObject(value, 'backend'))) {
          const settings = { ...asObject(config, `backend.${type}`) };
          if (type === 'local' && options.rebase) {
            for (const field of ['path', 'workspace_dir']) {
              const original = settings[field];
              if (typeof original === 'string' && !path.isAbsolute(original)) {
                const target = path.resolve(options.rebase.from, original);
                settings[field] = path.relative(options.rebase.to, target).split(path.sep).join('/');
              }
            }
          }
          inner.block(`backend ${label(type)}`, (b) => writeLiteralBody(b, settings));
        }
      } else if (key === 'cloud') {
        inner.block('cloud', (b) => writeLiteralBody(b, asObject(value, 'cloud'), new Set(['workspaces'])));
      } else if (key === 'provider_meta') {
        for (const [name, config] of Object.entries(asObject(value, 'provider_meta'))) {
          inner.block(`provider_meta ${label(name)}`, (b) =>
            writeLiteralBody(b, asObject(config, 'provider_meta')),
          );
        }
      } else if (key === 'experiments') {
        inner.attribute(key, references(value));
      } else {
        inner.attribute(key, valueToHcl(value, 'literal', inner.indent));
      }
    }
  });
}

/** A body Terraform reads without evaluation (backend, cloud): literal strings, `blocks` as blocks. */
function writeLiteralBody(body: Body, json: JsonObject, blocks: Meta = NO_META): void {
  for (const [key, value] of Object.entries(json)) {
    if (key === '//' || value === undefined) continue;
    if (blocks.has(key)) {
      for (const element of asList(value))
        body.block(key, (inner) => writeLiteralBody(inner, asObject(element, key)));
    } else {
      body.attribute(key, valueToHcl(value, 'literal', body.indent));
    }
  }
}

/** Arguments in the order Terraform's style guide writes them; any others after, as given. */
function ordered(json: JsonObject, first: readonly string[]): Array<[string, Json]> {
  const keys = Object.keys(json).filter((key) => key !== '//');
  return [...first.filter((key) => key in json), ...keys.filter((key) => !first.includes(key))].map((key) => [
    key,
    json[key],
  ]);
}

function writeVariable(body: Body, json: JsonObject): void {
  for (const [key, value] of ordered(json, ['description', 'type', 'default', 'sensitive', 'nullable'])) {
    if (key === 'type' && typeof value === 'string') body.attribute(key, referenceToHcl(value));
    else if (key === 'validation') writeConditions(body, 'validation', value, 'variable.validation');
    else body.attribute(key, valueToHcl(value, 'literal', body.indent));
  }
}

function writeOutput(body: Body, json: JsonObject): void {
  for (const [key, value] of ordered(json, ['description', 'value', 'sensitive'])) {
    if (key === 'value') body.attribute(key, valueToHcl(value, 'template', body.indent));
    else if (key === 'depends_on') body.attribute(key, references(value));
    else if (key === 'precondition') writeConditions(body, key, value, 'output.precondition');
    else body.attribute(key, valueToHcl(value, 'literal', body.indent));
  }
}

function writeModule(body: Body, json: JsonObject): void {
  for (const key of ['source', 'version']) {
    if (json[key] !== undefined) body.attribute(key, valueToHcl(json[key], 'literal', body.indent));
  }
  for (const key of ['count', 'for_each']) {
    if (json[key] !== undefined) body.attribute(key, valueToHcl(json[key], 'template', body.indent));
  }
  if (isObject(json.providers)) {
    const entries = Object.entries(json.providers).map(
      ([name, ref]) => `${body.indent}${PAD}${objectKey(name, 'literal')} = ${referenceToHcl(String(ref))}`,
    );
    body.attribute('providers', `{\n${entries.join('\n')}\n${body.indent}}`);
  }
  writeBody(
    body,
    json,
    undefined,
    'module',
    new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']),
  );
  if (json.depends_on !== undefined) body.attribute('depends_on', references(json.depends_on));
}

function writeRefactoring(body: Body, kind: string, json: JsonObject): void {
  body.block(kind, (inner) => {
    for (const [key, value] of Object.entries(json)) {
      if (key === '//') continue;
      if (['from', 'to', 'provider'].includes(key) && typeof value === 'string')
        inner.attribute(key, referenceToHcl(value));
      else if (key === 'lifecycle') writeLifecycle(inner, value, `${kind}.lifecycle`);
      else if (key === 'provisioner') writeProvisioners(inner, value, `${kind}.provisioner`);
      else inner.attribute(key, valueToHcl(value, 'template', inner.indent));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Export

export interface ExportOptions extends SchemaOptions {
  /** The synthesized app (holding `manifest.json`), e.g. `cdktf.out`. */
  readonly synthDir: string;
  /** Output folder; each stack goes to `<out>/<stack>/`, which is replaced. */
  readonly out: string;
  /**
   * Stacks to export.
   * @default - every stack of the manifest
   */
  readonly stacks?: readonly string[];
}

export interface ExportedStack {
  readonly stack: string;
  readonly dir: string;
  /** Files written, HCL first, then the stack's other files. */
  readonly files: readonly string[];
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
}

function count(value: Json | undefined): number {
  return isObject(value)
    ? Object.values(value).reduce<number>(
        (sum, blocks) => sum + (isObject(blocks) ? Object.keys(blocks).length : 0),
        0,
      )
    : 0;
}

/** Files of a synthesized stack folder that belong next to the HCL (assets, lock file). */
function keepsake(name: string): boolean {
  if (name === 'cdk.tf.json' || name === '.terraform' || name === 'plan') return false;
  return !/\.tfstate(\.backup)?$|\.tfplan$|^terraform\.tfstate\.d$/.test(name);
}

/** Converts stacks of a synthesized app to `<out>/<stack>/*.tf` and formats them with `terraform fmt`. */
export function exportStacks(options: ExportOptions): ExportedStack[] {
  const manifestFile = path.join(options.synthDir, 'manifest.json');
  if (!existsSync(manifestFile))
    throw new HclExportError(`no synthesized app at ${options.synthDir} (manifest.json missing)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
  };
  const names = Object.keys(manifest.stacks);
  const unknown = (options.stacks ?? []).filter((name) => !names.includes(name));
  if (unknown.length)
    throw new HclExportError(`unknown stack ${unknown.join(', ')}; stacks: ${names.join(', ')}`);
  const selected = options.stacks?.length ? names.filter((name) => options.stacks?.includes(name)) : names;
  const stacks = selected.map((name) => {
    const dir = path.resolve(options.synthDir, manifest.stacks[name].workingDirectory);
    return { name, dir, json: JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as JsonObject };
  });
  const schemas = loadProviderSchemas(
    stacks.map((stack) => stack.json),
    options,
  );

  return stacks.map(({ name, dir, json }) => {
    const target = path.resolve(options.out, name);
    const files = stackToHcl(json, schemas, { rebase: { from: dir, to: target } });
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const others = readdirSync(dir).filter(keepsake);
    for (const other of others) cpSync(path.join(dir, other), path.join(target, other), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(target, file), text);
    const fmt = terraform(
      ['fmt', '-no-color', '-list=false', '.'],
      target,
      terraformEnv(options.cliConfigFile),
    );
    if (fmt.code !== 0)
      throw new HclExportError(`terraform fmt rejected the HCL of ${name} in ${target}:\n${fmt.stderr}`);
    return {
      stack: name,
      dir: target,
      files: [...Object.keys(files), ...others],
      resources: count(json.resource),
      dataSources: count(json.data),
      outputs: isObject(json.output) ? Object.keys(json.output).length : 0,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = 'usage: node dist/export-hcl.js [--out DIR] [stack...]';

function parseArgs(args: string[]): { out: string; stacks: string[] } | string {
  let out = 'hcl.out';
  const stacks: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--out' || arg === '-o') {
      if (!args[i + 1]) return `${arg} needs a folder`;
      out = args[(i += 1)];
    } else if (arg.startsWith('--out=')) {
      out = arg.slice('--out='.length);
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else {
      stacks.push(arg);
    }
  }
  return { out, stacks };
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `${USAGE}\n\nSynthesizes the environment chosen by PLATFORM_ENV, then writes each stack (or the named ones)\nas plain Terraform to DIR/<stack>/ (default hcl.out/).`,
    );
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`error: ${args}\n${USAGE}`);
    return 2;
  }
  const root = process.cwd();
  const synthDir = path.join(root, 'cdktf.out');
  process.env.CHECKPOINT_DISABLE = '1';
  // Loaded here, not at the top: the converter itself needs no app (the tests import it alone).
  const { run } = await import('../stacks/app');
  const code = run({
    env: process.env,
    projectRoot: root,
    outdir: synthDir,
    stderr: (l) => console.error(l),
  });
  if (code !== 0) return code;

  const started = Date.now();
  const { cliConfigFile } = prepareTerraform(root);
  const exported = exportStacks({
    projectRoot: root,
    cliConfigFile,
    synthDir,
    out: path.resolve(root, args.out),
    stacks: args.stacks,
  });
  for (const stack of exported) {
    console.log(
      `${stack.stack}: ${path.relative(root, stack.dir) || '.'}/ (${stack.files.join(', ')}): ` +
        `${stack.resources} resources, ${stack.dataSources} data sources, ${stack.outputs} outputs`,
    );
  }
  console.log(
    `Exported ${exported.length} stacks as HCL in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

// Runs only as the CLI bundle itself (dist/export-hcl.js), never when imported or bundled elsewhere.
if (require.main === module && /export-hcl\.[jt]s$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
