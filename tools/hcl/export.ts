/** Writes stacks of a synthesized app as `<out>/<stack>/*.tf`, formatted with `terraform fmt`. */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { terraform, terraformEnv } from '../terraform/offline';
import { HclExportError, Json, JsonObject, isObject } from './types';
import { SchemaOptions, loadProviderSchemas } from './schema';
import { stackToHcl } from './blocks';
import { readSynthesizedManifest } from '../../stacks/synthesized-manifest';

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
  const manifest = readSynthesizedManifest(options.synthDir);
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
