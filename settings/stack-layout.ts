/**
 * Where an environment's Terraform configurations are cut (`stackLayout`), and the one rule about it.
 *
 * - `one-stack` (the default): stack `<app>-<env>` holds the foundation and every service, in
 *   every region. One plan, one lock, one apply: a release of several services is one plan.
 * - `stack-per-service`: stack `<app>-<env>` holds the foundation (network, cluster, load balancer,
 *   file system, buckets, keys, backups, repositories, accelerator, DNS, dashboards), and each
 *   service is a stack of its own, `<app>-<env>-svc-<service>`, holding that service in every region
 *   through the same aliased providers. A service stack reads the foundation's values from its state
 *   (cdktf's cross-stack references: an output in the foundation, a `terraform_remote_state` in the
 *   service), so a team's plan holds its service alone: smaller plans, an Atlantis project and a
 *   lock per service, and a blast radius of one service.
 *
 * Inside every stack the construct paths are the same in both layouts (`Services/<service>/<region>/…`),
 * so a resource has the same address in either: changing the layout of a deployed environment moves
 * state between stacks (`npm run state:split`, README "Changing the stack layout"), it renames nothing.
 */
import { z } from 'zod';

export const STACK_LAYOUTS = ['one-stack', 'stack-per-service'] as const;
export type StackLayout = (typeof STACK_LAYOUTS)[number];

export const stackLayoutSchema = z
  .enum(STACK_LAYOUTS, { error: `expected one of ${STACK_LAYOUTS.map((l) => `"${l}"`).join(', ')}` })
  .default('one-stack');

interface LayoutInput {
  readonly stackLayout: StackLayout;
  readonly services: Readonly<
    Record<string, { readonly serviceConnect?: { readonly calls?: readonly string[] } }>
  >;
}

/** A problem with the settings: the path below the settings' root, the value, and what is allowed. */
export interface LayoutProblem {
  readonly path: readonly PropertyKey[];
  readonly value: unknown;
  readonly message: string;
}

/**
 * With a stack per service, a caller's stack reads its callee's security group from the callee's
 * state (Service Connect admits the caller on the callee's ports), so the callee's stack is applied
 * first: calls that come back round to the caller cannot be ordered. One problem per such cycle,
 * at the call that closes it.
 */
export function stackLayoutProblems(settings: LayoutInput): LayoutProblem[] {
  if (settings.stackLayout !== 'stack-per-service') return [];
  const callsOf = (name: string) => settings.services[name]?.serviceConnect?.calls ?? [];
  const problems: LayoutProblem[] = [];
  const reported = new Set<string>();
  for (const [caller] of Object.entries(settings.services)) {
    callsOf(caller).forEach((callee, index) => {
      const back = pathBetween(callee, caller, callsOf);
      if (!back) return;
      const cycle = [caller, ...back];
      const key = [...cycle.slice(0, -1)].sort().join(',');
      if (reported.has(key)) return;
      reported.add(key);
      problems.push({
        path: ['services', caller, 'serviceConnect', 'calls', index],
        value: callee,
        message: `calls ${cycle.join(' -> ')}: with stackLayout "stack-per-service" each caller's stack reads its callee's security group, so the callee's stack is applied first, and calls that come back round cannot be ordered; remove one call of the cycle, or use stackLayout "one-stack"`,
      });
    });
  }
  return problems;
}

/** The services from `from` to `to` along calls (both ends included), or undefined. */
function pathBetween(
  from: string,
  to: string,
  callsOf: (name: string) => readonly string[],
  seen = new Set<string>(),
): string[] | undefined {
  if (from === to) return [to];
  if (seen.has(from)) return undefined;
  seen.add(from);
  for (const next of callsOf(from)) {
    const rest = pathBetween(next, to, callsOf, seen);
    if (rest) return [from, ...rest];
  }
  return undefined;
}
