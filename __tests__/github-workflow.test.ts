/**
 * The GitHub Actions workflow runs the same job as .ci/run: the same npm commands in the same order,
 * with the same exported environment, on the Node.js and Terraform versions the project asks for.
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

/** An npm command reduced to what it runs, with its own flags: `npm test -- --json …` is `npm test`. */
function npmCommand(line: string): string | undefined {
  const match = /^npm (ci(?: [^|&;]*)?|run [\w:-]+|test)(?=$|\s)/.exec(line.replace(/\s+--\s.*$/, ''));
  return match ? `npm ${match[1].trim()}` : undefined;
}

const uses = (action: string) => steps.find((step) => step.uses?.split('@')[0] === action);

describe('the GitHub Actions workflow', () => {
  it('runs the npm commands of .ci/run, in the same order', () => {
    // GIVEN the npm commands of both WHEN compared THEN they are the same
    const local = ciRun.map(npmCommand).filter(Boolean);
    const github = steps
      .flatMap((step) => (step.run ?? '').split('\n'))
      .map(npmCommand)
      .filter(Boolean);
    expect(local).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run lint',
      'npm run typecheck',
      'npm run plan:offline',
      'npm test',
    ]);
    expect(github).toEqual(local);
  });

  it('exports what .ci/run exports, for every step', () => {
    const exported = Object.fromEntries(
      ciRun
        .filter((line) => line.startsWith('export '))
        .map((line) => line.slice('export '.length).split('=') as [string, string]),
    );
    expect(exported).toEqual({ CHECKPOINT_DISABLE: '1' });
    expect(workflow.env).toMatchObject(exported);
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

  it("uses the Node.js major version of package.json's engines, with the npm cache", () => {
    const engines = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node as string;
    expect(uses('actions/setup-node')?.with).toEqual({
      'node-version': Number(/^>=\s*(\d+)/.exec(engines)?.[1]),
      cache: 'npm',
    });
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
