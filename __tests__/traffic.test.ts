/**
 * `npm run traffic`: evacuate, return and status against the Global Accelerator stand-in, reached
 * only through AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR; every other endpoint (AWS_ENDPOINT_URL) is a
 * loopback port that accepts and never answers, and must see no connection.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrafficOptions, traffic } from '../tools/traffic';
import {
  GlobalAcceleratorStandIn,
  SilentEndpoint,
  StandInAccelerator,
  closedEndpoint,
  startGlobalAcceleratorStandIn,
  startSilentEndpoint,
} from '../test-support/global-accelerator-stand-in';

const root = path.resolve(__dirname, '..');
const DEV = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as {
  regions: Array<Record<string, unknown>>;
};

const arn = (region: string) =>
  `arn:aws:elasticloadbalancing:${region}:111111111111:loadbalancer/app/fargate-dev-alb/0123456789abcdef`;
const group = (region: string, dial = 100) => ({
  region,
  trafficDialPercentage: dial,
  healthCheckPort: 80,
  healthCheckProtocol: 'TCP',
  healthCheckIntervalSeconds: 10,
  thresholdCount: 3,
  endpoints: [{ id: arn(region), weight: 100 }],
});
/** The dev accelerator with two listeners (as with a domain), after another environment's. */
const SEED: StandInAccelerator[] = [
  {
    name: 'fargate-prod',
    listeners: [{ port: 80, endpointGroups: [group('us-east-1'), group('eu-west-1')] }],
  },
  {
    name: 'fargate-dev',
    listeners: [
      { port: 80, endpointGroups: [group('us-east-1'), group('eu-west-1')] },
      { port: 443, endpointGroups: [group('us-east-1'), group('eu-west-1')] },
    ],
  },
];

let dir: string;
let configDir: string;
let standIn: GlobalAcceleratorStandIn;
let silent: SilentEndpoint;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'traffic-'));
  configDir = path.join(dir, 'config');
  mkdirSync(configDir);
  writeFileSync(path.join(configDir, 'dev.json'), JSON.stringify(DEV));
  // A page of one: the tool must follow NextToken.
  standIn = await startGlobalAcceleratorStandIn(SEED, 1);
  silent = await startSilentEndpoint();
});

