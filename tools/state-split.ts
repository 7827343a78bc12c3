/**
 * `npm run state:split [-- --dry-run]`: moves a deployed environment from stackLayout `one-stack` to
 * `stack-per-service` without replacing anything. Every resource keeps its address in either layout
 * (stacks/platform-services.ts), so the change is a move of each service's entries from the
 * foundation's state (`<app>-<env>`) to its own stack's (`<app>-<env>-svc-<service>`):
 *
 * 1. synthesize the environment (its settings must already say `"stackLayout": "stack-per-service"`);
 * 2. `terraform init` each stack with its real backend, and `terraform state pull` each state, kept
 *    in `.work/state-split/<time>/` (the backups: push them back to undo);
 * 3. for each service stack, `terraform state mv -state=<foundation copy> -state-out=<service copy>`
 *    of every address its configuration holds (resources and data sources) or its `moved` blocks
 *    move from, that the foundation's state has; an address already in the service's state stops
 *    everything (nothing is overwritten);
 * 4. push each service's state, then the foundation's.
 *
 * Run it with the credentials of the backend (S3 or Terraform Cloud), with no apply running on the
 * environment (it takes no lock across stacks: hold off the Atlantis projects while it runs), then
 * plan every stack: each must show no change but the foundation's new cross-stack outputs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadEnvironmentSettings } from '../settings/load';
import { run, stackNames } from '../stacks/app';
import { runCommand } from './command';
import { TerraformResult, prepareTerraform, terraformAsync } from './terraform/offline';

/** One stack whose folder Terraform has been initialized in, with its real (or test) backend. */
export interface InitializedStack {
  readonly name: string;
  readonly dir: string;
}

export interface SplitStateOptions {
  /** The stack that holds every service today, and keeps the foundation. */
  readonly foundation: InitializedStack;
  /** The service stacks, each with the addresses (`type.name`, `data.type.name`) of its configuration. */
  readonly services: ReadonlyArray<InitializedStack & { readonly addresses: readonly string[] }>;
  /** Where the pulled states (the backups) and the working copies go. */
  readonly workDir: string;
  /** Environment for Terraform (backend credentials, CLI configuration). */
  readonly env: NodeJS.ProcessEnv;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Say what would move, move nothing. @default false */
  readonly dryRun?: boolean;
}

export interface SplitStateResult {
  /** Addresses moved, by service stack. */
  readonly moved: Record<string, string[]>;
  /** Where the states pulled before anything moved are kept. */
  readonly backupDir: string;
}

async function tf(
  args: string[],
  dir: string,
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<TerraformResult> {
  const result = await terraformAsync(args, dir, env);
  if (result.code !== 0) {
    throw new Error(`state:split: terraform ${what} failed in ${dir}:\n${result.stderr || result.stdout}`);
  }
  return result;
}

/** `terraform state pull` into `file`; an empty state when the backend holds none yet. */
async function pull(stack: InitializedStack, file: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const pulled = await tf(['state', 'pull'], stack.dir, env, `state pull (${stack.name})`);
  if (pulled.stdout.trim() === '') return [];
  writeFileSync(file, pulled.stdout);
  const listed = await tf(
    ['state', 'list', `-state=${file}`],
    path.dirname(file),
    env,
    `state list (${stack.name})`,
  );
  return listed.stdout.split('\n').filter(Boolean);
}

/** Moves each service's entries from the foundation's state to its own; see the file's comment. */
export async function splitState(options: SplitStateOptions): Promise<SplitStateResult> {
  const { env, log } = options;
  const backupDir = path.join(options.workDir, 'pulled');
  const workingDir = path.join(options.workDir, 'working');
  mkdirSync(backupDir, { recursive: true });
  mkdirSync(workingDir, { recursive: true });
  const foundationFile = path.join(workingDir, `${options.foundation.name}.tfstate`);
  const foundationHeld = await pull(options.foundation, foundationFile, env);
  if (foundationHeld.length === 0) {
    throw new Error(
      `state:split: the state of ${options.foundation.name} is empty: nothing was deployed with stackLayout "one-stack", so there is nothing to split (deploy the stacks as they are)`,
    );
  }
  writeFileSync(path.join(backupDir, `${options.foundation.name}.tfstate`), readFileSync(foundationFile));
  const inFoundation = new Set(foundationHeld);

  const plan: Array<{ stack: InitializedStack; file: string; addresses: string[] }> = [];
  for (const service of options.services) {
    const file = path.join(workingDir, `${service.name}.tfstate`);
    const held = await pull(service, file, env);
    if (held.length > 0) writeFileSync(path.join(backupDir, `${service.name}.tfstate`), readFileSync(file));
    const clash = service.addresses.filter((address) => inFoundation.has(address) && held.includes(address));
    if (clash.length > 0) {
      throw new Error(
        `state:split: ${clash.join(', ')} ${clash.length === 1 ? 'is' : 'are'} in the state of both ${options.foundation.name} and ${service.name}; nothing was moved: settle which one is right (terraform state rm in the other) and run again`,
      );
    }
    const addresses = service.addresses.filter((address) => inFoundation.has(address));
    plan.push({ stack: service, file, addresses });
    log(
      `${service.name}: ${addresses.length} to move from ${options.foundation.name}${held.length ? `, ${held.length} already there` : ''}`,
    );
  }
  const moved: Record<string, string[]> = Object.fromEntries(plan.map((p) => [p.stack.name, p.addresses]));
  if (options.dryRun) return { moved, backupDir };

  for (const { file, addresses } of plan) {
    for (const address of addresses) {
      await tf(
        [
          'state',
          'mv',
          '-lock=false',
          `-state=${foundationFile}`,
          `-state-out=${file}`,
          '-backup=-',
          address,
          address,
        ],
        // Local files only, in a folder with no configuration: no backend is involved.
        workingDir,
        env,
        `state mv ${address}`,
      );
    }
  }
  // The services' states first: until the foundation's is pushed, an entry is in two states rather
  // than in none.
  for (const { stack, file, addresses } of plan) {
    if (addresses.length === 0) continue;
    await tf(['state', 'push', file], stack.dir, env, `state push (${stack.name})`);
    log(`${stack.name}: pushed ${addresses.length} entries`);
  }
  if (plan.some((p) => p.addresses.length > 0)) {
    await tf(
      ['state', 'push', foundationFile],
      options.foundation.dir,
      env,
      `state push (${options.foundation.name})`,
    );
    log(`${options.foundation.name}: pushed, without the services' entries`);
  }
  return { moved, backupDir };
}

/**
 * `type.name` and `data.type.name` of every block of a synthesized stack, and the `from` of each of
 * its `moved` blocks: a state from before a move holds the resource at that address, and it must
 * reach the stack whose moved block then renames it.
 */
export function stackAddresses(stackJson: {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  moved?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}): string[] {
  return [
    ...Object.entries(stackJson.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    ),
    ...Object.entries(stackJson.data ?? {})
      .filter(([type]) => type !== 'terraform_remote_state')
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `data.${type}.${name}`)),
    ...(stackJson.moved ?? []).map((move) => move.from),
  ];
}

