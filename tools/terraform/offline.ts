/**
 * Offline Terraform for the tests and the offline plan: mock credentials and a throw-away local
 * backend supplied from outside the synthesized configuration (an override file in a scratch copy
 * of the stack's folder), and provider installation from a local filesystem mirror when the machine
 * has one, else from the public registry through a shared plugin cache.
 *
 * Nothing here is imported by the app: the synthesized production configuration never holds
 * credentials.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProducerJson } from './placeholders';
import {
  ConsumerJson,
  EMPTY_STATE,
  OFFLINE_REMOTE_STATE_FILE,
  loadProducers,
  offlineRemoteStateOverride,
} from './remote-state';

/** The Terraform provider that @cdktf/provider-aws wraps, read from its package.json. */
export function awsProviderRequirement(): { source: string; version: string } {
  const pkg = JSON.parse(readFileSync(require.resolve('@cdktf/provider-aws/package.json'), 'utf8')) as {
    cdktf: { provider: { name: string; version: string } };
  };
  return { source: pkg.cdktf.provider.name, version: pkg.cdktf.provider.version };
}

function platformDir(): string {
  const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[os.arch() as string] ?? os.arch();
  return `${os.platform()}_${arch}`;
}

/**
 * A filesystem mirror holding the AWS provider this project pins, or undefined. Looks at
 * TF_PROVIDER_MIRROR first, then the folders Terraform itself searches as implied local mirrors,
 * then /opt/tf-plugins (where machine images commonly place one).
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { source, version } = awsProviderRequirement();
  const home = os.homedir();
  const candidates = [
    env.TF_PROVIDER_MIRROR,
    path.join(home, '.terraform.d', 'plugins'),
    path.join(home, '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
    '/opt/tf-plugins',
  ].filter((dir): dir is string => Boolean(dir));
  return candidates.find((dir) => existsSync(path.join(dir, source, version, platformDir())));
}

/**
 * Writes a Terraform CLI configuration into `dir` and returns its path. With a mirror, the AWS
 * provider comes from it (Terraform links it, nothing is copied) and everything else from the
 * registry; without one, everything comes from the registry through a plugin cache in `dir`, shared
 * by every stack and every run.
 */
export function writeCliConfig(dir: string, mirror: string | undefined): string {
  mkdirSync(dir, { recursive: true });
  const { source } = awsProviderRequirement();
  let text: string;
  if (mirror) {
    text = `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = [${JSON.stringify(source)}]
  }
  direct {
    exclude = [${JSON.stringify(source)}]
  }
}
`;
  } else {
    const cacheDir = path.join(dir, 'plugin-cache');
    mkdirSync(cacheDir, { recursive: true });
    text = `plugin_cache_dir = ${JSON.stringify(cacheDir)}\n`;
  }
  const file = path.join(dir, 'terraformrc');
  writeFileSync(file, text);
  return file;
}

/**
 * Writes the CLI configuration under `<projectRoot>/.work/terraform` and, without a mirror, fills
 * the plugin cache once with a one-provider `terraform init`, so that parallel inits afterwards
 * only link from the cache instead of racing to download into it.
 */
export function prepareTerraform(projectRoot: string): { cliConfigFile: string; mirror?: string } {
  const mirror = findProviderMirror();
  const dir = path.join(projectRoot, '.work', 'terraform');
  const cliConfigFile = writeCliConfig(dir, mirror);
  if (!mirror) {
    const warm = path.join(dir, 'warm-cache');
    mkdirSync(warm, { recursive: true });
    const { source, version } = awsProviderRequirement();
    writeFileSync(
      path.join(warm, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { aws: { source, version } } } }),
    );
    check(
      terraform(['init', '-input=false', '-no-color', '-backend=false'], warm, terraformEnv(cliConfigFile)),
      'init',
      warm,
    );
  }
  return { cliConfigFile, mirror };
}

interface SynthesizedStack extends ConsumerJson {
  provider?: { aws?: Array<{ alias?: string; region?: string }> };
  terraform?: unknown;
}

/** What a consumer stack's remote states read offline (see tools/terraform/remote-state.ts). */
export interface OfflineRemoteStates {
  /** The synthesized JSON of each stack the consumer reads, by stack name. */
  readonly producers: Readonly<Record<string, ProducerJson>>;
  /** An empty state file (EMPTY_STATE) in the scratch copy, which every remote state reads. */
  readonly emptyStatePath: string;
  /** The consumer's name, for messages. */
  readonly stack?: string;
}

