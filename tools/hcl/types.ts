/** Types shared by the HCL export: JSON values, provider schemas, and its error. */
// Types

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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

export function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
