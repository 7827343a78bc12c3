/** Settings files through the app: a third region is one more entry. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAppOn } from '../../test-support/run-app';
import { twoRegions } from '../../test-support/settings-fixtures';

const root = path.resolve(__dirname, '../..');

describe('settings files', () => {
  it('takes a third region as one more entry: config/dev.json plus ap-southeast-2 synthesizes', () => {
    // GIVEN the shipped dev settings (their first two regions) with a third region
    const dev = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as {
      regions?: unknown[];
    };
    const third = {
      name: 'ap-southeast-2',
      vpcCidr: '10.2.0.0/16',
      availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
    };
    // WHEN the app synthesizes it
    const {
      code,
      stderr: errors,
      outdir,
    } = runAppOn('dev', {
      ...dev,
      regions: [...(dev.regions ?? twoRegions).slice(0, 2), third],
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
