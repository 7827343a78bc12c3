/**
 * The pure parts of the emulator apply cycle: what is left out of a stack for the emulator, and
 * which changes after an apply are the emulator's known wrong answers.
 */
import { CycleResult, diffsAfterApply, leaveOut, summarizeCycle } from '../tools/emulator/apply-cycle';
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
