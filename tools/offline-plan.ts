/**
 * The main job, offline: synthesize the environment chosen by PLATFORM_ENV into cdktf.out, then
 * `terraform init`, `validate` and `plan` every stack (or the stacks named as arguments) with mock
 * credentials in scratch copies under .work/, and print a plan summary. No AWS account needed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../stacks/app';
import { prepareTerraform, summarizePlan, validateAndPlan } from './terraform/offline';

async function main(): Promise<number> {
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
    console.error(
      `error: unknown stack ${unknown.join(', ')}; stacks: ${Object.keys(manifest.stacks).join(', ')}`,
    );
    return 1;
  }
  const { cliConfigFile: cliConfig, mirror } = prepareTerraform(root);
  console.log(
    mirror ? `AWS provider from the local mirror ${mirror}` : 'AWS provider from the Terraform registry',
  );
  const names = Object.keys(manifest.stacks).filter((name) => !wanted.length || wanted.includes(name));
  const started = Date.now();
  // Stacks plan side by side: each is its own Terraform configuration and state.
  const results = await Promise.all(
    names.map((name) =>
      validateAndPlan(
        path.join(outdir, manifest.stacks[name].workingDirectory),
        path.join(root, '.work', 'offline', name),
        cliConfig,
      ),
    ),
  );
  names.forEach((name, index) => {
    console.log(`\n${summarizePlan(name, results[index].plan)}`);
    console.log(`  terraform validate: ${results[index].validate.warning_count} warnings`);
  });
  console.log(
    `\nValidated and planned ${names.length} stacks offline in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  },
);
