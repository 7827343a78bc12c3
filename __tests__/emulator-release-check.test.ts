/**
 * The release helper against moto's ECR: repositories and images are seeded through the helper's
 * own signed ECR client, then `releaseCheck` runs as `npm run release:check` would, with the
 * endpoint pointed at the emulator through AWS_ENDPOINT_URL_ECR.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ecrCall } from '../tools/aws/ecr';
import { Moto, startMoto } from '../tools/emulator/moto';
import { releaseCheck } from '../tools/release-check';

const ACCOUNT = '123456789012';
const REPOSITORY = 'fargate/prod/app';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: Moto;
const scratch: string[] = [];

/** A distinct image manifest; `digest` is what ECR (here moto) answers when it is pushed. */
function manifest(label: string): { text: string; digest: string } {
  const layer = `sha256:${createHash('sha256').update(label).digest('hex')}`;
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1469, digest: layer },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 2811, digest: layer }],
  });
  return { text, digest: '' };
}

const ecr = (region: string) => ({
  region,
  credentials,
  env: { AWS_ENDPOINT_URL_ECR: moto.endpoint },
});
async function push(region: string, tag: string, image: { text: string; digest: string }): Promise<void> {
  const answer = await ecrCall<{ image: { imageId: { imageDigest: string } } }>(ecr(region), 'PutImage', {
    repositoryName: REPOSITORY,
    imageManifest: image.text,
    imageTag: tag,
  });
  const digest = answer.image.imageId.imageDigest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  // The same bytes have the same digest in every region, as ECR replication keeps it.
  if (image.digest) expect(digest).toBe(image.digest);
  image.digest = digest;
}

const release120 = manifest('1.2.0');
const release130 = manifest('1.3.0');

beforeAll(async () => {
  moto = await startMoto({ accountId: ACCOUNT });
  for (const region of ['us-east-1', 'eu-west-1']) {
    await ecrCall(ecr(region), 'CreateRepository', { repositoryName: REPOSITORY });
    await push(region, '1.2.0', release120);
  }
  // 1.3.0 is pushed to the primary; replication has not reached eu-west-1 yet.
  await push('us-east-1', '1.3.0', release130);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** The one service's image and per-region values; the rest of the settings is fixed. */
interface AppSettings {
  image?: Record<string, unknown>;
  regions?: Record<string, Record<string, unknown>>;
  /** The environment's regions. @default - us-east-1 and eu-west-1 */
  environmentRegions?: Array<Record<string, unknown>>;
}

/** Runs the helper for a prod environment whose service app has `app` (config/prod.json in a folder of its own). */
async function check(app: AppSettings, argv: string[] = ['--env', 'prod'], env = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'release-check-'));
  scratch.push(dir);
  const file: Record<string, unknown> = {
    app: 'fargate',
    environment: 'prod',
    tier: 'production',
    accountId: ACCOUNT,
    ...(app.environmentRegions ? { regions: app.environmentRegions } : {}),
    services: {
      app: {
        legacyNames: true,
        image: app.image ?? { tag: '1.2.0' },
        task: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
        routing: { paths: ['/*'], priority: 100 },
        ...(app.regions ? { regions: app.regions } : {}),
      },
    },
    backup: { vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 } },
    alarms: { emails: ['oncall@example.com'] },
    edge: { plainHttpReason: 'test fixture: the release check reads the image settings only' },
  };
  writeFileSync(path.join(dir, 'prod.json'), JSON.stringify(file));
  const out: string[] = [];
  const err: string[] = [];
  const code = await releaseCheck({
    argv,
    env: {
      PLATFORM_CONFIG_DIR: dir,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_ECR: moto.endpoint,
      ...env,
    },
    projectRoot: dir,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('release:check', () => {
  it('passes when every region of the environment has the tag', async () => {
    const result = await check({});
    expect(result.code).toBe(0);
    expect(result.out).toContain(`us-east-1: ok tag 1.2.0 = ${release120.digest} in ${REPOSITORY}`);
    expect(result.out).toContain(`eu-west-1: ok tag 1.2.0 = ${release120.digest} in ${REPOSITORY}`);
    expect(result.out).toContain('every region of the wave has its image');
  });

  it('names the region of the wave that lacks the tag and exits 1', async () => {
    // GIVEN a wave that moves eu-west-1 to 1.3.0, which only the primary has
    const result = await check({ regions: { 'eu-west-1': { image: { tag: '1.3.0' } } } }, [
      '--env',
      'prod',
      '--regions',
      'eu-west-1',
    ]);
    // THEN
    expect(result.code).toBe(1);
    expect(result.out).toContain('eu-west-1: MISSING tag 1.3.0: not in fargate/prod/app');
    expect(result.out).toContain('1 of 1 regions lack the image: eu-west-1');
    expect(result.out).not.toContain('us-east-1');
  });

  it('checks only the regions of the wave', async () => {
    const result = await check({ image: { tag: '1.3.0' } }, ['--env', 'prod', '--regions=us-east-1']);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`us-east-1: ok tag 1.3.0 = ${release130.digest}`);
  });

  it('checks a pinned digest in every region, and names the one without it', async () => {
    expect((await check({ image: { tag: '1.2.0', digest: release120.digest } })).code).toBe(0);
    const result = await check({ image: { tag: '1.3.0', digest: release130.digest } });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`us-east-1: ok ${release130.digest} (tag 1.3.0) = ${release130.digest}`);
    expect(result.out).toContain(`eu-west-1: MISSING ${release130.digest} (tag 1.3.0): not in ${REPOSITORY}`);
  });

  it('refuses a digest whose tag names other bytes', async () => {
    const result = await check({ image: { tag: '1.3.0', digest: release120.digest } }, [
      '--env',
      'prod',
      '--regions',
      'us-east-1',
    ]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `us-east-1: MISMATCH ${release120.digest} is there, but tag 1.3.0 is not on it (tags: 1.2.0)`,
    );
  });

  it('reports a region without the repository', async () => {
    const result = await check({
      environmentRegions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
        {
          name: 'ap-southeast-2',
          vpcCidr: '10.2.0.0/16',
          availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
        },
      ],
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `ap-southeast-2: MISSING tag 1.2.0: no repository ${REPOSITORY} in ap-southeast-2`,
    );
  });

  it('refuses a wave region that is not a region of the environment', async () => {
    const result = await check({}, ['--env', 'prod', '--regions', 'eu-west-1,eu-central-1']);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'error: --regions: got "eu-west-1,eu-central-1"; eu-central-1 is not a region of prod (its regions: us-east-1, eu-west-1)',
    );
  });

  it('refuses unknown arguments and missing credentials', async () => {
    const unknown = await check({}, ['--environment', 'prod']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('error: unknown argument "--environment"');
    const anonymous = await check({}, ['--env', 'prod'], { AWS_ACCESS_KEY_ID: '' });
    expect(anonymous.code).toBe(2);
    expect(anonymous.err).toContain('error: no AWS credentials');
  });

  it('reports invalid settings without calling AWS', async () => {
    const result = await check({ image: { tag: '1.2.0', digest: 'md5:abc' } });
    expect(result.code).toBe(2);
    expect(result.err).toContain('image.digest: got "md5:abc"; expected an image digest');
  });
});
