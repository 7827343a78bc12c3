/**
 * The pure parts of the emulator apply cycle: what is left out of a stack for the emulator, which
 * changes after an apply are the emulator's known wrong answers, and when a cycle runs again
 * because the emulator itself failed.
 */
import {
  CycleOptions,
  CycleResult,
  applyCycleTolerant,
  diagnosticText,
  diffsAfterApply,
  leaveOut,
  onlyEmulatorFaults,
  summarizeCycle,
} from '../tools/emulator/apply-cycle';
import { Moto } from '../tools/emulator/moto';
import { PlanOutput } from '../tools/terraform/offline';

const GAP = {
  resourceType: 'aws_backup_selection',
  operation: 'CreateBackupSelection',
  phase: 'create' as const,
  reason: 'none',
};

const stack = {
  '//': { outputs: { 'fargate-dev': { selection: 'selection', plan: 'plan' } } },
  provider: { aws: [{ alias: 'us_east_1', region: 'us-east-1' }] },
  resource: {
    aws_backup_selection: { Selection: { plan_id: '${aws_backup_plan.Plan.id}' } },
    aws_backup_plan: { Plan: { name: 'p' } },
    aws_sns_topic: {
      Dependent: { name: '${aws_backup_selection.Selection.id}' },
      // A name that only starts like the removed one is not a reference to it.
      Unrelated: {
        name: '${aws_backup_selection.SelectionTwo.id}',
        depends_on: ['aws_backup_selection.Selection'],
      },
    },
    aws_sqs_queue: { Transitive: { name: '${aws_sns_topic.Dependent.arn}' } },
  },
  data: {
    aws_iam_policy_document: {
      Doc: { statement: [{ resources: ['${aws_backup_selection.Selection.id}'] }] },
    },
  },
  output: {
    selection: { value: '${aws_backup_selection.Selection.id}' },
    plan: { value: '${aws_backup_plan.Plan.id}' },
  },
};

describe('leaveOut', () => {
  it('removes the unsupported resources and, transitively, what references them, saying why', () => {
    // GIVEN a stack with one unsupported resource WHEN left out
    const { stack: served, leftOut } = leaveOut(stack, [GAP]);
    // THEN it and everything that references it are gone, each with its reason
    expect([...leftOut].sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      { address: 'aws_backup_selection.Selection', because: 'CreateBackupSelection: none' },
      { address: 'aws_sns_topic.Dependent', because: 'references aws_backup_selection.Selection' },
      { address: 'aws_sqs_queue.Transitive', because: 'references aws_sns_topic.Dependent' },
      { address: 'data.aws_iam_policy_document.Doc', because: 'references aws_backup_selection.Selection' },
      { address: 'output.selection', because: 'references aws_backup_selection.Selection' },
    ]);
    expect(Object.keys(served.resource ?? {}).sort()).toEqual(['aws_backup_plan', 'aws_sns_topic']);
    expect(served.data).toEqual({});
    expect(Object.keys(served.output ?? {})).toEqual(['plan']);
    // cdktf's index of the outputs, which `cdktf deploy` reads, names only what is left
    expect(served['//']).toEqual({ outputs: { 'fargate-dev': { plan: 'plan' } } });
  });

  it('keeps what only waits for a removed resource, without the wait', () => {
    const { stack: served } = leaveOut(stack, [GAP]);
    expect(served.resource?.aws_sns_topic.Unrelated).toEqual({
      name: '${aws_backup_selection.SelectionTwo.id}',
      depends_on: [],
    });
  });

  it('leaves the original stack untouched, and a stack without gaps whole', () => {
    const before = JSON.stringify(stack);
    expect(leaveOut(stack, []).leftOut).toEqual([]);
    leaveOut(stack, [GAP]);
    expect(JSON.stringify(stack)).toBe(before);
  });
});

function plan(
  changes: Array<{ address: string; type: string; actions: string[]; before?: object; after?: object }>,
): PlanOutput {
  return {
    resource_changes: changes.map((change) => ({
      address: change.address,
      mode: 'managed',
      type: change.type,
      name: change.address.split('.')[1],
      change: { actions: change.actions, before: change.before ?? null, after: change.after ?? null },
    })),
  } as unknown as PlanOutput;
}

