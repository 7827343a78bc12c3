/**
 * Changing a deployed environment's stackLayout from `one-stack` to `stack-per-service` replaces
 * nothing, proven on applied state: dev is applied to a fresh emulator in one stack, then
 * synthesized with a stack per service, `splitState` (npm run state:split) moves each service's
 * entries to its stack's state, and every stack is planned against the same emulator: no resource
 * may be created, replaced or destroyed (updates only where the emulator is known to answer wrongly,
 * tools/emulator/gaps.ts). Then every stack is destroyed, the services first, to an empty state.
 * Both configurations leave out what the emulator cannot serve, as the apply test does.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EMULATOR_OVERRIDE_FILE,
  diagnosticText,
  diffsAfterApply,
  errorsOf,
  leaveOut,
  onlyEmulatorFaults,
} from '../tools/emulator/apply-cycle';
import { Moto, startMoto } from '../tools/emulator/moto';
import { emulatorOverride, emulatorRemoteStateOverride } from '../tools/emulator/override';
import { splitState, stackAddresses } from '../tools/state-split';
import {
  PlanOutput,
  TerraformResult,
  parsePlan,
  terraformAsync,
  terraformEnv,
} from '../tools/terraform/offline';
import { CLI_CONFIG_FILE, SynthesizedEnvironment, synthEnvironment } from '../test-support/environment';

const FOUNDATION = 'fargate-dev';
const projectRoot = path.resolve(__dirname, '..');
const summaryDir = path.join(projectRoot, '.work', 'emulator-apply');
const failureLogs = path.join(summaryDir, 'state-split');
const JSON_RUN = ['-auto-approve', '-input=false', '-no-color', '-json', '-lock=false'];

jest.setTimeout(45 * 60 * 1000);

type Block = Record<string, unknown>;
interface StackJson {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  [key: string]: unknown;
}

let scratch: string;
let moto: Moto | undefined;
const env = terraformEnv(CLI_CONFIG_FILE);
const failures: string[] = [];
let appliedEntries: string[] = [];
let moved: Record<string, string[]> | undefined;
/** Each stack's plan after the split, on the applied state. */
const plans = new Map<string, PlanOutput>();
const remaining = new Map<string, string[]>();

async function tf(dir: string, step: string, args: string[]): Promise<TerraformResult> {
  const result = await terraformAsync(args, dir, env);
  writeFileSync(path.join(dir, `${step}.log`), `${result.stdout}\n${result.stderr}`, { flag: 'a' });
  return result;
}

async function stateList(dir: string): Promise<string[]> {
  return (await terraformAsync(['state', 'list'], dir, env)).stdout.split('\n').filter(Boolean);
}

/**
 * A scratch copy of a synthesized stack on the emulator (what it cannot serve left out), with a
 * local state file; every `terraform_remote_state` reads the scratch state of the stack it names.
 */
function emulatorCopy(stackDir: string, workDir: string, stateOf: (stack: string) => string): StackJson {
  mkdirSync(workDir, { recursive: true });
  cpSync(stackDir, workDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
  const full = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const { stack } = leaveOut(full);
  writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  const override = emulatorOverride(full, (moto as Moto).endpoint, stateOf(path.basename(workDir))) as {
    data?: Record<string, unknown>;
  };
  const producers = Object.keys(full.data?.terraform_remote_state ?? {}).map((name) =>
    name.replace(/^cross-stack-reference-input-/, ''),
  );
  if (producers.length) {
    const remote = emulatorRemoteStateOverride(
      full,
      Object.fromEntries(producers.map((stack) => [stack, stateOf(stack)])),
    ) as { data?: Record<string, unknown> };
    override.data = { ...override.data, ...remote.data };
  }
  writeFileSync(path.join(workDir, EMULATOR_OVERRIDE_FILE), JSON.stringify(override, null, 2));
  return stack;
}

async function applyOneStack(one: SynthesizedEnvironment, dir: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    rmSync(dir, { recursive: true, force: true });
    moto = await startMoto({ accountId: '111111111111', logFile: path.join(scratch, `moto.${attempt}.log`) });
    emulatorCopy(one.stackDirs[FOUNDATION], dir, () => path.join(dir, 'emulator.tfstate'));
    const init = await tf(dir, 'init', ['init', '-input=false', '-no-color']);
    if (init.code !== 0) throw new Error(`terraform init (one stack) failed: ${init.stderr}`);
    const apply = await tf(dir, 'apply', ['apply', ...JSON_RUN]);
    const errors = errorsOf(apply).map((e) => `apply: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`);
    if (errors.length && attempt === 1 && onlyEmulatorFaults(errors)) {
      await moto.stop();
      continue;
    }
    failures.push(...errors);
    appliedEntries = await stateList(dir);
    return;
  }
}

async function destroy(dir: string, name: string): Promise<void> {
  let errors: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const result = await tf(dir, 'destroy', ['destroy', ...JSON_RUN]);
    errors = errorsOf(result).map(
      (e) => `destroy ${name}: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`,
    );
    remaining.set(name, await stateList(dir));
    if (!remaining.get(name)?.length || !onlyEmulatorFaults(errors)) break;
  }
  failures.push(...errors);
}

