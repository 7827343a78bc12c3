/**
 * The GitHub Actions workflow runs the same job as .ci/run: the same npm commands and CI legs in the
 * same order, with the same exported environment, on the Node.js and Terraform versions the project
 * asks for.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');

interface WorkflowStep {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: WorkflowStep[] }>;
}

const workflow = parse(readFileSync(path.join(root, '.github', 'workflows', 'ci.yml'), 'utf8')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const ciRun = readFileSync(path.join(root, '.ci', 'run'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

/**
 * An npm command reduced to what it runs, with its own flags (`npm test -- --json …` is `npm test`),
 * or a CI leg with its arguments (`.ci/node-leg 22 || status=1` is `.ci/node-leg 22`).
 */
function ciCommand(line: string): string | undefined {
  const leg = /^(\.ci\/[\w-]+(?: [\w.-]+)*)(?=$|\s*\|\|)/.exec(line);
  if (leg) return leg[1];
  const match = /^npm (ci(?: [^|&;]*)?|run [\w:-]+|test)(?=$|\s)/.exec(line.replace(/\s+--\s.*$/, ''));
  return match ? `npm ${match[1].trim()}` : undefined;
}

const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
/** The majors a package.json `engines.node` range names: `^20.11.0 || ^22.0.0` is [20, 22]. */
const engineMajors = (range: string) => range.split('||').map((part) => Number(/\d+/.exec(part)?.[0]));
/** .ci/node-versions: the exact release each extra Node.js major runs, in file order. */
const nodeVersions = readFileSync(path.join(root, '.ci', 'node-versions'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/))
  .map(([major, version]) => ({ major: Number(major), version }));
const legMajors = ciRun.flatMap((line) => /^\.ci\/node-leg (\d+)/.exec(line)?.[1] ?? []).map(Number);
/** Whether this copy holds the cdktn set in package.json: the scratch copy .ci/cdktn-leg tests. */
const cdktnInstalled = String(readJson('package.json').dependencies.cdktf).startsWith('npm:cdktn@');

const uses = (action: string) => steps.find((step) => step.uses?.split('@')[0] === action);

describe('the GitHub Actions workflow', () => {
  it('runs the npm commands and CI legs of .ci/run, in the same order', () => {
    // GIVEN the npm commands of both WHEN compared THEN they are the same
    const local = ciRun.map(ciCommand).filter(Boolean);
    const github = steps
      .flatMap((step) => (step.run ?? '').split('\n'))
      .map(ciCommand)
      .filter(Boolean);
    expect(local).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run lint',
      'npm run typecheck',
      'npm run plan:offline',
      'npm test',
      '.ci/node-leg 22',
      '.ci/node-leg 24',
      '.ci/cdktn-leg',
    ]);
    expect(github).toEqual(local);
  });

  it('exports what .ci/run exports, for every step', () => {
    const exported = Object.fromEntries(
      ciRun
        .filter((line) => line.startsWith('export '))
        .map((line) => line.slice('export '.length).split('=') as [string, string]),
    );
    expect(exported).toEqual({
      CHECKPOINT_DISABLE: '1',
      NODE_COMPILE_CACHE: '"$PWD/.work/node-compile-cache"',
    });
    // The same values, with the checkout written as each sees it: $PWD there, the workspace here.
    const asInWorkflow = Object.fromEntries(
      Object.entries(exported).map(([name, value]) => [
        name,
        value.replace(/^"(.*)"$/, '$1').replace('$PWD', '${{ github.workspace }}'),
      ]),
    );
    expect(workflow.env).toEqual(asInWorkflow);
  });

  it('runs on pushes to main and on pull requests', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, pull_request: null });
  });

  it('checks out, then sets up Node.js and Terraform before the first command', () => {
    const firstRun = steps.findIndex((step) => step.run);
    const setup = ['actions/checkout', 'actions/setup-node', 'hashicorp/setup-terraform'].map((action) =>
      steps.findIndex((step) => step.uses?.split('@')[0] === action),
    );
    expect(setup).toEqual([...setup].sort((a, b) => a - b));
    expect(setup.every((index) => index >= 0 && index < firstRun)).toBe(true);
  });

  it('runs the main job on the oldest Node.js major of the engines, with the npm cache of every lock file', () => {
    const locks = ['package-lock.json', 'variants/cdktn/package-lock.json'];
    const setup = uses('actions/setup-node')?.with ?? {};
    expect(setup).toEqual({
      'node-version': expect.any(Number),
      cache: 'npm',
      'cache-dependency-path': expect.any(String),
    });
    expect(String(setup['cache-dependency-path']).trim().split('\n')).toEqual(locks);
    // GIVEN the engines of the main set (in the cdktn leg's scratch copy, package.json is the fork's)
    const engines = engineMajors(readJson('package.json').engines.node);
    if (cdktnInstalled) {
      // THEN CI runs each major the fork's set allows
      expect(engines.filter((major) => ![setup['node-version'], ...legMajors].includes(major))).toEqual([]);
    } else {
      // THEN the main job runs the oldest, and a leg each of the others
      expect([setup['node-version'], ...legMajors]).toEqual(engines);
    }
  });

  it('pins every extra Node.js major it runs to one release in .ci/node-versions', () => {
    expect(nodeVersions.map(({ major }) => major)).toEqual(legMajors);
    for (const { major, version } of nodeVersions)
      expect(version).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`));
  });

  it("runs the cdktn leg on a Node.js that the fork's dependency set allows (cdktn-cli: >= 22.19)", () => {
    // GIVEN the newest pinned release, which .ci/cdktn-leg installs
    const [major, minor] = nodeVersions[nodeVersions.length - 1].version.split('.').map(Number);
    // THEN one of the variant's engines ranges (^M.m.p) admits it
    const ranges = String(readJson('variants/cdktn/package.json').engines.node)
      .split('||')
      .map((part) => /^\s*\^(\d+)\.(\d+)\.\d+\s*$/.exec(part)?.slice(1).map(Number));
    expect(ranges.every(Boolean)).toBe(true);
    expect(ranges.some((range) => range?.[0] === major && minor >= (range?.[1] ?? 0))).toBe(true);
  });

  it('pins Terraform >= 1.10 (the S3 lock file) without the wrapper that would garble its JSON output', () => {
    const settings = uses('hashicorp/setup-terraform')?.with ?? {};
    const [major, minor] = String(settings.terraform_version).split('.').map(Number);
    expect(String(settings.terraform_version)).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major > 1 || (major === 1 && minor >= 10)).toBe(true);
    expect(settings.terraform_wrapper).toBe(false);
  });

  it('pins every action to a major version', () => {
    const actions = steps.filter((step) => step.uses).map((step) => step.uses);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => !/^[\w.-]+\/[\w.-]+@v\d+$/.test(action ?? ''))).toEqual([]);
  });
});
