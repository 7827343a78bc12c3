/**
 * The traffic record (config/<env>.traffic.json): validated against the settings, and kept on disk.
 * Its application by every synthesis is in environments/traffic-record.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError } from '../settings/load';
import { loadTrafficRecord, parseTrafficRecord, saveTrafficRecord } from '../settings/traffic-record';
import { AT, settings } from '../test-support/traffic-record-fixtures';

const root = path.resolve(__dirname, '..');

describe('parseTrafficRecord', () => {
  it('accepts an evacuated region of the settings', () => {
    expect(
      parseTrafficRecord(
        { evacuated: { 'eu-west-1': { at: AT, by: 'alice', reason: 'outage' } } },
        'r',
        settings,
      ),
    ).toEqual({
      evacuated: { 'eu-west-1': { at: AT, by: 'alice', reason: 'outage' } },
    });
  });

  it.each([
    [
      { evacuated: { 'eu-west-3': { at: AT, by: 'a' } } },
      'evacuated["eu-west-3"]: got "eu-west-3"; not a region of test (its regions: us-east-1, eu-west-1)',
    ],
    [
      { evacuated: { 'eu-west-1': { at: '3 Dec', by: 'a' } } },
      'evacuated["eu-west-1"].at: got "3 Dec"; expected an ISO 8601 UTC time such as 2026-12-03T14:40:00Z',
    ],
    [
      { evacuated: { 'eu-west-1': { at: AT } } },
      'evacuated["eu-west-1"].by: got nothing; expected text of 1 to 100 characters, one line',
    ],
    [
      { evacuated: { 'eu-west-1': { at: AT, by: 'a\nb' } } },
      'evacuated["eu-west-1"].by: got "a\\nb"; expected text of 1 to 100 characters, one line',
    ],
    [{ evacuated: { 'eu-west-1': { at: AT, by: '${x}' } } }, 'evacuated["eu-west-1"].by: got "${x}"'],
    [
      { evacuated: { 'eu-west-1': { at: AT, by: 'a', when: 1 } } },
      'evacuated["eu-west-1"].when: got 1; unknown key; allowed: at, by, reason',
    ],
    [{ evacuated: [] }, 'evacuated: got []; expected an object keyed by region name'],
    [{ evacuated: {}, note: 'x' }, 'note: got "x"; unknown key; the record holds only "evacuated"'],
    [
      { evacuated: { 'us-east-1': { at: AT, by: 'a' }, 'eu-west-1': { at: AT, by: 'a' } } },
      'evacuated: got ["us-east-1","eu-west-1"]; every region of test is evacuated, so no region would take traffic',
    ],
  ])('refuses %j, naming the key, the value and what is allowed', (raw, message) => {
    expect(() => parseTrafficRecord(raw, 'config/test.traffic.json', settings)).toThrow(SettingsError);
    expect(() => parseTrafficRecord(raw, 'config/test.traffic.json', settings)).toThrow(
      `config/test.traffic.json: invalid traffic record\n  ${message}`,
    );
  });
});

describe('the record on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'traffic-record-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ PLATFORM_ENV: 'test', PLATFORM_CONFIG_DIR: dir });

  it('is empty when the file does not exist', () => {
    expect(loadTrafficRecord(env(), root, settings)).toEqual({ evacuated: {} });
  });

  it('round-trips, and is deleted when nothing is evacuated any more', () => {
    const file = path.join(dir, 'test.traffic.json');
    saveTrafficRecord(file, { evacuated: { 'eu-west-1': { at: AT, by: 'alice' } } });
    expect(loadTrafficRecord(env(), root, settings)).toEqual({
      evacuated: { 'eu-west-1': { at: AT, by: 'alice' } },
    });
    saveTrafficRecord(file, { evacuated: {} });
    expect(() => readFileSync(file)).toThrow();
  });

  it('names the file when it is not JSON', () => {
    writeFileSync(path.join(dir, 'test.traffic.json'), '{');
    expect(() => loadTrafficRecord(env(), root, settings)).toThrow(/test\.traffic\.json: not valid JSON/);
  });
});
