/**
 * atlantis.yaml against the stacks the app really synthesizes, and its workflows run the way Atlantis
 * runs them: each `run` step through `sh -c` in the project's directory of a clone, with Atlantis's
 * environment variables (PROJECT_NAME, PLANFILE, SHOWFILE, DIR, WORKSPACE, COMMENT_ARGS...), stopping
 * at the first failing step. Offline: mock credentials and a local backend come from an override
 * file written into the stack's folder between the synth and init steps. Nothing is ever applied:
 * the apply step only runs against a recording stand-in for Terraform.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { loadEnvironmentSettings } from '../settings/load';
import { stackNames } from '../stacks/app';
import { synthEnvironment } from '../test-support/environment';
import {
  OVERRIDE_FILE,
  PlanOutput,
  offlineOverride,
  prepareTerraform,
  terraformEnv,
} from '../tools/terraform/offline';
import { SynthesizedJson } from '../test-support/synth';

const root = path.resolve(__dirname, '..');
const environments = ['dev', 'prod'] as const;

type Step =
  | string
  | {
      run?: string | { command: string; output?: string };
      env?: { name: string; value?: string; command?: string };
    };
interface Project {
  name: string;
  dir: string;
  workspace?: string;
  workflow: string;
  autoplan: { enabled: boolean; when_modified: string[] };
}
interface AtlantisConfig {
  version: number;
  parallel_plan: boolean;
  parallel_apply: boolean;
  projects: Project[];
  workflows: Record<string, Record<string, { steps: Step[] }>>;
}

const config = parse(readFileSync(path.join(root, 'atlantis.yaml'), 'utf8')) as AtlantisConfig;
const project = (name: string) => config.projects.find((p) => p.name === name) as Project;
const stage = (name: string, stageName: string) => config.workflows[project(name).workflow][stageName].steps;
const runCommand = (step: Step) =>
  typeof step === 'object' && step.run ? (typeof step.run === 'string' ? step.run : step.run.command) : '';

/**
 * Whether Atlantis autoplans `project` when `file` (relative to the repo root) changes: its
 * `when_modified` patterns joined to the project's dir, then matched like moby/patternmatcher's
 * MatchesOrParentMatches (.dockerignore syntax: `*` and `?` stop at `/`, `**` spans any number of
 * folders including none, a pattern also matches the files under a folder it matches, and patterns
 * apply in order, a `!` pattern excluding again).
 */
function autoplans(whenModified: string[], dir: string, file: string): boolean {
  const patterns = whenModified.map((raw) => {
    const exclusion = raw.trim().startsWith('!');
    const pattern = path.posix.join(dir, raw.trim().replace(/^!/, ''));
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '*' && pattern[i + 1] === '*') {
        i += pattern[i + 2] === '/' ? 2 : 1;
        source += i === pattern.length - 1 ? '.*' : '(.*/)?';
      } else if (ch === '*') source += '[^/]*';
      else if (ch === '?') source += '[^/]';
      else if (ch === '\\') source += `\\${pattern[++i]}`;
      else source += '.+()|{}$^'.includes(ch) ? `\\${ch}` : ch;
    }
    return { exclusion, regexp: new RegExp(`^${source}$`) };
  });
  const parents = path.posix
    .dirname(file)
    .split('/')
    .map((_, i, dirs) => dirs.slice(0, i + 1).join('/'))
    .filter((parent) => parent !== '.');
  let matched = false;
  for (const { exclusion, regexp } of patterns) {
    if (exclusion !== matched) continue;
    if (regexp.test(file) || parents.some((parent) => regexp.test(parent))) matched = !exclusion;
  }
  return matched;
}

interface StepResult {
  readonly command: string;
  readonly code: number;
  readonly output: string;
}

function sh(command: string, env: NodeJS.ProcessEnv, cwd: string): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ command, code: code ?? 1, output: Buffer.concat(chunks).toString() }),
    );
  });
}

