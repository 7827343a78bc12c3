/**
 * The main job, offline: synthesize the environment chosen by PLATFORM_ENV into cdktf.out (skipped
 * when nothing it reads changed), then `terraform init` (reused while the providers and backend stay
 * the same) and `plan` every stack (or the stacks named as arguments) side by side, with mock
 * credentials and a throw-away local backend in scratch copies under .work/offline/. Prints a line
 * per stack and step as it happens, then each plan's counts, the outputs a user looks for, and where
 * the saved plan is. No AWS account needed.
 *
 *   npm run plan:offline [-- [--json] [--validate] [--fresh] [<stack>...]]
 *
 * --json      a JSON summary on stdout (progress goes to stderr)
 * --validate  a separate `terraform validate` before each plan (plan validates anyway)
 * --fresh     synthesize and init afresh, as if nothing had run before
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Settings } from '../settings/schema';
import { recordSynth, synthInputsHash, synthIsCurrent, SYNTH_HASH_FILE } from './synth-cache';
import {
  OfflinePlan,
  PlanStep,
  PlannedOutput,
  planCounts,
  planOffline,
  plannedOutputs,
  prepareTerraform,
  summarizePlan,
} from './terraform/offline';
import { runCommand } from './command';
import { readSynthesizedManifest } from '../stacks/synthesized-manifest';
import { ConsumerJson, remoteStateSummary } from './terraform/remote-state';

interface Options {
  readonly json: boolean;
  readonly validate: boolean;
  readonly fresh: boolean;
  readonly stacks: string[];
}

function parseArgs(args: string[]): Options | string {
  const flags = new Set(['--json', '--validate', '--fresh']);
  const unknown = args.filter((arg) => arg.startsWith('-') && !flags.has(arg));
  if (unknown.length) {
    return `unknown option ${unknown.join(', ')}; options: --json, --validate, --fresh, then stack names`;
  }
  return {
    json: args.includes('--json'),
    validate: args.includes('--validate'),
    fresh: args.includes('--fresh'),
    stacks: args.filter((arg) => !arg.startsWith('-')),
  };
}

/** "1 stack", "2 stacks". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The outputs a user looks for first: the address, the failover time, then per region. */
const KEY_OUTPUTS = [
  'app_url',
  'accelerator_dns_name',
  'accelerator_static_ips',
  'expected_failover_seconds',
  'hosted_zone_id',
  'hosted_zone_name_servers',
];
const REGION_OUTPUT = /^([a-z]{2}_[a-z]+_\d)_(alb_dns_name|repository_url|cluster_name|service_name)$/;

function formatOutput(output: PlannedOutput): string {
  if (!output.known) return '(known after apply)';
  return typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
}

/** The outputs worth printing after a plan, in the order a user reads them. */
export function keyOutputs(outputs: PlannedOutput[]): PlannedOutput[] {
  const byName = new Map(outputs.map((output) => [output.name, output]));
  const first = KEY_OUTPUTS.flatMap((name) => (byName.has(name) ? [byName.get(name) as PlannedOutput] : []));
  const regional = outputs.filter((output) => REGION_OUTPUT.test(output.name));
  const simple = outputs.filter(
    (output) =>
      !KEY_OUTPUTS.includes(output.name) &&
      !REGION_OUTPUT.test(output.name) &&
      !/_(ids?|arn)$/.test(output.name),
  );
  return [...first, ...regional, ...(first.length || regional.length ? [] : simple)];
}

/** What a backend setting is, in words. */
function backendLabel(settings: Settings): string {
  const backend = settings.backend;
  if (backend.type === 's3')
    return `S3 backend (s3://${backend.bucket}/${backend.keyPrefix}/<stack>.tfstate)`;
  if (backend.type === 'cloud') return `Terraform Cloud backend (organization ${backend.organization})`;
  return 'local backend (terraform.tfstate.d/<stack>.tfstate)';
}

/** What a skipped step says. */
const REUSED: Record<PlanStep['step'], string> = {
  init: 'reused (providers and backend unchanged)',
  validate: 'reused',
  plan: 'reused (configuration unchanged since the saved plan)',
  show: 'reused',
};

