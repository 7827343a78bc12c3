/**
 * Retiring a service with a stack per service, on applied state: dev's foundation and api's stack
 * (`fargate-dev-svc-api`) are applied to a fresh emulator with api live, then both are planned and
 * applied with api retired. api's stack, which now holds only its providers, backend and `removed`
 * blocks, must destroy the rest of api and forget its log groups; the foundation must forget api's
 * repository and its lifecycle policy; neither may destroy anything stateful or create anything.
 * Then both are destroyed to an empty state and the emulator stopped. (`app`'s stack is left out to
 * keep the run short: that its configuration does not change is tests/retired-services.test.ts's.)
 * The summary line goes to `.work/emulator-apply/summary.txt`, which CI prints.
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
  RETRY_PARALLELISM,
} from '../tools/emulator/apply-cycle';
import { Moto, startMoto } from '../tools/emulator/moto';
import { emulatorOverride, emulatorRemoteStateOverride } from '../tools/emulator/override';
import { PlanOutput, parsePlan, terraformAsync, terraformEnv } from '../tools/terraform/offline';
import {
  EMULATOR_ACCOUNT,
  JSON_RUN,
  KEPT_TYPES,
  StackJson,
  changesOf,
  ofApi,
  only,
  terraformSteps,
} from '../test-support/retirement-on-emulator';
import { CLI_CONFIG_FILE, SynthesizedEnvironment, synthEnvironment } from '../test-support/environment';

const FOUNDATION = 'fargate-dev';
const API = 'fargate-dev-svc-api';
const STACKS = [FOUNDATION, API];
const projectRoot = path.resolve(__dirname, '..');
const summaryDir = path.join(projectRoot, '.work', 'emulator-apply');
const failureLogs = path.join(summaryDir, 'retired-services-per-service');

jest.setTimeout(30 * 60 * 1000);

let scratch: string;
let moto: Moto | undefined;
const env = terraformEnv(CLI_CONFIG_FILE);
const failures: string[] = [];
const applied = new Map<string, string[]>();
const retiredJson = new Map<string, StackJson>();
const plans = new Map<string, PlanOutput>();
const afterApply = new Map<string, string[]>();
const remaining = new Map<string, string[]>();
let retriedAfter: string[] | undefined;

const { tf, stateList } = terraformSteps(env);

/** The state file of a stack, shared by its live and retired configurations. */
const stateOf = (stack: string) => path.join(scratch, 'state', `${stack}.tfstate`);

/**
 * A scratch copy of a synthesized stack on the emulator (what it cannot serve left out); every
 * `terraform_remote_state` reads the scratch state of the stack it names.
 */
async function emulatorCopy(stackDir: string, workDir: string, stack: string): Promise<StackJson> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  cpSync(stackDir, workDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
  const full = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const { stack: served } = leaveOut(full);
  writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(served, null, 2));
  const override = emulatorOverride(full, (moto as Moto).endpoint, stateOf(stack)) as { data?: object };
  const remote = emulatorRemoteStateOverride(full, { [FOUNDATION]: stateOf(FOUNDATION) }, stack);
  if (remote.data) override.data = { ...override.data, ...remote.data };
  writeFileSync(path.join(workDir, EMULATOR_OVERRIDE_FILE), JSON.stringify(override, null, 2));
  const init = await tf(workDir, 'init', ['init', '-input=false', '-no-color']);
  if (init.code !== 0) throw new Error(`terraform init (${stack}) failed: ${init.stderr}`);
  return served;
}

