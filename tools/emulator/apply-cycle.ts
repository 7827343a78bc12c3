/**
 * Deploys a synthesized stack for real against the emulator and tears it down again:
 * apply → a second plan that must show no changes → probe of what the emulator lacks → destroy →
 * empty state. Everything happens in a scratch copy of the stack's folder; the synthesized
 * configuration is never touched.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PlanOutput, TerraformResult, parsePlan, terraformAsync, terraformEnv } from '../terraform/offline';
import {
  AFTER_DESTROY_FAULT,
  EMULATOR_FAULTS,
  EmulatorFault,
  KNOWN_DIFFS,
  KnownDiff,
  UNSUPPORTED,
  Unsupported,
} from './gaps';
import { Moto } from './moto';
import { emulatorOverride, emulatorRemoteStateOverride, unmappedTypes } from './override';

export const EMULATOR_OVERRIDE_FILE = 'zz_emulator_override.tf.json';

type Block = Record<string, unknown>;
interface StackJson {
  provider?: { aws?: Array<{ alias?: string }> };
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
  [key: string]: unknown;
}

export interface LeftOut {
  readonly address: string;
  /** The gap of its own type, or the left-out resource it references. */
  readonly because: string;
}

/**
 * Removes from a stack every resource of an unsupported type, then everything that references a
 * removed block (resources, data sources, outputs), until nothing does; `depends_on` entries that
 * name a removed block are dropped. Returns the stack to apply and what was left out, and why.
 */
export function leaveOut(
  stack: StackJson,
  unsupported: readonly Unsupported[] = UNSUPPORTED,
): { stack: StackJson; leftOut: LeftOut[] } {
  const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
  const leftOut: LeftOut[] = [];
  const removed = new Set<string>();
  const gapOf = new Map(unsupported.map((gap) => [gap.resourceType, gap]));
  for (const [type, byName] of Object.entries(copy.resource ?? {})) {
    const gap = gapOf.get(type);
    if (!gap) continue;
    for (const name of Object.keys(byName)) {
      removed.add(`${type}.${name}`);
      leftOut.push({ address: `${type}.${name}`, because: `${gap.operation}: ${gap.reason}` });
    }
  }
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const referenced = (block: unknown) => {
    const text = JSON.stringify({ ...(block as Block), depends_on: undefined });
    for (const address of removed) {
      if (new RegExp(`(?<![\\w.])${escape(address)}(?![\\w-])`).test(text)) return address;
    }
    return undefined;
  };
  /** Every resource and data source of the copy, with its address. */
  const blocks = () =>
    (['resource', 'data'] as const).flatMap((kind) =>
      Object.entries(copy[kind] ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName).map(([name, block]) => ({
          kind,
          type,
          name,
          block,
          address: `${kind === 'data' ? 'data.' : ''}${type}.${name}`,
        })),
      ),
    );
  // Until nothing more references a removed block.
  for (let changed = true; changed; ) {
    changed = false;
    for (const { address, block } of blocks()) {
      const reference = removed.has(address) ? undefined : referenced(block);
      if (!reference) continue;
      removed.add(address);
      leftOut.push({ address, because: `references ${reference}` });
      changed = true;
    }
  }
  for (const { kind, type, name, block, address } of blocks()) {
    const byName = copy[kind]?.[type] as Record<string, Block>;
    if (removed.has(address)) delete byName[name];
    else if (block.depends_on) {
      block.depends_on = (block.depends_on as string[]).filter((entry) => !removed.has(entry));
    }
    if (Object.keys(byName).length === 0) delete copy[kind]?.[type];
  }
  for (const [name, block] of Object.entries(copy.output ?? {})) {
    const reference = referenced(block);
    if (reference) {
      delete copy.output?.[name];
      leftOut.push({ address: `output.${name}`, because: `references ${reference}` });
    }
  }
  // cdktf's own index of the outputs must not name a removed one: `cdktf deploy` reads them all.
  const removedOutputs = new Set(
    leftOut.filter((entry) => entry.address.startsWith('output.')).map((entry) => entry.address.slice(7)),
  );
  const prune = (index: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(index)) {
      if (typeof value === 'string' && removedOutputs.has(value)) delete index[key];
      else if (value && typeof value === 'object') prune(value as Record<string, unknown>);
    }
  };
  const outputsIndex = (copy['//'] as { outputs?: Record<string, unknown> } | undefined)?.outputs;
  if (outputsIndex) prune(outputsIndex);
  return { stack: copy, leftOut };
}