/**
 * Runs a stage's steps like Atlantis: `env` steps add variables for the steps below, `run` steps go
 * through `sh -c` in `cwd`, the first failing step ends the stage. Built-in steps are not run (the
 * only one allowed, conftest's `policy_check`, needs a policy server); `afterStep` runs after each
 * successful `run` step.
 */
async function runStage(
  steps: Step[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  afterStep: () => void = () => undefined,
): Promise<StepResult[]> {
  const vars = { ...env };
  const results: StepResult[] = [];
  for (const step of steps) {
    if (typeof step === 'string') continue;
    if (step.env) {
      vars[step.env.name] = step.env.value ?? (await sh(step.env.command ?? '', vars, cwd)).output.trim();
      continue;
    }
    const result = await sh(runCommand(step), vars, cwd);
    results.push(result);
    if (result.code !== 0) break;
    afterStep();
  }
  return results;
}

/** What Atlantis sets for a run step of `name` (server/core/runtime/run_step_runner.go), in `dir`. */
function atlantisEnv(name: string, dir: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const key of ['PLATFORM_ENV', 'PLATFORM_CONFIG_DIR', 'CDKTF_OUTDIR']) delete env[key];
  return {
    ...env,
    ATLANTIS_TERRAFORM_VERSION: '1.10.5',
    BASE_BRANCH_NAME: 'main',
    BASE_REPO_NAME: 'fargate-platform',
    BASE_REPO_OWNER: 'acme',
    COMMENT_ARGS: '',
    DIR: dir,
    HEAD_BRANCH_NAME: 'change',
    HEAD_COMMIT: '0123456789abcdef0123456789abcdef01234567',
    HEAD_REPO_NAME: 'fargate-platform',
    HEAD_REPO_OWNER: 'acme',
    PLANFILE: path.join(dir, `${name}-default.tfplan`),
    SHOWFILE: path.join(dir, `${name}-default.json`),
    PROJECT_NAME: name,
    PULL_AUTHOR: 'developer',
    PULL_NUM: '7',
    REPO_REL_DIR: '.',
    USER_NAME: 'atlantis',
    WORKSPACE: 'default',
  };
}

const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A scratch "clone": the working tree's files as git sees them (tracked and new), node_modules linked. */
function cloneWorkingTree(): string {
  const clone = scratchDir('atlantis-clone-');
  const listed = spawnText('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  for (const file of listed.split('\0').filter((f) => f && existsSync(path.join(root, f)))) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    copyFileSync(path.join(root, file), path.join(clone, file));
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
  return clone;
}

function spawnText(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Every file under `dir` (symbolic links not followed), relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix)).flatMap((entry) => {
    const relative = path.join(prefix, entry);
    const stat = lstatSync(path.join(dir, relative));
    return stat.isDirectory() ? filesUnder(dir, relative) : [relative];
  });
}

/** `type.name` of every managed resource, without count/for_each keys. */
function managedAddresses(plan: PlanOutput): string[] {
  const addresses = plan.resource_changes
    .filter((change) => change.mode === 'managed')
    .map((change) => change.address.replace(/\[.*\]$/, ''));
  return [...new Set(addresses)].sort();
}

