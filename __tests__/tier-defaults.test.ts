/**
 * The one place an absent setting is resolved from the tier: what each tier gets, and the
 * guardrails table agreeing with it (a protection a production file turns off is off once resolved).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSettings } from '../settings/load';
import { GUARDRAILS } from '../settings/production-guardrails';
import { TierDefaults, tierDefaults } from '../settings/tier-defaults';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;
const root = path.resolve(__dirname, '..');
const file = (name: string): Loose =>
  JSON.parse(readFileSync(path.join(root, 'config', name), 'utf8')) as Loose;
const PROD = file('prod.json');
/** The shipped prod settings with an account and a zone of one's own. */
const OWN = { accountId: '210987654321', domain: { ...PROD.domain, hostedZoneId: 'Z0123456789ABCDEFGHIJ' } };

const parse = (settings: Loose) => parseSettings(settings, `${settings.environment}.json`);
const prodWith = (edit: (s: Loose) => void) => {
  const settings = { ...structuredClone(PROD), ...structuredClone(OWN) };
  edit(settings);
  return parse(settings);
};

/** The setting each resolved default reads, turned off in a production file (with its reason). */
const OFF: Record<string, (s: Loose) => void> = {
  preventDestroy: (s) => (s.preventDestroy = false),
  'failoverDrills.enabled': (s) => (s.failoverDrills = { enabled: false }),
  'edge.accessLogs': (s) => (s.edge.accessLogs = false),
  'edge.connectionLogs': (s) => (s.edge.connectionLogs = false),
  'edge.waf': (s) => (s.edge.waf = false),
  'accelerator.flowLogs': (s) => (s.accelerator.flowLogs = false),
  'vpcEndpoints.enabled': (s) => (s.vpcEndpoints = { enabled: false }),
};

describe('tierDefaults', () => {
  it('turns every protection on in production when the file leaves it out', () => {
    const settings = prodWith((s) => {
      for (const key of ['preventDestroy', 'failoverDrills']) delete s[key];
      s.edge = { ...s.edge, accessLogs: undefined, connectionLogs: undefined, waf: undefined };
      s.accelerator = { ...s.accelerator, flowLogs: undefined, flowLogsBucket: undefined };
      s.efs = { ...s.efs, replication: undefined };
      s.replication = { ...s.replication, bidirectional: undefined };
      s.vpcEndpoints = {};
    });
    const resolved = tierDefaults(settings);
    expect(Object.entries(resolved).filter(([, on]) => !on)).toEqual([]);
  });

  it('turns every one off in development when the file leaves it out', () => {
    const settings = prodWith((s) => {
      s.tier = 'development';
      s.environment = 'qa';
      s.backup = { ...s.backup, vaultLock: undefined };
      for (const key of ['preventDestroy', 'failoverDrills', 'productionExceptions']) delete s[key];
      s.edge = { ...s.edge, accessLogs: undefined, connectionLogs: undefined, waf: undefined };
      s.accelerator = { ...s.accelerator, flowLogs: undefined, flowLogsBucket: undefined };
      s.efs = { ...s.efs, replication: undefined };
      s.replication = { ...s.replication, bidirectional: undefined };
      s.vpcEndpoints = {};
    });
    const resolved = tierDefaults(settings);
    expect(Object.entries(resolved).filter(([, on]) => on)).toEqual([]);
  });

  it('follows what a file says over the tier, in either direction', () => {
    const base = tierDefaults(prodWith(() => undefined));
    const development = { ...prodWith(() => undefined), tier: 'development' as const };
    expect(
      tierDefaults({
        ...development,
        edge: { ...development.edge, accessLogs: true, connectionLogs: undefined, waf: true },
        efs: { ...development.efs, replication: true },
      }),
    ).toMatchObject({ accessLogs: true, connectionLogs: true, waf: true, efsReplication: true });
    expect(base.loadBalancerDeletionProtection).toBe(true);
    expect(tierDefaults(development).loadBalancerDeletionProtection).toBe(false);
  });

  it('never replicates a single region file system, whatever the tier says', () => {
    const settings = prodWith(() => undefined);
    expect(tierDefaults({ ...settings, regions: settings.regions.slice(0, 1) }).efsReplication).toBe(false);
    expect(tierDefaults(settings).efsReplication).toBe(true);
  });

  it('gives a flowLogsBucket flow logs in any tier', () => {
    const settings = { ...prodWith(() => undefined), tier: 'development' as const };
    const accelerator = { ...settings.accelerator, flowLogs: undefined };
    expect(tierDefaults({ ...settings, accelerator }).acceleratorFlowLogs).toBe(false);
    expect(
      tierDefaults({ ...settings, accelerator: { ...accelerator, flowLogsBucket: 'team-flow-logs' } })
        .acceleratorFlowLogs,
    ).toBe(true);
  });

  describe('agrees with the guardrails table', () => {
    const resolvedRows = GUARDRAILS.filter((row) => row.resolvedAs !== undefined);

    it('names a resolved default for every environment-wide guardrail', () => {
      expect(GUARDRAILS.filter((row) => !row.perService && row.resolvedAs === undefined)).toEqual([]);
      expect(resolvedRows.map((row) => row.setting).sort()).toEqual(Object.keys(OFF).sort());
    });

    it.each(resolvedRows.map((row) => [row.setting, row.resolvedAs as keyof TierDefaults]))(
      '%s turned off in production (with its reason) resolves %s to off',
      (setting, key) => {
        const settings = prodWith((s) => {
          OFF[setting](s);
          s.productionExceptions = { [setting]: 'a load test environment, torn down every night' };
          if (setting === 'edge.accessLogs') s.edge.connectionLogs = true;
        });
        expect(tierDefaults(settings)[key]).toBe(false);
        expect(tierDefaults(prodWith(() => undefined))[key]).toBe(true);
      },
    );
  });
});
