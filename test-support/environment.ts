/** Synthesizes a whole environment once and runs Terraform over each of its stacks, offline. */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../stacks/app';
import { OfflineResult, validateAndPlan } from '../tools/terraform/offline';
import { ConsumerJson, producerFiles } from '../tools/terraform/remote-state';
import { SynthesizedApp, readSynthesizedApp } from './synth';
import { FirstWriter, cacheKey, sharedOnce } from './run-cache';
import { planCacheDir } from './scratch';

export { planCacheDir };

const projectRoot = path.resolve(__dirname, '..');

/** An environment's synthesized app: its output folder, each stack's folder and JSON. */
export type SynthesizedEnvironment = SynthesizedApp;

/**
 * Synthesizes `<configDir>/<environment>.json` (default: the project's config/) through the app's
 * own entry logic, into a fresh output folder of the caller's (which it may change or remove). The
 * project's own settings are synthesized once per test run and copied for each caller (run-cache.ts):
 * the same settings files give the same output folder.
 */
export function synthEnvironment(environment: string, configDir?: string): SynthesizedEnvironment {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), `synth-${environment}-`)), 'cdktf.out');
  if (configDir) synthesizeInto(outdir, environment, configDir);
  else {
    const shippedConfig = path.join(projectRoot, 'config');
    const files = readdirSync(shippedConfig).sort();
    const key = cacheKey(
      'synthEnvironment',
      environment,
      ...files.flatMap((file) => [file, readFileSync(path.join(shippedConfig, file), 'utf8')]),
    );
    const shared = sharedOnce(key, (dir) => synthesizeInto(path.join(dir, 'cdktf.out'), environment));
    if (shared) cpSync(path.join(shared, 'cdktf.out'), outdir, { recursive: true });
    else synthesizeInto(outdir, environment);
  }
  return readSynthesizedApp(outdir);
}

/** The app's run() for one environment into `outdir`; throws with what it printed if it fails. */
function synthesizeInto(outdir: string, environment: string, configDir?: string): void {
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
}

/**
 * `terraform init`, `validate` and `plan` of one synthesized stack in a scratch folder, once per
 * test run and configuration: test files that synthesize the same configuration (the same
 * cdk.tf.json, by hash) share one init and one plan, whichever file asks first doing the work
 * while the others wait for its result (run-cache.ts's FirstWriter).
 */
export async function planStack(stackDir: string): Promise<OfflineResult> {
  const stackText = readFileSync(path.join(stackDir, 'cdk.tf.json'));
  const hash = createHash('sha256').update(stackText);
  // A stack reading other stacks plans on placeholders derived from them: they are inputs too.
  const producers = producerFiles(stackDir, JSON.parse(stackText.toString('utf8')) as ConsumerJson);
  for (const file of Object.values(producers)) hash.update(readFileSync(file));
  const entry = new FirstWriter(path.join(planCacheDir(), hash.digest('hex').slice(0, 24)), 300_000);
  const resultFile = path.join(entry.dir, 'result.json');
  if (entry.claim()) {
    try {
      const result = await validateAndPlan(stackDir, path.join(entry.dir, 'work'), CLI_CONFIG_FILE);
      writeFileSync(resultFile, JSON.stringify(result));
      entry.done();
      return result;
    } catch (error) {
      entry.failed(error);
      throw error;
    }
  }
  const outcome = await entry.wait();
  if (outcome.state === 'done') return JSON.parse(readFileSync(resultFile, 'utf8')) as OfflineResult;
  if (outcome.state === 'failed') {
    throw new Error(`planning ${stackDir} failed in another test file:\n${outcome.message}`);
  }
  throw new Error(`timed out waiting for another test file to plan ${stackDir}`);
}

/** The Terraform CLI configuration the test run's global setup wrote. */
export const CLI_CONFIG_FILE = path.join(projectRoot, '.work', 'terraform', 'terraformrc');
