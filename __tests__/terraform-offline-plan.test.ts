/**
 * The main job as a user runs it: `node dist/offline-plan.js` as a child process, in a scratch
 * working folder with a small settings file (one region), so its cdktf.out and .work/ are its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const TOOL = path.join(root, 'dist', 'offline-plan.js');

const SMALL = {
  app: 'tiny',
  environment: 'dev',
  tier: 'development',
  accountId: '123456789012',
  regions: [{ name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] }],
  natGateways: 'single',
  services: { web: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 100 } } },
  // The seed's 8.8 example as a second stack, so that one stack can fail beside another.
  examples: { simpleFargate: true },
};

let cwd: string;
let configDir: string;

function runTool(args: string[], settings: object = SMALL) {
  writeFileSync(path.join(configDir, 'dev.json'), JSON.stringify(settings));
  const result = spawnSync('node', [TOOL, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: configDir, CHECKPOINT_DISABLE: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  expect(spawnSync('node', ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
  cwd = mkdtempSync(path.join(os.tmpdir(), 'offline-plan-'));
  configDir = path.join(cwd, 'settings');
  mkdirSync(configDir);
});

describe('npm run plan:offline', () => {
  it('without accountId says why the offline plan cannot work and how to fix it, before any work', () => {
    // GIVEN settings without an account WHEN the main job runs
    const withoutAccount: Record<string, unknown> = { ...SMALL };
    delete withoutAccount.accountId;
    const { code, stdout, stderr } = runTool([], withoutAccount);
    // THEN one clear message with the fix, no STS error, nothing synthesized
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: settings/dev.json has no accountId.');
    expect(stderr).toContain('Fix: add "accountId": "<your 12-digit AWS account ID>"');
    expect(stderr).not.toMatch(/no such host|api error|sts\.amazonaws/i);
    expect(existsSync(path.join(cwd, 'cdktf.out'))).toBe(false);
  });

  describe('with one stack failing', () => {
    let run: ReturnType<typeof runTool>;
    beforeAll(() => {
      // GIVEN the simple stack's scratch folder blocked by a file, so that stack fails
      mkdirSync(path.join(cwd, '.work', 'offline'), { recursive: true });
      writeFileSync(path.join(cwd, '.work', 'offline', 'tiny-dev-simple'), 'in the way');
      // WHEN the main job runs
      run = runTool([]);
    });
    afterAll(() => rmSync(path.join(cwd, '.work', 'offline', 'tiny-dev-simple'), { force: true }));

    it('prints a line per stack and step with its time, before the results', () => {
      const lines = run.stdout.split('\n');
      const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
      expect(at(/^synth {7}dev from .*dev\.json {3}\d+\.\d s$/)).toBeGreaterThanOrEqual(0);
      const init = at(/^init {8}tiny-dev {3}\d+\.\d s$/);
      const plan = at(/^plan {8}tiny-dev {3}\d+\.\d s$/);
      const show = at(/^show {8}tiny-dev {3}\d+\.\d s$/);
      const summary = at(/^tiny-dev: \d+ to add, 0 to change, 0 to destroy$/);
      expect([init, plan, show, summary].every((index) => index >= 0)).toBe(true);
      expect(init < plan && plan < show && show < summary).toBe(true);
    });

    it('says the configured backend was replaced by a throw-away local one', () => {
      expect(run.stdout).toMatch(
        /^backend {5}the configured local backend \(terraform\.tfstate\.d\/<stack>\.tfstate\) is replaced by a throw-away local state in \.work\/offline\/<stack>\//m,
      );
    });

    it('shows the outputs a user looks for, where the saved plan is and the command that shows it', () => {
      expect(run.stdout).toMatch(/^ {4}app_url +\(known after apply\)$/m);
      expect(run.stdout).toMatch(/^ {4}accelerator_dns_name +\(known after apply\)$/m);
      expect(run.stdout).toMatch(/^ {4}expected_failover_seconds +55$/m);
      expect(run.stdout).toMatch(/^ {4}us_east_1_alb_dns_name +\(known after apply\)$/m);
      expect(run.stdout).toContain('  saved plan: .work/offline/tiny-dev/offline.tfplan\n');
      expect(existsSync(path.join(cwd, '.work', 'offline', 'tiny-dev', 'offline.tfplan'))).toBe(true);
      expect(run.stdout).toContain(
        '  show it in full: terraform -chdir=.work/offline/tiny-dev show offline.tfplan\n',
      );
      // AND the command works as printed
      const show = spawnSync(
        'terraform',
        ['-chdir=.work/offline/tiny-dev', 'show', '-no-color', 'offline.tfplan'],
        {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, CHECKPOINT_DISABLE: '1' },
        },
      );
      expect(show.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    });

    it('reports the failing stack without hiding the other one, in the singular', () => {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: tiny-dev-simple: /m);
      expect(run.stdout).toMatch(
        /^Planned 1 stack offline in \d+\.\d s; 1 stack failed: tiny-dev-simple\.$/m,
      );
    });
  });

  describe('run again after changing one setting', () => {
    it('plans the changed stack afresh, on the reused init', () => {
      // GIVEN the log retention changed WHEN the main job runs
      const run = runTool(['tiny-dev'], { ...SMALL, logRetentionDays: 14 });
      // THEN the synthesis is redone and the stack planned again, its init kept
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^synth {7}dev from .*dev\.json {3}\d+\.\d s$/m);
      expect(run.stdout).toMatch(/^init {8}tiny-dev {3}reused/m);
      expect(run.stdout).toMatch(/^plan {8}tiny-dev {3}\d+\.\d s$/m);
      expect(run.stdout).toMatch(/^Planned 1 stack offline in \d+\.\d s\.$/m);
      // back to the settings the next run expects unchanged
      expect(runTool(['tiny-dev']).code).toBe(0);
    });
  });

  describe('run again with nothing changed, with --json', () => {
    let run: ReturnType<typeof runTool>;
    beforeAll(() => {
      run = runTool(['--json']);
    });

    it('reuses the synthesis in under 0.2 s, the init and the plan whose inputs did not change', () => {
      const synth = /^synth {7}dev: inputs unchanged, cdktf\.out reused {3}(\d+\.\d) s$/m.exec(run.stderr);
      expect(synth).not.toBeNull();
      expect(Number(synth?.[1])).toBeLessThan(0.2);
      expect(run.stderr).toMatch(/^init {8}tiny-dev {3}reused \(providers and backend unchanged\)$/m);
      // and the plan itself: nothing Terraform reads changed since the saved plan
      expect(run.stderr).toMatch(
        /^plan {8}tiny-dev {3}reused \(configuration unchanged since the saved plan\)$/m,
      );
      expect(run.stderr).not.toMatch(/^show {8}tiny-dev /m);
      // the stack that failed before had no init to reuse
      expect(run.stderr).toMatch(/^init {8}tiny-dev-simple {3}\d+\.\d s$/m);
    });

    it('prints a JSON summary on stdout, progress on stderr', () => {
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as {
        environment: string;
        backend: { configured: string };
        stacks: Array<{
          name: string;
          ok: boolean;
          add: number;
          outputs: Record<string, unknown>;
          planFile: string;
          showCommand: string;
        }>;
      };
      expect(summary.environment).toBe('dev');
      expect(summary.backend.configured).toBe('local');
      expect(summary.stacks.map((s) => [s.name, s.ok])).toEqual([
        ['tiny-dev', true],
        ['tiny-dev-simple', true],
      ]);
      const platform = summary.stacks[0];
      expect(platform.add).toBeGreaterThan(50);
      expect(platform.outputs.expected_failover_seconds).toBe(55);
      expect(platform.outputs.app_url).toBe('(known after apply)');
      expect(platform.planFile).toBe('.work/offline/tiny-dev/offline.tfplan');
      expect(platform.showCommand).toBe('terraform -chdir=.work/offline/tiny-dev show offline.tfplan');
    });
  });
});
