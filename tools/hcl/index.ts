/**
 * HCL export (`npm run export:hcl`): plain Terraform from the synthesized stacks, in four parts that
 * can be read and tested alone: schema reading (schema.ts), expression rendering (expressions.ts),
 * block writing (blocks.ts), the export of a synthesized app (export.ts); command.ts is the CLI.
 */
export * from './types';
export { literalToHcl, referenceToHcl, scanInterpolation, templateToHcl, valueToHcl } from './expressions';
export { loadProviderSchemas, providerAddress, requiredProviders } from './schema';
export type { SchemaOptions } from './schema';
export { stackToHcl } from './blocks';
export type { ConvertOptions } from './blocks';
export { exportStacks } from './export';
export type { ExportOptions, ExportedStack } from './export';
