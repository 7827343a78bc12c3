/**
 * The one place a setting left out is resolved from the tier. Every construct and stack reads the
 * resolved value from here, never `setting ?? tier === 'production'` of its own, so what
 * production turns on by default is readable in one table, beside the guardrails that say which of
 * it may be turned off with a reason (settings/production-guardrails.ts).
 */
import { Settings } from './schema';

/** The parts of the validated settings a tier default reads. */
export type TierDefaultInputs = Pick<
  Settings,
  | 'tier'
  | 'preventDestroy'
  | 'edge'
  | 'accelerator'
  | 'failoverDrills'
  | 'efs'
  | 'replication'
  | 'regions'
  | 'vpcEndpoints'
>;

/** Every protection and behaviour the tier decides when its setting is absent, resolved. */
export interface TierDefaults {
  /** `preventDestroy`: prevent_destroy on the stateful resources. Production: on. */
  readonly preventDestroy: boolean;
  /** `edge.accessLogs`: load balancer access logs. Production: on. */
  readonly accessLogs: boolean;
  /** `edge.connectionLogs`: load balancer connection logs. Follows `edge.accessLogs`. */
  readonly connectionLogs: boolean;
  /** `edge.waf`: a web ACL in every region without its own `regions[].webAclArn`. Production: on. */
  readonly waf: boolean;
  /** Load balancer deletion protection: no setting, on exactly in production. */
  readonly loadBalancerDeletionProtection: boolean;
  /**
   * `accelerator.flowLogs`: the accelerator's flow logs. Production, or a `flowLogsBucket` given:
   * on.
   */
  readonly acceleratorFlowLogs: boolean;
  /** `failoverDrills.enabled`: FIS experiment templates per region. Production: on. */
  readonly failoverDrills: boolean;
  /** `efs.replication`: each region's file system replicated to the next. Production (with two regions or more): on. */
  readonly efsReplication: boolean;
  /** `replication.bidirectional`: every region's data bucket replicates to the others. Production: on. */
  readonly replicationBidirectional: boolean;
  /** `vpcEndpoints.enabled`: VPC endpoints in every created network. Production: on. */
  readonly vpcEndpoints: boolean;
}

/** The settings' tier-dependent behaviour, each absent setting resolved from the tier. */
export function tierDefaults(settings: TierDefaultInputs): TierDefaults {
  const production = settings.tier === 'production';
  const accessLogs = settings.edge.accessLogs ?? production;
  return {
    preventDestroy: settings.preventDestroy ?? production,
    accessLogs,
    connectionLogs: settings.edge.connectionLogs ?? accessLogs,
    waf: settings.edge.waf ?? production,
    loadBalancerDeletionProtection: production,
    acceleratorFlowLogs:
      settings.accelerator.flowLogs ?? (settings.accelerator.flowLogsBucket !== undefined || production),
    failoverDrills: settings.failoverDrills.enabled ?? production,
    efsReplication: settings.regions.length > 1 && (settings.efs.replication ?? production),
    replicationBidirectional: settings.replication.bidirectional ?? production,
    vpcEndpoints: vpcEndpointsDefault(settings),
  };
}

/** `vpcEndpoints.enabled`, else on in production (for readers holding only these two settings). */
export function vpcEndpointsDefault(settings: {
  readonly tier: string;
  readonly vpcEndpoints: { readonly enabled?: boolean };
}): boolean {
  return settings.vpcEndpoints.enabled ?? settings.tier === 'production';
}
