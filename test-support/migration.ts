/**
 * An upgrade replaces nothing that holds data, nor the running service, proven on applied state:
 * a previous release (taken from git, synthesized the way it did) is applied to a fresh emulator,
 * then the new code's dev environment is planned against that state and the same emulator. Every stateful resource and ECS service of the release must be kept
 * (in place or moved by a `moved` block), and every `moved` block that applies must be followed.
 * Both configurations are applied without what the emulator cannot serve (tools/emulator/gaps.ts),
 * the same way the apply test does. Everything is destroyed and the emulator stopped at the end.
 */
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STATEFUL_RESOURCE_TYPES } from '../aspects/prevent-destroy';
import {
  EMULATOR_OVERRIDE_FILE,
  diagnosticText,
  errorsOf,
  leaveOut,
  RETRY_PARALLELISM,
  onlyEmulatorFaults,
} from '../tools/emulator/apply-cycle';
import { Moto, startMoto } from '../tools/emulator/moto';
import { emulatorOverride, unmappedTypes } from '../tools/emulator/override';
import {
  PlanOutput,
  TerraformResult,
  parsePlan,
  terraformAsync,
  terraformEnv,
} from '../tools/terraform/offline';
import { CLI_CONFIG_FILE, synthEnvironment } from '../test-support/environment';
import { synthPreviousRelease } from '../test-support/previous-release';

const STACK = 'fargate-dev';
/** What the upgrade must keep: the types that hold data or keys, the log groups, the ECS service. */
const KEPT_TYPES = [...STATEFUL_RESOURCE_TYPES, 'aws_cloudwatch_log_group'];
const SERVICE_TYPE = 'aws_ecs_service';

const projectRoot = path.resolve(__dirname, '..');
const summaryDir = path.join(projectRoot, '.work', 'emulator-apply');
/** Where the Terraform and emulator logs are kept when the test fails. */
const failureLogs = path.join(summaryDir, 'migration');

type Block = Record<string, unknown>;
interface StackJson {
  resource?: Record<string, Record<string, Block>>;
  moved?: Array<{ from: string; to: string }>;
  [key: string]: unknown;
}
interface Change {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode: string;
  readonly type: string;
  readonly change: { readonly actions: string[] };
  readonly action_reason?: string;
}

/** A release an environment may run today, to upgrade from. */
export interface ReleaseToUpgradeFrom {
  /** Its commit, as git names it (the repository must hold it: a clone with history). */
  readonly commit: string;
  /** What it was, for the test's title. */
  readonly description: string;
}

/**
 * The migration test from `release`: apply it to a fresh emulator, plan the current code against
 * that state, destroy; the tests then read what happened. The summary line goes to
 * `.work/emulator-apply/summary.txt`, which CI prints.
 */