interface StackResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly result?: OfflinePlan;
  readonly seconds: number;
}

async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    console.error(`error: ${parsed}`);
    return 2;
  }
  const options = parsed;
  // With --json, stdout carries only the JSON summary; progress goes to stderr.
  const say = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const root = process.cwd();
  process.env.CHECKPOINT_DISABLE = '1';
  const outdir = process.env.CDKTF_OUTDIR || path.join(root, 'cdktf.out');

  // Settings first (cheap): an offline plan needs the account in the settings.
  const { loadEnvironmentSettings, SettingsError } = await import('../settings/load');
  let settings: Settings;
  try {
    settings = loadEnvironmentSettings(process.env, root);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`error: ${error.message}`);
    console.error('Nothing was synthesized.');
    return 1;
  }
  const configDir = process.env.PLATFORM_CONFIG_DIR || path.join(root, 'config');
  const settingsFile = displayPath(root, path.join(configDir, `${settings.environment}.json`));
  if (!settings.accountId) {
    console.error(
      `error: ${settingsFile} has no accountId. Without it the stack looks the account up with an STS call at plan time, which needs AWS credentials and network.\n` +
        `Fix: add "accountId": "<your 12-digit AWS account ID>" to ${settingsFile} (any 12 digits plan offline, e.g. "123456789012"; every provider then refuses other accounts).`,
    );
    return 1;
  }

  // Synthesis, skipped when none of its inputs changed.
  const synthStarted = Date.now();
  const inputs = synthInputsHash(APP_ROOT, configDir, { ...process.env, CDKTF_OUTDIR: outdir });
  if (!options.fresh && synthIsCurrent(outdir, inputs)) {
    say(
      `synth       ${settings.environment}: inputs unchanged, cdktf.out reused   ${seconds(Date.now() - synthStarted)}`,
    );
  } else {
    rmSync(path.join(outdir, SYNTH_HASH_FILE), { force: true });
    const { run } = await import('../stacks/app');
    const code = run({
      env: process.env,
      projectRoot: root,
      outdir,
      stderr: (l) => console.error(l),
      stdout: say,
    });
    if (code !== 0) return code;
    recordSynth(outdir, inputs);
    say(`synth       ${settings.environment} from ${settingsFile}   ${seconds(Date.now() - synthStarted)}`);
  }

  const manifest = readSynthesizedManifest(outdir);
  const unknown = options.stacks.filter((name) => !(name in manifest.stacks));
  if (unknown.length) {
    console.error(
      `error: unknown stack ${unknown.join(', ')}; stacks: ${Object.keys(manifest.stacks).join(', ')}`,
    );
    return 1;
  }
  const names = Object.keys(manifest.stacks).filter(
    (name) => !options.stacks.length || options.stacks.includes(name),
  );

  const { cliConfigFile, mirror } = prepareTerraform(root);
  say(
    mirror
      ? `providers   AWS provider from the local mirror ${mirror}`
      : 'providers   AWS provider from the Terraform registry',
  );
  say(
    `backend     the configured ${backendLabel(settings)} is replaced by a throw-away local state in .work/offline/<stack>/, with mock credentials: your real state is never read or written`,
  );
  for (const line of remoteStateLines(outdir, manifest.stacks, names)) say(line);

  const onStep = (step: PlanStep) =>
    say(
      `${step.step.padEnd(11)} ${step.stack}   ${step.reused ? REUSED[step.step] : seconds(step.seconds * 1000)}`,
    );
  // Stacks plan side by side: each is its own Terraform configuration and state. One failing stack
  // does not stop the others.
  const results: StackResult[] = await Promise.all(
    names.map(async (name): Promise<StackResult> => {
      const stackStarted = Date.now();
      try {
        const result = await planOffline({
          stack: name,
          stackDir: path.join(outdir, manifest.stacks[name].workingDirectory),
          workDir: path.join(root, '.work', 'offline', name),
          cliConfigFile,
          reuseInit: !options.fresh,
          validate: options.validate,
          onStep,
        });
        return { name, ok: true, result, seconds: (Date.now() - stackStarted) / 1000 };
      } catch (error) {
        const message = (error as Error).message;
        say(`failed      ${name}   ${seconds(Date.now() - stackStarted)}`);
        return { name, ok: false, error: message, seconds: (Date.now() - stackStarted) / 1000 };
      }
    }),
  );

  const failed = results.filter((r) => !r.ok);
  const total = (Date.now() - started) / 1000;
  if (options.json) {
    const summary = {
      environment: settings.environment,
      settingsFile,
      backend: {
        configured: settings.backend.type,
        usedOffline: 'local (throw-away, .work/offline/<stack>/offline.tfstate)',
      },
      seconds: total,
      stacks: results.map((r) => ({
        name: r.name,
        ok: r.ok,
        seconds: r.seconds,
        ...(r.result
          ? {
              ...planCounts(r.result.plan),
              outputs: Object.fromEntries(
                plannedOutputs(r.result.plan).map((o) => [o.name, o.known ? o.value : '(known after apply)']),
              ),
              planFile: path.relative(root, r.result.planFile),
              showCommand: showCommand(root, r.result),
            }
          : { error: r.error }),
      })),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    for (const r of results) {
      if (!r.result) continue;
      console.log(`\n${summarizePlan(r.name, r.result.plan)}`);
      const outputs = keyOutputs(plannedOutputs(r.result.plan));
      if (outputs.length) {
        console.log('  outputs:');
        const width = Math.max(...outputs.map((o) => o.name.length));
        for (const output of outputs)
          console.log(`    ${output.name.padEnd(width)}  ${formatOutput(output)}`);
      }
      const objectives = plannedOutputs(r.result.plan).find((o) => o.name === 'recovery_objectives');
      if (objectives?.known && Array.isArray(objectives.value)) {
        console.log('  recovery objectives when a region is lost (from the settings):');
        for (const line of objectives.value as string[]) console.log(`    ${line}`);
      }
      const network = plannedOutputs(r.result.plan).find((o) => o.name === 'network');
      if (network?.known && Array.isArray(network.value)) {
        console.log('  network (from the settings):');
        for (const line of network.value as string[]) console.log(`    ${line}`);
      }
      console.log(`  saved plan: ${path.relative(root, r.result.planFile)}`);
      console.log(`  show it in full: ${showCommand(root, r.result)}`);
    }
    for (const r of failed) console.error(`\nerror: ${r.name}: ${r.error}`);
    const planned = results.length - failed.length;
    console.log(
      `\nPlanned ${plural(planned, 'stack')} offline in ${total.toFixed(1)} s${failed.length ? `; ${plural(failed.length, 'stack')} failed: ${failed.map((r) => r.name).join(', ')}` : ''}.`,
    );
  }
  return failed.length ? 1 : 0;
}

/**
 * A line for each stack that reads other stacks' state (cdktf cross-stack references): offline it
 * reads placeholders derived from their outputs instead.
 */
function remoteStateLines(
  outdir: string,
  stacks: Record<string, { workingDirectory: string }>,
  names: readonly string[],
): string[] {
  return names.flatMap((name) => {
    const file = path.join(outdir, stacks[name].workingDirectory, 'cdk.tf.json');
    try {
      const line = remoteStateSummary(name, JSON.parse(readFileSync(file, 'utf8')) as ConsumerJson);
      return line ? [`reads       ${line}`] : [];
    } catch {
      return []; // the stack's own plan reports it
    }
  });
}

/** The project the running app was built from (dist/..): its sources decide what synth writes. */
const APP_ROOT = path.resolve(__dirname, '..');

/** A path relative to the working folder when inside it, else absolute. */
function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') ? relative : file;
}

function showCommand(root: string, result: OfflinePlan): string {
  return `terraform -chdir=${path.relative(root, result.workDir)} show ${path.basename(result.planFile)}`;
}

runCommand(main);
