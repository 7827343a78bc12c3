/**
 * The traffic record (config/<env>.traffic.json) applied by every synthesis (the evacuated region's
 * endpoint groups stay at dial 0, with a line saying so), and nothing synthesized when it is wrong.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { buildStacks, run } from '../../stacks/app';
import { resources, synthJson, testSettings } from '../../test-support/synth';
import { AT, settings } from '../../test-support/traffic-record-fixtures';

const root = path.resolve(__dirname, '../..');

describe('synthesis with an evacuated region', () => {
  const dials = (json: ReturnType<typeof synthJson>) =>
    Object.fromEntries(
      resources(json, 'aws_globalaccelerator_endpoint_group').map((group) => [
        group.path.split('/').slice(-2).join('/'),
        group.traffic_dial_percentage,
      ]),
    );

  it("keeps every listener's endpoint group of the region at 0, whatever the settings say, and says so", () => {
    // GIVEN settings with a domain (two listeners) and eu-west-1 at 70, and a record evacuating it
    const withDomain = testSettings({
      domain: { zoneName: 'example.com', recordName: 'app', createZone: true },
      regions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        {
          name: 'eu-west-1',
          vpcCidr: '10.1.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          trafficDialPercentage: 70,
        },
      ],
    } as never);
    const lines: string[] = [];
    const app = Testing.app();
    // WHEN the stacks are built with it
    buildStacks(app, withDomain, (line) => lines.push(line), {
      evacuated: { 'eu-west-1': { at: AT, by: 'alice', reason: 'outage' } },
    });
    const platform = app.node.findChild('fargate-test') as Parameters<typeof synthJson>[0];
    // THEN eu-west-1's groups are at 0 on both listeners, us-east-1's at the settings' 100
    expect(dials(synthJson(platform))).toEqual({
      'us-east-1/HttpEndpointGroup': 100,
      'us-east-1/HttpsEndpointGroup': 100,
      'eu-west-1/HttpEndpointGroup': 0,
      'eu-west-1/HttpsEndpointGroup': 0,
    });
    // AND every synthesis says so
    expect(lines).toContain(
      'traffic: eu-west-1 evacuated at 2026-12-03T14:40:00Z by alice (outage): its endpoint groups stay at traffic dial 0; `npm run traffic -- return eu-west-1` to bring it back',
    );
  });

  it('changes nothing without a record', () => {
    const app = Testing.app();
    const lines: string[] = [];
    buildStacks(app, settings, (line) => lines.push(line));
    const platform = app.node.findChild('fargate-test') as Parameters<typeof synthJson>[0];
    expect(Object.values(dials(synthJson(platform)))).toEqual([100, 100]);
    expect(lines.filter((line) => line.startsWith('traffic:'))).toEqual([]);
  });

  it('synthesizes nothing when the record is wrong', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'traffic-record-app-'));
    try {
      mkdirSync(path.join(dir, 'config'));
      writeFileSync(
        path.join(dir, 'config', 'dev.json'),
        readFileSync(path.join(root, 'config', 'dev.json')),
      );
      writeFileSync(
        path.join(dir, 'config', 'dev.traffic.json'),
        JSON.stringify({ evacuated: { 'ap-south-1': { at: AT, by: 'a' } } }),
      );
      const errors: string[] = [];
      const outdir = path.join(dir, 'out');
      const code = run({
        env: { PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: path.join(dir, 'config') },
        projectRoot: root,
        outdir,
        stderr: (line) => errors.push(line),
      });
      expect(code).toBe(1);
      expect(errors.join('\n')).toContain(
        'dev.traffic.json: invalid traffic record\n  evacuated["ap-south-1"]: got "ap-south-1"; not a region of dev',
      );
      expect(errors).toContain('Nothing was synthesized.');
      expect(() => readFileSync(path.join(outdir, 'manifest.json'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
