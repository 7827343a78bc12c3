import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App, Aspects, TerraformStack } from 'cdktf';
import { PreventDestroy } from '../aspects/prevent-destroy';
import { PolicyPack, PolicyViolationError } from '../policies/policy-pack';
import { ValidationError } from '../constructs/validation-error';
import { SettingsError, loadEnvironmentSettings } from '../settings/load';
import { Settings } from '../settings/schema';
import { placeholderWarning } from '../settings/placeholders';
import { acceptedExceptions } from '../settings/production-guardrails';
import { suppressPolicy } from '../policies/suppressions';
import { statedReasonLine, statedReasons } from '../settings/stated-reasons';
import { EMPTY_TRAFFIC_RECORD, TrafficRecord, loadTrafficRecord } from '../settings/traffic-record';
import { tierDefaults } from '../settings/tier-defaults';
import { applyEvacuations } from './evacuations';
import { PlatformStack } from './platform-stack';
import { networkSynthLines } from './network-summary';
import { SimpleFargateStack } from './simple-fargate-stack';
import { ServiceStack } from './service-stack';
import { RetiredServiceStack } from './retired-services';
import { connectServices } from './service-connect';
import { skipTokenCreationTraces } from './token-creation-traces';
import { readSynthesizedManifest } from './synthesized-manifest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/**
 * Stack names of an environment: `<app>-<env>` (every region; the foundation with a stack per
 * service), `<app>-<env>-svc-<service>` (a service, with stackLayout `stack-per-service`) and
 * `<app>-<env>-simple` (seed 8.8, when asked).
 */
export function stackNames(settings: Settings): {
  platform: string;
  simple: string;
  service: (name: string) => string;
} {
  const base = `${settings.app}-${settings.environment}`;
  return { platform: base, simple: `${base}-simple`, service: (name) => `${base}-svc-${name}` };
}

/**
 * Builds every stack of one environment into `app`, each checked by the security policy pack at
 * synthesis; `report` receives one line per suppressed finding.
 */
export function buildStacks(
  app: App,
  settings: Settings,
  report?: (line: string) => void,
  // The regions `npm run traffic -- evacuate` took out of traffic (config/<env>.traffic.json).
  traffic: TrafficRecord = EMPTY_TRAFFIC_RECORD,
): void {
  const names = stackNames(settings);
  // Every reason that lets the settings do what their tier would refuse, visible at every synth.
  const write = report ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const stated of statedReasons(settings)) write(statedReasonLine(settings.environment, stated));
  const placeholders = placeholderWarning(settings, `the settings of ${settings.environment}`);
  if (placeholders) write(placeholders);
  for (const line of networkSynthLines(settings)) write(line);
  const policies = new PolicyPack({
    context: { environment: settings.environment, tier: settings.tier },
    report,
  });
  const perService = settings.stackLayout === 'stack-per-service';
  const platform = new PlatformStack(app, names.platform, { settings, withServices: !perService });
  const stacks: TerraformStack[] = [platform];
  applyEvacuations(platform.accelerator, traffic, report ?? (() => undefined));
  if (perService) {
    // Each service in a stack of its own, on the foundation's values (settings/stack-layout.ts).
    const serviceStacks = new Map(
      Object.keys(settings.services).map((name) => [
        name,
        new ServiceStack(app, names.service(name), { settings, foundation: platform, service: name }),
      ]),
    );
    stacks.push(...serviceStacks.values());
    // A retired service keeps its stack (same name and state) until its entry is deleted.
    for (const name of Object.keys(settings.retiredServices))
      stacks.push(new RetiredServiceStack(app, names.service(name), { settings, service: name }));
    connectServices(
      settings,
      new Map([...serviceStacks].map(([name, stack]) => [name, stack.regions])),
      (caller, region) => serviceStacks.get(caller)?.providers.get(region) as AwsProvider,
    );
  }
  const platformStacks = [...stacks];
  const primary = settings.regions[0];
  // The seed's 8.8 example is an example, not part of an environment: built only when asked.
  if (settings.examples.simpleFargate) {
    stacks.push(
      new SimpleFargateStack(app, names.simple, {
        region: primary.name,
        availabilityZone: primary.availabilityZones[0],
        accountId: settings.accountId,
        logRetentionDays: settings.logRetentionDays,
        backend: settings.backend,
        tags: { ...settings.tags, app: settings.app, environment: settings.environment },
      }),
    );
  }
  // A production exception accepts the policy findings its protection's absence raises, visibly.
  for (const accepted of acceptedExceptions(settings)) {
    for (const ruleId of accepted.policyRules) {
      for (const stack of platformStacks) {
        suppressPolicy(stack, ruleId, `productionExceptions["${accepted.setting}"]: ${accepted.reason}`);
      }
    }
  }
  for (const stack of stacks) {
    if (tierDefaults(settings).preventDestroy) Aspects.of(stack).add(new PreventDestroy());
    policies.applyTo(stack);
  }
}

/**
 * The offline plan's record of the inputs of the synthesis in an output folder (written by
 * tools/synth-cache.ts, which the app does not import: tools are not part of the synthesized app).
 */
const SYNTH_RECORD_FILE = '.synth-inputs.sha256';

