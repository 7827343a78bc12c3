import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { JsonTextError, checkJsonText } from './json-text';
import { shorten } from './quote';
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

/** `regions[1].vpcCidr`; keys that are not short plain words are quoted and shortened: `tags["a b"]`. */
function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(key)) return `[${shorten(key)}]`;
      return `${index === 0 ? '' : '.'}${key}`;
    })
    .join('');
}

/** A value as escaped JSON, shortened. */
function formatValue(value: unknown): string {
  return value === undefined ? 'nothing' : shorten(value);
}

/** Deepest nesting of arrays and objects, counted without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Settings nest at most this deep (backup.vaultLock, regions[].availabilityZones[]). */
const MAX_DEPTH = 8;

/**
 * Strings the app passes to cdktf and Terraform verbatim: Terraform would evaluate `${...}` and
 * `%{...}`, and cdktf would resolve its own token markers, so a setting could inject expressions.
 */
function findInjection(
  value: unknown,
  at: PropertyKey[] = [],
): { path: PropertyKey[]; value: string } | undefined {
  if (typeof value === 'string') {
    return /\$\{|%\{|#\{|TfToken\[/.test(value) ? { path: at, value } : undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found =
        findInjection(key, [...at, Array.isArray(value) ? Number(key) : key]) ??
        findInjection(child, [...at, Array.isArray(value) ? Number(key) : key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The first string value (or, with `keys`, key) holding a control character, breadth first. Keys
 * are checked once the schema has refused unknown ones (its message for those is the better one).
 */
function findControlCharacter(
  value: unknown,
  keys: boolean,
  at: PropertyKey[] = [],
): { path: PropertyKey[]; value: string; where: string; character: string } | undefined {
  const found = (text: string, where: string, pathTo: PropertyKey[]) => {
    const match = CONTROL_CHARACTER.exec(text);
    return match
      ? {
          path: pathTo,
          value: text,
          where,
          character: `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at character ${match.index + 1}`,
        }
      : undefined;
  };
  if (typeof value === 'string') return found(value, 'the value', at);
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Array<[unknown, PropertyKey[]]> = [[value, at]];
  while (stack.length) {
    const [node, pathTo] = stack.shift() as [unknown, PropertyKey[]];
    if (typeof node === 'string') {
      const hit = found(node, 'the value', pathTo);
      if (hit) return hit;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) {
      const childPath = [...pathTo, Array.isArray(node) ? Number(key) : key];
      const hit = Array.isArray(node) || !keys ? undefined : found(key, 'the key', childPath);
      if (hit) return hit;
      stack.push([child, childPath]);
    }
  }
  return undefined;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `${issue.keys.map((key) => formatPath([...issue.path, key])).join(', ')}: ${issue.message}`;
  }
  const where = issue.path.length ? formatPath(issue.path) : '(top level)';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${where}: missing; this setting is required (${issue.expected})`;
  }
  if (issue.code === 'custom' && issue.params?.missing === true) {
    return `${where}: got nothing; ${issue.message}`;
  }
  if (issue.code === 'custom' && issue.params && 'value' in issue.params) {
    return `${where}: got ${formatValue(issue.params.value)}; ${issue.message}`;
  }
  // A union's discriminator issue carries the enclosing object: show the value at the path.
  const last = issue.path[issue.path.length - 1];
  const input =
    issue.code === 'invalid_union' &&
    issue.input !== null &&
    typeof issue.input === 'object' &&
    typeof last === 'string' &&
    Object.hasOwn(issue.input, last)
      ? (issue.input as Record<string, unknown>)[last]
      : issue.input;
  return `${where}: got ${formatValue(input)}; ${issue.message}`;
}

/**
 * Validates a parsed settings object. `source` names where it came from in messages, and, when it
 * is a file, the environment inside must match the file's name.
 */
export function parseSettings(raw: unknown, source: string): Settings {
  const depth = nestingDepth(raw);
  if (depth > MAX_DEPTH) {
    throw new SettingsError(
      `${source}: invalid settings\n  (top level): got ${Array.isArray(raw) ? 'an array' : 'an object'} nested ${depth} levels deep; settings nest at most ${MAX_DEPTH} levels`,
    );
  }
  const controlMessage = (control: NonNullable<ReturnType<typeof findControlCharacter>>) =>
    new SettingsError(
      `${source}: invalid settings\n  ${control.path.length ? formatPath(control.path) : '(top level)'}: got ${formatValue(control.value)}; ${control.where} holds a control character (${control.character}); settings take one line of text, without control characters (a tab, line break or terminal escape would reach names, tags, commands and messages unseen)`,
    );
  const controlInValue = findControlCharacter(raw, false);
  if (controlInValue) throw controlMessage(controlInValue);
  const result = settingsSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${formatIssue(issue)}`);
    throw new SettingsError(`${source}: invalid settings\n${lines.join('\n')}`);
  }
  const controlInKey = findControlCharacter(raw, true);
  if (controlInKey) throw controlMessage(controlInKey);
  const injection = findInjection(raw);
  if (injection) {
    throw new SettingsError(
      `${source}: invalid settings\n  ${injection.path.length ? formatPath(injection.path) : '(top level)'}: got ${formatValue(injection.value)}; settings may not contain "\${", "%{", "#{" or "TfToken[": Terraform and cdktf would evaluate them as expressions`,
    );
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
  return parseSettingsText(text, displayName);
}

/**
 * Parses and validates the text of a settings file: a syntax error is reported at its line and
 * column, a key given twice in one object with both lines (JSON.parse would keep the last silently).
 */
export function parseSettingsText(text: string, displayName: string): Settings {
  const body = text.replace(/^\uFEFF/, '');
  let duplicates;
  try {
    duplicates = checkJsonText(body);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new SettingsError(`${displayName}: not valid JSON (${error.message})`);
  }
  if (duplicates.length) {
    const lines = duplicates.map(
      (d) =>
        `  ${formatPath([...d.path, d.key])}: set twice, at line ${d.firstLine} and at line ${d.secondLine}; JSON keeps only the last one, so one of them would be ignored without a word: keep one`,
    );
    throw new SettingsError(`${displayName}: invalid settings\n${lines.join('\n')}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    const reason = formatValue((error as Error).message.split('\n')[0]).slice(1, -1);
    throw new SettingsError(`${displayName}: not valid JSON (${reason})`);
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
  if (!existsSync(file)) throw new SettingsError(missingEnvironmentMessage(name, dir, display));
  const settings = loadSettingsFile(file, display);
  checkAccountNotShared(settings, dir, display);
  return settings;
}

/** No settings file for the environment: say which environments exist and how to add one. */
function missingEnvironmentMessage(name: string, dir: string, display: string): string {
  let environments: string[] = [];
  try {
    environments = readdirSync(dir)
      .filter((entry) => /^[a-z][a-z0-9]{1,9}\.json$/.test(entry))
      .map((entry) => entry.slice(0, -'.json'.length))
      .sort();
  } catch {
    // the folder itself is missing: no environments
  }
  const folder = path.dirname(display);
  const choices = environments.length
    ? `environments in ${folder}/: ${environments.join(', ')}; set ${ENVIRONMENT_VARIABLE} to one of them`
    : `${folder}/ holds no settings files`;
  return `${display}: no settings file for environment ${formatValue(name)} (from ${ENVIRONMENT_VARIABLE}); ${choices}, or create ${display} (copy one of the others and change "environment")`;
}

/**
 * ECR's replication configuration is one per account and region: two environments that replicate
 * their own repository across regions would overwrite each other's. Refuse that before synthesis.
 */
function checkAccountNotShared(settings: Settings, dir: string, display: string): void {
  // An environment replicates when a service builds its own image (no repositoryUri) across regions.
  const replicatesEcr = (s: {
    accountId?: unknown;
    services?: Record<string, { image?: { repositoryUri?: unknown } } | undefined>;
    regions?: unknown[];
  }) =>
    Object.values(s.services ?? {}).some((service) => service?.image?.repositoryUri === undefined) &&
    (s.regions === undefined || s.regions.length > 1);
  if (!settings.accountId || !replicatesEcr(settings)) return;
  for (const other of readdirSync(dir).filter(
    (f) => f.endsWith('.json') && f !== `${settings.environment}.json`,
  )) {
    let raw: {
      accountId?: unknown;
      services?: Record<string, { image?: { repositoryUri?: unknown } } | undefined>;
      regions?: unknown[];
    };
    try {
      raw = JSON.parse(readFileSync(path.join(dir, other), 'utf8'));
    } catch {
      continue; // that file's own synth reports it
    }
    if (raw.accountId === settings.accountId && replicatesEcr(raw)) {
      throw new SettingsError(
        `${display}: invalid settings\n  accountId: got ${formatValue(settings.accountId)}; ${other} uses the same account, and ECR keeps one replication configuration per account and region, so two environments replicating their own repository would overwrite each other's; give each environment its own account (recommended) or every service an external services.<name>.image.repositoryUri`,
      );
    }
  }
}