beforeAll(async () => {
  const started = Date.now();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'state-split-'));
  const one = synthEnvironment('dev');
  const config = path.join(scratch, 'config');
  mkdirSync(config);
  const dev = JSON.parse(readFileSync(path.join(projectRoot, 'config', 'dev.json'), 'utf8')) as object;
  writeFileSync(path.join(config, 'dev.json'), JSON.stringify({ ...dev, stackLayout: 'stack-per-service' }));
  const split = synthEnvironment('dev', config);
  const serviceStacks = Object.keys(split.stacks).filter((name) => name !== FOUNDATION);
  const dirOf = (stack: string) => path.join(scratch, 'split', stack);
  const stateOf = (stack: string) => path.join(dirOf(stack), 'emulator.tfstate');
  try {
    const oneDir = path.join(scratch, 'one-stack');
    await applyOneStack(one, oneDir);
    if (failures.length) return;
    // The split configuration, on the one-stack layout's state.
    for (const stack of Object.keys(split.stacks))
      emulatorCopy(split.stackDirs[stack], dirOf(stack), stateOf);
    cpSync(path.join(oneDir, 'emulator.tfstate'), stateOf(FOUNDATION));
    for (const stack of Object.keys(split.stacks)) {
      const init = await tf(dirOf(stack), 'init', ['init', '-input=false', '-no-color']);
      if (init.code !== 0) throw new Error(`terraform init (${stack}) failed: ${init.stderr}`);
    }
    const result = await splitState({
      foundation: { name: FOUNDATION, dir: dirOf(FOUNDATION) },
      services: serviceStacks.map((name) => ({
        name,
        dir: dirOf(name),
        addresses: stackAddresses(split.stacks[name] as StackJson),
      })),
      workDir: path.join(scratch, 'state-split'),
      env,
      log: () => undefined,
    });
    moved = result.moved;
    // The foundation first: its new cross-stack outputs must be in its state before a service reads them.
    for (const stack of [FOUNDATION, ...serviceStacks]) {
      const dir = dirOf(stack);
      if (stack === FOUNDATION) {
        // Outputs only: a refresh-only apply records them and changes no resource.
        const apply = await tf(dir, 'apply-outputs', ['apply', ...JSON_RUN, '-refresh-only']);
        failures.push(...errorsOf(apply).map((e) => `apply outputs: ${diagnosticText(e)}`));
      }
      const plan = await tf(dir, 'plan', [
        'plan',
        '-input=false',
        '-no-color',
        '-lock=false',
        '-out=split.tfplan',
      ]);
      if (plan.code !== 0) {
        failures.push(`plan ${stack}: ${plan.stderr || plan.stdout}`);
        continue;
      }
      const show = await terraformAsync(['show', '-json', 'split.tfplan'], dir, env);
      plans.set(stack, parsePlan(show.stdout));
    }
  } finally {
    for (const stack of [...serviceStacks, FOUNDATION]) {
      if (plans.has(stack) || moved) await destroy(dirOf(stack), stack);
    }
    if (!moved) await destroy(path.join(scratch, 'one-stack'), 'one-stack');
    await moto?.stop();
    for (const out of [one.outdir, split.outdir]) rmSync(path.dirname(out), { recursive: true, force: true });
  }
  const changes = [...plans.values()].flatMap((plan) => diffsAfterApply(plan));
  const summary =
    `state split ${FOUNDATION} one-stack -> stack-per-service: ` +
    `${Object.values(moved ?? {}).reduce((n, list) => n + list.length, 0)} state entries moved to ${Object.keys(moved ?? {}).length} service stacks; ` +
    `plans after: ${changes.filter((d) => d.actions.includes('create')).length} to create, ` +
    `${changes.filter((d) => d.actions.includes('delete')).length} to destroy, ` +
    `${changes.filter((d) => !d.known && d.actions.join() === 'update').length} unexpected updates, ` +
    `${changes.filter((d) => d.known).length} known emulator diffs; ` +
    `destroyed, ${[...remaining.values()].flat().length} left in state` +
    `${failures.length ? `; ${failures.length} failures` : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s`;
  mkdirSync(summaryDir, { recursive: true });
  appendFileSync(path.join(summaryDir, 'summary.txt'), `${summary}\n`);
  process.stdout.write(`${summary}\n`);
});

afterAll(async () => {
  await moto?.stop();
  if (!scratch) return;
  if (failures.length || plans.size === 0) {
    rmSync(failureLogs, { recursive: true, force: true });
    cpSync(scratch, failureLogs, { recursive: true, filter: (src) => !/\.terraform$/.test(src) });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('dev moved from one stack to a stack per service, on the emulator', () => {
  it('applies, splits, plans and destroys without a failure', () => {
    expect(failures).toEqual([]);
    expect(plans.size).toBe(3);
  });

  it("moves every entry of each service's configuration, and only those, to its stack", () => {
    const all = Object.values(moved ?? {}).flat();
    expect(all.length).toBeGreaterThan(50);
    for (const [stack, entries] of Object.entries(moved ?? {})) {
      const service = stack.replace(`${FOUNDATION}-svc-`, '');
      for (const entry of entries) expect(entry).toMatch(new RegExp(`Services_${service}_`));
      // Everything the one-stack apply made of the service is in the moved list.
      const applied = appliedEntries.filter((entry) => entry.includes(`.Services_${service}_`));
      expect(applied.length).toBeGreaterThan(0);
      expect(entries.sort()).toEqual(applied.sort());
    }
  });

  it('plans no resource created, replaced or destroyed in any stack, and no unexpected update', () => {
    for (const [stack, plan] of plans) {
      const unexplained = diffsAfterApply(plan).filter(
        (diff) => diff.actions.join() !== 'update' || !diff.known,
      );
      expect({ stack, unexplained }).toEqual({ stack, unexplained: [] });
    }
  });

  it('destroys every stack to an empty state', () => {
    expect(remaining.size).toBe(3);
    for (const [stack, left] of remaining) expect({ stack, left }).toEqual({ stack, left: [] });
  });
});
