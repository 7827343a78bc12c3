/**
 * Tier production: each protection production turns on by default needs a reason of its own to
 * be turned off, and what the settings refuse regardless; the shipped placeholders are recognized.
 * The reasons printed at synth and the placeholders named at synth are in
 * environments/production-guardrails.test.ts; npm run deploy refusing the placeholders is in
 * cli-deploy-check.test.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SettingsError, parseSettings } from '../settings/load';
import { GUARDRAILS, NOT_SWITCHABLE } from '../settings/production-guardrails';
import { isPlaceholderAccount, isPlaceholderZone } from '../settings/placeholders';
import {
  GUARDRAIL_OFF,
  Loose,
  PROD,
  SWITCHED_OFF,
  prodWith,
} from '../test-support/production-guardrails-fixtures';

const root = path.resolve(__dirname, '..');

function refusal(settings: Loose): string {
  try {
    parseSettings(settings, `${settings.environment}.json`);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('production protections', () => {
  it('covers every guardrail of the table here', () => {
    expect(Object.keys(GUARDRAIL_OFF).sort()).toEqual(GUARDRAILS.map((g) => g.setting).sort());
  });

  it.each(Object.entries(SWITCHED_OFF))(
    'refuses %s turned off without a reason of its own',
    (setting, off) => {
      const message = refusal(prodWith(off));
      expect(message).toContain(`  ${setting}: got false; tier "production" turns this on (`);
      expect(message).toContain(`state why in productionExceptions["${setting}"]`);
    },
  );

  it('says connection logs are off because they follow access logs, without echoing a value never written', () => {
    const message = refusal(
      prodWith((s) => {
        delete s.edge.connectionLogs;
        s.edge.accessLogs = false;
      }),
    );
    expect(message).toContain(
      '  edge.connectionLogs: got nothing; off, as it follows edge.accessLogs; tier "production" turns this on',
    );
  });

  it('does not count the WAF off when every region brings its own web ACL', () => {
    const settings = prodWith((s) => {
      s.edge.waf = false;
      s.regions = s.regions.map((r: Loose) => ({
        ...r,
        webAclArn: `arn:aws:wafv2:${r.name}:210987654321:regional/webacl/shared/0123abcd-0123-4567-89ab-0123456789ab`,
      }));
    });
    expect(parseSettings(settings, 'prod.json').edge.waf).toBe(false);
  });

  it('asks a reason of each service that turns its deployment alarms off: one service’s does not cover another’s', () => {
    // GIVEN api and admin without deployment alarms, and a reason for api only
    const message = refusal(
      prodWith((s) => {
        s.services.api.service.deploymentAlarms = false;
        s.services.admin.service.deploymentAlarms = false;
        s.productionExceptions = {
          'services.api.service.deploymentAlarms': 'api releases are rolled back by hand, runbook R-12',
        };
      }),
    );
    // THEN only admin is refused, under its own setting
    expect(message).toContain(
      '  services.admin.service.deploymentAlarms: got false; tier "production" turns this on (',
    );
    expect(message).toContain('state why in productionExceptions["services.admin.service.deploymentAlarms"]');
    expect(message).not.toContain('services.api.service.deploymentAlarms: got false');
    expect(message).not.toContain('services.app.service.deploymentAlarms');
  });

  it('refuses a deployment alarms reason that names no service, or a service whose alarms are on', () => {
    const message = refusal(
      prodWith(
        (s) =>
          (s.productionExceptions = {
            'services.web.service.deploymentAlarms': 'web releases are rolled back by hand, runbook R-12',
          }),
      ),
    );
    expect(message).toContain(
      '  productionExceptions["services.web.service.deploymentAlarms"]: got "web releases are rolled back by hand, runbook R-12"; names no service of services (app, api, admin, mailer, nightly); remove it',
    );
    expect(
      refusal(
        prodWith(
          (s) =>
            (s.productionExceptions = {
              'services.api.service.deploymentAlarms': 'api releases are rolled back by hand, runbook R-12',
            }),
        ),
      ),
    ).toContain('services.api.service.deploymentAlarms is on, so this reason accepts nothing; remove it');
    expect(
      refusal(
        prodWith(
          (s) =>
            (s.productionExceptions = {
              'service.deploymentAlarms': 'releases are rolled back by hand, runbook R-12',
            }),
        ),
      ),
    ).toContain(
      '  productionExceptions["service.deploymentAlarms"]: got "service.deploymentAlarms"; not a production protection that can be turned off with a reason; these are: preventDestroy, services.<name>.service.deploymentAlarms,',
    );
  });

  it('refuses a reason for a protection that is on, a reason outside production, and an unknown key', () => {
    expect(
      refusal(
        prodWith((s) => (s.productionExceptions = { preventDestroy: 'we tear this down every night' })),
      ),
    ).toContain(
      '  productionExceptions.preventDestroy: got "we tear this down every night"; preventDestroy is on, so this reason accepts nothing; remove it',
    );
    const dev = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as Loose;
    expect(
      refusal({
        ...dev,
        preventDestroy: false,
        productionExceptions: { preventDestroy: 'we tear this down every night' },
      }),
    ).toContain('only tier "production" needs a reason to turn preventDestroy off; remove it');
    expect(
      refusal(
        prodWith((s) => (s.productionExceptions = { natGateways: 'one NAT gateway is cheaper for us' })),
      ),
    ).toContain(
      '  productionExceptions.natGateways: got "natGateways"; not a production protection that can be turned off with a reason',
    );
    expect(
      refusal(
        prodWith((s) => {
          s.preventDestroy = false;
          s.productionExceptions = { preventDestroy: 'because' };
        }),
      ),
    ).toContain('one line of 20 to 500 characters');
  });

  it.each([
    ['natGateways "single"', (s: Loose) => (s.natGateways = 'single'), 'natGateways: got "single"'],
    ['no vault lock', (s: Loose) => delete s.backup.vaultLock, 'backup.vaultLock: got nothing'],
    [
      'image tag latest',
      (s: Loose) => (s.services.admin.image.tag = 'latest'),
      'services.admin.image.tag: got "latest"; tier "production" refuses "latest"',
    ],
    [
      'no container health check',
      (s: Loose) => delete s.services.api.task.healthCheckCommand,
      'services.api.task.healthCheckCommand: got nothing',
    ],
  ])('cannot switch off %s at all, reason or not', (_what, edit, expected) => {
    expect(refusal(prodWith(edit))).toContain(expected);
    expect(NOT_SWITCHABLE.length).toBeGreaterThanOrEqual(4);
  });
});

describe('the shipped placeholders', () => {
  it('recognizes the shipped account and zone, and not real-looking ones', () => {
    expect(isPlaceholderAccount(PROD.accountId)).toBe(true);
    expect(isPlaceholderAccount('111111111111')).toBe(true);
    expect(isPlaceholderAccount('123456789012')).toBe(true);
    expect(isPlaceholderAccount('210987654321')).toBe(false);
    expect(isPlaceholderZone(PROD.domain.hostedZoneId)).toBe(true);
    expect(isPlaceholderZone('Z0123456789ABCDEFGHIJ')).toBe(false);
  });
});
