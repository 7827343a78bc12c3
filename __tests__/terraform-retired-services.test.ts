/**
 * A retired service (services.<name>.retired) with Terraform itself: dev with `api` retired, in
 * one stack and with a stack per service, validates against the AWS provider's schema (the
 * `removed` blocks included) and plans offline; `npm run plan:offline` plans the retired service's
 * stack, which holds no resource.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OfflineResult } from '../tools/terraform/offline';
import { SynthesizedEnvironment, planStack, synthEnvironment } from '../test-support/environment';

const root = path.resolve(__dirname, '..');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A config folder holding dev with api retired, in `layout`. */
function retiredConfig(layout: 'one-stack' | 'stack-per-service'): string {
  const settings = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as Json;
  settings.stackLayout = layout;
  settings.services.api.retired = true;
  const dir = mkdtempSync(path.join(os.tmpdir(), `retired-${layout}-`));
  writeFileSync(path.join(dir, 'dev.json'), JSON.stringify(settings));
  return dir;
}

const layouts = ['one-stack', 'stack-per-service'] as const;
const synthesized: Record<string, SynthesizedEnvironment> = {};
const results: Record<string, OfflineResult> = {};
const configDirs: Record<string, string> = {};

beforeAll(async () => {
  const jobs: Array<Promise<void>> = [];
  for (const layout of layouts) {
    configDirs[layout] = retiredConfig(layout);
    synthesized[layout] = synthEnvironment('dev', configDirs[layout]);
    for (const [name, dir] of Object.entries(synthesized[layout].stackDirs)) {
      jobs.push(planStack(dir).then((result) => void (results[`${layout}/${name}`] = result)));
    }
  }
  await Promise.all(jobs);
});

describe.each(layouts)('dev with api retired, %s', (layout) => {
  const stacks = () => Object.keys(synthesized[layout].stacks);

  it('validates every stack with no errors and no warnings', () => {
    expect(stacks().length).toBe(layout === 'one-stack' ? 1 : 3);
    for (const name of stacks()) {
      expect(results[`${layout}/${name}`].validate).toMatchObject({
        valid: true,
        error_count: 0,
        warning_count: 0,
      });
    }
  });

  it('plans exactly the synthesized resources, none of them api’s, from an empty state', () => {
    for (const name of stacks()) {
      const { plan } = results[`${layout}/${name}`];
      const planned = plan.resource_changes
        .filter((change) => change.mode === 'managed')
        .map((change) => change.address)
        .sort();
      const json = synthesized[layout].stacks[name];
      const expected = Object.entries(json.resource ?? {})
        .flatMap(([type, blocks]) => Object.keys(blocks).map((id) => `${type}.${id}`))
        .sort();
      expect(planned).toEqual(expected);
      expect(planned.filter((address) => /(^|_)api_/.test(address.split('.')[1]))).toEqual([]);
      const actions = new Set(plan.resource_changes.flatMap((change) => change.change.actions));
      expect([...actions].filter((action) => !['create', 'read'].includes(action))).toEqual([]);
    }
  });

  it('keeps the removed blocks (destroy = false) in the configuration Terraform planned', () => {
    const removed = stacks().flatMap(
      (name) => ((synthesized[layout].stacks[name] as Json).removed ?? []) as Array<Json>,
    );
    expect(removed).toHaveLength(4);
  });
});

describe('npm run plan:offline, a stack per service', () => {
  it('plans the retired service’s stack: no resource, nothing to add, change or destroy', () => {
    // GIVEN dev with api retired in its own stack WHEN the main job plans that stack
    expect(spawnSync('node', ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'retired-offline-plan-'));
    const run = spawnSync(
      'node',
      [path.join(root, 'dist', 'offline-plan.js'), '--json', 'fargate-dev-svc-api'],
      {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          PLATFORM_ENV: 'dev',
          PLATFORM_CONFIG_DIR: configDirs['stack-per-service'],
          CHECKPOINT_DISABLE: '1',
        },
      },
    );
    // THEN it succeeds, with the stack's counts all zero
    expect({ code: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(run.stdout) as { stacks: Array<Json> };
    expect(summary.stacks).toEqual([
      expect.objectContaining({
        name: 'fargate-dev-svc-api',
        ok: true,
        add: 0,
        change: 0,
        destroy: 0,
        forget: 0,
      }),
    ]);
  });
});

describe('npm run state:split, with a retired service', () => {
  it('refuses before any work: the retirement is applied in one stack and the entry deleted first', () => {
    // GIVEN dev with a stack per service and api retired WHEN the state split runs
    expect(spawnSync('node', ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const run = spawnSync('node', [path.join(root, 'dist', 'state-split.js'), '--dry-run'], {
      cwd: mkdtempSync(path.join(os.tmpdir(), 'retired-state-split-')),
      encoding: 'utf8',
      env: {
        ...process.env,
        PLATFORM_ENV: 'dev',
        PLATFORM_CONFIG_DIR: configDirs['stack-per-service'],
        CHECKPOINT_DISABLE: '1',
      },
    });
    // THEN it says why and what to do, and stops
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'state:split: config/dev.json has retired services (api): apply their retirement with stackLayout "one-stack" and delete their entries first',
    );
  });
});
