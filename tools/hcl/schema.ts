/** Schema reading: the providers' schemas (`terraform providers schema -json`), cached per version. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { terraform, terraformEnv } from '../terraform/offline';
import {
  HclExportError,
  JsonObject,
  ProviderSchema,
  ProviderSchemas,
  SchemaAttribute,
  SchemaBlock,
  isObject,
} from './types';

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

/**
 * The object type of an SDKv2 "attribute as blocks" argument (`list(object)` / `set(object)`,
 * e.g. aws_security_group's `ingress`), as a block schema; undefined for any other attribute.
 */
export function attributeAsBlocks(attribute: SchemaAttribute | undefined): SchemaBlock | undefined {
  const type = attribute?.type;
  if (attribute?.nested_type || !Array.isArray(type)) return undefined;
  const [kind, element] = type as [string, unknown];
  if ((kind !== 'list' && kind !== 'set') || !Array.isArray(element) || element[0] !== 'object')
    return undefined;
  const fields = element[1] as Record<string, unknown>;
  return { attributes: Object.fromEntries(Object.keys(fields).map((key) => [key, { type: fields[key] }])) };
}
