/**
 * The FargateService split (issue 18, deliverable 7; stacks/fargate-service-moves.ts) replaces
 * nothing: every resource that moved into one of its parts (TaskSecurityGroupRules, TaskRoles,
 * TaskDefinition, ServiceScaling) has exactly one `moved` block, from the address it had before the
 * split, every `moved` block ends at a resource, and a legacyNames service's single-service moves
 * chain onto the split's. Checked on the shipped dev and prod and on the stage variant.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { logicalIdAt } from '../../stacks/single-service-moves';
import { SynthesizedEnvironment, synthEnvironment } from '../../test-support/environment';
import { STAGE } from '../../test-support/stage';
import { SynthesizedJson } from '../../test-support/synth';

interface Move {
  readonly from: string;
  readonly to: string;
}
interface Located {
  readonly address: string;
  readonly type: string;
  /** Construct IDs below the stack. */
  readonly path: string[];
}

/** The parts' construct IDs below a FargateService (written out here, not imported: this is the contract). */
const PARTS = ['SecurityGroupRules', 'Roles', 'Task', 'Scaling'];
const STACKS = { dev: 'fargate-dev', prod: 'fargate-prod', stage: 'fargate-stage' } as const;
type Environment = keyof typeof STACKS;

const synthesized: Partial<Record<Environment, SynthesizedEnvironment>> = {};
let stageDir: string;

beforeAll(() => {
  stageDir = mkdtempSync(path.join(os.tmpdir(), 'split-moves-stage-'));
  writeFileSync(path.join(stageDir, 'stage.json'), JSON.stringify(STAGE));
  synthesized.dev = synthEnvironment('dev');
  synthesized.prod = synthEnvironment('prod');
  synthesized.stage = synthEnvironment('stage', stageDir);
});

afterAll(() => {
  for (const result of Object.values(synthesized)) {
    if (result) rmSync(path.dirname(result.outdir), { recursive: true, force: true });
  }
  rmSync(stageDir, { recursive: true, force: true });
});

const stackOf = (env: Environment): SynthesizedJson & { moved?: Move[] } =>
  (synthesized[env] as SynthesizedEnvironment).stacks[STACKS[env]] as SynthesizedJson & { moved?: Move[] };

function located(json: SynthesizedJson): Located[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks).map(([name, block]) => ({
      address: `${type}.${name}`,
      type,
      path: (block['//'] as { metadata: { path: string } }).metadata.path.split('/').slice(1),
    })),
  );
}

/** `Services/<service>/<region>/Service/<part>/…`: where the part sits, or -1. */
function partIndex(p: string[]): number {
  return p[0] === 'Services' && p[3] === 'Service' && PARTS.includes(p[4]) ? 4 : -1;
}

/** Follows the moves from `address` to their end. */
function endOf(address: string, moves: readonly Move[]): string {
  const next = new Map(moves.map((move) => [move.from, move.to]));
  let at = address;
  for (let links = 0; next.has(at) && links <= moves.length; links += 1) at = next.get(at) as string;
  return at;
}

