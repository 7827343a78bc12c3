/**
 * The app as a process: the app command of cdktf.json run through a shell as the cdktf CLI runs it,
 * the cdktf CLI itself, and the built entry point on hostile settings files. These tests start
 * processes (Node.js, a shell, the cdktf CLI), so they run in `npm test` and `npm run test:app`, not
 * in the in-process layers; the same behaviours in-process are in environments/app.test.ts and
 * environments/settings-properties.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { run } from '../stacks/app';
import { configWithExample } from '../test-support/example-config';
import { accepted, brokenFile, settingsMutation, settingsText } from '../test-support/settings-arbitraries';

const root = path.resolve(__dirname, '..');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'cli-entry-point-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A line of a stack trace: `    at fn (file:line:col)`, or an `Error:`/`TypeError:` header. */
const STACK_TRACE_LINE = /^\s*at\s|^[A-Z]\w*Error\b/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The real entry point for an environment, into a fresh outdir: the app command of cdktf.json, run as
 * the cdktf CLI runs it (through a shell); `env` adds variables (PLATFORM_CONFIG_DIR). It disables
 * one named Node.js warning, DEP0044: cdktf 0.21's `TerraformOutput` calls `util.isArray`, which
 * Node.js 22 and later report on stderr, where the CLI would label it an error (cdktf is archived;
 * its fork, cdktn, calls `Array.isArray`).
 */
function runEntryPoint(environment: string, env: NodeJS.ProcessEnv = {}, outdirOverride?: string) {
  const { app } = JSON.parse(readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { app: string };
  const outdir = outdirOverride ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'out');
  const result = spawnSync(app, {
    cwd: root,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, ...env, PLATFORM_ENV: environment, CDKTF_OUTDIR: outdir },
  });
  return { ...result, outdir };
}

describe('the app as the cdktf CLI runs it', () => {
  it('lets the cdktf CLI synthesize another environment over a dev synthesis at the first try', () => {
    // GIVEN an output folder holding dev's stacks, synthesized by the app itself (npm run synth)
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'cdktf.out');
    expect(run({ env: { PLATFORM_ENV: 'dev' }, projectRoot: root, outdir, stderr: () => undefined })).toBe(0);
    // WHEN the cdktf CLI synthesizes prod into it (as `PLATFORM_ENV=prod npm run diff` does first)
    // through the project's resolver: cdktf, or cdktn where the fork's dependency set is installed
    const result = spawnSync('node', ['scripts/cdktf-cli.mjs', 'synth', '--output', outdir], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PLATFORM_ENV: 'prod', CHECKPOINT_DISABLE: '1', CI: '1' },
    });
    // (cdktf-cli 0.21's terminal module ships binaries up to Node.js 22 only: on a newer Node.js the
    // CLI itself cannot start, README "Node.js versions"; that, and nothing else, is what it says)
    const cliVersion = (
      JSON.parse(readFileSync(path.join(root, 'node_modules', 'cdktf-cli', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    if (Number(process.versions.node.split('.')[0]) >= 24 && cliVersion.startsWith('0.21.')) {
      expect(result.status).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain('pty.node');
      return;
    }
    // THEN it succeeds (the CLI removes dev's folders itself; the app removing them first made the
    // CLI's own removal fail with ENOENT) and only prod's stacks are left
    expect(`${result.stdout}${result.stderr}`).not.toContain('ENOENT');
    expect(result.status).toBe(0);
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['fargate-prod']);
  });

  it('prints accepted policy findings on stdout, where the cdktf CLI does not label them as errors', () => {
    // GIVEN the app command of cdktf.json and dev settings that ask for the seed's 8.8 example, whose
    // findings are accepted, on any Node.js
    const withExample = configWithExample('dev');
    try {
      // WHEN it synthesizes dev as the cdktf CLI runs it
      const result = runEntryPoint('dev', { PLATFORM_CONFIG_DIR: withExample });
      // THEN every suppression line is on stdout, and stderr (errors only) is empty
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines)
        expect(line).toMatch(
          /^policy: suppressed \S+ \[(NIST )?[A-Z0-9.()-]+\] at fargate-dev-simple\/\S+: .{20,}/,
        );
    } finally {
      rmSync(withExample, { recursive: true, force: true });
    }
  });

  it('prints nothing for the shipped dev settings: the platform stack accepts no policy finding', () => {
    // GIVEN the built app WHEN it synthesizes the shipped dev settings
    const result = runEntryPoint('dev');
    // THEN
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
  });

  it('prints no stack trace from the real entry point for a CDKTF_OUTDIR whose parent is missing', () => {
    const missing = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'missing');
    const result = runEntryPoint('dev', {}, path.join(missing, 'out'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error: CDKTF_OUTDIR: got ".*"; its parent .* does not exist: .*\nNothing was synthesized\.\n$/,
    );
    expect(result.stderr).not.toMatch(/\bat \S+ \(/);
  });

  it('prints no stack trace from the real entry point', () => {
    // GIVEN the app command of cdktf.json WHEN run for an environment with no settings file
    const result = runEntryPoint('nosuchenv');
    // THEN
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: config/nosuchenv.json: no settings file for environment "nosuchenv" (from PLATFORM_ENV); environments in config/: ${shippedEnvironments().join(', ')}; set PLATFORM_ENV to one of them, or create config/nosuchenv.json (copy one of the others and change "environment")\nNothing was synthesized.\n`,
    );
    expect(existsSync(result.outdir)).toBe(false);
  });
});

describe('hostile settings files through the real entry point', () => {
  it('exit 1 with the message and no stack trace', () => {
    // GIVEN the built app and three generated invalid files (a fixed sample, so the run is stable)
    const build = spawnSync('node', ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    expect(build.status).toBe(0);
    const mutations = fc
      .sample(settingsMutation, { seed: 20250101, numRuns: 200 })
      .map((mutation) => settingsText(mutation.settings))
      .filter((text) => !accepted(text))
      .slice(0, 2);
    const texts = [...mutations, fc.sample(brokenFile, { seed: 20250101, numRuns: 1 })[0].text];
    expect(texts).toHaveLength(3);
    for (const text of texts) {
      const dir = mkdtempSync(path.join(scratch, 'entry-'));
      writeFileSync(path.join(dir, 'dev.json'), text);
      const outdir = path.join(dir, 'out');
      // WHEN the app runs as a process
      const result = spawnSync('node', ['dist/main.js'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: dir, CDKTF_OUTDIR: outdir },
      });
      // THEN
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^error: ${escapeRegExp(path.join(dir, 'dev.json'))}: `));
      expect(lines[lines.length - 1]).toBe('Nothing was synthesized.');
      expect(lines.filter((line) => STACK_TRACE_LINE.test(line))).toEqual([]);
      expect(existsSync(outdir)).toBe(false);
    }
  });
});

/** The environments config/ holds, as the app lists them. */
function shippedEnvironments(): string[] {
  return readdirSync(path.join(root, 'config'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
