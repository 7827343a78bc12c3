import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../stacks/app';

const root = path.resolve(__dirname, '..');

function runApp(env: NodeJS.ProcessEnv) {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'cdktf.out');
  const errors: string[] = [];
  const code = run({ env, projectRoot: root, outdir, stderr: (line) => errors.push(line) });
  return { code, errors: errors.join('\n'), outdir };
}

/**
 * The real entry point for an environment, into a fresh outdir: the app command of cdktf.json, run as
 * the cdktf CLI runs it (through a shell). It disables one named Node.js warning, DEP0044: cdktf
 * 0.21's `TerraformOutput` calls `util.isArray`, which Node.js 22 and later report on stderr, where
 * the CLI would label it an error (cdktf is archived; its fork, cdktn, calls `Array.isArray`).
 */
function runEntryPoint(environment: string) {
  const { app } = JSON.parse(readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { app: string };
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'out');
  const result = spawnSync(app, {
    cwd: root,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, PLATFORM_ENV: environment, CDKTF_OUTDIR: outdir },
  });
  return { ...result, outdir };
}

describe('the app', () => {
  it('keeps in the output folder exactly the stacks its manifest lists, when another environment was there', () => {
    // GIVEN an output folder holding prod's stacks
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'cdktf.out');
    const synth = (env: NodeJS.ProcessEnv) =>
      run({ env, projectRoot: root, outdir, stderr: () => undefined });
    expect(synth({ PLATFORM_ENV: 'prod' })).toBe(0);
    // WHEN dev is synthesized into it
    expect(synth({ PLATFORM_ENV: 'dev' })).toBe(0);
    // THEN stacks/ holds dev's stacks only, as the manifest says
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(
      Object.values(manifest.stacks)
        .map((stack) => path.basename(stack.workingDirectory))
        .sort(),
    );
    expect(Object.keys(manifest.stacks).every((name) => name.includes('-dev'))).toBe(true);
  });

  it('prints accepted policy findings on stdout, where the cdktf CLI does not label them as errors', () => {
    // GIVEN the app command of cdktf.json WHEN it synthesizes dev as the cdktf CLI runs it, on any Node.js
    const result = runEntryPoint('dev');
    // THEN every suppression line is on stdout, and stderr (errors only) is empty
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(/^policy: suppressed \S+ \[[A-Z0-9.()-]+\] at \S+: .{20,}/);
  });

  it('synthesizes the environment stack and the simple stack for dev', () => {
    const { code, outdir } = runApp({});
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['fargate-dev', 'fargate-dev-simple']);
  });

  it('writes no credentials and no absolute machine path into the synthesized configuration', () => {
    const { outdir } = runApp({ PLATFORM_ENV: 'prod' });
    for (const stack of ['fargate-prod', 'fargate-prod-simple']) {
      const text = readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      expect(text).not.toMatch(/access_key|secret_key|token/i);
      expect(text).not.toContain(root);
      expect(text).not.toContain(outdir);
      expect(text).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
    }
  });

  it('exits non-zero with one clear message and synthesizes nothing on bad settings', () => {
    // GIVEN a settings folder whose dev.json has overlapping CIDRs
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-'));
    writeFileSync(
      path.join(dir, 'dev.json'),
      JSON.stringify({
        app: 'fargate',
        environment: 'dev',
        tier: 'development',
        image: { tag: '1.0.0' },
        regions: [
          { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
          { name: 'eu-west-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
        ],
      }),
    );
    // WHEN the app runs
    const { code, errors, outdir } = runApp({ PLATFORM_CONFIG_DIR: dir });
    // THEN
    expect(code).toBe(1);
    expect(errors).toContain('dev.json: invalid settings');
    expect(errors).toContain('regions[1].vpcCidr: got "10.0.0.0/16"; overlaps regions[0].vpcCidr');
    expect(existsSync(outdir)).toBe(false);
  });

  it('refuses two environments that would share one ECR replication configuration', () => {
    // GIVEN dev and prod settings in the same account, both replicating their own repository
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-'));
    for (const environment of ['dev', 'prod']) {
      writeFileSync(
        path.join(dir, `${environment}.json`),
        JSON.stringify({
          app: 'fargate',
          environment,
          tier: 'development',
          accountId: '123456789012',
          image: { tag: '1.0.0' },
        }),
      );
    }
    // WHEN the app runs for dev THEN
    const { code, errors } = runApp({ PLATFORM_CONFIG_DIR: dir });
    expect(code).toBe(1);
    expect(errors).toContain('accountId: got "123456789012"; prod.json uses the same account');
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

/** The environments config/ holds, as the app lists them. */
function shippedEnvironments(): string[] {
  return readdirSync(path.join(root, 'config'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