/**
 * Mock credentials for every AWS provider block of a synthesized stack, plus a local backend; for
 * a stack that reads other stacks (`terraform_remote_state`), each remote state reads an empty local
 * state with a placeholder default for every output read, so no real state is ever read. Throws for
 * such a stack when `remoteStates` does not hold every producer it reads.
 */
export function offlineOverride(
  stackJson: SynthesizedStack,
  statePath: string,
  remoteStates?: OfflineRemoteStates,
): object {
  const providers = stackJson.provider?.aws ?? [];
  return {
    ...offlineRemoteStateOverride(
      stackJson,
      remoteStates?.producers ?? {},
      remoteStates?.emptyStatePath ?? '',
      remoteStates?.stack,
    ),
    terraform: { backend: { local: { path: statePath } } },
    provider: {
      aws: providers.map((provider) => ({
        alias: provider.alias,
        access_key: 'mock-access-key',
        secret_key: 'mock-secret-key',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        // The account cannot be checked without credentials; production keeps allowed_account_ids.
        allowed_account_ids: null,
      })),
    },
  };
}

export const OVERRIDE_FILE = 'zz_offline_override.tf.json';

/**
 * Copies a synthesized stack folder to `workDir` and adds the offline override there, so the
 * stack's own folder under cdktf.out is never touched.
 */
