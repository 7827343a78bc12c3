/**
 * The pure parts of the emulator apply cycle: what is left out of a stack for the emulator, which
 * changes after an apply are the emulator's known wrong answers, and when a cycle runs again
 * because the emulator itself failed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CycleOptions,
  CycleResult,
  applyCycle,
  applyCycleTolerant,
  RETRY_PARALLELISM,
  diagnosticText,
  diffsAfterApply,
  leaveOut,
  managedAddresses,
  onlyEmulatorFaults,
  summarizeCycle,
} from '../tools/emulator/apply-cycle';
import { Moto } from '../tools/emulator/moto';
import { PlanOutput, TerraformResult } from '../tools/terraform/offline';

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
    // (in a folder of its own, so the first run's logs stay, two objects at a time)
    expect(runs.map((run) => run.workDir)).toEqual(['/nowhere', '/nowhere.attempt-2']);
    expect(runs.map((run) => run.parallelism)).toEqual([undefined, RETRY_PARALLELISM]);
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
      'apply: aws_kms_key.K: reading KMS Key (5c08): operation error KMS: DescribeKey, exceeded maximum number of attempts, 2, https response error StatusCode: 200, RequestID: V, decomposing response: read tcp 127.0.0.1:39748->127.0.0.1:37023: use of closed network connection',
      'apply: aws_security_group.eu-west-1_TaskSecurityGroup_42A0BBAE: revoking default IPv4 egress rule for Security Group (sg-7279116fa121aa89c): operation error EC2: RevokeSecurityGroupEgress, https response error StatusCode: 400, RequestID: Z, api error InvalidPermission.NotFound: The specified rule does not exist in this security group',
    ]) {
      expect(onlyEmulatorFaults([seen])).toBe(true);
    }
    // a create that finds nothing, or a delete that finds a duplicate, is not the emulator's fault
    expect(onlyEmulatorFaults(['apply: aws_lb_listener.L: reading: ListenerNotFound'])).toBe(false);
    // a rule the configuration itself revokes and AWS does not know is not either
    expect(
      onlyEmulatorFaults([
        'apply: aws_vpc_security_group_egress_rule.E: revoking VPC Security Group Rule: api error InvalidPermission.NotFound',
      ]),
    ).toBe(false);
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

describe('managedAddresses', () => {
  it('keeps the managed resources of a state list, without its data sources, in modules too', () => {
    // A destroy retried after an emulator fault counts what the state held: data sources are in the
    // state but no destroy deletes them, so counting them made 6 objects "already removed" of 1.
    expect(
      managedAddresses([
        'aws_cloudwatch_dashboard.Services_api_us-east-1_Dashboard_4F1B2C3D',
        'data.aws_iam_policy_document.Services_api_us-east-1_Service_Roles_TaskTrust_0A1B2C3D',
        'module.network.aws_vpc.this',
        'module.network.data.aws_availability_zones.available',
        'aws_s3_bucket.metadata_store',
      ]),
    ).toEqual([
      'aws_cloudwatch_dashboard.Services_api_us-east-1_Dashboard_4F1B2C3D',
      'module.network.aws_vpc.this',
      'aws_s3_bucket.metadata_store',
    ]);
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

/** One line of Terraform's `-json` output. */
const jsonLine = (message: object) => JSON.stringify(message);
const deleted = (addr: string) =>
  jsonLine({
    type: 'apply_complete',
    hook: { resource: { addr, resource_type: addr.split('.')[0] }, action: 'delete' },
  });
const created = (addr: string) =>
  jsonLine({
    type: 'apply_complete',
    hook: { resource: { addr, resource_type: addr.split('.')[0] }, action: 'create' },
  });
const destroyError = (summary: string) =>
  jsonLine({ type: 'diagnostic', diagnostic: { severity: 'error', summary } });

const LISTENER_GONE =
  'deleting ELBv2 Listener (arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/a/1/2): ListenerNotFound: The specified listener does not exist.';
