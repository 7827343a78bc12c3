import { existsSync, rmSync } from 'node:fs';
import { App, Aspects } from 'cdktf';
import { PreventDestroy } from '../aspects/prevent-destroy';
import { PolicyPack, PolicyViolationError } from '../policies/policy-pack';
import { ValidationError } from '../constructs/validation-error';
import { SettingsError, loadEnvironmentSettings } from '../settings/load';
import { Settings } from '../settings/schema';
import { PlatformStack } from './platform-stack';
import { SimpleFargateStack } from './simple-fargate-stack';

/** Stack names of an environment: `<app>-<env>` (every region) and `<app>-<env>-simple` (seed 8.8). */
export function stackNames(settings: Settings): { platform: string; simple: string } {
  const base = `${settings.app}-${settings.environment}`;
  return { platform: base, simple: `${base}-simple` };
}

/**
 * Builds every stack of one environment into `app`, each checked by the security policy pack at
 * synthesis; `report` receives one line per suppressed finding.
 */
export function buildStacks(app: App, settings: Settings, report?: (line: string) => void): void {
  const names = stackNames(settings);
  const policies = new PolicyPack({
    context: { environment: settings.environment, tier: settings.tier },
    report,
  });
  const platform = new PlatformStack(app, names.platform, { settings });
  const primary = settings.regions[0];
  const simple = new SimpleFargateStack(app, names.simple, {
    region: primary.name,
    availabilityZone: primary.availabilityZones[0],
    accountId: settings.accountId,
    logRetentionDays: settings.logRetentionDays,
    backend: settings.backend,
    tags: { ...settings.tags, app: settings.app, environment: settings.environment },
  });
  for (const stack of [platform, simple]) {
    if (settings.preventDestroy ?? settings.tier === 'production')
      Aspects.of(stack).add(new PreventDestroy());
    Aspects.of(stack).add(policies);
  }
}

export interface RunOptions {
  /** Environment variables (`PLATFORM_ENV`, `PLATFORM_CONFIG_DIR`, `CDKTF_OUTDIR`). */
  readonly env: NodeJS.ProcessEnv;
  /** Folder holding `config/`. */
  readonly projectRoot: string;
  /** Where to write error messages. */
  readonly stderr: (line: string) => void;
  /**
   * Output folder.
   * @default - cdktf's: CDKTF_OUTDIR, else cdktf.out
   */
  readonly outdir?: string;
}

/**
 * Loads the settings, builds the stacks and synthesizes. Returns the process exit code: bad
 * settings print one clear message (no stack trace) and synthesize nothing.
 */
export function run(options: RunOptions): number {
  const outdir = options.outdir ?? options.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const outdirExisted = existsSync(outdir);
  let app: App;
  try {
    const settings = loadEnvironmentSettings(options.env, options.projectRoot);
    app = new App({ outdir, skipValidation: false });
    buildStacks(app, settings, options.stderr);
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
  return 0;
}
