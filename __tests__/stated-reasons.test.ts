/**
 * Every `*Reason` setting does what its description says, through the real entry point (`run`):
 * with its reason the synthesis succeeds and the reason is printed as a visible line; without it,
 * the settings are refused naming the reason's setting.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../stacks/app';

const root = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;
const PROD = JSON.parse(readFileSync(path.join(root, 'config', 'prod.json'), 'utf8')) as Loose;

/** Runs the app on prod.json with `edit` applied; returns the exit code and both channels. */
function synth(edit: (settings: Loose) => void) {
  const settings = structuredClone(PROD);
  edit(settings);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reasons-'));
  writeFileSync(path.join(dir, 'prod.json'), JSON.stringify(settings));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = run({
    env: { PLATFORM_ENV: 'prod', PLATFORM_CONFIG_DIR: dir },
    projectRoot: root,
    outdir: path.join(dir, 'out'),
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

interface ReasonCase {
  /** What the reason lets through, without the reason. */
  readonly without: (s: Loose) => void;
  /** The same with the reason. */
  readonly with: (s: Loose) => void;
  /** The refusal without it. */
  readonly refusal: string;
  /** The visible line with it. */
  readonly line: RegExp;
}

const CASES: Record<string, ReasonCase> = {
  'task.rootUserReason': {
    without: (s) => (s.task.user = 'root'),
    with: (s) => {
      s.task.user = 'root';
      s.task.rootUserReason = 'the vendor image binds port 80 as root, then drops to www-data';
    },
    refusal: 'task.user: got "root"; runs the container as root (Security Hub ECS.20)',
    line: /^policy: suppressed ecs-non-root-user \[ECS\.20\] at fargate-prod\/us-east-1\/Service\/TaskDefinition: task\.rootUserReason: the vendor image binds port 80 as root, then drops to www-data$/m,
  },
  'task.writableRootFilesystemReason': {
    without: (s) => (s.task.readonlyRootFilesystem = false),
    with: (s) => {
      s.task.readonlyRootFilesystem = false;
      s.task.writableRootFilesystemReason = 'the vendor image writes its cache under /var/lib/app';
    },
    refusal: 'task.writableRootFilesystemReason: got nothing;',
    line: /^policy: suppressed ecs-readonly-root-filesystem \[ECS\.5\] at fargate-prod\/eu-west-1\/Service\/TaskDefinition: task\.writableRootFilesystemReason: the vendor image writes its cache under \/var\/lib\/app$/m,
  },
  'edge.plainHttpReason': {
    without: (s) => delete s.domain,
    with: (s) => {
      delete s.domain;
      s.edge.plainHttpReason = 'internal tool reached through the corporate VPN only';
    },
    refusal: 'tier "production" requires a domain',
    line: /^settings: accepted edge\.plainHttpReason for prod \(no domain: the load balancers and the accelerator serve plain HTTP, without TLS, in tier production\): internal tool reached through the corporate VPN only$/m,
  },
};

describe('reason settings, through the app’s entry point', () => {
  it('are all covered here: every *Reason setting of the schema has a case', () => {
    const schema = readFileSync(path.join(root, 'settings', 'schema.ts'), 'utf8');
    const declared = [...schema.matchAll(/^\s+(\w+Reason): z/gm)].map((m) => m[1]).sort();
    expect(declared).toEqual(
      Object.keys(CASES)
        .map((key) => key.split('.').pop())
        .sort(),
    );
  });

  describe.each(Object.entries(CASES))('%s', (setting, c) => {
    it('without it, refuses the settings naming what needs a reason, and synthesizes nothing', () => {
      const result = synth(c.without);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(c.refusal);
      expect(result.stderr).toContain(setting);
      expect(result.stderr).toContain('Nothing was synthesized.');
    });

    it('with it, synthesizes and prints the reason as a visible line, not as an error', () => {
      const result = synth(c.with);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(c.line);
    });
  });
});
