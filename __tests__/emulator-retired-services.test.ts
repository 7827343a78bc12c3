/**
 * Retiring a service on applied state: dev (one stack) is applied to a fresh emulator with `api`
 * live, then planned with `api` retired against that state. The plan must destroy the rest of api
 * (its ECS service, task definition, target group, listener rule, security group, alarms, …),
 * forget its repository, lifecycle policy and log groups (`removed` blocks, destroy = false) and
 * destroy nothing stateful, create nothing, and change nothing of `app` beyond the emulator's known
 * wrong answers. The plan is applied (the forgotten objects stay in the emulator, out of the state),
 * then everything is destroyed to an empty state and the emulator stopped. The summary line goes to
 * `.work/emulator-apply/summary.txt`, which CI prints.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Diff,
  EMULATOR_OVERRIDE_FILE,
  diagnosticText,
  diffsAfterApply,
  errorsOf,
  leaveOut,
  onlyEmulatorFaults,
  RETRY_PARALLELISM,
} from '../tools/emulator/apply-cycle';
import { Moto, startMoto } from '../tools/emulator/moto';
import { emulatorEnv, emulatorOverride } from '../tools/emulator/override';
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

const STACK = 'fargate-dev';
const projectRoot = path.resolve(__dirname, '..');
const summaryDir = path.join(projectRoot, '.work', 'emulator-apply');
const failureLogs = path.join(summaryDir, 'retired-services');

jest.setTimeout(30 * 60 * 1000);

let scratch: string;
let moto: Moto | undefined;
const env = terraformEnv(CLI_CONFIG_FILE);
const failures: string[] = [];
let applied: string[] = [];
/** What the first apply met when it ran again on a new emulator (emulator faults only). */
let retriedAfter: string[] | undefined;
let retiredJson: StackJson | undefined;
let plan: PlanOutput | undefined;
let afterApply: string[] | undefined;
let keptInEmulator: { repositories: string[]; logGroups: string[] } | undefined;
let remaining: string[] | undefined;

const { tf, stateList } = terraformSteps(env);

/** A scratch copy of a synthesized stack on the emulator (what it cannot serve left out), state at `statePath`. */
function emulatorCopy(stackDir: string, workDir: string, statePath: string): StackJson {
  mkdirSync(workDir, { recursive: true });
  cpSync(stackDir, workDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
  const full = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const { stack } = leaveOut(full);
  writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  writeFileSync(
    path.join(workDir, EMULATOR_OVERRIDE_FILE),
    JSON.stringify(emulatorOverride(full, (moto as Moto).endpoint, statePath), null, 2),
  );
  return stack;
}

/** dev with api live, applied to a fresh emulator; once more on a new one after an emulator fault. */
async function applyLive(live: SynthesizedEnvironment, dir: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    rmSync(dir, { recursive: true, force: true });
    moto = await startMoto({
      accountId: EMULATOR_ACCOUNT,
      logFile: path.join(scratch, `moto.${attempt}.log`),
    });
    emulatorCopy(live.stackDirs[STACK], dir, path.join(scratch, 'emulator.tfstate'));
    const init = await tf(dir, 'init', ['init', '-input=false', '-no-color']);
    if (init.code !== 0) throw new Error(`terraform init (live) failed: ${init.stderr}`);
    const slower = attempt > 1 ? [`-parallelism=${RETRY_PARALLELISM}`] : [];
    const apply = await tf(dir, 'apply', ['apply', ...JSON_RUN, ...slower]);
    const errors = errorsOf(apply).map((e) => `apply: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`);
    if (errors.length && attempt === 1 && onlyEmulatorFaults(errors)) {
      await moto.stop();
      retriedAfter = errors;
      rmSync(path.join(scratch, 'emulator.tfstate'), { force: true });
      continue;
    }
    failures.push(...errors);
    applied = await stateList(dir);
    return;
  }
}

