/**
 * Tier production at deploy, as processes: npm run deploy refuses a production file still holding
 * the shipped placeholders before cdktf runs, and the built deploy check passes own values. These
 * tests start processes, so they run in `npm test`, not in the in-process layers; the placeholders
 * in-process are in production-guardrails.test.ts and environments/production-guardrails.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Loose, PROD, prodWith } from '../test-support/production-guardrails-fixtures';

const root = path.resolve(__dirname, '..');

/** The scratch folders of the settings files, removed after the tests. */
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function configDir(settings: Loose, environment = 'prod'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guardrails-'));
  scratch.push(dir);
  writeFileSync(path.join(dir, `${environment}.json`), JSON.stringify(settings));
  return dir;
}

describe('the shipped placeholders', () => {
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
