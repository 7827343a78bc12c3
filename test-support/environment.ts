/** Synthesizes a whole environment once and runs Terraform over each of its stacks, offline. */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../stacks/app';
import { OfflineResult, validateAndPlan } from './offline-terraform';
import { SynthesizedJson } from './synth';

const projectRoot = path.resolve(__dirname, '..');

export interface SynthesizedEnvironment {
  readonly outdir: string;
  /** Synthesized JSON of each stack, by stack name. */
  readonly stacks: Record<string, SynthesizedJson>;
  /** Folder of each stack, by stack name. */
  readonly stackDirs: Record<string, string>;
}

/**
 * Synthesizes `<configDir>/<environment>.json` (default: the project's config/) through the app's
 * own entry logic.
 */
export function synthEnvironment(environment: string, configDir?: string): SynthesizedEnvironment {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), `synth-${environment}-`)), 'cdktf.out');
  const errors: string[] = [];
  const code = run({
    env: configDir
      ? { PLATFORM_ENV: environment, PLATFORM_CONFIG_DIR: configDir }
      : { PLATFORM_ENV: environment },
    projectRoot,
    outdir,
    stderr: (l) => errors.push(l),
  });
  if (code !== 0) throw new Error(errors.join('\n'));
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  const stacks: Record<string, SynthesizedJson> = {};
  const stackDirs: Record<string, string> = {};
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    stackDirs[name] = path.join(outdir, stack.workingDirectory);
    stacks[name] = JSON.parse(
      readFileSync(path.join(stackDirs[name], 'cdk.tf.json'), 'utf8'),
    ) as SynthesizedJson;
  }
  return { outdir, stacks, stackDirs };
}

/** `terraform init`, `validate` and `plan` of one synthesized stack in a scratch folder. */
export function planStack(stackDir: string): Promise<OfflineResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  return validateAndPlan(stackDir, work, CLI_CONFIG_FILE);
}

/** The Terraform CLI configuration the test run's global setup wrote. */
export const CLI_CONFIG_FILE = path.join(projectRoot, '.work', 'terraform', 'terraformrc');