function synthesizedAddresses(json: SynthesizedJson): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`))
    .sort();
}

const synthesized: Record<string, Record<string, SynthesizedJson>> = {};

beforeAll(() => {
  for (const environment of environments) synthesized[environment] = synthEnvironment(environment).stacks;
});

describe('atlantis.yaml', () => {
  it('declares one project per stack the app synthesizes for dev and prod, named after it, at the repo root', () => {
    // GIVEN the stacks of both environments WHEN compared with the projects THEN
    const stacks = environments.flatMap((environment) => Object.keys(synthesized[environment]));
    expect(config.version).toBe(3);
    expect(config.projects.map((p) => p.name).sort()).toEqual(stacks.sort());
    for (const p of config.projects) {
      expect({ dir: p.dir, workspace: p.workspace ?? 'default' }).toEqual({ dir: '.', workspace: 'default' });
    }
  });

  it("runs every project in its own environment's workflow, defined in the file", () => {
    for (const environment of environments) {
      for (const name of Object.keys(synthesized[environment])) {
        // GIVEN a stack of the environment WHEN its project's workflow is looked up THEN it exists
        expect(Object.keys(config.workflows)).toContain(project(name).workflow);
        // AND every stage of it sets PLATFORM_ENV to that environment before its first run step
        for (const [stageName, { steps }] of Object.entries(config.workflows[project(name).workflow])) {
          if (stageName === 'import' || stageName === 'state_rm') continue;
          expect([stageName, steps[0]]).toEqual([
            stageName,
            { env: { name: 'PLATFORM_ENV', value: environment } },
          ]);
        }
      }
    }
  });

  it('uses only its own steps, never the built-in ones that would run Terraform in the repo root', () => {
    for (const [workflow, stages] of Object.entries(config.workflows)) {
      for (const [stageName, { steps }] of Object.entries(stages)) {
        const builtIns = steps.filter((step) => typeof step === 'string' || (!step.run && !step.env));
        // conftest's policy_check reads $SHOWFILE, which the workflow's own show step writes
        const allowed = stageName === 'policy_check' ? ['policy_check'] : [];
        expect([workflow, stageName, builtIns]).toEqual([workflow, stageName, allowed]);
      }
    }
    expect(config).toMatchObject({ parallel_plan: false, parallel_apply: false });
  });

  it('plans into $PLANFILE and applies exactly $PLANFILE', () => {
    for (const p of config.projects) {
      const plan = stage(p.name, 'plan').map(runCommand).filter(Boolean);
      const apply = stage(p.name, 'apply').map(runCommand).filter(Boolean);
      expect(plan.at(-1)).toBe('sh scripts/atlantis-step.sh plan "$PLANFILE"');
      expect(apply).toEqual(['sh scripts/atlantis-step.sh apply "$PLANFILE"']);
    }
  });

  describe('autoplan', () => {
    it('matches when_modified the way Atlantis does', () => {
      // GIVEN cases from Atlantis's own project finder tests and docs WHEN matched THEN
      expect(autoplans(['*.tf', '!exclude-me.tf'], 'project1', 'project1/include-me.tf')).toBe(true);
      expect(autoplans(['*.tf', '!exclude-me.tf'], 'project1', 'project1/exclude-me.tf')).toBe(false);
      expect(autoplans(['**/*.tf', '!subdir1/*'], 'project1', 'project1/subdir1/main.tf')).toBe(false);
      expect(autoplans(['**/*.tf'], 'project1', 'project1/main.tf')).toBe(true);
      expect(autoplans(['*.tf'], 'project1', 'project1/sub/main.tf')).toBe(false);
      expect(autoplans(['../modules/**/*.tf'], 'project1', 'modules/vpc/nested/main.tf')).toBe(true);
      expect(autoplans(['modules'], '.', 'modules/vpc/main.tf')).toBe(true);
    });

    it('plans every project when a construct, a settings file or the lock file changes', () => {
      for (const p of config.projects) {
        expect(p.autoplan.enabled).toBe(true);
        for (const file of ['constructs/network.ts', 'config/prod.json', 'package-lock.json', 'cdktf.json']) {
          expect([p.name, file, autoplans(p.autoplan.when_modified, p.dir, file)]).toEqual([
            p.name,
            file,
            true,
          ]);
        }
      }
    });

    it('plans every project when any source file of the synthesized app changes', async () => {
      // GIVEN every file the app's bundle is built from (what esbuild reads for main.ts)
      const { metafile } = await build({
        entryPoints: [path.join(root, 'main.ts')],
        absWorkingDir: root,
        bundle: true,
        platform: 'node',
        packages: 'external',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const sources = Object.keys(metafile.inputs);
      expect(sources).toEqual(expect.arrayContaining(['main.ts', 'stacks/app.ts', 'constructs/network.ts']));
      // WHEN each changes THEN every project plans
      for (const p of config.projects) {
        expect(sources.filter((file) => !autoplans(p.autoplan.when_modified, p.dir, file))).toEqual([]);
      }
    });

    it('plans nothing when only tests, test helpers, tools or docs change', () => {
      const files = [
        '__tests__/network.test.ts',
        'test-support/synth.ts',
        'tools/offline-plan.ts',
        'README.md',
        '.github/workflows/ci.yml',
      ];
      for (const p of config.projects) {
        expect(files.filter((file) => autoplans(p.autoplan.when_modified, p.dir, file))).toEqual([]);
      }
    });
  });

  describe('the apply step, against a recording stand-in for Terraform', () => {
    const name = 'fargate-prod';

    /** A clone holding only the step script and an initialized stack folder with `backend`. */
    function fakeClone(backend: object) {
      const clone = scratchDir('atlantis-apply-');
      mkdirSync(path.join(clone, 'scripts'));
      copyFileSync(
        path.join(root, 'scripts', 'atlantis-step.sh'),
        path.join(clone, 'scripts', 'atlantis-step.sh'),
      );
      const stackDir = path.join(clone, '.work', 'atlantis', name, 'stacks', name);
      mkdirSync(path.join(stackDir, '.terraform'), { recursive: true });
      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: backend }));
      // Terraform as Atlantis provides it: the image's `terraform` first on the PATH, and the
      // terraform<version> it downloaded for the project in its bin folder, last on the PATH
      const calls = path.join(clone, 'terraform-calls');
      const imageBin = path.join(clone, 'image-bin');
      const atlantisBin = path.join(clone, 'atlantis-bin');
      for (const [dir, file, script] of [
        [imageBin, 'terraform', 'echo "not the version Atlantis chose" >&2; exit 97'],
        [atlantisBin, 'terraform1.10.5', `printf '%s\\n' "$@" > '${calls}'`],
      ]) {
        mkdirSync(dir);
        writeFileSync(path.join(dir, file), `#!/bin/sh\n${script}\n`);
        chmodSync(path.join(dir, file), 0o755);
      }
      const PATH = `${imageBin}:${process.env.PATH}:${atlantisBin}`;
      const env = atlantisEnv(name, clone, { PATH, HOME: os.homedir() });
      writeFileSync(env.PLANFILE as string, 'plan');
      return { clone, env, stackDir, calls };
    }

    it('applies the saved plan, and only it, with the Terraform version Atlantis chose', async () => {
      // GIVEN a stack with an S3 backend and a saved plan
      const { clone, env, stackDir, calls } = fakeClone({ backend: { s3: { bucket: 'acme-tfstate' } } });
      // WHEN the apply stage runs
      const results = await runStage(stage(name, 'apply'), env, clone);
      // THEN it succeeds and Terraform got exactly: apply the plan file in the stack's folder
      expect(results.map((r) => r.code)).toEqual([0]);
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
        `-chdir=${stackDir}`,
        'apply',
        '-input=false',
        '-no-color',
        env.PLANFILE,
      ]);
    });

    it('refuses to apply a stack with the local backend, whose state would be lost with the clone', async () => {
      // GIVEN a stack with the local backend
      const { clone, env, calls } = fakeClone({
        backend: { local: { path: '../../../terraform.tfstate.d/x' } },
      });
      // WHEN the apply stage runs THEN it fails with the reason, before Terraform runs
      const [result] = await runStage(stage(name, 'apply'), env, clone);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        'error: refusing to apply fargate-prod with the local backend: its state would be written into',
      );
      expect(existsSync(calls)).toBe(false);
    });

    it('refuses extra Terraform arguments from the comment', async () => {
      // GIVEN `atlantis plan -- -target=x`, which Atlantis passes escaped
      const { clone, env, calls } = fakeClone({ backend: { s3: { bucket: 'acme-tfstate' } } });
      // WHEN the plan stage runs THEN its first step fails with the reason
      const [result] = await runStage(
        stage(name, 'plan'),
        { ...env, COMMENT_ARGS: '\\-\\t\\a\\r\\g\\e\\t\\=\\x' },
        clone,
      );
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        'error: extra Terraform arguments (atlantis plan|apply -- ...) are not supported',
      );
      expect(existsSync(calls)).toBe(false);
    });
  });

  describe('the plan workflow, run offline like Atlantis in a clone', () => {
    // The project of each environment, planned side by side (their plans' contents are checked by
    // terraform.test.ts; this proves the workflow).
    const dev = stackNames(loadEnvironmentSettings({ PLATFORM_ENV: 'dev' }, root)).platform;
    const prod = stackNames(loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, root)).platform;
    const runs: Record<
      string,
      { clone: string; env: NodeJS.ProcessEnv; plan: StepResult[]; show: StepResult[] }
    > = {};

    beforeAll(async () => {
      const { cliConfigFile } = prepareTerraform(root);
      await Promise.all(
        [dev, prod].map(async (name) => {
          const clone = cloneWorkingTree();
          const dir = path.join(clone, project(name).dir);
          const env = atlantisEnv(name, dir, terraformEnv(cliConfigFile));
          const stackDir = path.join(clone, '.work', 'atlantis', name, 'stacks', name);
          // Once synthesized, before init: mock credentials and a local backend, as an override file
          const offline = () => {
            if (
              !existsSync(path.join(stackDir, 'cdk.tf.json')) ||
              existsSync(path.join(stackDir, OVERRIDE_FILE))
            ) {
              return;
            }
            const stackJson = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
            const override = offlineOverride(stackJson, path.join(clone, 'offline.tfstate'));
            writeFileSync(path.join(stackDir, OVERRIDE_FILE), JSON.stringify(override, null, 2));
          };
          const plan = await runStage(stage(name, 'plan'), env, dir, offline);
          const show = await runStage(stage(name, 'policy_check'), env, dir);
          runs[name] = { clone, env, plan, show };
        }),
      );
    });

    const passed = (results: StepResult[]) =>
      results.map((r) => ({ ...r, output: r.code === 0 ? '' : r.output }));
    const expected = (steps: Step[]) =>
      steps
        .map(runCommand)
        .filter(Boolean)
        .map((command) => ({ command, code: 0, output: '' }));

    it.each([
      ['dev', dev],
      ['prod', prod],
    ])('runs every plan and show step of a %s project (%s) with exit code 0', (_, name) => {
      expect(passed(runs[name].plan)).toEqual(expected(stage(name, 'plan')));
      expect(passed(runs[name].show)).toEqual(expected(stage(name, 'policy_check')));
    });

    it.each([
      ['dev', dev],
      ['prod', prod],
    ])(
      'writes $PLANFILE creating every resource of the %s stack %s, as terraform show -json reads it',
      (environment, name) => {
        const { env } = runs[name];
        expect(existsSync(env.PLANFILE as string)).toBe(true);
        const plan = JSON.parse(readFileSync(env.SHOWFILE as string, 'utf8')) as PlanOutput;
        const addresses = managedAddresses(plan);
        expect(addresses.length).toBeGreaterThan(10);
        expect(addresses).toEqual(synthesizedAddresses(synthesized[environment][name]));
        expect(
          plan.resource_changes
            .filter((c) => c.mode === 'managed')
            .every((c) => c.change.actions[0] === 'create'),
        ).toBe(true);
      },
    );

    it('leaves $PLANFILE as the only plan file in the clone, where `atlantis apply` looks for plans', () => {
      for (const name of [dev, prod]) {
        const { clone, env } = runs[name];
        const plans = filesUnder(clone).filter((file) => file.endsWith('.tfplan'));
        expect(plans).toEqual([path.relative(clone, env.PLANFILE as string)]);
      }
    });
  });
});
