/**
 * The traffic record: `config/<env>.traffic.json`, beside the environment's settings, written by
 * `npm run traffic -- evacuate|return <region>` and committed like the settings. It says which
 * regions are evacuated (their Global Accelerator traffic dial set to 0 by the command, through
 * Global Accelerator's API alone), when and by whom, so that every routine synthesis keeps those
 * regions' endpoint groups at 0 and says so, instead of planning the configured dial back and sending
 * users to a failed region. Removing a region from it is `npm run traffic -- return <region>`.
 *
 * ```json
 * { "evacuated": { "eu-west-1": { "at": "2026-12-03T14:40:00Z", "by": "alice", "reason": "eu-west-1 outage" } } }
 * ```
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_DIR_VARIABLE, DEFAULT_ENVIRONMENT, ENVIRONMENT_VARIABLE, SettingsError } from './load';
import { shorten } from './quote';
import { Settings } from './schema';

/** One evacuated region. */
export interface Evacuation {
  /** When the command changed the dial, ISO 8601 UTC (`2026-12-03T14:40:00Z`). */
  readonly at: string;
  /** Who ran it: a user name or address, 1 to 100 characters. */
  readonly by: string;
  /** Why, in a few words. @default - none */
  readonly reason?: string;
}

export interface TrafficRecord {
  /** Evacuated regions, by region name. */
  readonly evacuated: Readonly<Record<string, Evacuation>>;
}

export const EMPTY_TRAFFIC_RECORD: TrafficRecord = { evacuated: {} };

/** `<configDir>/<env>.traffic.json`: the record of the environment that `env` chooses. */
export function trafficRecordPath(env: NodeJS.ProcessEnv, projectRoot: string): string {
  const name = env[ENVIRONMENT_VARIABLE] || DEFAULT_ENVIRONMENT;
  const dir = env[CONFIG_DIR_VARIABLE] || path.join(projectRoot, 'config');
  return path.join(dir, `${name}.traffic.json`);
}

/** The file as messages name it: relative to the project when inside it. */
export function displayPath(file: string, projectRoot: string): string {
  const relative = path.relative(projectRoot, file);
  return relative && !relative.startsWith('..') ? relative : file;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
/** Strings Terraform or cdktf would evaluate (refused as in the settings), and control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const REFUSED = /\$\{|%\{|#\{|TfToken\[|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Validates a parsed record against the environment's settings: every region is one of the
 * settings' regions, `at` is an ISO 8601 UTC time, `by` and `reason` are short plain text, and at
 * least one region is left to carry traffic. Every problem is one line naming the key, the value and
 * what is allowed.
 */
export function parseTrafficRecord(raw: unknown, source: string, settings: Settings): TrafficRecord {
  const problems: string[] = [];
  const problem = (where: string, value: unknown, allowed: string) =>
    problems.push(`  ${where}: got ${value === undefined ? 'nothing' : shorten(value)}; ${allowed}`);
  const regions: string[] = settings.regions.map((region) => region.name);
  const evacuated: Record<string, Evacuation> = {};
  if (!isPlainObject(raw)) {
    problem(
      '(top level)',
      raw,
      'expected an object { "evacuated": { "<region>": { "at", "by", "reason"? } } }',
    );
  } else {
    for (const key of Object.keys(raw).filter((k) => k !== 'evacuated')) {
      problem(key, raw[key], 'unknown key; the record holds only "evacuated"');
    }
    const byRegion = raw.evacuated;
    if (!isPlainObject(byRegion)) {
      problem('evacuated', byRegion, 'expected an object keyed by region name, e.g. { "eu-west-1": { … } }');
    } else {
      for (const [region, entry] of Object.entries(byRegion)) {
        const at = `evacuated[${shorten(region)}]`;
        if (!regions.includes(region)) {
          problem(at, region, `not a region of ${settings.environment} (its regions: ${regions.join(', ')})`);
          continue;
        }
        if (!isPlainObject(entry)) {
          problem(at, entry, 'expected { "at": "<ISO 8601 UTC time>", "by": "<who>", "reason"?: "<why>" }');
          continue;
        }
        for (const key of Object.keys(entry).filter((k) => !['at', 'by', 'reason'].includes(k))) {
          problem(`${at}.${key}`, entry[key], 'unknown key; allowed: at, by, reason');
        }
        const text = (key: string, optional: boolean, max: number) => {
          const value = entry[key];
          if (optional && value === undefined) return true;
          if (typeof value !== 'string' || value.length < 1 || value.length > max || REFUSED.test(value)) {
            problem(
              `${at}.${key}`,
              value,
              `expected text of 1 to ${max} characters, one line, without "\${", "%{", "#{" or "TfToken["`,
            );
            return false;
          }
          return true;
        };
        if (typeof entry.at !== 'string' || !ISO_UTC.test(entry.at) || Number.isNaN(Date.parse(entry.at))) {
          problem(`${at}.at`, entry.at, 'expected an ISO 8601 UTC time such as 2026-12-03T14:40:00Z');
        }
        const ok = [text('by', false, 100), text('reason', true, 200)].every(Boolean);
        if (ok && typeof entry.at === 'string' && ISO_UTC.test(entry.at)) {
          evacuated[region] = {
            at: entry.at,
            by: entry.by as string,
            ...(entry.reason === undefined ? {} : { reason: entry.reason as string }),
          };
        }
      }
      const carrying = regions.filter((region) => !Object.hasOwn(byRegion, region));
      if (problems.length === 0 && carrying.length === 0) {
        problem(
          'evacuated',
          Object.keys(byRegion),
          `every region of ${settings.environment} is evacuated, so no region would take traffic; return one (npm run traffic -- return <region>)`,
        );
      }
    }
  }
  if (problems.length) throw new SettingsError(`${source}: invalid traffic record\n${problems.join('\n')}`);
  return { evacuated };
}

/**
 * The environment's traffic record, validated against its settings; the empty record when the file
 * does not exist (no region evacuated).
 */
export function loadTrafficRecord(
  env: NodeJS.ProcessEnv,
  projectRoot: string,
  settings: Settings,
): TrafficRecord {
  const file = trafficRecordPath(env, projectRoot);
  const display = displayPath(file, projectRoot);
  if (!existsSync(file)) return EMPTY_TRAFFIC_RECORD;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SettingsError(
      `${display}: not valid JSON (${(error as Error).message.split('\n')[0]}); it is written by npm run traffic`,
    );
  }
  return parseTrafficRecord(raw, display, settings);
}

/** Writes the record (sorted by region, one line per field); removes the file when nothing is evacuated. */
export function saveTrafficRecord(file: string, record: TrafficRecord): void {
  const regions = Object.keys(record.evacuated).sort();
  if (regions.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  const evacuated = Object.fromEntries(regions.map((region) => [region, record.evacuated[region]]));
  writeFileSync(file, `${JSON.stringify({ evacuated }, null, 2)}\n`);
}

/** The line every synthesis prints for an evacuated region. */
export function evacuationNotice(region: string, evacuation: Evacuation): string {
  return (
    `traffic: ${region} evacuated at ${evacuation.at} by ${evacuation.by}` +
    `${evacuation.reason ? ` (${evacuation.reason})` : ''}: its endpoint groups stay at traffic dial 0; ` +
    `\`npm run traffic -- return ${region}\` to bring it back`
  );
}