export function prepareOfflineCopy(stackDir: string, workDir: string): void {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  cpSync(stackDir, workDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
  writeOfflineOverride(stackDir, workDir);
}

/**
 * Writes the offline override into `workDir`, a scratch copy of `stackDir` (`stackDir` itself
 * when the copy is the synthesized folder of a throw-away clone), and, for a stack that reads
 * other stacks, the empty state its remote states read, with the producers taken from the same
 * cdktf.out as `stackDir`. Returns the stack's JSON and the override.
 */
export function writeOfflineOverride(
  stackDir: string,
  workDir: string,
): { stackJson: SynthesizedStack; override: object } {
  const stackJson = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
  const producers = loadProducers(stackDir, stackJson);
  const emptyStatePath = path.join(workDir, OFFLINE_REMOTE_STATE_FILE);
  if (Object.keys(producers).length) writeFileSync(emptyStatePath, EMPTY_STATE);
  const override = offlineOverride(stackJson, path.join(workDir, 'offline.tfstate'), {
    producers,
    emptyStatePath,
    stack: path.basename(stackDir),
  });
  writeFileSync(path.join(workDir, OVERRIDE_FILE), JSON.stringify(override, null, 2));
  return { stackJson, override };
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for Terraform: the CLI config, no phoning home, no input, no ambient AWS identity. */
export function terraformEnv(
  cliConfigFile: string,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of Object.keys(env)) {
    if (key.startsWith('AWS_') || key.startsWith('TF_TOKEN_')) delete env[key];
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
}

export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): TerraformResult {
  const result = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function check(result: TerraformResult, what: string, dir: string): TerraformResult {
  if (result.code !== 0) {
    throw new Error(`terraform ${what} failed in ${dir}:\n${result.stderr || result.stdout}`);
  }
  return result;
}

export interface ValidateOutput {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: Array<{ severity: string; summary: string; detail?: string }>;
}

export interface PlannedResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: { readonly actions: string[]; readonly after: Record<string, unknown> | null };
}

export interface PlanOutput {
  readonly resource_changes: PlannedResource[];
  readonly planned_values: {
    root_module: { resources?: Array<{ address: string; values: Record<string, unknown> }> };
  };
  readonly configuration: {
    readonly provider_config: Record<
      string,
      { name: string; alias?: string; expressions?: Record<string, { constant_value?: unknown }> }
    >;
    readonly root_module: {
      resources: Array<{ address: string; provider_config_key: string; mode: string; type: string }>;
    };
  };
  readonly output_changes?: Record<string, unknown>;
}

/**
 * A plan as `terraform show -json` prints it, with the lists Terraform leaves out when they are
 * empty given as empty lists: a stack that holds no resource (a retired service's stack, which only
 * destroys and forgets) has no `configuration.root_module.resources`, and a plan without changes
 * no `resource_changes`.
 */
export function parsePlan(text: string): PlanOutput {
  const plan = JSON.parse(text) as Partial<PlanOutput>;
  return {
    ...plan,
    resource_changes: plan.resource_changes ?? [],
    planned_values: { ...plan.planned_values, root_module: { ...plan.planned_values?.root_module } },
    configuration: {
      provider_config: {},
      ...plan.configuration,
      root_module: {
        ...plan.configuration?.root_module,
        resources: plan.configuration?.root_module?.resources ?? [],
      },
    },
  };
}

export interface OfflineResult {
  readonly validate: ValidateOutput;
  readonly plan: PlanOutput;
  /** Terraform's human-readable plan. */
  readonly planText: string;
}

/** Runs Terraform without blocking, so several stacks can work side by side. */
export function terraformAsync(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/**
 * `terraform init`, `validate` and `plan` of one synthesized stack, offline, in a scratch copy.
 * One init per stack per call: call it once per stack and share the result between assertions.
 * Asynchronous, so several stacks can plan side by side.
 */
export async function validateAndPlan(
  stackDir: string,
  workDir: string,
  cliConfigFile: string,
): Promise<OfflineResult> {
  prepareOfflineCopy(stackDir, workDir);
  const env = terraformEnv(cliConfigFile);
  const tf = (args: string[]) => terraformAsync(args, workDir, env);
  check(await tf(['init', '-input=false', '-no-color']), 'init', workDir);
  const validate = JSON.parse((await tf(['validate', '-json', '-no-color'])).stdout) as ValidateOutput;
  if (!validate.valid) {
    throw new Error(
      `terraform validate failed in ${workDir}:\n${JSON.stringify(validate.diagnostics, null, 2)}`,
    );
  }
  const planText = check(
    await tf(['plan', '-input=false', '-no-color', '-lock=false', '-out=offline.tfplan']),
    'plan',
    workDir,
  ).stdout;
  const plan = parsePlan(check(await tf(['show', '-json', 'offline.tfplan']), 'show', workDir).stdout);
  return { validate, plan, planText };
}

/** Provider configuration key (`aws.us_east_1`) of every resource address in a plan. */
export function providerKeys(plan: PlanOutput): Map<string, string> {
  return new Map(plan.configuration.root_module.resources.map((r) => [r.address, r.provider_config_key]));
}

/** A short plan summary: actions, then resources per provider configuration and type. */
export function summarizePlan(stack: string, plan: PlanOutput): string {
  const keys = providerKeys(plan);
  const counts = new Map<string, Map<string, number>>();
  const actions = { create: 0, update: 0, delete: 0, forget: 0 };
  for (const change of plan.resource_changes) {
    for (const action of change.change.actions) {
      if (action in actions) actions[action as keyof typeof actions] += 1;
    }
    if (change.mode !== 'managed' || change.change.actions.includes('no-op')) continue;
    const key = keys.get(change.address.replace(/\[.*?\]$/, '')) ?? 'unknown';
    const region = plan.configuration.provider_config[key]?.expressions?.region?.constant_value;
    const label = region ? `${key} (${String(region)})` : key;
    const byType = counts.get(label) ?? new Map<string, number>();
    byType.set(change.type, (byType.get(change.type) ?? 0) + 1);
    counts.set(label, byType);
  }
  const lines = [
    `${stack}: ${actions.create} to add, ${actions.update} to change, ${actions.delete} to destroy${actions.forget ? `, ${actions.forget} to forget` : ''}`,
  ];
  for (const [label, byType] of [...counts].sort()) {
    const total = [...byType.values()].reduce((a, b) => a + b, 0);
    lines.push(`  ${label}: ${total} resources`);
    for (const [type, count] of [...byType].sort()) lines.push(`    ${String(count).padStart(3)}  ${type}`);
  }
  return lines.join('\n');
}

/** What decides whether a scratch copy's `terraform init` can be reused. */
const INIT_HASH_FILE = '.offline-init.sha256';
/** What decides whether a scratch copy's saved plan still holds, and the plan as JSON. */
const PLAN_HASH_FILE = '.offline-plan.sha256';
const PLAN_JSON_FILE = 'offline.tfplan.json';

/**
 * The inputs of an offline plan of a scratch copy: every file Terraform reads there (the
 * configuration, the override, the lock file, assets) and the init they were installed by. The
 * offline state is never written, so the same inputs give the same plan.
 */
function planInputsHash(workDir: string): string {
  const hash = createHash('sha256');
  const skip = new Set(['.terraform', PLAN_HASH_FILE, 'offline.tfplan', PLAN_JSON_FILE, 'offline.tfstate']);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (skip.has(entry.name) || entry.name.endsWith('.pending')) continue;
      const full = path.join(dir, entry.name);
      hash.update(`${path.relative(workDir, full)}\0`);
      if (entry.isDirectory()) walk(full);
      else hash.update(readFileSync(full));
    }
  };
  walk(workDir);
  return hash.digest('hex');
}