export function describeMigration(release: ReleaseToUpgradeFrom): void {
  jest.setTimeout(45 * 60 * 1000);
  let scratch: string;
  let moto: Moto | undefined;
  const env = terraformEnv(CLI_CONFIG_FILE);
  const failures: string[] = [];
  /** The state the previous release left, and what a first apply met when it was run again. */
  let applied: { state: string[]; retriedAfter?: string[] } | undefined;
  let planned: { changes: Change[]; moved: Array<{ from: string; to: string }> } | undefined;
  let remaining: string[] | undefined;

  /** Runs Terraform in `dir`, its output appended to `<dir>/<step>.log`. */
  async function tf(dir: string, step: string, args: string[]): Promise<TerraformResult> {
    const result = await terraformAsync(args, dir, env);
    writeFileSync(path.join(dir, `${step}.log`), `${result.stdout}\n${result.stderr}`, { flag: 'a' });
    return result;
  }

  function resourceAddresses(stack: StackJson): string[] {
    return Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    );
  }

  /**
   * A scratch copy of a synthesized stack pointed at the emulator as the apply test points it:
   * without what the emulator cannot serve, with the emulator's override and a local state file.
   */
  function emulatorCopy(stackDir: string, workDir: string, emulator: Moto): StackJson {
    mkdirSync(workDir, { recursive: true });
    cpSync(stackDir, workDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    const full = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as StackJson;
    const unmapped = unmappedTypes(full);
    if (unmapped.length)
      throw new Error(`types with no emulator endpoint in ${stackDir}: ${unmapped.join(', ')}`);
    const { stack } = leaveOut(full);
    writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
    writeFileSync(
      path.join(workDir, EMULATOR_OVERRIDE_FILE),
      JSON.stringify(
        emulatorOverride(full, emulator.endpoint, path.join(workDir, 'emulator.tfstate')),
        null,
        2,
      ),
    );
    return stack;
  }

  const JSON_RUN = ['-auto-approve', '-input=false', '-no-color', '-json', '-lock=false'];

  async function stateList(dir: string): Promise<string[]> {
    return (await terraformAsync(['state', 'list'], dir, env)).stdout.split('\n').filter(Boolean);
  }

  /** The previous release applied to a fresh emulator; once more on a new one after an emulator fault. */
  async function applyPreviousRelease(stackDir: string, accountId: string): Promise<string> {
    let retriedAfter: string[] | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const dir = path.join(scratch, `previous.attempt-${attempt}`);
      moto = await startMoto({ accountId, logFile: path.join(scratch, `moto.attempt-${attempt}.log`) });
      emulatorCopy(stackDir, dir, moto);
      const init = await tf(dir, 'init', ['init', '-input=false', '-no-color']);
      if (init.code !== 0) throw new Error(`terraform init of the previous release failed: ${init.stderr}`);
      // (after an emulator fault, two objects at a time: tools/emulator/apply-cycle.ts RETRY_PARALLELISM)
      const slower = attempt > 1 ? [`-parallelism=${RETRY_PARALLELISM}`] : [];
      const apply = await tf(dir, 'apply', ['apply', ...JSON_RUN, ...slower]);
      const errors = errorsOf(apply).map(
        (error) => `apply: ${error.address ?? '(no address)'}: ${diagnosticText(error)}`,
      );
      if (errors.length && attempt === 1 && onlyEmulatorFaults(errors)) {
        await moto.stop();
        retriedAfter = errors;
        continue;
      }
      failures.push(...errors);
      applied = { state: await stateList(dir), retriedAfter };
      return dir;
    }
  }

  /** The new code's dev environment planned against the applied state, on the same emulator. */
  async function planNewCode(appliedDir: string): Promise<void> {
    const dev = synthEnvironment('dev');
    const dir = path.join(scratch, 'current');
    try {
      const served = emulatorCopy(dev.stackDirs[STACK], dir, moto as Moto);
      copyFileSync(path.join(appliedDir, 'emulator.tfstate'), path.join(dir, 'emulator.tfstate'));
      const init = await tf(dir, 'init', ['init', '-input=false', '-no-color']);
      if (init.code !== 0) throw new Error(`terraform init of the new code failed: ${init.stderr}`);
      const plan = await tf(dir, 'plan', [
        'plan',
        '-input=false',
        '-no-color',
        '-lock=false',
        '-out=migration.tfplan',
      ]);
      if (plan.code !== 0) {
        failures.push(`plan: ${plan.stderr || plan.stdout}`);
        return;
      }
      const show = await terraformAsync(['show', '-json', 'migration.tfplan'], dir, env);
      writeFileSync(path.join(dir, 'migration-plan.json'), show.stdout);
      const json = parsePlan(show.stdout) as PlanOutput & { resource_changes: Change[] };
      const inConfig = new Set(resourceAddresses(served));
      const inState = new Set(applied?.state ?? []);
      planned = {
        changes: json.resource_changes.filter((change) => change.mode === 'managed'),
        // The moves that apply here: from an address in the applied state to one the emulator serves,
        // a chain of moves (A to B, B to C) followed to its end as Terraform follows it.
        moved: (served.moved ?? [])
          .filter((move) => inState.has(move.from))
          .map((move) => ({ from: move.from, to: endOfMoves(move.from, served.moved ?? []) }))
          .filter((move) => inConfig.has(move.to)),
      };
    } finally {
      rmSync(path.dirname(dev.outdir), { recursive: true, force: true });
    }
  }

  /** Destroys what the previous release applied; once more when the emulator answered a delete wrongly. */
  async function destroyAll(dir: string): Promise<void> {
    let errors: string[] = [];
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const slower = attempt > 1 ? [`-parallelism=${RETRY_PARALLELISM}`] : [];
      const destroy = await tf(dir, 'destroy', ['destroy', ...JSON_RUN, ...slower]);
      errors = errorsOf(destroy).map(
        (error) => `destroy: ${error.address ?? '(no address)'}: ${diagnosticText(error)}`,
      );
      remaining = await stateList(dir);
      if (!remaining.length || !onlyEmulatorFaults(errors)) break;
    }
    failures.push(...errors);
  }

  /** Where the moves take `from`: the `to` of its move, followed while that address moves on. */
  function endOfMoves(from: string, moves: ReadonlyArray<{ from: string; to: string }>): string {
    const next = new Map(moves.map((move) => [move.from, move.to]));
    let address = from;
    for (let links = 0; next.has(address) && links <= moves.length; links += 1) {
      address = next.get(address) as string;
    }
    return address;
  }

  const isReplace = (actions: string[]) => actions.includes('delete') && actions.includes('create');
  const isDelete = (actions: string[]) => actions.includes('delete');
  const guarded = (type: string) => KEPT_TYPES.includes(type) || type === SERVICE_TYPE;
  const describeChange = (c: Change) =>
    `${c.address} ${JSON.stringify(c.change.actions)}${c.action_reason ? ` (${c.action_reason})` : ''}`;

  /** Resources of a guarded type that the plan destroys, alone or to replace them. */
  function guardedDeletes(): Change[] {
    return (planned?.changes ?? []).filter((c) => guarded(c.type) && isDelete(c.change.actions));
  }

  /** The summary line (`.work/emulator-apply/summary.txt`, which CI prints) and the other replacements. */
  function summarize(seconds: number, changes: Change[]): string[] {
    const deletesOf = (keep: (type: string) => boolean) =>
      changes.filter((c) => keep(c.type) && isDelete(c.change.actions)).length;
    const others = changes.filter((c) => !guarded(c.type) && isReplace(c.change.actions));
    const otherTypes = [...new Set(others.map((c) => c.type))].sort();
    return [
      `migration ${release.commit} -> HEAD (${STACK}): ` +
        `${changes.filter((c) => c.previous_address).length} resources moved, ` +
        `${deletesOf((type) => KEPT_TYPES.includes(type))} stateful destroyed, ` +
        `${deletesOf((type) => type === SERVICE_TYPE)} ECS services replaced, ` +
        `${changes.filter((c) => c.change.actions.join() === 'create').length} created, ` +
        `${others.length} other replacements (${otherTypes.join(', ') || 'none'}), ` +
        `${changes.filter((c) => c.change.actions.join() === 'delete').length} deleted` +
        `${failures.length ? `; ${failures.length} failures` : ''} in ${seconds.toFixed(0)} s` +
        (applied?.retriedAfter
          ? `; applied on a new emulator after an emulator fault: ${applied.retriedAfter.join('; ')}`
          : ''),
      ...others.map((c) => `  replaced: ${describeChange(c)}`),
    ];
  }

  beforeAll(async () => {
    const started = Date.now();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'migration-'));
    const synthesized = synthPreviousRelease({
      commit: release.commit,
      environment: 'dev',
      scratchDir: path.join(scratch, 'release'),
    });
    const appliedDir = await applyPreviousRelease(
      synthesized.stackDirs[STACK],
      String(synthesized.settings.accountId),
    );
    try {
      if (!failures.length) await planNewCode(appliedDir);
    } finally {
      await destroyAll(appliedDir);
      await moto?.stop();
    }
    if (planned) {
      const [summary, ...details] = summarize((Date.now() - started) / 1000, planned.changes);
      mkdirSync(summaryDir, { recursive: true });
      appendFileSync(path.join(summaryDir, 'summary.txt'), `${summary}\n`);
      process.stdout.write([summary, ...details, ''].join('\n'));
    }
  });

  afterAll(async () => {
    await moto?.stop();
    if (!scratch) return;
    // The Terraform and emulator logs stay only when something failed, for reading.
    if (failures.length || !planned || guardedDeletes().length) {
      rmSync(failureLogs, { recursive: true, force: true });
      cpSync(scratch, failureLogs, {
        recursive: true,
        filter: (src) => !/(node_modules|\.terraform|source)$/.test(src),
      });
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  describe(`the upgrade of ${STACK} from ${release.description} (${release.commit}), on the emulator`, () => {
    it('applies the previous release', () => {
      expect(failures.filter((line) => line.startsWith('apply: '))).toEqual([]);
      expect(applied?.state.length).toBeGreaterThan(0);
      // The previous release's stateful core and its service are in the state the new code meets.
      for (const type of [...KEPT_TYPES, SERVICE_TYPE]) {
        expect(applied?.state.some((address) => address.startsWith(`${type}.`))).toBe(true);
      }
    });

    it('plans the new code against that state', () => {
      expect(failures.filter((line) => line.startsWith('plan: '))).toEqual([]);
      expect(planned?.changes.length).toBeGreaterThan(0);
    });

    it('destroys no stateful resource and replaces no ECS service', () => {
      expect(planned).toBeDefined();
      expect(guardedDeletes().map(describeChange)).toEqual([]);
    });

    it('keeps every stateful resource and ECS service of the release, at its address or moved', () => {
      expect(planned).toBeDefined();
      const changes = planned?.changes ?? [];
      const kept = (applied?.state ?? []).filter((address) => guarded(address.split('.')[0]));
      const lost = kept.filter((address) => {
        const change = changes.find((c) => (c.previous_address ?? c.address) === address);
        return !change || isDelete(change.change.actions);
      });
      expect(lost).toEqual([]);
      expect(kept.length).toBeGreaterThan(0);
    });

    it('follows every moved block that applies, and moves nothing else', () => {
      const moves = (planned?.changes ?? [])
        .filter((c) => c.previous_address)
        .map((c) => `${c.previous_address} -> ${c.address}`)
        .sort();
      expect(moves.length).toBeGreaterThan(0);
      expect(moves).toEqual((planned?.moved ?? []).map((move) => `${move.from} -> ${move.to}`).sort());
    });

    it('destroys everything to an empty state', () => {
      expect(failures.filter((line) => line.startsWith('destroy: '))).toEqual([]);
      expect(remaining).toEqual([]);
    });
  });
}
