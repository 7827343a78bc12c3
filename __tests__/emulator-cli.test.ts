/**
 * The user's own path against the emulator: `npm run emulator -- deploy|destroy <stack>` runs the
 * project's `npm run deploy` / `npm run destroy` (cdktf deploy / destroy) on a scratch synthesis,
 * offline, with the provider from the local mirror or plugin cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { KNOWN_DIFFS } from '../tools/emulator/gaps';
import { configWithExample } from '../test-support/example-config';

const projectRoot = path.resolve(__dirname, '..');
const workDir = path.join(projectRoot, '.work', 'test-emulator-cli');
// dev with the seed's 8.8 example (fargate-dev-simple), the smallest stack to deploy
const configDir = configWithExample('dev');

jest.setTimeout(15 * 60 * 1000);

function emulator(...args: string[]) {
  const result = spawnSync('npm', ['run', '--silent', 'emulator', '--', ...args, '--work-dir', workDir], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: configDir, CHECKPOINT_DISABLE: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` };
}

function stateResources(): unknown[] {
  const file = path.join(workDir, 'state', 'fargate-dev-simple.tfstate');
  return (JSON.parse(readFileSync(file, 'utf8')) as { resources: unknown[] }).resources;
}

const localStateBefore = existsSync(path.join(projectRoot, 'terraform.tfstate.d'))
  ? readdirSync(path.join(projectRoot, 'terraform.tfstate.d'))
  : [];
const runs: Record<string, { code: number | null; out: string }> = {};

beforeAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  runs.deploy = emulator('deploy', 'fargate-dev-simple');
  runs.redeploy = emulator('deploy', 'fargate-dev-simple');
  runs.statusUp = emulator('status');
  runs.destroy = emulator('destroy', 'fargate-dev-simple');
  runs.stop = emulator('stop');
  runs.statusDown = emulator('status');
  runs.destroyWithoutServer = emulator('destroy', 'fargate-dev-simple');
});

afterAll(() => {
  emulator('stop');
  rmSync(workDir, { recursive: true, force: true });
  rmSync(configDir, { recursive: true, force: true });
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

  it('keeps the emulator running between commands, and its state apart from the project’s', () => {
    expect(runs.statusUp.out).toMatch(/emulator running at http:\/\/127\.0\.0\.1:\d+ \(account 111111111111/);
    const now = existsSync(path.join(projectRoot, 'terraform.tfstate.d'))
      ? readdirSync(path.join(projectRoot, 'terraform.tfstate.d'))
      : [];
    expect(now).toEqual(localStateBefore);
  });

  it('destroys it with cdktf destroy, leaving an empty state', () => {
    expect(runs.destroy.out).toContain('Destroy complete! Resources: 18 destroyed.');
    expect(runs.destroy.code).toBe(0);
    expect(stateResources()).toEqual([]);
  });

  it('stops the emulator, and refuses a destroy that has no emulator to talk to', () => {
    expect(runs.stop.out).toMatch(/emulator stopped \(pid \d+\)/);
    expect(runs.statusDown.out).toContain('emulator not running');
    expect(runs.destroyWithoutServer.code).toBe(1);
    expect(runs.destroyWithoutServer.out).toContain('error: no emulator is running');
  });
});
