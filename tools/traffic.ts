/**
 * `npm run traffic -- evacuate <region>` / `return <region>` / `status`: moves an environment's
 * traffic away from a region, and back, through Global Accelerator's API alone. That API is served
 * from us-west-2 and nothing else is called, so an evacuation needs no API of the region it
 * evacuates (nor Terraform, nor its state). Every listener's endpoint group of the region gets
 * traffic dial 0 (evacuate) or the dial the settings give it (return); every call is bounded and the
 * whole command ends within `deadlineMs` (50 s) with a clear message, even when the endpoint accepts
 * connections and never answers.
 *
 * The evacuation is recorded in `config/<env>.traffic.json` (settings/traffic-record.ts), which the
 * synthesis reads: routine plans keep the region at 0 until `return`, which removes the record.
 *
 *   --env <env>        the environment (default: PLATFORM_ENV, else dev)
 *   --by <who>         who evacuates, for the record (default: the user name)
 *   --reason <text>    why, for the record
 *
 * Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN). Endpoint:
 * AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR, else AWS_ENDPOINT_URL, else Global Accelerator's own.
 * Exit 0: done; 1: the accelerator was not (entirely) changed; 2: the command could not start.
 */
import { runWithProcess } from './command';
import * as os from 'node:os';
import { ENVIRONMENT_VARIABLE, SettingsError, loadEnvironmentSettings } from '../settings/load';
import { Settings } from '../settings/schema';
import {
  TrafficRecord,
  displayPath,
  loadTrafficRecord,
  saveTrafficRecord,
  trafficRecordPath,
} from '../settings/traffic-record';
import {
  GLOBAL_ACCELERATOR_API_REGION,
  GlobalAcceleratorUnreachable,
  globalAcceleratorCall,
  globalAcceleratorEndpoint,
} from './aws/global-accelerator';
import { AwsError } from './aws/request';
import { credentialsFromEnv } from './aws/sigv4';

export interface TrafficOptions {
  /** Command-line arguments after `--`. */
  readonly argv: string[];
  /** Environment: PLATFORM_ENV, PLATFORM_CONFIG_DIR, credentials, endpoint overrides. */
  readonly env: NodeJS.ProcessEnv;
  readonly projectRoot: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** The time the record notes. @default - now */
  readonly now?: () => Date;
  /** The whole command's bound, in milliseconds. @default 50_000 */
  readonly deadlineMs?: number;
  /** One call's bound, in milliseconds. @default 10_000 */
  readonly requestTimeoutMs?: number;
}

export const USAGE =
  'usage: npm run traffic -- evacuate <region> [--env <env>] [--by <who>] [--reason <text>]\n' +
  '       npm run traffic -- return <region> [--env <env>]\n' +
  '       npm run traffic -- status [--env <env>]';

/** The command's bound: well inside a minute, so a hung endpoint never holds the on-call engineer. */
export const DEFAULT_DEADLINE_MS = 50_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

type Verb = 'evacuate' | 'return' | 'status';

interface Arguments {
  verb: Verb;
  region?: string;
  environment?: string;
  by?: string;
  reason?: string;
}

