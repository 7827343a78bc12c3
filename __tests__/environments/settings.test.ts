import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../stacks/app';
import { twoRegions } from '../../test-support/settings-fixtures';

const root = path.resolve(__dirname, '../..');

describe('settings files', () => {
  it('takes a third region as one more entry: config/dev.json plus ap-southeast-2 synthesizes', () => {
    // GIVEN the shipped dev settings (their first two regions) with a third region
    const dir = mkdtempSync(path.join(os.tmpdir(), 'settings-'));
    const dev = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as {
      regions?: unknown[];
    };
    const third = {
      name: 'ap-southeast-2',
      vpcCidr: '10.2.0.0/16',
      availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
    };
    writeFileSync(
      path.join(dir, 'dev.json'),
      JSON.stringify({ ...dev, regions: [...(dev.regions ?? twoRegions).slice(0, 2), third] }),
    );
    // WHEN the app synthesizes it
    const errors: string[] = [];
    const outdir = path.join(dir, 'out');
    const code = run({
      env: { PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: dir },
      projectRoot: root,
      outdir,
      stderr: (l) => errors.push(l),
    });
    // THEN it synthesizes, with the third region's provider, file system and both services
    expect(code).toBe(0);
    // (the platform stack accepts no policy finding, and dev builds no example)
    expect(errors).toEqual([]);
    const stack = JSON.parse(
      readFileSync(path.join(outdir, 'stacks', 'fargate-dev', 'cdk.tf.json'), 'utf8'),
    ) as {
      provider: { aws: Array<{ alias?: string; region: string }> };
      resource: Record<string, Record<string, { provider?: string; name?: string }>>;
    };
    expect(stack.provider.aws.map((p) => p.region)).toContain('ap-southeast-2');
    expect(Object.values(stack.resource.aws_efs_file_system).map((fs) => fs.provider)).toContain(
      'aws.ap_southeast_2',
    );
    expect(
      Object.values(stack.resource.aws_ecs_service)
        .filter((service) => service.provider === 'aws.ap_southeast_2')
        .map((service) => service.name)
        .sort(),
    ).toEqual(['fargate-dev-api', 'fargate-dev-service']);
  });
});