/** The foundation, then api's stack, applied with api live; all again on a new emulator after an emulator fault. */
async function applyLive(live: SynthesizedEnvironment): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    rmSync(path.join(scratch, 'state'), { recursive: true, force: true });
    mkdirSync(path.join(scratch, 'state'));
    moto = await startMoto({
      accountId: EMULATOR_ACCOUNT,
      logFile: path.join(scratch, `moto.${attempt}.log`),
    });
    const slower = attempt > 1 ? [`-parallelism=${RETRY_PARALLELISM}`] : [];
    const errors: string[] = [];
    for (const stack of STACKS) {
      const dir = path.join(scratch, 'live', stack);
      await emulatorCopy(live.stackDirs[stack], dir, stack);
      const apply = await tf(dir, 'apply', ['apply', ...JSON_RUN, ...slower]);
      errors.push(
        ...errorsOf(apply).map((e) => `apply ${stack}: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`),
      );
      applied.set(stack, await stateList(dir));
      if (errors.length) break;
    }
    // Fault lines start with the step alone (`apply: …`): the stack's name is left out to match them.
    const asCycleLines = errors.map((line) => line.replace(/^apply [^:]+: /, 'apply: '));
    if (errors.length && attempt === 1 && onlyEmulatorFaults(asCycleLines)) {
      await moto.stop();
      retriedAfter = errors;
      continue;
    }
    failures.push(...errors);
    return;
  }
}

async function destroy(dir: string, stack: string): Promise<void> {
  let errors: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const result = await tf(dir, 'destroy', ['destroy', ...JSON_RUN]);
    errors = errorsOf(result).map(
      (e) => `destroy ${stack}: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`,
    );
    remaining.set(stack, await stateList(dir));
    const asCycleLines = errors.map((line) => line.replace(/^destroy [^:]+: /, 'destroy: '));
    if (!remaining.get(stack)?.length || !onlyEmulatorFaults(asCycleLines)) break;
  }
  failures.push(...errors);
}

beforeAll(async () => {
  const started = Date.now();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'retired-per-service-'));
  const dev = JSON.parse(readFileSync(path.join(projectRoot, 'config', 'dev.json'), 'utf8')) as {
    stackLayout?: string;
    services: Record<string, Record<string, unknown>>;
  };
  dev.stackLayout = 'stack-per-service';
  const liveConfig = path.join(scratch, 'config-live');
  const retiredConfig = path.join(scratch, 'config-retired');
  mkdirSync(liveConfig);
  mkdirSync(retiredConfig);
  writeFileSync(path.join(liveConfig, 'dev.json'), JSON.stringify(dev));
  dev.services.api.retired = true;
  writeFileSync(path.join(retiredConfig, 'dev.json'), JSON.stringify(dev));
  const live = synthEnvironment('dev', liveConfig);
  const retired = synthEnvironment('dev', retiredConfig);
  const retiredDir = (stack: string) => path.join(scratch, 'retired', stack);
  try {
    await applyLive(live);
    if (failures.length) return;
    // api's stack first (it no longer reads the foundation), then the foundation.
    for (const stack of [API, FOUNDATION]) {
      const dir = retiredDir(stack);
      retiredJson.set(stack, await emulatorCopy(retired.stackDirs[stack], dir, stack));
      const planned = await tf(dir, 'plan', [
        'plan',
        '-input=false',
        '-no-color',
        '-lock=false',
        '-out=retire.tfplan',
      ]);
      if (planned.code !== 0) {
        failures.push(`plan ${stack}: ${planned.stderr || planned.stdout}`);
        return;
      }
      plans.set(
        stack,
        parsePlan((await terraformAsync(['show', '-json', 'retire.tfplan'], dir, env)).stdout),
      );
      const apply = await tf(dir, 'apply', ['apply', ...JSON_RUN, 'retire.tfplan']);
      failures.push(
        ...errorsOf(apply).map(
          (e) => `apply retired ${stack}: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`,
        ),
      );
      afterApply.set(stack, await stateList(dir));
    }
  } finally {
    for (const stack of [API, FOUNDATION]) {
      const dir = afterApply.has(stack) ? retiredDir(stack) : path.join(scratch, 'live', stack);
      if (applied.has(stack)) await destroy(dir, stack);
    }
    await moto?.stop();
    for (const out of [live.outdir, retired.outdir])
      rmSync(path.dirname(out), { recursive: true, force: true });
  }
  const changes = [...plans.values()].flatMap(changesOf);
  const count = (test: (actions: string[]) => boolean) =>
    changes.filter((c) => test(c.change.actions)).length;
  const apiPlan = plans.get(API);
  const summary =
    `retire api in fargate-dev (stack per service: foundation and ${API}): ` +
    `${[...applied.values()].flat().length} applied (${[...applied.values()].flat().filter(ofApi).length} of api); ` +
    `plans: ${count((a) => a.includes('delete'))} to destroy, ${count((a) => only(a, 'forget'))} forgotten ` +
    `(${apiPlan ? changesOf(apiPlan).filter((c) => only(c.change.actions, 'forget')).length : '?'} in ${API}), ` +
    `${count((a) => a.includes('create'))} to create, ` +
    `${changes.filter((c) => KEPT_TYPES.includes(c.type) && c.change.actions.includes('delete')).length} stateful destroyed, ` +
    `${[...plans.values()].flatMap((p) => diffsAfterApply(p)).filter((d) => only(d.actions, 'update') && !d.known).length} updated attributes; ` +
    `after apply ${afterApply.get(API)?.length ?? '?'} entries left in ${API}; ` +
    `destroyed, ${[...remaining.values()].flat().length} left in state` +
    `${failures.length ? `; ${failures.length} failures` : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s` +
    (retriedAfter ? `; applied on a new emulator after an emulator fault: ${retriedAfter.join('; ')}` : '');
  mkdirSync(summaryDir, { recursive: true });
  appendFileSync(path.join(summaryDir, 'summary.txt'), `${summary}\n`);
  process.stdout.write(`${summary}\n`);
});

