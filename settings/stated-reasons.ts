/**
 * Reasons stated in the settings that let a configuration do what its tier would otherwise refuse,
 * and that no policy finding carries: each is printed at every synthesis, on the same channel as
 * the accepted policy findings, so a reason is never a silent switch. (Reasons that accept a
 * policy finding, `task.rootUserReason` and `task.writableRootFilesystemReason`, are printed as
 * that finding's suppression.)
 */
import { acceptedExceptions } from './production-guardrails';
import { Settings } from './schema';

export interface StatedReason {
  /** The reason's setting, e.g. `edge.plainHttpReason`. */
  readonly setting: string;
  /** What it lets the configuration do. */
  readonly accepts: string;
  /** The reason as written. */
  readonly reason: string;
}

/** The stated reasons of an environment's settings that are in effect. */
export function statedReasons(settings: Settings): StatedReason[] {
  const reasons: StatedReason[] = [];
  if (settings.edge.plainHttpReason !== undefined && settings.domain === undefined) {
    reasons.push({
      setting: 'edge.plainHttpReason',
      accepts: `no domain: the load balancers and the accelerator serve plain HTTP, without TLS${settings.tier === 'production' ? ', in tier production' : ''}`,
      reason: settings.edge.plainHttpReason.trim(),
    });
  }
  for (const accepted of acceptedExceptions(settings)) {
    reasons.push({
      setting: `productionExceptions["${accepted.setting}"]`,
      accepts: `${accepted.setting} off in tier production, without: ${accepted.protects}`,
      reason: accepted.reason,
    });
  }
  return reasons;
}

/** The line printed for a stated reason at every synthesis. */
export function statedReasonLine(environment: string, stated: StatedReason): string {
  return `settings: accepted ${stated.setting} for ${environment} (${stated.accepts}): ${stated.reason}`;
}
