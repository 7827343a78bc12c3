/**
 * The state backend of a synthesized PlatformStack: the whole environment, every service and region,
 * in one state object of the configured backend. The backends of a small stack and their settings are
 * in `backend.test.ts`.
 */
import { Testing } from 'cdktf';
import { PlatformStack } from '../../stacks/platform-stack';
import { testSettings, synthJson } from '../../test-support/synth';

describe('state backends', () => {
  it('gives the platform stack, with all its services, its own state object in the same backend', () => {
    // GIVEN settings with two services and an S3 backend
    const settings = testSettings({
      backend: { type: 's3', bucket: 'acme-tfstate', region: 'eu-west-1' },
      services: {
        app: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 50000 } },
        api: { image: { tag: '1.0.0' }, routing: { paths: ['/api/*'], priority: 100 } },
      },
    });
    // WHEN the environment's stack is synthesized
    const stack = new PlatformStack(Testing.app(), 'fargate-test', { settings });
    // THEN one state object for the stack: every service and region shares it
    expect((synthJson(stack).terraform as Record<string, unknown>).backend).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'cdktf/fargate-test.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
});