/** What the emulator still holds of api's repository and log groups (the AWS CLI, on its endpoint). */
function emulatorHolds(): { repositories: string[]; logGroups: string[] } {
  const aws = (region: string, args: string[]) => {
    const result = spawnSync('aws', ['--region', region, '--output', 'json', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...emulatorEnv((moto as Moto).endpoint) },
    });
    if (result.status !== 0) throw new Error(`aws ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, Array<Record<string, string>>>;
  };
  const regions = ['us-east-1', 'eu-west-1'];
  return {
    repositories: aws('us-east-1', ['ecr', 'describe-repositories'])
      .repositories.map((r) => r.repositoryName)
      .filter((name) => name === 'fargate/dev/api'),
    logGroups: regions.flatMap((region) =>
      aws(region, [
        'logs',
        'describe-log-groups',
        '--log-group-name-prefix',
        '/ecs/fargate-dev-api',
      ]).logGroups.map((group) => `${region}:${group.logGroupName}`),
    ),
  };
}

async function destroy(dir: string): Promise<void> {
  let errors: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const result = await tf(dir, 'destroy', ['destroy', ...JSON_RUN]);
    errors = errorsOf(result).map((e) => `destroy: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`);
    remaining = await stateList(dir);
    if (!remaining.length || !onlyEmulatorFaults(errors)) break;
  }
  failures.push(...errors);
}

/** Updates (attribute by attribute) not explained by the emulator's known wrong answers. */
function unexpectedUpdates(json: PlanOutput): Diff[] {
  return diffsAfterApply(json).filter((diff) => only(diff.actions, 'update') && !diff.known);
}

/**
 * Updates that retiring api explains: the foundation's dashboards drop api's widgets, the ECR
 * replication role's policy drops api's repository.
 */
const retirementUpdate = (diff: Diff) =>
  /^aws_cloudwatch_dashboard\.(GlobalDashboard|[a-z]{2}-[a-z]+-\d_GlobalDashboard)/.test(diff.address) ||
  /^aws_iam_role_policy\.ContainerRepository_ReplicaCreationPolicy/.test(diff.address);

beforeAll(async () => {
  const started = Date.now();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'retired-services-'));
  const live = synthEnvironment('dev');
  const config = path.join(scratch, 'config');
  mkdirSync(config);
  const dev = JSON.parse(readFileSync(path.join(projectRoot, 'config', 'dev.json'), 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
  };
  dev.services.api.retired = true;
  writeFileSync(path.join(config, 'dev.json'), JSON.stringify(dev));
  const retired = synthEnvironment('dev', config);
  const retiredDir = path.join(scratch, 'retired');
  try {
    await applyLive(live, path.join(scratch, 'live'));
    if (failures.length) return;
    // The retired configuration, on the live one's state and the same emulator.
    retiredJson = emulatorCopy(retired.stackDirs[STACK], retiredDir, path.join(scratch, 'emulator.tfstate'));
    const init = await tf(retiredDir, 'init', ['init', '-input=false', '-no-color']);
    if (init.code !== 0) throw new Error(`terraform init (retired) failed: ${init.stderr}`);
    const planned = await tf(retiredDir, 'plan', [
      'plan',
      '-input=false',
      '-no-color',
      '-lock=false',
      '-out=retire.tfplan',
    ]);
    if (planned.code !== 0) {
      failures.push(`plan: ${planned.stderr || planned.stdout}`);
      return;
    }
    const show = await terraformAsync(['show', '-json', 'retire.tfplan'], retiredDir, env);
    plan = parsePlan(show.stdout);
    const apply = await tf(retiredDir, 'apply', ['apply', ...JSON_RUN, 'retire.tfplan']);
    failures.push(
      ...errorsOf(apply).map((e) => `apply retired: ${e.address ?? '(no address)'}: ${diagnosticText(e)}`),
    );
    afterApply = await stateList(retiredDir);
    keptInEmulator = emulatorHolds();
  } finally {
    if (afterApply) await destroy(retiredDir);
    else if (applied.length) await destroy(path.join(scratch, 'live'));
    await moto?.stop();
    for (const out of [live.outdir, retired.outdir])
      rmSync(path.dirname(out), { recursive: true, force: true });
  }
  const changes = plan ? changesOf(plan) : [];
  const count = (test: (actions: string[]) => boolean) =>
    changes.filter((c) => test(c.change.actions)).length;
  const updates = plan ? unexpectedUpdates(plan) : [];
  const summary =
    `retire api in ${STACK} (one stack): ${applied.length} applied (${applied.filter(ofApi).length} of api); ` +
    `plan: ${count((a) => a.includes('delete'))} to destroy, ${count((a) => only(a, 'forget'))} forgotten, ` +
    `${count((a) => a.includes('create'))} to create, ` +
    `${changes.filter((c) => KEPT_TYPES.includes(c.type) && c.change.actions.includes('delete')).length} stateful destroyed, ` +
    `${new Set(updates.filter((d) => !retirementUpdate(d)).map((d) => d.address)).size} unexpected updates, ` +
    `updated by the retirement: ${[...new Set(updates.filter(retirementUpdate).map((d) => d.address.replace(/_[0-9A-F]{8}$/, '')))].join(', ') || 'nothing'}; ` +
    `applied: ${afterApply?.filter(ofApi).length ?? '?'} of api left in state, kept in the emulator: ` +
    `${keptInEmulator?.repositories.length ?? '?'} repository, ${keptInEmulator?.logGroups.length ?? '?'} log groups; ` +
    `destroyed, ${remaining?.length ?? '?'} left in state` +
    `${failures.length ? `; ${failures.length} failures` : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s` +
    (retriedAfter ? `; applied on a new emulator after an emulator fault: ${retriedAfter.join('; ')}` : '');
  mkdirSync(summaryDir, { recursive: true });
  appendFileSync(path.join(summaryDir, 'summary.txt'), `${summary}\n`);
  process.stdout.write(`${summary}\n`);
});

afterAll(async () => {
  await moto?.stop();
  if (!scratch) return;
  if (failures.length || !plan) {
    rmSync(failureLogs, { recursive: true, force: true });
    cpSync(scratch, failureLogs, { recursive: true, filter: (src) => !/\.terraform$/.test(src) });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('dev with api retired after it was applied live, on the emulator', () => {
  it('applies, plans, applies the retirement and destroys without a failure', () => {
    expect(failures).toEqual([]);
    expect(applied.filter(ofApi).length).toBeGreaterThan(20);
  });

  it('forgets exactly the repository, its lifecycle policy and the log groups: the removed blocks', () => {
    const forgotten = changesOf(plan as PlanOutput)
      .filter((c) => only(c.change.actions, 'forget'))
      .map((c) => c.address)
      .sort();
    expect(forgotten.map((address) => address.split('.')[0]).sort()).toEqual([
      'aws_cloudwatch_log_group',
      'aws_cloudwatch_log_group',
      'aws_ecr_lifecycle_policy',
      'aws_ecr_repository',
    ]);
    expect(forgotten).toEqual((retiredJson?.removed ?? []).map((block) => block.from).sort());
  });

  it('destroys the rest of api, nothing stateful and nothing that is not api’s; creates nothing', () => {
    const changes = changesOf(plan as PlanOutput);
    const destroyed = changes.filter((c) => c.change.actions.includes('delete'));
    expect(destroyed.filter((c) => KEPT_TYPES.includes(c.type)).map((c) => c.address)).toEqual([]);
    expect(destroyed.filter((c) => !ofApi(c.address)).map((c) => c.address)).toEqual([]);
    expect(changes.filter((c) => c.change.actions.includes('create')).map((c) => c.address)).toEqual([]);
    // Every resource of api in the state is destroyed or forgotten (its data sources just leave the state).
    const handled = new Set(
      changes
        .filter((c) => c.change.actions.includes('delete') || only(c.change.actions, 'forget'))
        .map((c) => c.address),
    );
    expect(
      applied.filter(ofApi).filter((address) => !address.startsWith('data.') && !handled.has(address)),
    ).toEqual([]);
  });

  it('changes nothing of app, and nothing else but the dashboards and the replication role’s policy', () => {
    const updates = unexpectedUpdates(plan as PlanOutput);
    expect(updates.filter((d) => !retirementUpdate(d)).map((d) => `${d.address} ${d.attribute}`)).toEqual([]);
  });

  it('leaves the repository and the log groups in AWS, out of the state', () => {
    expect(afterApply?.filter(ofApi)).toEqual([]);
    expect(keptInEmulator).toEqual({
      repositories: ['fargate/dev/api'],
      logGroups: ['us-east-1:/ecs/fargate-dev-api', 'eu-west-1:/ecs/fargate-dev-api'],
    });
  });

  it('destroys the rest to an empty state', () => {
    expect(remaining).toEqual([]);
  });
});