const VPC_BLOCKED = 'deleting EC2 VPC (vpc-1): DependencyViolation: the VPC has dependencies';
/** What a destroy error about each resource of the stack below names. */
const ERROR_SUBJECT: Record<string, string> = {
  'aws_lb_listener.Listener': 'ELBv2 Listener',
  'aws_vpc.Vpc': 'EC2 VPC',
};

/**
 * applyCycle with a stand-in for Terraform and no emulator: a two-resource stack whose apply,
 * re-plan and state reads pass, and whose destroys answer in turn what `destroys` scripts (an
 * error summary each, or nothing for a clean destroy). As on the emulator, an object whose delete
 * was answered "not found" is gone: the next destroy's refresh drops it from the state without
 * deleting it, unless that destroy meets the same error again. Records every Terraform command.
 */
async function cycleWithDestroys(destroys: Array<string[]>, parallelism?: number) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'apply-cycle-'));
  try {
    const stackDir = path.join(scratch, 'stack');
    mkdirSync(stackDir);
    writeFileSync(
      path.join(stackDir, 'cdk.tf.json'),
      JSON.stringify({
        provider: { aws: [{ alias: 'us_east_1', region: 'us-east-1' }] },
        resource: {
          aws_vpc: { Vpc: { provider: 'aws.us_east_1', cidr_block: '10.0.0.0/16' } },
          aws_lb_listener: { Listener: { provider: 'aws.us_east_1', port: 80 } },
        },
      }),
    );
    const workDir = path.join(scratch, 'work');
    const commands: string[] = [];
    const invocations: string[][] = [];
    let destroyRun = 0;
    let state = ['aws_lb_listener.Listener', 'aws_vpc.Vpc'];
    /** Objects whose delete the emulator answered "not found". */
    const gone = new Set<string>();
    const terraform = async (args: string[], cwd: string): Promise<TerraformResult> => {
      expect(cwd).toBe(workDir);
      commands.push(args[0]);
      invocations.push(args);
      const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
      switch (args[0]) {
        case 'init':
        case 'plan':
          return ok();
        case 'apply':
          writeFileSync(path.join(workDir, 'emulator.tfstate'), '{}');
          return ok(state.map(created).join('\n'));
        case 'show':
          return ok(JSON.stringify({ resource_changes: [] }));
        case 'state':
          return ok(state.join('\n'));
        case 'destroy': {
          // Deletes every resource in the state that none of this destroy's errors is about.
          const errors = destroys[destroyRun++] ?? [];
          const failedOn = (addr: string) => errors.some((error) => error.includes(ERROR_SUBJECT[addr]));
          const lines = [
            ...state.filter((addr) => !failedOn(addr) && !gone.has(addr)).map(deleted),
            ...errors.map(destroyError),
            jsonLine({ type: 'change_summary', changes: { operation: 'destroy' } }),
          ];
          state = state.filter(failedOn);
          for (const addr of state) if (errors.some((error) => error.includes('NotFound'))) gone.add(addr);
          return { code: errors.length ? 1 : 0, stdout: lines.join('\n'), stderr: '' };
        }
        default:
          throw new Error(`unexpected terraform ${args.join(' ')}`);
      }
    };
    const logged: string[] = [];
    const result = await applyCycle({
      stack: 'fargate-dev',
      stackDir,
      workDir,
      cliConfigFile: path.join(scratch, 'terraformrc'),
      moto: {
        endpoint: 'http://127.0.0.1:1',
        port: 1,
        accountId: '111111111111',
        pid: 1,
        stop: async () => {},
      },
      unsupported: [],
      knownDiffs: [],
      terraform,
      log: (line) => logged.push(line),
      parallelism,
    });
    const destroyLog = existsSync(path.join(workDir, 'destroy.log'))
      ? readFileSync(path.join(workDir, 'destroy.log'), 'utf8')
      : '';
    return { result, commands, invocations, logged, destroyLog };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('applyCycle, its destroy', () => {
  it('destroys once more on the same emulator when every destroy error is the emulator answering "not found", and says so', async () => {
    // GIVEN a first destroy that fails only with ListenerNotFound, and a second one that succeeds
    const { result, commands, logged, destroyLog } = await cycleWithDestroys([[LISTENER_GONE], []]);
    // THEN the cycle passes, having destroyed twice on the one emulator it was given
    expect(commands).toEqual([
      'init',
      'apply',
      'plan',
      'show',
      'destroy',
      'state',
      'destroy',
      'state',
      'state',
    ]);
    expect(result.failures).toEqual([]);
    expect(result.destroyRetried).toEqual([`destroy: (no address): ${LISTENER_GONE}`]);
    // (the first destroy deleted the VPC; the listener was gone, and the second destroy's refresh
    // dropped it: it counts as gone, and the two account for both applied)
    expect(result.destroyed).toBe(1);
    expect(result.goneBeforeDestroy).toBe(1);
    expect(result.remaining).toEqual([]);
    expect(logged).toContain(
      `fargate-dev: destroy met an emulator fault, destroying again: destroy: (no address): ${LISTENER_GONE}`,
    );
    // both destroys' output is kept for reading
    expect(destroyLog.match(/"type":"change_summary"/g)).toHaveLength(2);
    expect(summarizeCycle(result)).toContain(
      `destroyed 1 (and 1 the emulator had already removed), 0 left in state; passed in 0 s; destroyed again after an emulator fault: destroy: (no address): ${LISTENER_GONE}`,
    );
  });

  it('fails with the second destroy’s errors when destroying again does not help', async () => {
    // GIVEN two destroys that both meet the fault
    const { result, commands } = await cycleWithDestroys([[LISTENER_GONE], [LISTENER_GONE]]);
    // THEN no third destroy: the cycle fails with the second's error and what is left in the state
    expect(commands.filter((command) => command === 'destroy')).toHaveLength(2);
    expect(result.destroyRetried).toEqual([`destroy: (no address): ${LISTENER_GONE}`]);
    expect(result.failures).toEqual([
      `destroy: (no address): ${LISTENER_GONE}`,
      'left in state after destroy: aws_lb_listener.Listener',
    ]);
    expect(result.remaining).toEqual(['aws_lb_listener.Listener']);
    expect(result.goneBeforeDestroy).toBe(0);
  });

  it('does not destroy again when any destroy error is not the emulator answering "not found"', async () => {
    // GIVEN a destroy that meets the fault and a real dependency problem beside it
    const { result, commands } = await cycleWithDestroys([[LISTENER_GONE, VPC_BLOCKED], []]);
    // THEN one destroy, both errors are failures, and nothing says it was retried
    expect(commands.filter((command) => command === 'destroy')).toHaveLength(1);
    expect(result.destroyRetried).toBeUndefined();
    expect(result.failures).toEqual([
      `destroy: (no address): ${LISTENER_GONE}`,
      `destroy: (no address): ${VPC_BLOCKED}`,
      'left in state after destroy: aws_lb_listener.Listener, aws_vpc.Vpc',
    ]);
    expect(summarizeCycle(result)).not.toContain('destroyed again');
  });

  it('asks Terraform for that many objects at once in the apply and every destroy, when given a parallelism', async () => {
    // GIVEN a cycle run with parallelism 2 whose first destroy meets a "not found" fault
    const { invocations } = await cycleWithDestroys([[LISTENER_GONE], []], 2);
    // THEN the apply and both destroys carry -parallelism=2; the reads do not need it
    const withFlag = invocations.filter((args) => args.includes('-parallelism=2')).map((args) => args[0]);
    expect(withFlag).toEqual(['apply', 'destroy', 'destroy']);
    // and without one, Terraform's own default holds
    const plain = await cycleWithDestroys([[]]);
    expect(plain.invocations.filter((args) => args.some((arg) => arg.startsWith('-parallelism')))).toEqual(
      [],
    );
  });

  it('destroys once when the destroy succeeds', async () => {
    const { result, commands } = await cycleWithDestroys([[]]);
    expect(commands.filter((command) => command === 'destroy')).toHaveLength(1);
    expect(result.destroyRetried).toBeUndefined();
    expect(result.failures).toEqual([]);
    expect(result.destroyed).toBe(2);
    expect(result.goneBeforeDestroy).toBeUndefined();
    expect(summarizeCycle(result)).toContain('destroyed 2, 0 left in state');
  });
});
