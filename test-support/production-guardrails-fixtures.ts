/** The shipped prod settings, an own account and zone for them, and each production guardrail turned off. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
export type Loose = Record<string, any>;
export const PROD = JSON.parse(readFileSync(path.join(root, 'config', 'prod.json'), 'utf8')) as Loose;
/** The shipped prod settings with an account and a zone of one's own. */
export const OWN = {
  accountId: '210987654321',
  domain: { ...PROD.domain, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
};

/**
 * Every guardrail of the table (a per-service one as the table names it, `services.<name>....`),
 * with the setting turned off in the shipped prod file (a per-service one for the service api).
 */
export const GUARDRAIL_OFF: Record<string, { setting: string; off: (s: Loose) => void }> = {
  preventDestroy: { setting: 'preventDestroy', off: (s) => (s.preventDestroy = false) },
  'services.<name>.service.deploymentAlarms': {
    setting: 'services.api.service.deploymentAlarms',
    off: (s) => (s.services.api.service.deploymentAlarms = false),
  },
  'failoverDrills.enabled': {
    setting: 'failoverDrills.enabled',
    off: (s) => (s.failoverDrills = { enabled: false }),
  },
  'edge.accessLogs': { setting: 'edge.accessLogs', off: (s) => (s.edge.accessLogs = false) },
  'edge.connectionLogs': { setting: 'edge.connectionLogs', off: (s) => (s.edge.connectionLogs = false) },
  'edge.waf': { setting: 'edge.waf', off: (s) => (s.edge.waf = false) },
  'accelerator.flowLogs': { setting: 'accelerator.flowLogs', off: (s) => (s.accelerator.flowLogs = false) },
  'vpcEndpoints.enabled': {
    setting: 'vpcEndpoints.enabled',
    off: (s) => (s.vpcEndpoints = { enabled: false }),
  },
};

/** Every guardrail's setting turned off, by the setting as messages name it. */
export const SWITCHED_OFF: Record<string, (s: Loose) => void> = Object.fromEntries(
  Object.values(GUARDRAIL_OFF).map(({ setting, off }) => [setting, off]),
);

/** The shipped prod settings with {@link OWN} account and zone, then `edit` applied. */
export const prodWith = (edit: (s: Loose) => void): Loose => {
  const settings = { ...structuredClone(PROD), ...structuredClone(OWN) };
  edit(settings);
  return settings;
};