export interface Diff {
  readonly address: string;
  readonly actions: string[];
  readonly attribute?: string;
  /** The allow-list entry that explains it; undefined for an unexpected difference. */
  readonly known?: KnownDiff;
}

/** Every planned change after an apply, attribute by attribute for updates, matched to `known`. */
export function diffsAfterApply(plan: PlanOutput, known: readonly KnownDiff[] = KNOWN_DIFFS): Diff[] {
  const diffs: Diff[] = [];
  for (const change of plan.resource_changes) {
    if (change.mode !== 'managed') continue;
    const actions = change.change.actions;
    if (actions.length === 1 && actions[0] === 'no-op') continue;
    if (actions.length !== 1 || actions[0] !== 'update') {
      diffs.push({ address: change.address, actions });
      continue;
    }
    const {
      before,
      after,
      after_unknown: unknown,
    } = change.change as unknown as {
      before: Block;
      after: Block;
      after_unknown?: Block;
    };
    const attributes = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    for (const attribute of attributes) {
      const same = JSON.stringify(before?.[attribute]) === JSON.stringify(after?.[attribute]);
      if (same && !unknown?.[attribute]) continue;
      diffs.push({
        address: change.address,
        actions,
        attribute,
        known: known.find((entry) => entry.resourceType === change.type && entry.attribute === attribute),
      });
    }
  }
  return diffs;
}

export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

/** Error diagnostics of a `-json` Terraform run. */
export function errorsOf(result: TerraformResult): Diagnostic[] {
  const errors: Diagnostic[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as { type?: string; diagnostic?: Diagnostic };
    if (message.type === 'diagnostic' && message.diagnostic?.severity === 'error') {
      errors.push(message.diagnostic);
    }
  }
  if (result.code !== 0 && errors.length === 0) {
    errors.push({ severity: 'error', summary: (result.stderr || result.stdout).trim().slice(0, 2000) });
  }
  return errors;
}

/**
 * A diagnostic on one line: its summary, and its detail where there is one (the plugin-framework
 * resources, such as the security group rules, put the AWS error code only in the detail).
 */
export function diagnosticText(error: Diagnostic): string {
  const detail = error.detail?.replace(/\s+/g, ' ').trim();
  return detail ? `${error.summary}: ${detail}` : error.summary;
}

/**
 * The managed resources among `terraform state list` entries: data sources (`data.…`, also inside
 * modules) are in a state too, but a destroy neither deletes nor counts them.
 */
export function managedAddresses(entries: readonly string[]): string[] {
  return entries.filter((address) => !/(^|\.)data\./.test(address));
}

/** Managed resources a `-json` apply or destroy completed (data source reads not counted). */
function countApplied(result: TerraformResult): number {
  let count = 0;
  for (const line of result.stdout.split('\n')) {
    if (!line.includes('"type":"apply_complete"')) continue;
    const message = JSON.parse(line) as {
      hook?: { action?: string; resource?: { resource_type?: string; addr?: string } };
    };
    if (message.hook?.action !== 'read' && !message.hook?.resource?.addr?.startsWith('data.')) count += 1;
  }
  return count;
}

export interface ProbeResult {
  readonly address: string;
  readonly gap: Unsupported;
  /** True when the emulator still fails as the entry says. */
  readonly stillFails: boolean;
  readonly detail: string;
}