/**
 * The inputs of `terraform init` for a stack: its `terraform` block (required providers, backend)
 * with the offline override's, and the CLI configuration (where providers come from).
 */
function initInputsHash(stackJson: SynthesizedStack, override: object, cliConfigFile: string): string {
  return createHash('sha256')
    .update(JSON.stringify(stackJson.terraform ?? {}))
    .update(JSON.stringify((override as { terraform?: unknown }).terraform ?? {}))
    .update(existsSync(cliConfigFile) ? readFileSync(cliConfigFile) : '')
    .digest('hex');
}

/**
 * Like prepareOfflineCopy, but keeps the scratch copy's `.terraform` folder and lock file and says
 * whether they still fit: true when the providers and the backend did not change since the last
 * init, so `terraform init` can be skipped.
 */
export function refreshOfflineCopy(stackDir: string, workDir: string, cliConfigFile: string): boolean {
  mkdirSync(workDir, { recursive: true });
  const keep = new Set([
    '.terraform',
    '.terraform.lock.hcl',
    INIT_HASH_FILE,
    PLAN_HASH_FILE,
    'offline.tfplan',
    PLAN_JSON_FILE,
  ]);
  for (const entry of readdirSync(workDir)) {
    if (!keep.has(entry)) rmSync(path.join(workDir, entry), { recursive: true, force: true });
  }
  cpSync(stackDir, workDir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}.terraform`),
  });
  // The override (placeholders from the producers' outputs included) is a file of the scratch
  // copy, so a producer's changed outputs change the consumer's plan inputs.
  const { stackJson, override } = writeOfflineOverride(stackDir, workDir);
  const hash = initInputsHash(stackJson, override, cliConfigFile);
  const hashFile = path.join(workDir, INIT_HASH_FILE);
  const reusable =
    existsSync(path.join(workDir, '.terraform')) &&
    existsSync(path.join(workDir, '.terraform.lock.hcl')) &&
    existsSync(hashFile) &&
    readFileSync(hashFile, 'utf8') === hash;
  if (!reusable) {
    rmSync(path.join(workDir, '.terraform'), { recursive: true, force: true });
    rmSync(hashFile, { force: true });
    writeFileSync(`${hashFile}.pending`, hash);
  }
  return reusable;
}

/** Records a successful init of the scratch copy, so the next refreshOfflineCopy can reuse it. */
function recordInit(workDir: string): void {
  const pending = path.join(workDir, `${INIT_HASH_FILE}.pending`);
  if (existsSync(pending)) renameSync(pending, path.join(workDir, INIT_HASH_FILE));
}

/** One step of an offline plan, as it finishes. */
export interface PlanStep {
  readonly stack: string;
  readonly step: 'init' | 'validate' | 'plan' | 'show';
  readonly seconds: number;
  /** `init` skipped because the providers and backend did not change. */
  readonly reused?: boolean;
}

export interface PlanOfflineOptions {
  readonly stack: string;
  readonly stackDir: string;
  readonly workDir: string;
  readonly cliConfigFile: string;
  /** Reuse the scratch copy's init when its inputs did not change. @default true */
  readonly reuseInit?: boolean;
  /** Run `terraform validate` before the plan (plan validates too). @default false */
  readonly validate?: boolean;
  /** Called as each step finishes. */
  readonly onStep?: (step: PlanStep) => void;
}

export interface OfflinePlan {
  readonly plan: PlanOutput;
  /** The saved plan (`terraform show <file>` in the work folder shows it in full). */
  readonly planFile: string;
  readonly workDir: string;
  readonly validate?: ValidateOutput;
}

/**
 * `terraform init` (skipped when reusable), optionally `validate`, `plan -out` and `show -json` of
 * one stack in its scratch copy, reporting each step as it ends. Plan validates the configuration
 * itself, so the separate validate is off by default.
 */
export async function planOffline(options: PlanOfflineOptions): Promise<OfflinePlan> {
  const { stack, stackDir, workDir, cliConfigFile, onStep } = options;
  const env = terraformEnv(cliConfigFile);
  const tf = (args: string[]) => terraformAsync(args, workDir, env);
  const timed = async <T>(step: PlanStep['step'], work: () => Promise<T>, reused = false): Promise<T> => {
    const started = Date.now();
    const result = await work();
    onStep?.({ stack, step, seconds: (Date.now() - started) / 1000, reused });
    return result;
  };
  // Afresh: nothing of an earlier run is kept, but this init is recorded for the next run to reuse.
  if (options.reuseInit === false) rmSync(workDir, { recursive: true, force: true });
  const reusable = refreshOfflineCopy(stackDir, workDir, cliConfigFile);
  if (reusable) {
    onStep?.({ stack, step: 'init', seconds: 0, reused: true });
  } else {
    await timed('init', async () => check(await tf(['init', '-input=false', '-no-color']), 'init', workDir));
    recordInit(workDir);
  }
  let validate: ValidateOutput | undefined;
  if (options.validate) {
    validate = await timed('validate', async () => {
      const output = JSON.parse((await tf(['validate', '-json', '-no-color'])).stdout) as ValidateOutput;
      if (!output.valid) {
        throw new Error(
          `terraform validate failed in ${workDir}:\n${JSON.stringify(output.diagnostics, null, 2)}`,
        );
      }
      return output;
    });
  }
  const planFile = path.join(workDir, 'offline.tfplan');
  const planJson = path.join(workDir, PLAN_JSON_FILE);
  const planRecord = path.join(workDir, PLAN_HASH_FILE);
  const planInputs = planInputsHash(workDir);
  if (
    reusable &&
    !options.validate &&
    existsSync(planRecord) &&
    readFileSync(planRecord, 'utf8') === planInputs &&
    existsSync(planFile) &&
    existsSync(planJson)
  ) {
    // Nothing Terraform reads changed since the saved plan: it is this plan.
    onStep?.({ stack, step: 'plan', seconds: 0, reused: true });
    return { plan: parsePlan(readFileSync(planJson, 'utf8')), planFile, workDir };
  }
  rmSync(planRecord, { force: true });
  await timed('plan', async () =>
    check(
      await tf(['plan', '-input=false', '-no-color', '-lock=false', '-out=offline.tfplan']),
      'plan',
      workDir,
    ),
  );
  const shown = await timed('show', async () =>
    check(await tf(['show', '-json', 'offline.tfplan']), 'show', workDir),
  );
  const plan = parsePlan(shown.stdout);
  writeFileSync(planJson, shown.stdout);
  writeFileSync(planRecord, planInputs);
  return { plan, planFile, workDir, validate };
}

/** An output of a plan: its value when known at plan time, else undefined (known after apply). */
export interface PlannedOutput {
  readonly name: string;
  readonly known: boolean;
  readonly value?: unknown;
}

/** The plan's outputs, from `output_changes` (after, after_unknown), sorted by name. */
export function plannedOutputs(plan: PlanOutput): PlannedOutput[] {
  const changes = (plan.output_changes ?? {}) as Record<
    string,
    { after?: unknown; after_unknown?: unknown; after_sensitive?: unknown }
  >;
  return Object.entries(changes)
    .map(([name, change]) => {
      const unknown = change.after_unknown === true;
      return unknown ? { name, known: false } : { name, known: true, value: change.after };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Actions counted the way Terraform's "Plan: n to add, n to change, n to destroy" line counts them. */
export function planCounts(plan: PlanOutput): {
  add: number;
  change: number;
  destroy: number;
  forget: number;
} {
  // `forget`: a removed block with destroy = false (Terraform prints "n to forget" when n > 0).
  const counts = { add: 0, change: 0, destroy: 0, forget: 0 };
  for (const change of plan.resource_changes) {
    const actions = change.change.actions;
    if (actions.includes('create')) counts.add += 1;
    if (actions.includes('update')) counts.change += 1;
    if (actions.includes('delete')) counts.destroy += 1;
    if (actions.includes('forget')) counts.forget += 1;
  }
  return counts;
}
