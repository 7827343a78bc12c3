/**
 * Tier production: each protection production turns on by default needs a reason of its own to
 * be turned off, and each accepted reason is printed at every synth; a production file still
 * holding the shipped placeholders is told so at synth and refused at deploy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError, parseSettings } from '../../settings/load';
import { GUARDRAILS, NOT_SWITCHABLE } from '../../settings/production-guardrails';
import { isPlaceholderAccount, isPlaceholderZone } from '../../settings/placeholders';
import { run } from '../../stacks/app';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;
const PROD = JSON.parse(readFileSync(path.join(root, 'config', 'prod.json'), 'utf8')) as Loose;
/** The shipped prod settings with an account and a zone of one's own. */
const OWN = { accountId: '210987654321', domain: { ...PROD.domain, hostedZoneId: 'Z0123456789ABCDEFGHIJ' } };

/**
 * Every guardrail of the table (a per-service one as the table names it, `services.<name>....`),
 * with the setting turned off in the shipped prod file (a per-service one for the service api).
 */
const GUARDRAIL_OFF: Record<string, { setting: string; off: (s: Loose) => void }> = {
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
const SWITCHED_OFF: Record<string, (s: Loose) => void> = Object.fromEntries(
  Object.values(GUARDRAIL_OFF).map(({ setting, off }) => [setting, off]),
);

/** The scratch folders of the synths, removed after the tests. */
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function configDir(settings: Loose, environment = 'prod'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guardrails-'));
  scratch.push(dir);
  writeFileSync(path.join(dir, `${environment}.json`), JSON.stringify(settings));
  return dir;
}

function synth(settings: Loose, environment = 'prod') {
  const dir = configDir(settings, environment);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = run({
    env: { PLATFORM_ENV: environment, PLATFORM_CONFIG_DIR: dir },
    projectRoot: root,
    outdir: path.join(dir, 'out'),
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const prodWith = (edit: (s: Loose) => void): Loose => {
  const settings = { ...structuredClone(PROD), ...structuredClone(OWN) };
  edit(settings);
  return settings;
};

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

  it('accepts every protection turned off with its reason, and prints each reason at synth', () => {
    const settings = prodWith((s) => {
      for (const off of Object.values(SWITCHED_OFF)) off(s);
      s.productionExceptions = Object.fromEntries(
        Object.keys(SWITCHED_OFF).map((setting) => [
          setting,
          `load test environment ${setting}, torn down nightly`,
        ]),
      );
    });
    const result = synth(settings);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const setting of Object.keys(SWITCHED_OFF)) {
      expect(result.stdout).toMatch(
        new RegExp(
          `^settings: accepted productionExceptions\\["${setting.replace(/\./g, '\\.')}"\\] for prod \\(${setting.replace(/\./g, '\\.')} off in tier production, without: .+\\): load test environment ${setting.replace(/\./g, '\\.')}, torn down nightly$`,
          'm',
        ),
      );
    }
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

  it('are named in a visible line at every production synth, and the synth still works offline', () => {
    const result = synth(structuredClone(PROD));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'settings: warning: the settings of prod still holds the shipped placeholder accountId "222222222222" and domain.hostedZoneId "ZPLACEHOLDER000000000"; fine for synth and the offline plan, but replace them with your own before the first deploy (npm run deploy refuses them)',
    );
  });

  it('are refused by npm run deploy before cdktf runs; own values pass the check', () => {
    const deploy = (dir: string) =>
      spawnSync('npm', ['run', '--silent', 'deploy', '--', 'fargate-prod'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PLATFORM_ENV: 'prod', PLATFORM_CONFIG_DIR: dir },
      });
    const shipped = deploy(configDir(structuredClone(PROD)));
    expect(shipped.status).toBe(1);
    expect(shipped.stderr).toContain(
      'prod.json: tier "production" still holds the shipped placeholder accountId "222222222222" and domain.hostedZoneId "ZPLACEHOLDER000000000"',
    );
    expect(shipped.stderr).toContain('Nothing was deployed.');
    expect(`${shipped.stdout}${shipped.stderr}`).not.toMatch(/Synthesizing|Initializing/);
    const own = spawnSync('node', ['dist/deploy-check.js'], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        PLATFORM_ENV: 'prod',
        PLATFORM_CONFIG_DIR: configDir(prodWith(() => undefined)),
      },
    });
    expect(own.stderr).toBe('');
    expect(own.status).toBe(0);
  });
});