afterEach(async () => {
  await standIn.stop();
  await silent.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
  seconds: number;
}

async function run(
  argv: string[],
  extra: Partial<TrafficOptions> & { env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const started = Date.now();
  const code = await traffic({
    argv,
    projectRoot: root,
    now: () => new Date('2026-12-03T14:40:00.123Z'),
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    ...extra,
    env: {
      PLATFORM_ENV: 'dev',
      PLATFORM_CONFIG_DIR: configDir,
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: standIn.endpoint,
      // Anything but Global Accelerator would go here, and hang.
      AWS_ENDPOINT_URL: silent.endpoint,
      ...extra.env,
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), seconds: (Date.now() - started) / 1000 };
}

const recordFile = () => path.join(configDir, 'dev.traffic.json');

describe('npm run traffic -- evacuate', () => {
  it("sets every listener's endpoint group of the region to 0, and nothing else", async () => {
    // WHEN eu-west-1 is evacuated
    const result = await run(['evacuate', 'eu-west-1', '--by', 'alice', '--reason', 'eu-west-1 outage']);
    // THEN both of dev's listeners' eu-west-1 groups are at 0; us-east-1 and prod are untouched
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(standIn.dials()).toEqual({
      'fargate-prod/80/us-east-1': 100,
      'fargate-prod/80/eu-west-1': 100,
      'fargate-dev/80/us-east-1': 100,
      'fargate-dev/80/eu-west-1': 0,
      'fargate-dev/443/us-east-1': 100,
      'fargate-dev/443/eu-west-1': 0,
    });
    // AND it only ever asked Global Accelerator, signed for us-west-2, and nothing else was reached
    expect(new Set(standIn.calls.map((c) => `${c.signingService}/${c.signingRegion}`))).toEqual(
      new Set(['globalaccelerator/us-west-2']),
    );
    expect(standIn.calls.filter((c) => c.operation === 'UpdateEndpointGroup')).toHaveLength(2);
    expect(silent.connections()).toBe(0);
  });

  it('sends the health check settings back unchanged with the new dial', async () => {
    await run(['evacuate', 'eu-west-1']);
    const update = standIn.calls.find((c) => c.operation === 'UpdateEndpointGroup');
    expect(update?.body).toEqual({
      EndpointGroupArn: expect.stringContaining('/endpoint-group/'),
      TrafficDialPercentage: 0,
      HealthCheckPort: 80,
      HealthCheckProtocol: 'TCP',
      HealthCheckIntervalSeconds: 10,
      ThresholdCount: 3,
    });
  });

  it('records the evacuation for routine plans and says to commit it and how to confirm', async () => {
    const result = await run(['evacuate', 'eu-west-1', '--by', 'alice', '--reason', 'eu-west-1 outage']);
    expect(JSON.parse(readFileSync(recordFile(), 'utf8'))).toEqual({
      evacuated: { 'eu-west-1': { at: '2026-12-03T14:40:00Z', by: 'alice', reason: 'eu-west-1 outage' } },
    });
    expect(result.out).toContain(
      `recorded in ${recordFile()}: eu-west-1 evacuated at 2026-12-03T14:40:00Z by alice`,
    );
    expect(result.out).toMatch(
      /listener TCP 80: endpoint group eu-west-1 arn:\S+: traffic dial 100 -> 0, confirmed by DescribeEndpointGroup/,
    );
    expect(result.out).toMatch(/listener TCP 443: endpoint group eu-west-1 arn:\S+: traffic dial 100 -> 0/);
    expect(result.out).toContain(`git add -A ${recordFile()} && git commit -m "traffic: evacuate eu-west-1"`);
    expect(result.out).toMatch(
      /aws globalaccelerator describe-endpoint-group --region us-west-2 --endpoint-group-arn arn:\S+ --query EndpointGroup.TrafficDialPercentage/,
    );
    expect(result.out).toContain('no call goes to eu-west-1');
  });

  it('is idempotent: a second run keeps the first record and changes nothing', async () => {
    await run(['evacuate', 'eu-west-1', '--by', 'alice']);
    const updates = standIn.calls.filter((c) => c.operation === 'UpdateEndpointGroup').length;
    const again = await run(['evacuate', 'eu-west-1', '--by', 'bob']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('recorded already');
    expect(again.out).toContain('traffic dial 0 -> 0 (already)');
    expect(standIn.calls.filter((c) => c.operation === 'UpdateEndpointGroup')).toHaveLength(updates);
    expect(JSON.parse(readFileSync(recordFile(), 'utf8')).evacuated['eu-west-1'].by).toBe('alice');
  });

  it('ends within its deadline with a clear message when the endpoint accepts and never answers', async () => {
    // GIVEN Global Accelerator's endpoint is the silent port, each call bounded at 10 s, the command at 0.8 s
    const result = await run(['evacuate', 'eu-west-1'], {
      env: { AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: silent.endpoint },
      deadlineMs: 800,
    });
    // THEN it stops at the command's bound, says so, and keeps the record for the next plan
    expect(result.code).toBe(1);
    expect(result.seconds).toBeLessThan(5);
    expect(result.err).toContain(
      `Global Accelerator's API at ${silent.endpoint} did not answer ListAccelerators within 0.8 s`,
    );
    expect(result.err).toContain('eu-west-1 is NOT (entirely) evacuated');
    expect(existsSync(recordFile())).toBe(true);
  });

  it('ends at once with a clear message when nothing listens on the endpoint', async () => {
    const closed = await closedEndpoint();
    const result = await run(['evacuate', 'eu-west-1'], {
      env: { AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: closed },
    });
    expect(result.code).toBe(1);
    expect(result.seconds).toBeLessThan(5);
    expect(result.err).toContain(
      `cannot reach Global Accelerator's API at ${closed} (ListAccelerators): ECONNREFUSED`,
    );
  });

  it('falls back to AWS_ENDPOINT_URL, as the SDKs do', async () => {
    const result = await run(['evacuate', 'eu-west-1'], {
      env: { AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: undefined, AWS_ENDPOINT_URL: standIn.endpoint },
    });
    expect(result.code).toBe(0);
    expect(standIn.dials()['fargate-dev/80/eu-west-1']).toBe(0);
  });

  it('says when the environment has no accelerator', async () => {
    await standIn.stop();
    standIn = await startGlobalAcceleratorStandIn([SEED[0]]);
    const result = await run(['evacuate', 'eu-west-1']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('no accelerator named fargate-dev in this account (ListAccelerators)');
  });

  it('refuses to evacuate the last region that carries traffic', async () => {
    await run(['evacuate', 'eu-west-1']);
    const result = await run(['evacuate', 'us-east-1']);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'error: evacuating us-east-1 would leave no region of dev to take its traffic (evacuated already: eu-west-1; return one first)',
    );
    expect(standIn.dials()['fargate-dev/80/us-east-1']).toBe(100);
  });

  it.each([
    [
      ['evacuate', 'eu-west-3'],
      'error: region "eu-west-3" is not a region of dev (its regions: us-east-1, eu-west-1)',
    ],
    [['evacuate'], 'error: evacuate needs a region'],
    [['leave', 'eu-west-1'], 'error: unknown command "leave"'],
    [['return', 'eu-west-1', '--by', 'x'], 'error: unknown option "--by" for return'],
    [['evacuate', 'eu-west-1', '--reason'], 'error: --reason needs a value'],
  ])('refuses %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(standIn.calls).toEqual([]);
  });

  it('refuses to start without credentials', async () => {
    const result = await run(['evacuate', 'eu-west-1'], { env: { AWS_ACCESS_KEY_ID: undefined } });
    expect(result.code).toBe(2);
    expect(result.err).toContain('error: no AWS credentials');
    expect(existsSync(recordFile())).toBe(false);
  });
});

describe('npm run traffic -- return', () => {
  it("restores the settings' dial and removes the record", async () => {
    // GIVEN eu-west-1 is configured at 50 and evacuated
    const regions = DEV.regions.map((r) =>
      r.name === 'eu-west-1' ? { ...r, trafficDialPercentage: 50 } : r,
    );
    writeFileSync(path.join(configDir, 'dev.json'), JSON.stringify({ ...DEV, regions }));
    await run(['evacuate', 'eu-west-1']);
    // WHEN it is returned
    const result = await run(['return', 'eu-west-1']);
    // THEN its groups are at 50 again and the record is gone
    expect(result.code).toBe(0);
    expect(standIn.dials()['fargate-dev/80/eu-west-1']).toBe(50);
    expect(standIn.dials()['fargate-dev/443/eu-west-1']).toBe(50);
    expect(existsSync(recordFile())).toBe(false);
    expect(result.out).toContain('traffic dial 0 -> 50');
    expect(result.out).toContain('(now empty, so deleted)');
    expect(silent.connections()).toBe(0);
  });

  it('keeps the record when the accelerator does not answer', async () => {
    await run(['evacuate', 'eu-west-1']);
    const result = await run(['return', 'eu-west-1'], {
      env: { AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: silent.endpoint },
      deadlineMs: 800,
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('eu-west-1 is NOT returned');
    expect(existsSync(recordFile())).toBe(true);
  });
});

describe('npm run traffic -- status', () => {
  it('lists every endpoint group with its dial and the record', async () => {
    await run(['evacuate', 'eu-west-1', '--by', 'alice']);
    const result = await run(['status']);
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'listener TCP 80: eu-west-1 traffic dial 0 (evacuated at 2026-12-03T14:40:00Z by alice)',
    );
    expect(result.out).toContain('listener TCP 443: us-east-1 traffic dial 100');
  });
});
