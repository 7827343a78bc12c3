/**
 * What the two emulator tests of a retirement (__tests__/emulator-retired-services*.test.ts) share:
 * the account, what retiring must keep, the Terraform runs and readers of state and plan.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { STATEFUL_RESOURCE_TYPES } from '../aspects/prevent-destroy';
import { PlanOutput, TerraformResult, terraformAsync } from '../tools/terraform/offline';

/** The account dev is applied in. */
export const EMULATOR_ACCOUNT = '111111111111';

/** What retiring must keep: the types that hold data or keys, and the log groups. */
export const KEPT_TYPES = [...STATEFUL_RESOURCE_TYPES, 'aws_cloudwatch_log_group'];

/** An apply, destroy or plan that writes its JSON lines, without a prompt or a lock. */
export const JSON_RUN = ['-auto-approve', '-input=false', '-no-color', '-json', '-lock=false'];

type Block = Record<string, unknown>;
export interface StackJson {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  removed?: Array<{ from: string }>;
  [key: string]: unknown;
}

export interface Change {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly change: { readonly actions: string[] };
}

/** State entries that belong to api: its construct paths are Services/api/… and ContainerRepository/api/…. */
export const ofApi = (address: string) => /\.(Services_api_|ContainerRepository_api_)/.test(address);

/** Whether a change's actions are exactly `action`. */
export const only = (actions: string[], action: string) => actions.length === 1 && actions[0] === action;

/** The managed resources' changes of a plan. */
export const changesOf = (plan: PlanOutput) =>
  (plan.resource_changes as unknown as Change[]).filter((change) => change.mode === 'managed');

/** Terraform in `dir` with `env`, each step's output appended to `<step>.log` there; and its state list. */
export function terraformSteps(env: NodeJS.ProcessEnv): {
  tf: (dir: string, step: string, args: string[]) => Promise<TerraformResult>;
  stateList: (dir: string) => Promise<string[]>;
} {
  return {
    tf: async (dir, step, args) => {
      const result = await terraformAsync(args, dir, env);
      writeFileSync(path.join(dir, `${step}.log`), `${result.stdout}\n${result.stderr}`, { flag: 'a' });
      return result;
    },
    stateList: async (dir) =>
      (await terraformAsync(['state', 'list'], dir, env)).stdout.split('\n').filter(Boolean),
  };
}
