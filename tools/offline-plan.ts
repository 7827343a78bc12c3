/**
 * The main job, offline: synthesize the environment chosen by PLATFORM_ENV into cdktf.out, then
 * `terraform init`, `validate` and `plan` every stack (or the stacks named as arguments) with mock
 * credentials in scratch copies under .work/, and print a plan summary. No AWS account needed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../stacks/app';
import {
  findProviderMirror,
  summarizePlan,
  validateAndPlan,
  writeCliConfig,
} from '../test-support/offline-terraform';

function main(): number {
  const root = process.cwd();
  const outdir = path.join(root, 'cdktf.out');
  process.env.CHECKPOINT_DISABLE = '1';
  const code = run({ env: process.env, projectRoot: root, outdir, stderr: (l) => console.error(l) });
  if (code !== 0) return code;

  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in manifest.stacks));
  if (unknown.length) {
    console.error(`error: unknown stack ${unknown.join(', ')}; stacks: ${Object.keys(manifest.stacks).join(', ')}`);
    return 1;
  }
  const mirror = findProviderMirror();
  const cliConfig = writeCliConfig(path.join(root, '.work', 'terraform'), mirror);
  console.log(
    mirror ? `AWS provider from the local mirror ${mirror}` : 'AWS provider from the Terraform registry',
  );
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const started = Date.now();
    const result = validateAndPlan(
      path.join(outdir, stack.workingDirectory),
      path.join(root, '.work', 'offline', name),
      cliConfig,
    );
    console.log(`\n${summarizePlan(name, result.plan)}`);
    console.log(`  (validate: ${result.validate.warning_count} warnings; ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