describe('diffsAfterApply', () => {
  const known = [{ resourceType: 'aws_backup_vault', attribute: 'tags_all', reason: 'emulator drops tags' }];

  it('ignores no-ops, and matches each changed attribute of an update to the allow-list', () => {
    const diffs = diffsAfterApply(
      plan([
        { address: 'aws_kms_key.Key', type: 'aws_kms_key', actions: ['no-op'] },
        {
          address: 'aws_backup_vault.Vault',
          type: 'aws_backup_vault',
          actions: ['update'],
          before: { name: 'v', tags_all: {}, force_destroy: false },
          after: { name: 'v', tags_all: { app: 'fargate' }, force_destroy: true },
        },
      ]),
      known,
    );
    expect(diffs).toEqual([
      { address: 'aws_backup_vault.Vault', actions: ['update'], attribute: 'tags_all', known: known[0] },
      {
        address: 'aws_backup_vault.Vault',
        actions: ['update'],
        attribute: 'force_destroy',
        known: undefined,
      },
    ]);
  });

  it('reports a replacement or a creation after apply as unexpected, whatever the allow-list says', () => {
    const diffs = diffsAfterApply(
      plan([{ address: 'aws_backup_vault.Vault', type: 'aws_backup_vault', actions: ['delete', 'create'] }]),
      known,
    );
    expect(diffs).toEqual([{ address: 'aws_backup_vault.Vault', actions: ['delete', 'create'] }]);
  });
});

const FAULT =
  'apply: aws_efs_file_system.Efs: creating EFS File System: operation error EFS: CreateFileSystem, https response error StatusCode: 409, FileSystemAlreadyExists: File system already exists';
const OTHER = 'apply: aws_ecs_service.Service: creating ECS Service: InvalidParameterException: no such role';

function passed(stack: string, failures: string[] = []): CycleResult {
  return {
    stack,
    planned: 1,
    applied: 1,
    leftOut: [],
    diffs: [],
    probes: [],
    destroyed: 1,
    remaining: [],
    failures,
    seconds: { apply: 1 },
  };
}

/** A fake emulator and a scripted cycle: the failures of each attempt in turn. */
function scripted(attempts: string[][]) {
  const started: number[] = [];
  const stopped: number[] = [];
  const runs: CycleOptions[] = [];
  const options = {
    stack: 'fargate-dev',
    stackDir: '/nowhere',
    workDir: '/nowhere',
    cliConfigFile: '/nowhere',
    startEmulator: async (attempt: number): Promise<Moto> => {
      started.push(attempt);
      return {
        endpoint: `http://127.0.0.1:${attempt}`,
        port: attempt,
        accountId: '111111111111',
        pid: attempt,
        stop: async () => {
          stopped.push(attempt);
        },
      };
    },
    runCycle: async (cycle: CycleOptions) => {
      runs.push(cycle);
      return passed(cycle.stack, attempts[runs.length - 1]);
    },
  };
  return { options, started, stopped, runs };
}

