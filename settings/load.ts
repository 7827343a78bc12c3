import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { Settings, settingsSchema } from './schema';

/** Bad settings: the message names the file, each setting's path, the value received and what is allowed. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Environment variable that chooses the settings file `config/<name>.json`. */
export const ENVIRONMENT_VARIABLE = 'PLATFORM_ENV';
/** Environment variable that points at another folder of settings files. */
export const CONFIG_DIR_VARIABLE = 'PLATFORM_CONFIG_DIR';
export const DEFAULT_ENVIRONMENT = 'dev';

function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const place = issue.path.length ? `${formatPath(issue.path)}.` : '';
    return `${issue.keys.map((key) => `${place}${key}`).join(', ')}: ${issue.message}`;
  }
  const where = issue.path.length ? formatPath(issue.path) : '(top level)';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${where}: missing; this setting is required (${issue.expected})`;
  }
  if (issue.code === 'custom' && issue.params?.missing === true) {
    return `${where}: got nothing; ${issue.message}`;
  }
  // Some issues (a union's discriminator) carry the enclosing object: show the value at the path.
  const last = issue.path[issue.path.length - 1];
  const input =
    issue.input !== null && typeof issue.input === 'object' && typeof last === 'string' && last in issue.input
      ? (issue.input as Record<string, unknown>)[last]
      : issue.input;
  return `${where}: got ${formatValue(input)}; ${issue.message}`;
}

/**
 * Validates a parsed settings object. `source` names where it came from in messages, and, when it
 * is a file, the environment inside must match the file's name.
 */
export function parseSettings(raw: unknown, source: string): Settings {
  const result = settingsSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${formatIssue(issue)}`);
    throw new SettingsError(`${source}: invalid settings\n${lines.join('\n')}`);
  }
  const expected = path.basename(source, '.json');
  if (source.endsWith('.json') && result.data.environment !== expected) {
    throw new SettingsError(
      `${source}: invalid settings\n  environment: got ${formatValue(result.data.environment)}; must equal the file's name "${expected}", so one environment can never plan against another's state`,
    );
  }
  return result.data;
}

/** Reads and validates one settings file. */
export function loadSettingsFile(file: string, displayName = file): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SettingsError(`${displayName}: cannot read the settings file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${displayName}: not valid JSON (${(error as Error).message})`);
  }
  return parseSettings(raw, displayName);
}

/**
 * Chooses and loads the environment's settings from `PLATFORM_ENV` (default `dev`) and
 * `PLATFORM_CONFIG_DIR` (default `config/` beside the app).
 */
export function loadEnvironmentSettings(env: NodeJS.ProcessEnv, projectRoot: string): Settings {
  const name = env[ENVIRONMENT_VARIABLE] || DEFAULT_ENVIRONMENT;
  if (!/^[a-z][a-z0-9]{1,9}$/.test(name)) {
    throw new SettingsError(
      `${ENVIRONMENT_VARIABLE}: got ${formatValue(name)}; expected an environment name (2 to 10 lower-case letters or digits) with a file config/<name>.json`,
    );
  }
  const dir = env[CONFIG_DIR_VARIABLE] || path.join(projectRoot, 'config');
  const file = path.join(dir, `${name}.json`);
  const relative = path.relative(projectRoot, file);
  const display = relative && !relative.startsWith('..') ? relative : file;
  const settings = loadSettingsFile(file, display);
  checkAccountNotShared(settings, dir, display);
  return settings;
}

/**
 * ECR's replication configuration is one per account and region: two environments that replicate
 * their own repository across regions would overwrite each other's. Refuse that before synthesis.
 */
function checkAccountNotShared(settings: Settings, dir: string, display: string): void {
  const replicatesEcr = (s: {
    accountId?: unknown;
    image?: { repositoryUri?: unknown };
    regions?: unknown[];
  }) => s.image?.repositoryUri === undefined && (s.regions === undefined || s.regions.length > 1);
  if (!settings.accountId || !replicatesEcr(settings)) return;
  for (const other of readdirSync(dir).filter(
    (f) => f.endsWith('.json') && f !== `${settings.environment}.json`,
  )) {
    let raw: { accountId?: unknown; image?: { repositoryUri?: unknown }; regions?: unknown[] };
    try {
      raw = JSON.parse(readFileSync(path.join(dir, other), 'utf8'));
    } catch {
      continue; // that file's own synth reports it
    }
    if (raw.accountId === settings.accountId && replicatesEcr(raw)) {
      throw new SettingsError(
        `${display}: invalid settings\n  accountId: got ${formatValue(settings.accountId)}; ${other} uses the same account, and ECR keeps one replication configuration per account and region, so two environments replicating their own repository would overwrite each other's; give each environment its own account (recommended) or an external image.repositoryUri`,
      );
    }
  }
}
