/**
 * Tier production, at synth of the whole app: each accepted reason for a protection turned off is
 * printed, and a production file still holding the shipped placeholders is told so (the synth still
 * works offline). The rules on reasons are in ../production-guardrails.test.ts; npm run deploy
 * refusing the placeholders is in ../cli-deploy-check.test.ts.
 */
import { runAppOn } from '../../test-support/run-app';
import { Loose, PROD, SWITCHED_OFF, prodWith } from '../../test-support/production-guardrails-fixtures';

/** The app run on `settings` as prod, with what it printed as text. */
function synth(settings: Loose) {
  const { code, stdout, stderr } = runAppOn('prod', settings);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('production protections', () => {
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
});

describe('the shipped placeholders', () => {
  it('are named in a visible line at every production synth, and the synth still works offline', () => {
    const result = synth(structuredClone(PROD));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'settings: warning: the settings of prod still holds the shipped placeholder accountId "222222222222" and domain.hostedZoneId "ZPLACEHOLDER000000000"; fine for synth and the offline plan, but replace them with your own before the first deploy (npm run deploy refuses them)',
    );
  });
});