export interface RunOptions {
  /** Environment variables (`PLATFORM_ENV`, `PLATFORM_CONFIG_DIR`, `CDKTF_OUTDIR`). */
  readonly env: NodeJS.ProcessEnv;
  /** Folder holding `config/`. */
  readonly projectRoot: string;
  /** Where to write error messages. */
  readonly stderr: (line: string) => void;
  /**
   * Where to write informational lines (each accepted policy finding, on every synth).
   * @default - the same place as errors (`stderr`)
   */
  readonly stdout?: (line: string) => void;
  /**
   * Output folder.
   * @default - cdktf's: CDKTF_OUTDIR, else cdktf.out
   */
  readonly outdir?: string;
}

/**
 * Loads the settings, builds the stacks and synthesizes. Returns the process exit code: bad
 * settings print one clear message (no stack trace) and synthesize nothing. cdktf's records of
 * where each token was created are left out meanwhile (stacks/token-creation-traces.ts).
 */
export function run(options: RunOptions): number {
  const restoreTraces = skipTokenCreationTraces(options.env);
  try {
    return buildAndSynthesize(options);
  } finally {
    restoreTraces();
  }
}

function buildAndSynthesize(options: RunOptions): number {
  const outdir = options.outdir ?? options.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const outdirProblem = outputFolderProblem(outdir, options);
  if (outdirProblem) {
    options.stderr(`error: ${outdirProblem}`);
    options.stderr('Nothing was synthesized.');
    return 1;
  }
  const outdirExisted = existsSync(outdir);
  // Whatever this run writes, the offline plan's record of an earlier synthesis no longer holds.
  rmSync(path.join(outdir, SYNTH_RECORD_FILE), { force: true });
  let app: App;
  try {
    const settings = loadEnvironmentSettings(options.env, options.projectRoot);
    const traffic = loadTrafficRecord(options.env, options.projectRoot, settings);
    app = new App({ outdir, skipValidation: false });
    buildStacks(app, settings, options.stdout ?? options.stderr, traffic);
  } catch (error) {
    if (error instanceof SettingsError || error instanceof ValidationError) {
      // Nothing half-built stays behind: remove an output folder this run created.
      if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
      options.stderr(`error: ${error.message}`);
      options.stderr('Nothing was synthesized.');
      return 1;
    }
    throw error;
  }
  try {
    app.synth();
  } catch (error) {
    if (error instanceof PolicyViolationError) {
      if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
      options.stderr(`error: ${error.message}`);
      options.stderr('Nothing was synthesized.');
      return 1;
    }
    throw error;
  }
  // Under the cdktf CLI, the CLI removes the folders of stacks this synthesis no longer lists
  // itself, from a listing it took before running the app: removing them here first makes its own
  // removal fail (ENOENT).
  if (!runByCdktfCli(options.env)) removeUnlistedStacks(outdir);
  return 0;
}

/**
 * Whether the cdktf CLI (`cdktf synth`, `diff`, `deploy`…) runs the app: it passes the context in
 * CDKTF_CONTEXT_JSON with its own `cdktfRelativeModules` entry, which nothing else sets.
 */
export function runByCdktfCli(env: NodeJS.ProcessEnv): boolean {
  const context = env.CDKTF_CONTEXT_JSON;
  if (!context) return false;
  try {
    const parsed = JSON.parse(context) as unknown;
    return parsed !== null && typeof parsed === 'object' && 'cdktfRelativeModules' in parsed;
  } catch {
    return false;
  }
}

/**
 * Why the output folder cannot be written, naming where it came from (the option, CDKTF_OUTDIR or
 * the default), or undefined. cdktf creates the folder itself but not its parents.
 */
function outputFolderProblem(outdir: string, options: RunOptions): string | undefined {
  const source =
    options.outdir !== undefined
      ? 'output folder'
      : options.env.CDKTF_OUTDIR !== undefined
        ? 'CDKTF_OUTDIR'
        : 'output folder (the default, cdktf.out)';
  const got = `${source}: got ${JSON.stringify(outdir)}`;
  if (outdir.trim() === '') return `${got}; expected a folder path`;
  const kind = (file: string) => {
    try {
      return statSync(file).isDirectory() ? 'folder' : 'file';
    } catch {
      return undefined;
    }
  };
  const resolved = path.resolve(outdir);
  const own = kind(resolved);
  if (own === 'folder') return undefined;
  if (own === 'file') return `${got}; that is a file, not a folder: choose a folder`;
  const parent = path.dirname(resolved);
  const parentKind = kind(parent);
  if (parentKind === 'folder') return undefined;
  return `${got}; its parent ${parent} ${parentKind === 'file' ? 'is a file, not a folder' : 'does not exist'}: create it first (mkdir -p ${parent}) or choose a folder whose parent exists`;
}

/**
 * cdktf writes the stacks of this synthesis and leaves any other folder under `stacks/` alone:
 * synthesizing another environment into the same folder would leave the previous one's stacks
 * beside a manifest that no longer lists them. Keeps the output exactly what the manifest lists.
 */
function removeUnlistedStacks(outdir: string): void {
  const manifest = readSynthesizedManifest(outdir);
  const listed = new Set(
    Object.values(manifest.stacks).map((stack) => path.resolve(outdir, stack.workingDirectory)),
  );
  const stacksDir = path.join(outdir, 'stacks');
  if (!existsSync(stacksDir)) return;
  for (const entry of readdirSync(stacksDir)) {
    const dir = path.join(stacksDir, entry);
    if (!listed.has(path.resolve(dir))) rmSync(dir, { recursive: true, force: true });
  }
}
