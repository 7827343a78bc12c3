import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../stacks/app';
import { readSynthesizedManifest } from '../../stacks/synthesized-manifest';
import { configWithExample } from '../../test-support/example-config';

const root = path.resolve(__dirname, '../..');

function runApp(env: NodeJS.ProcessEnv) {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'cdktf.out');
  const errors: string[] = [];
  const code = run({ env, projectRoot: root, outdir, stderr: (line) => errors.push(line) });
  return { code, errors: errors.join('\n'), outdir };
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
    const manifest = readSynthesizedManifest(outdir);
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(
      Object.values(manifest.stacks)
        .map((stack) => path.basename(stack.workingDirectory))
        .sort(),
    );
    expect(Object.keys(manifest.stacks)).toEqual(['fargate-dev']);
  });

  it("removes the example's stack folder when the example is no longer asked for", () => {
    // GIVEN an output folder holding dev's stacks with the seed's 8.8 example
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'cdktf.out');
    const synth = (env: NodeJS.ProcessEnv) =>
      run({ env, projectRoot: root, outdir, stderr: () => undefined });
    const withExample = configWithExample('dev');
    try {
      expect(synth({ PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: withExample })).toBe(0);
      expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['fargate-dev', 'fargate-dev-simple']);
      // WHEN dev is synthesized again from the shipped settings, which do not ask for it
      expect(synth({ PLATFORM_ENV: 'dev' })).toBe(0);
      // THEN only the platform stack is left
      expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['fargate-dev']);
    } finally {
      rmSync(withExample, { recursive: true, force: true });
    }
  });

  it('refuses an output folder whose parent does not exist, with one line naming CDKTF_OUTDIR', () => {
    // GIVEN a CDKTF_OUTDIR under a folder that does not exist
    const missing = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'no-such-folder');
    const outdir = path.join(missing, 'out');
    const errors: string[] = [];
    // WHEN the app runs
    const code = run({
      env: { CDKTF_OUTDIR: outdir },
      projectRoot: root,
      stderr: (line) => errors.push(line),
    });
    // THEN
    expect(code).toBe(1);
    expect(errors).toEqual([
      `error: CDKTF_OUTDIR: got ${JSON.stringify(outdir)}; its parent ${missing} does not exist: create it first (mkdir -p ${missing}) or choose a folder whose parent exists`,
      'Nothing was synthesized.',
    ]);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses an output folder that is a file', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'app-')), 'out');
    writeFileSync(file, 'not a folder');
    const errors: string[] = [];
    expect(run({ env: {}, outdir: file, projectRoot: root, stderr: (line) => errors.push(line) })).toBe(1);
    expect(errors[0]).toBe(
      `error: output folder: got ${JSON.stringify(file)}; that is a file, not a folder: choose a folder`,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('synthesizes only the environment stack for dev: the seed’s 8.8 example is not asked for', () => {
    const { code, outdir } = runApp({});
    expect(code).toBe(0);
    const manifest = readSynthesizedManifest(outdir);
    expect(Object.keys(manifest.stacks)).toEqual(['fargate-dev']);
  });

  it('synthesizes the simple stack beside the environment stack when the settings ask for the example', () => {
    const withExample = configWithExample('dev');
    try {
      const { code, outdir } = runApp({ PLATFORM_CONFIG_DIR: withExample });
      expect(code).toBe(0);
      const manifest = readSynthesizedManifest(outdir);
      expect(Object.keys(manifest.stacks).sort()).toEqual(['fargate-dev', 'fargate-dev-simple']);
    } finally {
      rmSync(withExample, { recursive: true, force: true });
    }
  });

  it('writes no credentials and no absolute machine path into the synthesized configuration of prod', () => {
    const { code, outdir } = runApp({ PLATFORM_ENV: 'prod' });
    expect(code).toBe(0);
    expectNoCredentialsOrMachinePaths(outdir, ['fargate-prod']);
  });

  it('writes no credentials and no absolute machine path into the seed’s 8.8 example either', () => {
    const withExample = configWithExample('dev');
    try {
      const { code, outdir } = runApp({ PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: withExample });
      expect(code).toBe(0);
      expectNoCredentialsOrMachinePaths(outdir, ['fargate-dev', 'fargate-dev-simple']);
    } finally {
      rmSync(withExample, { recursive: true, force: true });
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
        services: { app: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 100 } } },
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
    expect(errors.split('\n')).toEqual([
      `error: ${path.join(dir, 'dev.json')}: invalid settings`,
      '  regions[1].vpcCidr: got "10.0.0.0/16"; overlaps regions[0].vpcCidr 10.0.0.0/16 (us-east-1); VPC CIDRs must be disjoint so the VPCs can be peered',
      'Nothing was synthesized.',
    ]);
    expect(existsSync(outdir)).toBe(false);
  });

  /** dev.json and prod.json in one account, each with one service pulling `image`, in a new folder. */
  function environmentsInOneAccount(image: Record<string, unknown>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-'));
    for (const environment of ['dev', 'prod']) {
      writeFileSync(
        path.join(dir, `${environment}.json`),
        JSON.stringify({
          app: 'fargate',
          environment,
          tier: 'development',
          accountId: '123456789012',
          services: { app: { image, routing: { paths: ['/*'], priority: 100 } } },
        }),
      );
    }
    return dir;
  }

  it('refuses two environments that would share one ECR replication configuration', () => {
    // GIVEN dev and prod settings in the same account, both replicating their own repository
    const dir = environmentsInOneAccount({ tag: '1.0.0' });
    // WHEN the app runs for dev THEN
    const { code, errors } = runApp({ PLATFORM_CONFIG_DIR: dir });
    expect(code).toBe(1);
    expect(errors).toContain('accountId: got "123456789012"; prod.json uses the same account');
  });

  it('accepts two environments in one account when no service has a repository of its own', () => {
    // GIVEN dev and prod settings in the same account whose services pull an external image:
    // neither creates a repository, so neither has an ECR replication configuration
    const dir = environmentsInOneAccount({ repositoryUri: 'public.ecr.aws/nginx/nginx', tag: '1.27.0' });
    // WHEN the app runs for dev THEN it synthesizes
    const { code, errors } = runApp({ PLATFORM_CONFIG_DIR: dir });
    expect(errors).toBe('');
    expect(code).toBe(0);
  });
});

/** The output folder holds exactly `stacks`, none with credentials or a path of this machine. */
function expectNoCredentialsOrMachinePaths(outdir: string, stacks: string[]): void {
  expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(stacks);
  for (const stack of stacks) {
    const text = readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
    expect(text).not.toMatch(/access_key|secret_key|token/i);
    expect(text).not.toContain(root);
    expect(text).not.toContain(outdir);
    expect(text).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
  }
}