afterAll(async () => {
  await moto?.stop();
  if (!scratch) return;
  if (failures.length || plans.size < 2) {
    rmSync(failureLogs, { recursive: true, force: true });
    cpSync(scratch, failureLogs, { recursive: true, filter: (src) => !/\.terraform$/.test(src) });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('dev with api retired after it was applied live, a stack per service, on the emulator', () => {
  it('applies, plans, applies the retirement and destroys without a failure', () => {
    expect(failures).toEqual([]);
    expect(plans.size).toBe(2);
    expect(applied.get(API)?.length).toBeGreaterThan(20);
  });

  it('api’s stack destroys everything it held but its log groups, which it forgets, and ends empty', () => {
    const plan = plans.get(API) as PlanOutput;
    const changes = changesOf(plan);
    const forgotten = changes.filter((c) => only(c.change.actions, 'forget')).map((c) => c.address);
    expect(forgotten.sort()).toEqual((retiredJson.get(API)?.removed ?? []).map((b) => b.from).sort());
    expect(forgotten.map((address) => address.split('.')[0])).toEqual([
      'aws_cloudwatch_log_group',
      'aws_cloudwatch_log_group',
    ]);
    const resources = (applied.get(API) ?? []).filter((address) => !address.startsWith('data.'));
    const destroyed = changes.filter((c) => only(c.change.actions, 'delete')).map((c) => c.address);
    expect([...destroyed, ...forgotten].sort()).toEqual(resources.sort());
    expect(afterApply.get(API)).toEqual([]);
  });

  it('the foundation forgets api’s repository and lifecycle policy, and destroys and creates nothing', () => {
    const changes = changesOf(plans.get(FOUNDATION) as PlanOutput);
    const forgotten = changes.filter((c) => only(c.change.actions, 'forget')).map((c) => c.address);
    expect(forgotten.map((address) => address.split('.')[0]).sort()).toEqual([
      'aws_ecr_lifecycle_policy',
      'aws_ecr_repository',
    ]);
    expect(forgotten.every(ofApi)).toBe(true);
    expect(changes.filter((c) => c.change.actions.some((a) => a === 'delete' || a === 'create'))).toEqual([]);
  });

  it('destroys both stacks to an empty state', () => {
    expect(remaining.size).toBe(2);
    for (const [stack, left] of remaining) expect({ stack, left }).toEqual({ stack, left: [] });
  });
});
