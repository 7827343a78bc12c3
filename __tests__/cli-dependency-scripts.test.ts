/**
 * What lets the project run on either dependency set, run as processes: scripts/cdktf-cli.mjs, which
 * runs whichever CLI is installed, and scripts/compare-synth.mjs, which .ci/cdktn-leg uses to hold
 * the two syntheses side by side.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** A scratch project holding the resolver and, in node_modules/.bin, fake CLIs that echo their call. */
function fakeProject(clis: string[], library?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  mkdirSync(path.join(dir, 'scripts'));
  cpSync(path.join(root, 'scripts', 'cdktf-cli.mjs'), path.join(dir, 'scripts', 'cdktf-cli.mjs'));
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  for (const cli of clis) {
    const bin = path.join(dir, 'node_modules', '.bin', cli);
    writeFileSync(bin, `#!/bin/sh\necho "${cli} $*"\nexit \${FAKE_EXIT:-0}\n`);
    chmodSync(bin, 0o755);
  }
  if (library) {
    mkdirSync(path.join(dir, 'node_modules', 'cdktf'));
    writeFileSync(path.join(dir, 'node_modules', 'cdktf', 'package.json'), JSON.stringify({ name: library }));
  }
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync('node', [path.join(dir, 'scripts', 'cdktf-cli.mjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  return { dir, run };
}

describe('scripts/cdktf-cli.mjs', () => {
  it('runs cdktf when cdktf-cli is installed, with the arguments given', () => {
    const result = fakeProject(['cdktf'], 'cdktf').run(['deploy', 'fargate-dev', '--auto-approve']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('cdktf deploy fargate-dev --auto-approve\n');
  });

  it('runs cdktn when only cdktn-cli is installed', () => {
    const result = fakeProject(['cdktn'], 'cdktn').run(['diff']);
    expect(result.stdout).toBe('cdktn diff\n');
  });

  it('follows the installed library when both commands are there', () => {
    expect(fakeProject(['cdktf', 'cdktn'], 'cdktn').run(['synth']).stdout).toBe('cdktn synth\n');
    expect(fakeProject(['cdktf', 'cdktn'], 'cdktf').run(['synth']).stdout).toBe('cdktf synth\n');
  });

  it("passes on the CLI's exit code", () => {
    expect(fakeProject(['cdktn'], 'cdktn').run(['deploy'], { FAKE_EXIT: '3' }).status).toBe(3);
  });

  it('says what to do, and runs nothing, when neither CLI is installed', () => {
    const { dir, run } = fakeProject([]);
    const result = run(['deploy']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: no cdktf CLI in ${path.join(dir, 'node_modules', '.bin')}: neither cdktf (package cdktf-cli) nor cdktn (package cdktn-cli) is installed; run npm ci\n`,
    );
  });

  it('is what the npm scripts run', () => {
    const { scripts } = readJson('package.json');
    for (const command of ['diff', 'destroy'])
      expect(scripts[command]).toBe(`CHECKPOINT_DISABLE=1 node scripts/cdktf-cli.mjs ${command}`);
    // deploy first refuses the shipped placeholders (tools/deploy-check.ts)
    expect(scripts.deploy).toBe(
      'node scripts/build.mjs && node dist/deploy-check.js && CHECKPOINT_DISABLE=1 node scripts/cdktf-cli.mjs deploy',
    );
    expect(scripts.cdktf).toBe('CHECKPOINT_DISABLE=1 node scripts/cdktf-cli.mjs');
    expect(
      Object.values(scripts).filter((script) => /(^|&&\s*|=\S+\s+)(npx\s+)?cdkt[fn]\s/.test(String(script))),
    ).toEqual([]);
  });
});

describe('scripts/compare-synth.mjs', () => {
  /** A cdktf.out with the given stacks (name to cdk.tf.json) and the library version stamped. */
  function output(version: string, stacks: Record<string, object>) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const manifest = { version, stacks: {} as Record<string, object> };
    for (const [name, body] of Object.entries(stacks)) {
      mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
      writeFileSync(
        path.join(dir, 'stacks', name, 'cdk.tf.json'),
        JSON.stringify({ '//': { metadata: { version, stackName: name } }, ...body }, null, 2),
      );
      manifest.stacks[name] = { name, workingDirectory: `stacks/${name}` };
    }
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  }
  const compare = (a: string, b: string) =>
    spawnSync('node', [path.join(root, 'scripts', 'compare-synth.mjs'), 'compare dev', a, b], {
      encoding: 'utf8',
    });
  const stack = (bucket: string) => ({
    resource: { aws_s3_bucket: { Data: { bucket } }, aws_sqs_queue: { Q: {} } },
  });

  it('finds two outputs the same when only the version stamps differ, key order aside', () => {
    const a = output('0.21.0', { 'fargate-dev': stack('b') });
    const reordered = { resource: { aws_sqs_queue: { Q: {} }, aws_s3_bucket: { Data: { bucket: 'b' } } } };
    const b = output('0.24.0', { 'fargate-dev': reordered });
    const result = compare(a, b);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'compare dev  manifest.json  SAME  identical as parsed JSON but the version stamp 0.21.0 -> 0.24.0',
      'compare dev  fargate-dev    SAME  2 resources; identical as parsed JSON but the version stamp 0.21.0 -> 0.24.0',
      '',
    ]);
  });

  it('names where a stack differs, and fails', () => {
    const result = compare(
      output('0.21.0', { 'fargate-dev': stack('b') }),
      output('0.24.0', { 'fargate-dev': stack('c') }),
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'fargate-dev    DIFFERENT  2 resources; 1 differences beyond the version stamp 0.21.0 -> 0.24.0: resource.aws_s3_bucket.Data.bucket',
    );
  });

  it('reports a stack only one output lists, whatever stacks the manifests list', () => {
    const result = compare(
      output('0.21.0', { 'fargate-dev': stack('b'), 'fargate-dev-extra': stack('x') }),
      output('0.24.0', { 'fargate-dev': stack('b') }),
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('manifest.json      DIFFERENT  1 differences beyond the version stamp');
    expect(result.stdout).toContain('fargate-dev-extra  DIFFERENT  only in the first output');
    expect(result.stdout).toContain('fargate-dev        SAME');
  });

  it('says which output is missing, rather than comparing nothing', () => {
    const result = compare(output('0.21.0', {}), path.join(os.tmpdir(), 'nowhere'));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: ${path.join(os.tmpdir(), 'nowhere', 'manifest.json')}: no such file; synthesize first\n`,
    );
  });
});
