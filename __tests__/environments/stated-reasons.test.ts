/**
 * Every `*Reason` setting does what its description says, through the real entry point (`run`):
 * with its reason the synthesis succeeds and the reason is printed as a visible line; without it,
 * the settings are refused naming the reason's setting.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAppOn } from '../../test-support/run-app';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;
const PROD = JSON.parse(readFileSync(path.join(root, 'config', 'prod.json'), 'utf8')) as Loose;

/** Runs the app on prod.json with `edit` applied; returns the exit code and both channels. */
function synth(edit: (settings: Loose) => void) {
  const settings = structuredClone(PROD);
  edit(settings);
  const { code, stdout, stderr } = runAppOn('prod', settings);
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
  /**
   * The policy finding the reason accepts, and the one service whose task definitions it is
   * accepted on (every `policy: suppressed <rule>` line names that service).
   * @default - the reason accepts no policy finding
   */
  readonly finding?: { readonly rule: string; readonly service: string };
}

const CASES: Record<string, ReasonCase> = {
  'services.app.task.rootUserReason': {
    without: (s) => (s.services.app.task.user = 'root'),
    with: (s) => {
      s.services.app.task.user = 'root';
      s.services.app.task.rootUserReason = 'the vendor image binds port 80 as root, then drops to www-data';
    },
    refusal: '  services.app.task.user: got "root"; runs the container as root (Security Hub ECS.20)',
    line: /^policy: suppressed ecs-non-root-user \[ECS\.20\] at fargate-prod\/Services\/app\/us-east-1\/Service\/Task\/TaskDefinition: services\.app\.task\.rootUserReason: the vendor image binds port 80 as root, then drops to www-data$/m,
    finding: { rule: 'ecs-non-root-user', service: 'app' },
  },
  'services.api.task.writableRootFilesystemReason': {
    without: (s) => (s.services.api.task.readonlyRootFilesystem = false),
    with: (s) => {
      s.services.api.task.readonlyRootFilesystem = false;
      s.services.api.task.writableRootFilesystemReason =
        'the vendor image writes its cache under /var/lib/app';
    },
    refusal: '  services.api.task.writableRootFilesystemReason: got nothing;',
    line: /^policy: suppressed ecs-readonly-root-filesystem \[ECS\.5\] at fargate-prod\/Services\/api\/eu-west-1\/Service\/Task\/TaskDefinition: services\.api\.task\.writableRootFilesystemReason: the vendor image writes its cache under \/var\/lib\/app$/m,
    finding: { rule: 'ecs-readonly-root-filesystem', service: 'api' },
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
      if (c.finding) {
        // accepted in each region, on the task definitions of that service only
        const lines = result.stdout
          .split('\n')
          .filter((line) => line.startsWith(`policy: suppressed ${c.finding?.rule} `));
        expect(lines.map((line) => line.split(' ')[5])).toEqual(
          expect.arrayContaining(
            ['us-east-1', 'eu-west-1'].map(
              (region) =>
                `fargate-prod/Services/${c.finding?.service}/${region}/Service/Task/TaskDefinition:`,
            ),
          ),
        );
        expect(lines).toHaveLength(2);
      }
    });
  });
});