describe('applyCycleTolerant', () => {
  it('runs once when the cycle passes, and stops its emulator', async () => {
    const { options, started, stopped } = scripted([[]]);
    const result = await applyCycleTolerant(options);
    expect(result.failures).toEqual([]);
    expect(result.retriedAfter).toBeUndefined();
    expect(started).toEqual([1]);
    expect(stopped).toEqual([1]);
  });

  it('runs again on a new emulator when every failure is an emulator fault, and says so', async () => {
    // GIVEN a first run that fails only with FileSystemAlreadyExists, and a second that passes
    const { options, started, stopped, runs } = scripted([[FAULT], []]);
    // WHEN the tolerant cycle runs
    const result = await applyCycleTolerant(options);
    // THEN the second run counts, on a second emulator, and the first run's failure is kept
    expect(result.failures).toEqual([]);
    expect(result.retriedAfter).toEqual([FAULT]);
    expect(started).toEqual([1, 2]);
    expect(stopped).toEqual([1, 2]);
    expect(runs.map((run) => run.moto.endpoint)).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    // (in a folder of its own, so the first run's logs stay)
    expect(runs.map((run) => run.workDir)).toEqual(['/nowhere', '/nowhere.attempt-2']);
    expect(summarizeCycle(result)).toContain(
      `passed in 1 s; run again on a new emulator after an emulator fault: ${FAULT}`,
    );
  });

  it('does not run again when any failure is not an emulator fault', async () => {
    const { options, started } = scripted([[FAULT, OTHER], []]);
    const result = await applyCycleTolerant(options);
    expect(result.failures).toEqual([FAULT, OTHER]);
    expect(started).toEqual([1]);
  });

  it('runs at most twice: a second faulty run fails', async () => {
    const { options, started } = scripted([[FAULT], [FAULT], []]);
    const result = await applyCycleTolerant(options);
    expect(result.failures).toEqual([FAULT]);
    expect(result.retriedAfter).toEqual([FAULT]);
    expect(started).toEqual([1, 2]);
  });

  it('knows the faults seen so far, each in its own step, and nothing when there is no failure', () => {
    expect(onlyEmulatorFaults([])).toBe(false);
    for (const seen of [
      'apply: aws_efs_file_system.E: creating EFS File System: FileSystemAlreadyExists: exists',
      'apply: aws_flow_log.F: creating Flow Log: FlowLogAlreadyExists: exists',
      "apply: aws_security_group.S: creating Security Group (x): api error InvalidGroup.Duplicate: The security group 'x' already exists",
      'destroy: (no address): deleting ELBv2 Listener (arn): ListenerNotFound: The specified listener does not exist.',
      // a plugin-framework resource: the code is in the diagnostic's detail, which the line carries
      'destroy: aws_vpc_security_group_ingress_rule.N: deleting VPC Security Group Rule (sgr-0123): operation error EC2: RevokeSecurityGroupIngress, https response error StatusCode: 400, api error InvalidPermission.NotFound: The specified rule does not exist in this security group.',
    ]) {
      expect(onlyEmulatorFaults([seen])).toBe(true);
    }
    // a create that finds nothing, or a delete that finds a duplicate, is not the emulator's fault
    expect(onlyEmulatorFaults(['apply: aws_lb_listener.L: reading: ListenerNotFound'])).toBe(false);
    expect(onlyEmulatorFaults(['destroy: aws_flow_log.F: FlowLogAlreadyExists'])).toBe(false);
    expect(onlyEmulatorFaults([OTHER])).toBe(false);
  });

  it('counts what a destroy fault left in the state as part of that fault, and only then', () => {
    const left = 'left in state after destroy: aws_lb.L, aws_vpc.V';
    const fault = 'destroy: (no address): deleting ELBv2 Listener (arn): ListenerNotFound: gone';
    expect(onlyEmulatorFaults([fault, left])).toBe(true);
    expect(onlyEmulatorFaults([left])).toBe(false);
    expect(onlyEmulatorFaults(['destroy: aws_vpc.V: DependencyViolation', left])).toBe(false);
  });

  it('counts whatever the destroy met after an apply fault as part of that fault', () => {
    const blocked = 'destroy: aws_vpc.V: deleting EC2 VPC: DependencyViolation: the VPC has dependencies';
    expect(onlyEmulatorFaults([FAULT, blocked, 'left in state after destroy: aws_vpc.V'])).toBe(true);
    // but not a diff or a probe failure beside it
    expect(onlyEmulatorFaults([FAULT, 'diff after apply: aws_lb.L update idle_timeout'])).toBe(false);
    expect(onlyEmulatorFaults([FAULT, OTHER])).toBe(false);
  });
});

describe('diagnosticText', () => {
  it('carries the detail, where plugin-framework resources put the AWS error code, on one line', () => {
    expect(
      diagnosticText({
        severity: 'error',
        summary: 'deleting VPC Security Group Rule (sgr-0123)',
        detail: 'operation error EC2: RevokeSecurityGroupIngress,\n  InvalidPermission.NotFound: gone',
      }),
    ).toBe(
      'deleting VPC Security Group Rule (sgr-0123): operation error EC2: RevokeSecurityGroupIngress, InvalidPermission.NotFound: gone',
    );
    expect(diagnosticText({ severity: 'error', summary: 'creating X: FileSystemAlreadyExists' })).toBe(
      'creating X: FileSystemAlreadyExists',
    );
  });
});

describe('summarizeCycle', () => {
  it('gives one line: applied, left out and why, diffs, destroyed, the verdict and the time', () => {
    const result: CycleResult = {
      stack: 'fargate-dev',
      planned: 10,
      applied: 8,
      leftOut: [
        { address: 'aws_backup_selection.S', because: 'CreateBackupSelection: none' },
        { address: 'aws_sns_topic.T', because: 'references aws_backup_selection.S' },
      ],
      diffs: [
        {
          address: 'aws_backup_vault.V',
          actions: ['update'],
          attribute: 'tags_all',
          known: { resourceType: 'aws_backup_vault', attribute: 'tags_all', reason: 'x' },
        },
      ],
      probes: [],
      destroyed: 8,
      remaining: [],
      failures: [],
      seconds: { apply: 60, destroy: 40.4 },
    };
    expect(summarizeCycle(result)).toBe(
      'fargate-dev: applied 8 of 10 resources; left out 2 (1 the emulator cannot serve, 1 referencing them); diffs after apply: 1 known, 0 unexpected; destroyed 8, 0 left in state; passed in 100 s',
    );
  });
});