async function main(argv: string[]): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const unknown = argv.filter((arg) => arg !== '--dry-run');
  if (unknown.length) {
    process.stderr.write(`state:split: unknown argument ${unknown.join(' ')}; allowed: --dry-run\n`);
    return 2;
  }
  const projectRoot = process.cwd();
  const settings = loadEnvironmentSettings(process.env, projectRoot);
  if (settings.stackLayout !== 'stack-per-service') {
    process.stderr.write(
      `state:split: config/${settings.environment}.json has stackLayout "${settings.stackLayout}": set "stackLayout": "stack-per-service" first (then this moves the services' state to their stacks)\n`,
    );
    return 2;
  }
  const retired = Object.keys(settings.retiredServices);
  if (retired.length) {
    // Their entries would stay in the foundation's state, whose plan has no removed blocks for their log groups.
    process.stderr.write(
      `state:split: config/${settings.environment}.json has retired services (${retired.join(', ')}): apply their retirement with stackLayout "one-stack" and delete their entries first (README "Retiring a service"), then split\n`,
    );
    return 2;
  }
  const outdir = path.join(projectRoot, '.work', 'state-split', 'cdktf.out');
  const code = run({ env: process.env, projectRoot, outdir, stderr: (l) => process.stderr.write(`${l}\n`) });
  if (code !== 0) return code;
  const names = stackNames(settings);
  const { cliConfigFile } = prepareTerraform(projectRoot);
  // The backend's own credentials stay: this reads and writes the real states.
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
  const dirOf = (stack: string) => path.join(outdir, 'stacks', stack);
  for (const stack of [names.platform, ...Object.keys(settings.services).map(names.service)]) {
    await tf(['init', '-input=false', '-no-color'], dirOf(stack), env, `init (${stack})`);
  }
  const started = new Date().toISOString().replace(/[:.]/g, '-');
  const result = await splitState({
    foundation: { name: names.platform, dir: dirOf(names.platform) },
    services: Object.keys(settings.services).map((service) => {
      const name = names.service(service);
      const json = JSON.parse(readFileSync(path.join(dirOf(name), 'cdk.tf.json'), 'utf8')) as object;
      return { name, dir: dirOf(name), addresses: stackAddresses(json) };
    }),
    workDir: path.join(projectRoot, '.work', 'state-split', started),
    env,
    log: (line) => process.stdout.write(`${line}\n`),
    dryRun,
  });
  const total = Object.values(result.moved).reduce((sum, list) => sum + list.length, 0);
  process.stdout.write(
    `${dryRun ? 'would move' : 'moved'} ${total} entries to ${Object.keys(result.moved).length} service stacks; the states as they were: ${result.backupDir}\n`,
  );
  if (!dryRun)
    process.stdout.write(
      'Now plan every stack (npm run diff, or the Atlantis projects): no change is expected.\n',
    );
  return 0;
}

if (require.main === module) runCommand(main);