function parseArguments(argv: string[]): Arguments | string {
  const [verb, ...rest] = argv;
  if (verb !== 'evacuate' && verb !== 'return' && verb !== 'status') {
    return verb === undefined ? 'name what to do' : `unknown command ${JSON.stringify(verb)}`;
  }
  const parsed: Arguments = { verb };
  const flags: Record<string, 'environment' | 'by' | 'reason'> = {
    '--env': 'environment',
    '--by': 'by',
    '--reason': 'reason',
  };
  for (let i = 0; i < rest.length; i += 1) {
    const argument = rest[i];
    if (!argument.startsWith('--')) {
      if (parsed.region !== undefined || verb === 'status') {
        return `unexpected argument ${JSON.stringify(argument)}`;
      }
      parsed.region = argument;
      continue;
    }
    const [flag, inline] = argument.split(/=(.*)/s, 2);
    const key = flags[flag];
    if (!key || (verb !== 'evacuate' && key !== 'environment')) {
      return `unknown option ${JSON.stringify(flag)} for ${verb}`;
    }
    const value = inline ?? rest[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      return `${flag} needs a value`;
    if (inline === undefined) i += 1;
    parsed[key] = value;
  }
  if (verb !== 'status' && parsed.region === undefined) return `${verb} needs a region`;
  return parsed;
}

interface Listener {
  ListenerArn: string;
  Protocol?: string;
  PortRanges?: Array<{ FromPort: number; ToPort: number }>;
}

interface EndpointGroup {
  EndpointGroupArn: string;
  EndpointGroupRegion: string;
  TrafficDialPercentage?: number;
  HealthCheckPort?: number;
  HealthCheckProtocol?: string;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds?: number;
  ThresholdCount?: number;
  PortOverrides?: Array<{ ListenerPort: number; EndpointPort: number }>;
}

/** Thrown to end the command with a message and an exit code. */
class Stop extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const ports = (listener: Listener) =>
  (listener.PortRanges ?? [])
    .map((range) =>
      range.FromPort === range.ToPort ? `${range.FromPort}` : `${range.FromPort}-${range.ToPort}`,
    )
    .join(',');

/** Runs the command; returns the exit code. */
export async function traffic(options: TrafficOptions): Promise<number> {
  const { stdout, stderr } = options;
  const started = Date.now();
  const args = parseArguments(options.argv);
  if (typeof args === 'string') {
    stderr(`error: ${args}\n${USAGE}`);
    return 2;
  }
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    [ENVIRONMENT_VARIABLE]: args.environment ?? options.env[ENVIRONMENT_VARIABLE],
  };
  let settings: Settings;
  let record: TrafficRecord;
  try {
    settings = loadEnvironmentSettings(env, options.projectRoot);
    record = loadTrafficRecord(env, options.projectRoot, settings);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    stderr(`error: ${error.message}`);
    return 2;
  }
  const file = trafficRecordPath(env, options.projectRoot);
  const shown = displayPath(file, options.projectRoot);
  const regions: string[] = settings.regions.map((region) => region.name);
  const { region, verb } = args;
  if (region !== undefined && !regions.includes(region)) {
    stderr(
      `error: region ${JSON.stringify(region)} is not a region of ${settings.environment} (its regions: ${regions.join(', ')})`,
    );
    return 2;
  }
  if (verb === 'evacuate') {
    const left = regions.filter((other) => other !== region && !record.evacuated[other]);
    if (left.length === 0) {
      const evacuated = Object.keys(record.evacuated);
      stderr(
        `error: evacuating ${region} would leave no region of ${settings.environment} to take its traffic (${regions.length === 1 ? 'it is the only region' : `evacuated already: ${evacuated.join(', ')}; return one first`})`,
      );
      return 2;
    }
  }
  const credentials = credentialsFromEnv(env);
  if (!credentials) {
    stderr(
      'error: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN); with a profile: eval "$(aws configure export-credentials --profile <name> --format env)"',
    );
    return 2;
  }

  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const deadline = started + deadlineMs;
  const call = async <T>(operation: string, payload: Record<string, unknown>): Promise<T> => {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new GlobalAcceleratorUnreachable(
        `out of time before ${operation}: the command stops after ${(deadlineMs / 1000).toFixed(0)} s`,
      );
    }
    return globalAcceleratorCall<T>(
      { credentials, env },
      operation,
      payload,
      Math.min(requestTimeoutMs, left),
    );
  };
  const all = async <T>(operation: string, payload: Record<string, unknown>, key: string): Promise<T[]> => {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await call<Record<string, unknown>>(operation, {
        ...payload,
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      });
      items.push(...((page[key] as T[] | undefined) ?? []));
      token = page.NextToken as string | undefined;
    } while (token);
    return items;
  };

  const name = `${settings.app}-${settings.environment}`;
  const endpoint = globalAcceleratorEndpoint(env);
  const target = (r: string) =>
    verb === 'evacuate'
      ? 0
      : (settings.regions.find((candidate) => candidate.name === r)?.trafficDialPercentage ?? 100);
  stdout(
    `${verb} ${region ?? ''}${region ? ' ' : ''}in ${name}: Global Accelerator's API at ${endpoint} (${GLOBAL_ACCELERATOR_API_REGION})` +
      (region ? `; no call goes to ${region}` : ''),
  );

  if (verb === 'evacuate' && region) {
    // The intent is recorded first: should the API fail, the next routine plan still sets the dial to 0.
    const existing = record.evacuated[region];
    const evacuation = existing ?? {
      at: (options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      by: args.by ?? (env.USER || os.userInfo().username),
      ...(args.reason ? { reason: args.reason } : {}),
    };
    record = { evacuated: { ...record.evacuated, [region]: evacuation } };
    saveTrafficRecord(file, record);
    stdout(
      existing
        ? `recorded already in ${shown}: evacuated at ${existing.at} by ${existing.by}`
        : `recorded in ${shown}: ${region} evacuated at ${evacuation.at} by ${evacuation.by}`,
    );
  }

  const changed: string[] = [];
  try {
    const accelerators = (
      await all<{ AcceleratorArn: string; Name: string }>('ListAccelerators', {}, 'Accelerators')
    ).filter((accelerator) => accelerator.Name === name);
    if (accelerators.length !== 1) {
      throw new Stop(
        accelerators.length === 0
          ? `no accelerator named ${name} in this account (ListAccelerators); is ${settings.environment} deployed, and are these its credentials?`
          : `${accelerators.length} accelerators are named ${name}; evacuate through the console, and remove the extra one`,
        1,
      );
    }
    const acceleratorArn = accelerators[0].AcceleratorArn;
    stdout(`accelerator ${name}: ${acceleratorArn}`);
    const listeners = await all<Listener>('ListListeners', { AcceleratorArn: acceleratorArn }, 'Listeners');
    if (listeners.length === 0) throw new Stop(`accelerator ${name} has no listener`, 1);
    const missing: string[] = [];
    for (const listener of listeners) {
      const groups = await all<EndpointGroup>(
        'ListEndpointGroups',
        { ListenerArn: listener.ListenerArn },
        'EndpointGroups',
      );
      const label = `listener ${listener.Protocol ?? ''} ${ports(listener)}`.replace(/\s+/g, ' ');
      if (verb === 'status') {
        for (const group of groups.sort((a, b) =>
          a.EndpointGroupRegion.localeCompare(b.EndpointGroupRegion),
        )) {
          const evacuation = record.evacuated[group.EndpointGroupRegion];
          stdout(
            `  ${label}: ${group.EndpointGroupRegion} traffic dial ${group.TrafficDialPercentage ?? 100}` +
              (evacuation ? ` (evacuated at ${evacuation.at} by ${evacuation.by})` : ''),
          );
        }
        continue;
      }
      const group = groups.find((candidate) => candidate.EndpointGroupRegion === region);
      if (!group) {
        missing.push(label);
        continue;
      }
      const want = target(group.EndpointGroupRegion);
      const was = group.TrafficDialPercentage ?? 100;
      if (was !== want) {
        // The health check settings are sent back as they are, so the update changes the dial alone.
        await call('UpdateEndpointGroup', {
          EndpointGroupArn: group.EndpointGroupArn,
          TrafficDialPercentage: want,
          HealthCheckPort: group.HealthCheckPort,
          HealthCheckProtocol: group.HealthCheckProtocol,
          HealthCheckPath: group.HealthCheckProtocol?.startsWith('HTTP') ? group.HealthCheckPath : undefined,
          HealthCheckIntervalSeconds: group.HealthCheckIntervalSeconds,
          ThresholdCount: group.ThresholdCount,
          PortOverrides: group.PortOverrides?.length ? group.PortOverrides : undefined,
        });
      }
      const read = await call<{ EndpointGroup?: EndpointGroup }>('DescribeEndpointGroup', {
        EndpointGroupArn: group.EndpointGroupArn,
      });
      const now = read.EndpointGroup?.TrafficDialPercentage ?? 100;
      if (now !== want) {
        throw new Stop(
          `${label}: endpoint group ${region} still reports traffic dial ${now} after the update to ${want}; run the command again`,
          1,
        );
      }
      changed.push(group.EndpointGroupArn);
      stdout(
        `  ${label}: endpoint group ${region} ${group.EndpointGroupArn}: traffic dial ${was} -> ${now}${was === want ? ' (already)' : ''}, confirmed by DescribeEndpointGroup`,
      );
    }
    if (missing.length) {
      throw new Stop(
        `no endpoint group in ${region} on ${missing.join(', ')}: ${region} takes no traffic there`,
        1,
      );
    }
  } catch (error) {
    const known =
      error instanceof Stop || error instanceof GlobalAcceleratorUnreachable || error instanceof AwsError;
    if (!known) throw error;
    stderr(`error: ${error.message}`);
    if (verb === 'evacuate') {
      stderr(
        `${region} is NOT (entirely) evacuated${changed.length ? ` (changed: ${changed.join(', ')})` : ''}. ${shown} records the evacuation: commit it, and run the command again; once the accelerator changes, routine plans keep ${region} at 0.`,
      );
    } else if (verb === 'return') {
      stderr(`${region} is NOT returned; ${shown} still records it evacuated. Run the command again.`);
    }
    stderr(`ended after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return error instanceof Stop ? error.code : 1;
  }

  if (verb === 'return' && region) {
    const { [region]: removed, ...rest } = record.evacuated;
    saveTrafficRecord(file, { evacuated: rest });
    stdout(
      removed
        ? `removed ${region} from ${shown}${Object.keys(rest).length ? '' : ' (now empty, so deleted)'}`
        : `${shown} did not record ${region} as evacuated; nothing to remove`,
    );
  }
  if (verb !== 'status') {
    stdout('');
    stdout(
      `commit the record, so that every routine plan sees it (Atlantis and Terraform Cloud plan from git):`,
    );
    stdout(`  git add -A ${shown} && git commit -m "traffic: ${verb} ${region}"`);
    stdout(
      verb === 'evacuate'
        ? `until \`npm run traffic -- return ${region}\`, every synthesis keeps ${region}'s endpoint groups at traffic dial 0 and says so.`
        : `routine plans now leave ${region}'s endpoint groups at traffic dial ${target(region as string)}, the settings' value.`,
    );
    stdout('confirm (from anywhere: Global Accelerator answers from us-west-2):');
    for (const arn of changed) {
      stdout(
        `  aws globalaccelerator describe-endpoint-group --region ${GLOBAL_ACCELERATOR_API_REGION} --endpoint-group-arn ${arn} --query EndpointGroup.TrafficDialPercentage`,
      );
    }
    stdout(
      `  or the Global Accelerator console (us-west-2): Accelerators > ${name} > each listener > endpoint group ${region}; npm run traffic -- status --env ${settings.environment}`,
    );
  }
  stdout(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

if (require.main === module) runWithProcess(traffic, 2);