export interface CycleResult {
  readonly stack: string;
  readonly planned: number;
  readonly applied: number;
  readonly leftOut: LeftOut[];
  readonly diffs: Diff[];
  readonly probes: ProbeResult[];
  readonly destroyed: number;
  /** Addresses still in the state after the destroy. */
  readonly remaining: string[];
  /** Everything that makes the cycle fail, one line each; empty when it passed. */
  readonly failures: string[];
  readonly seconds: Record<string, number>;
  /**
   * The failures of an earlier run of the cycle on another emulator, when each of them was an
   * emulator fault (`EMULATOR_FAULTS`) and the cycle was run again.
   * @default - none: the first run counts
   */
  readonly retriedAfter?: string[];
  /**
   * The errors of a first destroy that were all emulator faults (a delete answered "not found"),
   * after which the destroy ran once more on the same emulator.
   * @default - none: one destroy
   */
  readonly destroyRetried?: string[];
  /**
   * Objects of the state that the emulator had already removed: a delete answered "not found"
   * (`destroyRetried`), and the second destroy's refresh dropped them from the state instead of
   * deleting them. With `destroyed`, they account for everything applied.
   * @default - 0 when the destroy ran once
   */
  readonly goneBeforeDestroy?: number;
}

export interface CycleOptions {
  readonly stack: string;
  /** The synthesized stack folder (cdktf.out/stacks/<stack>); only read. */
  readonly stackDir: string;
  /** Scratch folder, emptied first. */
  readonly workDir: string;
  readonly cliConfigFile: string;
  readonly moto: Moto;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  readonly unsupported?: readonly Unsupported[];
  readonly knownDiffs?: readonly KnownDiff[];
  /**
   * For a stack that reads other stacks (cdktf cross-stack references): the state file of each
   * producer stack, applied to the same emulator before, by stack name.
   * @default - none: a stack that reads another stack's state fails before init
   */
  readonly remoteStates?: Readonly<Record<string, string>>;
  /**
   * How many objects Terraform creates or deletes at once (`-parallelism`) in the apply and the
   * destroy.
   * @default - Terraform's own (10)
   */
  readonly parallelism?: number;
  /**
   * Runs Terraform in a folder (a stand-in in the unit tests, which have no emulator).
   * @default terraformAsync
   */
  readonly terraform?: (args: string[], cwd: string, env: NodeJS.ProcessEnv) => Promise<TerraformResult>;
}

/** The summary line of a cycle. */
export function summarizeCycle(result: CycleResult): string {
  const unexpected = result.diffs.filter((diff) => !diff.known).length;
  const gaps = result.leftOut.filter((entry) => !entry.because.startsWith('references ')).length;
  const total = Object.values(result.seconds).reduce((a, b) => a + b, 0);
  return (
    `${result.stack}: applied ${result.applied} of ${result.planned} resources; ` +
    `left out ${result.leftOut.length} (${gaps} the emulator cannot serve, ${result.leftOut.length - gaps} referencing them); ` +
    `diffs after apply: ${result.diffs.length - unexpected} known, ${unexpected} unexpected; ` +
    `destroyed ${result.destroyed}` +
    (result.goneBeforeDestroy ? ` (and ${result.goneBeforeDestroy} the emulator had already removed)` : '') +
    `, ${result.remaining.length} left in state; ` +
    `${result.failures.length ? `${result.failures.length} failures` : 'passed'} in ${total.toFixed(0)} s` +
    (result.destroyRetried
      ? `; destroyed again after an emulator fault: ${result.destroyRetried.join('; ')}`
      : '') +
    (result.retriedAfter
      ? `; run again on a new emulator after an emulator fault: ${result.retriedAfter.join('; ')}`
      : '')
  );
}

/**
 * Whether a cycle failed only with emulator faults, so that running it again is meaningful: its
 * apply failed only with apply faults (whatever the destroy then met: an object the emulator made
 * twice can stand in the way of deleting its parent), or it applied and its destroy failed only
 * with destroy faults and what they left in the state.
 */
