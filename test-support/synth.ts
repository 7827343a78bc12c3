/** Shared helpers for the unit tests: settings fixtures and queries over synthesized stacks. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { parseSettings } from '../settings/load';
import { Settings, SettingsInput } from '../settings/schema';
import { readSynthesizedManifest } from '../stacks/synthesized-manifest';

/**
 * Settings overrides in the single-service shape the unit tests were written in: `image`, `task`,
 * `service` and per-region `image`, `environment`, `secrets` describe the one service `app`.
 */
export type SingleServiceOverrides = Omit<Partial<SettingsInput>, 'regions'> & {
  image?: Record<string, unknown>;
  task?: Record<string, unknown>;
  service?: Record<string, unknown>;
  regions?: Array<Record<string, unknown>>;
};

/**
 * The smallest valid settings, with overrides; validated like a real settings file. Single-service
 * overrides (`image`, `task`, `service`, per-region `image`/`environment`/`secrets`) go to the one
 * service `app`, which keeps the single-service names (`legacyNames`) and takes every request.
 */
export function testSettings(overrides: SingleServiceOverrides = {}): Settings {
  const { image, task, service, regions, ...platform } = overrides;
  const serviceRegions: Record<string, Record<string, unknown>> = {};
  const platformRegions = regions?.map((region) => {
    const { image: regionImage, environment, secrets, ...rest } = region;
    const own = Object.fromEntries(
      Object.entries({ image: regionImage, environment, secrets }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(own).length > 0) serviceRegions[String(region.name)] = own;
    return rest;
  });
  const app = {
    legacyNames: true,
    image: image ?? { tag: '1.0.0' },
    ...(task ? { task } : {}),
    ...(service ? { service } : {}),
    routing: { paths: ['/*'], priority: 50000 },
    ...(Object.keys(serviceRegions).length ? { regions: serviceRegions } : {}),
  };
  return parseSettings(
    {
      app: 'fargate',
      environment: 'test',
      tier: 'development',
      ...platform,
      ...(platformRegions ? { regions: platformRegions } : {}),
      services: platform.services ?? { app },
    },
    'test settings',
  );
}

/**
 * The smallest production settings testSettings takes (single-service shape): a vault lock, an alarm
 * e-mail, a container health check, and plain HTTP with `plainHttpReason` (no domain needed).
 */
export function productionOverrides(plainHttpReason: string) {
  return {
    environment: 'prod',
    tier: 'production' as const,
    image: { tag: '1.0.0' },
    backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
    alarms: { emails: ['oncall@example.com'] },
    task: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
    edge: { plainHttpReason },
  };
}

export type Block = Record<string, unknown> & { provider?: string };

export interface SynthesizedJson {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  provider?: Record<string, Array<Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, unknown>;
}

/**
 * The stack as written to disk by synthesis, construct-path metadata included (Testing.synth strips
 * it), so tests find resources by construct path and properties, never by hashed logical IDs.
 */
export function synthJson(stack: TerraformStack): SynthesizedJson {
  const outdir = Testing.fullSynth(stack);
  return JSON.parse(
    readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'),
  ) as SynthesizedJson;
}

/** A whole synthesized app, read back from its output folder. */
export interface SynthesizedApp {
  readonly outdir: string;
  /** Folder of each stack, by stack name. */
  readonly stackDirs: Record<string, string>;
  /** Synthesized JSON of each stack, by stack name. */
  readonly stacks: Record<string, SynthesizedJson>;
}

/** The stacks `<outdir>/manifest.json` lists: each one's folder and synthesized JSON. */
export function readSynthesizedApp(outdir: string): SynthesizedApp {
  const manifest = readSynthesizedManifest(outdir);
  const stackDirs: Record<string, string> = {};
  const stacks: Record<string, SynthesizedJson> = {};
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    stackDirs[name] = path.join(outdir, stack.workingDirectory);
    stacks[name] = JSON.parse(
      readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'),
    ) as SynthesizedJson;
  }
  return { outdir, stackDirs, stacks };
}

/** Synthesizes whatever `build` adds to a fresh stack in a fresh app. */
export function synthScopeJson(build: (scope: Construct) => void): SynthesizedJson {
  const stack = new TerraformStack(Testing.app(), 'test');
  build(stack);
  return synthJson(stack);
}

/** Every resource of a type, in declaration order, with its construct path. */
export function resources(json: SynthesizedJson, type: string): Array<Block & { path: string }> {
  return Object.values(json.resource?.[type] ?? {}).map((block) => ({
    ...block,
    path: (block['//'] as { metadata: { path: string } }).metadata.path,
  }));
}

/** The one resource of a type whose construct path ends with `suffix`. */
export function resourceAt(json: SynthesizedJson, type: string, suffix: string): Block & { path: string } {
  const matches = resources(json, type).filter((block) => block.path.endsWith(suffix));
  if (matches.length !== 1) {
    throw new Error(
      `expected one ${type} at *${suffix}, found ${matches.map((m) => m.path).join(', ') || 'none'}`,
    );
  }
  return matches[0];
}

/** `${aws_x.name.attr}` reference to the one resource of a type whose construct path ends with `suffix`. */
export function ref(json: SynthesizedJson, type: string, suffix: string, attribute = 'id'): string {
  const path = resourceAt(json, type, suffix).path;
  const name = Object.keys(json.resource?.[type] ?? {}).find(
    (key) => (json.resource?.[type]?.[key]['//'] as { metadata: { path: string } }).metadata.path === path,
  );
  return `\${${type}.${name}.${attribute}}`;
}

/** The one data source of a type whose construct path ends with `suffix`. */
export function dataAt(json: SynthesizedJson, type: string, suffix: string): Block {
  const matches = Object.values(json.data?.[type] ?? {}).filter((block) =>
    (block['//'] as { metadata: { path: string } }).metadata.path.endsWith(suffix),
  );
  if (matches.length !== 1) {
    throw new Error(`expected one data source ${type} at *${suffix}, found ${matches.length}`);
  }
  return matches[0];
}

/** `${data.aws_x.name.attr}` reference to the one data source of a type whose path ends with `suffix`. */
export function dataRef(json: SynthesizedJson, type: string, suffix: string, attribute: string): string {
  const block = dataAt(json, type, suffix);
  const name = Object.keys(json.data?.[type] ?? {}).find((key) => json.data?.[type]?.[key] === block);
  return `\${data.${type}.${name}.${attribute}}`;
}

/** Every resource and data source block: type, kind, path and provider. */
export function allBlocks(
  json: SynthesizedJson,
): Array<{ kind: 'resource' | 'data'; type: string; path: string; provider?: string }> {
  const out: Array<{ kind: 'resource' | 'data'; type: string; path: string; provider?: string }> = [];
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, blocks] of Object.entries(json[kind] ?? {})) {
      for (const block of Object.values(blocks)) {
        const path = (block['//'] as { metadata: { path: string } } | undefined)?.metadata.path ?? type;
        out.push({ kind, type, path, provider: block.provider });
      }
    }
  }
  return out;
}
