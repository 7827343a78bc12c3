/**
 * The user's own path against the emulator: `npm run emulator -- deploy|destroy <stack>` runs the
 * project's `npm run deploy` / `npm run destroy` (cdktf deploy / destroy) on a scratch synthesis,
 * offline, with the provider from the local mirror or plugin cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KNOWN_DIFFS } from '../tools/emulator/gaps';
import { configWithExample } from '../test-support/example-config';
import { KNOWN_DIFF_LABEL } from '../tools/emulator/label-diffs';

const projectRoot = path.resolve(__dirname, '..');
const workDir = path.join(projectRoot, '.work', 'test-emulator-cli');
// dev with the seed's 8.8 example (fargate-dev-simple), the smallest stack to deploy
const configDir = configWithExample('dev');

jest.setTimeout(15 * 60 * 1000);

/** A second environment, qa, whose simple stack lives in eu-west-1 (the seed's names are fixed per region). */
const qaConfigDir = mkdtempSync(path.join(os.tmpdir(), 'emulator-cli-qa-'));
const dev = JSON.parse(readFileSync(path.join(projectRoot, 'config', 'dev.json'), 'utf8')) as {
  regions: unknown[];
};
writeFileSync(
  path.join(qaConfigDir, 'qa.json'),
  JSON.stringify({
    ...dev,
    environment: 'qa',
    regions: [...dev.regions].reverse(),
    examples: { simpleFargate: true },
  }),
);
const QA = { PLATFORM_ENV: 'qa', PLATFORM_CONFIG_DIR: qaConfigDir };