export function onlyEmulatorFaults(
  failures: readonly string[],
  faults: readonly EmulatorFault[] = EMULATOR_FAULTS,
): boolean {
  const isFault = (line: string) =>
    faults.some((fault) => line.startsWith(`${fault.step}: `) && fault.codes.test(line));
  const ofStep = (step: string) => failures.filter((line) => line.startsWith(`${step}: `));
  const afterDestroy = (line: string) => line.startsWith('destroy: ') || AFTER_DESTROY_FAULT.test(line);
  const apply = ofStep('apply');
  if (apply.length) {
    return apply.every(isFault) && failures.every((line) => apply.includes(line) || afterDestroy(line));
  }
  const destroy = ofStep('destroy');
  return (
    destroy.length > 0 &&
    destroy.every(isFault) &&
    failures.every((line) => destroy.includes(line) || AFTER_DESTROY_FAULT.test(line))
  );
}

export interface RetriedCycleOptions extends Omit<CycleOptions, 'moto'> {
  /** Starts an emulator for an attempt (1, then 2); the cycle stops it when the attempt ends. */
  readonly startEmulator: (attempt: number) => Promise<Moto>;
  /** @default EMULATOR_FAULTS */
  readonly faults?: readonly EmulatorFault[];
  /** @default applyCycle */
  readonly runCycle?: (options: CycleOptions) => Promise<CycleResult>;
}

/**
 * Terraform's `-parallelism` for a cycle run again after an emulator fault. The faults are the
 * emulator, one process, answering many calls at once on a loaded machine (a create seen twice, a
 * connection dropped mid-answer): the second run asks two at a time, slower but with far fewer
 * calls in flight.
 */
export const RETRY_PARALLELISM = 2;

/**
 * The cycle on a new emulator, run once more on another new one, with RETRY_PARALLELISM, when
 * every failure of the first run is an emulator fault; the result of that second run counts, and
 * names what the first hit.
 */
export async function applyCycleTolerant(options: RetriedCycleOptions): Promise<CycleResult> {
  const { startEmulator, faults, runCycle = applyCycle, ...cycleOptions } = options;
  const attempt = async (n: number) => {
    const moto = await startEmulator(n);
    try {
      // The second run in a folder of its own, so the first run's logs stay for reading.
      const workDir = n === 1 ? cycleOptions.workDir : `${cycleOptions.workDir}.attempt-${n}`;
      const parallelism = n === 1 ? cycleOptions.parallelism : RETRY_PARALLELISM;
      return await runCycle({ ...cycleOptions, workDir, moto, parallelism });
    } finally {
      await moto.stop();
    }
  };
  const first = await attempt(1);
  if (!onlyEmulatorFaults(first.failures, faults)) return first;
  options.log?.(`${options.stack}: emulator fault, running the cycle again: ${first.failures.join('; ')}`);
  return { ...(await attempt(2)), retriedAfter: first.failures };
}