describe('FargateService split: moved blocks', () => {
  it.each(Object.keys(STACKS) as Environment[])(
    '%s: each resource moved into a part has exactly one moved block, from its address before the split',
    (env) => {
      const json = stackOf(env);
      const moves = json.moved ?? [];
      const inParts = located(json).filter((r) => partIndex(r.path) >= 0);
      const problems = inParts.flatMap((resource) => {
        const before = resource.path.filter((_, index) => index !== partIndex(resource.path));
        const expected = { from: `${resource.type}.${logicalIdAt(before)}`, to: resource.address };
        const found = moves.filter((move) => move.to === resource.address);
        return found.length === 1 && found[0].from === expected.from
          ? []
          : [`${resource.path.join('/')}: ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`];
      });
      expect(problems).toEqual([]);
      // Every service's security group rules, roles and policies, log group, task definition and
      // scaling: at least 10 resources a service in a region.
      expect(inParts.length).toBeGreaterThanOrEqual(
        10 * new Set(inParts.map((r) => r.path.slice(0, 3).join('/'))).size,
      );
      expect(inParts.map((r) => r.path[4])).toEqual(expect.arrayContaining(PARTS));
    },
  );

  it.each(Object.keys(STACKS) as Environment[])(
    '%s: the ECS services stay where they were, and every moved block ends at a resource, each address moved once',
    (env) => {
      const json = stackOf(env);
      const moves = json.moved ?? [];
      const addresses = new Set(located(json).map((r) => r.address));
      const services = located(json).filter((r) => r.type === 'aws_ecs_service');
      expect(services.length).toBeGreaterThan(0);
      for (const service of services) {
        expect(service.path.slice(3)).toEqual(['Service', 'Service']);
        // No split move: only a legacyNames service's move from its single-service address.
        for (const move of moves.filter((m) => m.to === service.address)) {
          expect(move.from).toBe(`aws_ecs_service.${logicalIdAt([service.path[2], 'Service', 'Service'])}`);
        }
      }
      expect(moves.filter((move) => !addresses.has(endOf(move.from, moves)))).toEqual([]);
      expect(moves.filter((move) => addresses.has(move.from))).toEqual([]);
      expect(new Set(moves.map((move) => move.from)).size).toBe(moves.length);
      expect(new Set(moves.map((move) => move.to)).size).toBe(moves.length);
    },
  );

  it('dev: the legacyNames service app chains its single-service moves onto the split: <region>/Service/X -> Services/app/<region>/Service/X -> …/Service/<part>/X', () => {
    const json = stackOf('dev');
    const moves = json.moved ?? [];
    const chains: Array<[string, string[], string[]]> = [
      ['aws_iam_role', ['Service', 'TaskRole'], ['Service', 'Roles', 'TaskRole']],
      ['aws_cloudwatch_log_group', ['Service', 'LogGroup'], ['Service', 'Task', 'LogGroup']],
      ['aws_ecs_task_definition', ['Service', 'TaskDefinition'], ['Service', 'Task', 'TaskDefinition']],
      ['aws_appautoscaling_target', ['Service', 'ScalableTarget'], ['Service', 'Scaling', 'ScalableTarget']],
      [
        'aws_vpc_security_group_ingress_rule',
        ['Service', 'IngressFromLoadBalancer'],
        ['Service', 'SecurityGroupRules', 'IngressFromLoadBalancer'],
      ],
    ];
    for (const region of ['us-east-1', 'eu-west-1']) {
      for (const [type, before, now] of chains) {
        const single = `${type}.${logicalIdAt([region, ...before])}`;
        const main = `${type}.${logicalIdAt(['Services', 'app', region, ...before])}`;
        const current = `${type}.${logicalIdAt(['Services', 'app', region, ...now])}`;
        expect(moves).toContainEqual({ from: single, to: main });
        expect(moves).toContainEqual({ from: main, to: current });
        expect(endOf(single, moves)).toBe(current);
      }
    }
    // A service with new names (api) has no single-service address: only the split's moves.
    const api = `aws_iam_role.${logicalIdAt(['Services', 'api', 'us-east-1', 'Service', 'Roles', 'TaskRole'])}`;
    expect(moves.filter((move) => endOf(move.from, moves) === api)).toEqual([
      {
        from: `aws_iam_role.${logicalIdAt(['Services', 'api', 'us-east-1', 'Service', 'TaskRole'])}`,
        to: api,
      },
    ]);
  });

  it.each(['dev', 'prod'] as const)(
    '%s: every address recorded before the split (contracts/web-kind-addresses.json) is still a resource or moves to one',
    (env) => {
      // Recorded from a synthesis of an earlier commit, not computed here: this also proves that
      // logicalIdAt names the old addresses exactly as cdktf named them.
      const recorded = (
        JSON.parse(
          readFileSync(path.join(__dirname, '..', 'contracts', 'web-kind-addresses.json'), 'utf8'),
        ) as Record<string, Record<string, string[]>>
      )[env][STACKS[env]].filter((address) => !address.startsWith('data.') && !address.startsWith('output.'));
      const json = stackOf(env);
      const moves = json.moved ?? [];
      const addresses = new Set(located(json).map((r) => r.address));
      expect(recorded.filter((address) => !addresses.has(endOf(address, moves)))).toEqual([]);
      const moved = recorded.filter((address) => !addresses.has(address));
      expect(moved.length).toBeGreaterThan(40);
      expect(moved.every((address) => address.includes('_Service_'))).toBe(true);
    },
  );
});

describe('logicalIdAt', () => {
  /** The ID a fresh stack gives a construct at `path`, as logicalIdAt computed it with a new App per call. */
  function inFreshStack(path: string[]): string {
    const stack = new TerraformStack(Testing.app(), 'reference');
    let scope: Construct = stack;
    for (const id of path) scope = new Construct(scope, id);
    return stack.getLogicalId(scope.node);
  }

  it('gives on every call the ID a fresh stack gives, for the same path, a longer one and its prefix', () => {
    // GIVEN paths that share their first construct IDs
    const paths = [
      ['us-east-1', 'Service', 'Roles', 'TaskRole'],
      ['us-east-1', 'Service', 'Roles', 'TaskRole'],
      ['us-east-1', 'Service', 'Roles', 'ExecutionRole'],
      ['us-east-1', 'Service'],
      ['ContainerRepository', 'Repository'],
    ];
    // WHEN each is asked for in turn THEN each gets the ID it had when every call built its own stack
    for (const path of paths) expect(logicalIdAt(path)).toBe(inFreshStack(path));
    expect(logicalIdAt(paths[0])).toBe(logicalIdAt(paths[1]));
  });
});