function command(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync('npm', ['run', '--silent', script, '--', ...args, '--work-dir', workDir], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      PLATFORM_ENV: 'dev',
      PLATFORM_CONFIG_DIR: configDir,
      CHECKPOINT_DISABLE: '1',
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` };
}

const emulator = (...args: string[]) => command('emulator', args);

/** The managed resources (data sources left out) in a stack's emulator state. */
function stateResources(stack = 'fargate-dev-simple'): unknown[] {
  const file = path.join(workDir, 'state', `${stack}.tfstate`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { resources: Array<{ mode: string }> }).resources.filter(
    (resource) => resource.mode === 'managed',
  );
}

const localStateBefore = existsSync(path.join(projectRoot, 'terraform.tfstate.d'))
  ? readdirSync(path.join(projectRoot, 'terraform.tfstate.d'))
  : [];
const runs: Record<string, { code: number | null; out: string }> = {};
/** Resources of the second stack in its state right after the first one's destroy. */
let otherStackAfterDestroy = -1;

beforeAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  runs.deploy = emulator('deploy', 'fargate-dev-simple');
  runs.redeploy = emulator('deploy', 'fargate-dev-simple');
  runs.deployOther = command('emulator', ['deploy', 'fargate-qa-simple'], QA);
  runs.statusUp = emulator('status');
  runs.destroy = emulator('destroy', 'fargate-dev-simple');
  otherStackAfterDestroy = stateResources('fargate-qa-simple').length;
  const server = JSON.parse(readFileSync(path.join(workDir, 'server.json'), 'utf8')) as { endpoint: string };
  runs.teardownOther = command('teardown', ['fargate-qa-simple'], {
    ...QA,
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: 'emulator',
    AWS_SECRET_ACCESS_KEY: 'emulator',
  });
  runs.deployAgain = emulator('deploy', 'fargate-dev-simple');
  runs.emulatorTeardown = emulator('teardown', 'fargate-dev-simple');
  runs.stop = emulator('stop');
  runs.statusDown = emulator('status');
  runs.destroyWithoutServer = emulator('destroy', 'fargate-dev-simple');
});

afterAll(() => {
  emulator('stop');
  rmSync(workDir, { recursive: true, force: true });
  rmSync(configDir, { recursive: true, force: true });
  rmSync(qaConfigDir, { recursive: true, force: true });
});

describe('npm run emulator', () => {
  it('deploys the simple stack with cdktf deploy, offline', () => {
    expect(runs.deploy.out).toContain('(cdktf deploy fargate-dev-simple --skip-synth --skip-provider-lock');
    expect(runs.deploy.out).toContain('Apply complete! Resources: 18 added, 0 changed, 0 destroyed.');
    expect(runs.deploy.code).toBe(0);
  });

  it('converges: a second deploy adds and destroys nothing, and changes only what the emulator misreports', () => {
    expect(runs.redeploy.code).toBe(0);
    expect(runs.redeploy.out).toMatch(/Apply complete! Resources: 0 added, \d+ changed, 0 destroyed\./);
    const modified = [
      ...runs.redeploy.out.matchAll(/ (aws_[a-z0-9_]+)\.[^ ]+ \([^)]*\): Modifying\.\.\./g),
    ].map((match) => match[1]);
    const misreported = new Set(KNOWN_DIFFS.map((diff) => diff.resourceType));
    expect(modified.filter((type) => !misreported.has(type))).toEqual([]);
  });

  it('labels each change of a no-change redeploy as the emulator’s known wrong answer', () => {
    // The emulator leaves availabilityZoneRebalancing out of DescribeServices.
    expect(runs.redeploy.out).toMatch(
      new RegExp(
        `\\+ availability_zone_rebalancing += "DISABLED" +${KNOWN_DIFF_LABEL.replace(/[().]/g, '\\$&')} moto does not return`,
      ),
    );
    const changed = Number(/Plan: 0 to add, (\d+) to change, 0 to destroy\./.exec(runs.redeploy.out)?.[1]);
    expect(changed).toBeGreaterThan(0);
    expect(runs.redeploy.out).toContain(
      `emulator: ${changed} of the ${changed} to change differ only in the emulator's known wrong answers (KNOWN_DIFFS in tools/emulator/gaps.ts); against AWS they would not change: aws_ecs_service.ECSService (availability_zone_rebalancing)`,
    );
    expect(runs.redeploy.out).not.toContain('NOT among the known wrong answers');
  });

  it('deploys a second stack beside the first without touching what the first one’s destroy needs', () => {
    expect(runs.deployOther.out).toContain('Apply complete! Resources: 18 added, 0 changed, 0 destroyed.');
    expect(runs.deployOther.code).toBe(0);
  });

  it('keeps the emulator running between commands, and its state apart from the project’s', () => {
    expect(runs.statusUp.out).toMatch(/emulator running at http:\/\/127\.0\.0\.1:\d+ \(account 111111111111/);
    const now = existsSync(path.join(projectRoot, 'terraform.tfstate.d'))
      ? readdirSync(path.join(projectRoot, 'terraform.tfstate.d'))
      : [];
    expect(now).toEqual(localStateBefore);
  });

  it('destroys the first stack with cdktf destroy after another was deployed, leaving an empty state', () => {
    expect(runs.destroy.out).toContain('Destroy complete! Resources: 18 destroyed.');
    expect(runs.destroy.code).toBe(0);
    expect(stateResources()).toEqual([]);
    expect(otherStackAfterDestroy).toBe(18);
  });

  it('tears the second stack down with npm run teardown against the emulator', () => {
    expect(runs.teardownOther.out).toContain('endpoint override AWS_ENDPOINT_URL=http://127.0.0.1:');
    expect(runs.teardownOther.out).toContain('Destroy complete! Resources: 18 destroyed.');
    expect(runs.teardownOther.out).not.toContain('HTTP 404');
    expect(runs.teardownOther.code).toBe(0);
    expect(stateResources('fargate-qa-simple')).toEqual([]);
  });

  it('tears a stack down with its own teardown command, after a fresh deploy', () => {
    expect(runs.deployAgain.out).toContain('Apply complete! Resources: 18 added, 0 changed, 0 destroyed.');
    expect(runs.emulatorTeardown.out).toContain('Destroy complete! Resources: 18 destroyed.');
    expect(runs.emulatorTeardown.code).toBe(0);
    expect(stateResources()).toEqual([]);
  });

  it('stops the emulator, and refuses a destroy that has no emulator to talk to', () => {
    expect(runs.stop.out).toMatch(/emulator stopped \(pid \d+\)/);
    expect(runs.statusDown.out).toContain('emulator not running');
    expect(runs.destroyWithoutServer.code).toBe(1);
    expect(runs.destroyWithoutServer.out).toContain('error: no emulator is running');
  });
});