/** Runs the whole cycle for one stack. Never throws for a Terraform failure: it is in `failures`. */
export async function applyCycle(options: CycleOptions): Promise<CycleResult> {
  const terraform = options.terraform ?? terraformAsync;
  const { stack, workDir, moto } = options;
  const log = options.log ?? (() => undefined);
  const unsupported = options.unsupported ?? UNSUPPORTED;
  const failures: string[] = [];
  const seconds: Record<string, number> = {};
  const env = terraformEnv(options.cliConfigFile);
  const tf = async (step: string, args: string[]) => {
    const started = Date.now();
    const result = await terraform(args, workDir, env);
    // Kept for reading a failure: <workDir>/<step>.log, Terraform's JSON lines.
    writeFileSync(path.join(workDir, `${step}.log`), `${result.stdout}\n${result.stderr}`, { flag: 'a' });
    seconds[step] = (seconds[step] ?? 0) + (Date.now() - started) / 1000;
    log(
      `${stack}: ${step} ${result.code === 0 ? 'done' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return result;
  };

  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  cpSync(options.stackDir, workDir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}.terraform`),
  });
  const full = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const unmapped = unmappedTypes(full);
  const result = (extra: Partial<CycleResult> = {}): CycleResult => ({
    stack,
    planned: 0,
    applied: 0,
    leftOut: [],
    diffs: [],
    probes: [],
    destroyed: 0,
    remaining: [],
    failures,
    seconds,
    ...extra,
  });
  if (unmapped.length) {
    failures.push(
      `types with no emulator endpoint (add them to tools/emulator/override.ts): ${unmapped.join(', ')}`,
    );
    return result();
  }
  let remoteStates: object;
  try {
    remoteStates = emulatorRemoteStateOverride(full, options.remoteStates ?? {}, stack);
  } catch (error) {
    failures.push((error as Error).message);
    return result();
  }
  const served = leaveOut(full, unsupported);
  const planned = Object.values(full.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(served.stack, null, 2));
  writeFileSync(
    path.join(workDir, EMULATOR_OVERRIDE_FILE),
    JSON.stringify(
      {
        ...emulatorOverride(full, moto.endpoint, path.join(workDir, 'emulator.tfstate')),
        ...remoteStates,
      },
      null,
      2,
    ),
  );

  const init = await tf('init', ['init', '-input=false', '-no-color']);
  if (init.code !== 0) {
    failures.push(`init: ${init.stderr || init.stdout}`);
    return result({ planned, leftOut: served.leftOut });
  }

  // 1. Apply what the emulator serves: every error is a failure.
  // (the apply and the destroy change objects: both run with the cycle's parallelism)
  const changing = [
    '-auto-approve',
    '-input=false',
    '-no-color',
    '-json',
    '-lock=false',
    ...(options.parallelism ? [`-parallelism=${options.parallelism}`] : []),
  ];
  const apply = await tf('apply', ['apply', ...changing]);
  const applied = countApplied(apply);
  for (const error of errorsOf(apply)) {
    failures.push(`apply: ${error.address ?? '(no address)'}: ${diagnosticText(error)}`);
  }

  // 2. Converged: a second plan shows no change beyond the known emulator diffs.
  let diffs: Diff[] = [];
  if (apply.code === 0) {
    const replan = await tf('replan', [
      'plan',
      '-input=false',
      '-no-color',
      '-lock=false',
      '-out=replan.tfplan',
    ]);
    if (replan.code !== 0) {
      failures.push(`plan after apply: ${replan.stderr || replan.stdout}`);
    } else {
      const show = await terraform(['show', '-json', 'replan.tfplan'], workDir, env);
      diffs = diffsAfterApply(parsePlan(show.stdout), options.knownDiffs ?? KNOWN_DIFFS);
      for (const diff of diffs.filter((d) => !d.known)) {
        failures.push(
          `diff after apply: ${diff.address} ${diff.actions.join('/')}${diff.attribute ? ` ${diff.attribute}` : ''}`,
        );
      }
    }
  }

  // 3. Probe each left-out resource of an unsupported type in the full configuration: it must
  //    still fail, with the operation its entry names.
  const probes: ProbeResult[] = [];
  const gapAddresses = served.leftOut
    .filter((entry) => !entry.because.startsWith('references '))
    .map((e) => e.address);
  const gapFor = (address: string) =>
    unsupported.find((gap) => address.startsWith(`${gap.resourceType}.`)) as Unsupported;
  const inState = async () =>
    new Set((await terraform(['state', 'list'], workDir, env)).stdout.split('\n').filter(Boolean));
  if (apply.code === 0 && gapAddresses.length) {
    writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(full, null, 2));
    const json = ['-auto-approve', '-input=false', '-no-color', '-json', '-lock=false'];
    const probe = await tf('probe', [
      'apply',
      ...json,
      ...gapAddresses.map((address) => `-target=${address}`),
    ]);
    const errors = errorsOf(probe);
    // What the emulator created but cannot read leaves the state first, so it cannot spoil the
    // destroys below; what it cannot delete is then destroyed alone, which must fail.
    let state = await inState();
    const unreadable = gapAddresses.filter((a) => state.has(a) && gapFor(a).phase === 'read');
    if (unreadable.length) await terraform(['state', 'rm', ...unreadable], workDir, env);
    const undeletable = gapAddresses.filter((a) => state.has(a) && gapFor(a).phase === 'destroy');
    if (undeletable.length) {
      // Terraform's destroy errors carry no address, only the resource's ID in the message.
      const shown = JSON.parse((await terraform(['show', '-json'], workDir, env)).stdout) as {
        values?: { root_module?: { resources?: Array<{ address: string; values: { id?: string } }> } };
      };
      const ids = new Map(
        (shown.values?.root_module?.resources ?? []).map((resource) => [
          resource.address,
          resource.values.id,
        ]),
      );
      const probeDestroy = await tf('probe', ['destroy', ...json, ...undeletable.map((a) => `-target=${a}`)]);
      for (const error of errorsOf(probeDestroy)) {
        const owner = undeletable.find(
          (address) => ids.get(address) && error.summary.includes(`(${ids.get(address)})`),
        );
        errors.push(owner && !error.address ? { ...error, address: owner } : error);
      }
    }
    state = await inState();
    for (const address of gapAddresses) {
      const gap = gapFor(address);
      const own = errors.filter((error) => error.address === address);
      const matching = own.find((error) => `${error.summary} ${error.detail ?? ''}`.includes(gap.operation));
      // Not created and no error of its own: a gap it depends on failed first, so it was not tried.
      const blocked =
        !own.length && gap.phase === 'create' && !state.has(address) && !undeletable.includes(address);
      const stillFails = Boolean(matching) || blocked;
      probes.push({
        address,
        gap,
        stillFails,
        detail:
          matching?.summary ??
          (blocked ? 'not tried: a gap it depends on failed first' : (own[0]?.summary ?? 'no error')),
      });
      if (!stillFails) {
        failures.push(
          own.length
            ? `probe: ${address} fails differently than tools/emulator/gaps.ts says (${gap.operation}): ${own[0].summary}`
            : `probe: ${address} no longer fails on the emulator (${gap.phase} ${gap.operation}): remove the ${gap.resourceType} entry from tools/emulator/gaps.ts`,
        );
      }
    }
    for (const error of errors.filter((e) => e.address && !gapAddresses.includes(e.address))) {
      failures.push(`probe: ${error.address}: ${diagnosticText(error)}`);
    }
    const stuck = [...state].filter((address) => gapAddresses.includes(address));
    if (stuck.length) await terraform(['state', 'rm', ...stuck], workDir, env);
  }

  // 4. Destroy everything; the state must be empty afterwards.
  const destroyArgs = ['destroy', ...changing];
  const destroyErrors = (run: TerraformResult) =>
    errorsOf(run).map((error) => `destroy: ${error.address ?? '(no address)'}: ${diagnosticText(error)}`);
  const first = await tf('destroy', destroyArgs);
  let destroyed = countApplied(first);
  let destroyFailures = destroyErrors(first);
  let destroyRetried: string[] | undefined;
  let goneBeforeDestroy: number | undefined;
  const stateList = async () => {
    const statePath = path.join(workDir, 'emulator.tfstate');
    const list = existsSync(statePath) ? await terraform(['state', 'list'], workDir, env) : undefined;
    return (list?.stdout ?? '').split('\n').filter(Boolean);
  };
  const answeredGone = (line: string) =>
    EMULATOR_FAULTS.some((fault) => fault.step === 'destroy' && fault.codes.test(line));
  if (destroyFailures.length > 0 && destroyFailures.every(answeredGone)) {
    // The emulator answered a delete as if the object were already gone (EMULATOR_FAULTS): a second
    // destroy on the same emulator refreshes it out of the state and deletes what it held up.
    log(`${stack}: destroy met an emulator fault, destroying again: ${destroyFailures.join('; ')}`);
    destroyRetried = destroyFailures;
    const held = managedAddresses(await stateList()).length;
    const again = await tf('destroy', destroyArgs);
    destroyed += countApplied(again);
    destroyFailures = destroyErrors(again);
    // What the state held and this destroy neither deleted nor left: refreshed away as gone.
    goneBeforeDestroy = held - countApplied(again) - managedAddresses(await stateList()).length;
  }
  failures.push(...destroyFailures);
  const remaining = await stateList();
  if (remaining.length) failures.push(`left in state after destroy: ${remaining.join(', ')}`);
  return result({
    planned,
    applied,
    leftOut: served.leftOut,
    diffs,
    probes,
    destroyed,
    remaining,
    destroyRetried,
    goneBeforeDestroy,
  });
}
