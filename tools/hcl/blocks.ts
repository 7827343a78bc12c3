/** Block writing: resources, data sources, providers, terraform, outputs, ... of one stack as HCL. */
import {
  HclExportError,
  Json,
  JsonObject,
  ProviderSchemas,
  SchemaBlock,
  SchemaBlockType,
  isObject,
} from './types';
import { PAD, label, literalToHcl, objectKey, referenceToHcl, valueToHcl } from './expressions';
import { attributeAsBlocks, providerAddress, requiredProviders } from './schema';
import * as path from 'node:path';

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
