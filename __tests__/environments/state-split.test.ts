/**
 * tools/state-split.ts `stackAddresses`: what a service stack takes from the foundation's state.
 * Besides its resources and data sources, the `from` of each of its `moved` blocks: a state written
 * before a move holds the resource there, and only the stack whose moved block renames it may take it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stackAddresses } from '../../tools/state-split';
import { SynthesizedEnvironment, synthEnvironment } from '../../test-support/environment';

describe('stackAddresses', () => {
  it('lists every resource and data source (but remote states) and the from of every moved block', () => {
    // GIVEN a stack with a resource, a data source, a remote state and a resource moved from an old address
    const stack = {
      resource: { aws_iam_role: { New_Role_1234: {} }, aws_sqs_queue: { Queue: {} } },
      data: { aws_iam_policy_document: { Trust: {} }, terraform_remote_state: { foundation: {} } },
      moved: [{ from: 'aws_iam_role.Old_Role_ABCD', to: 'aws_iam_role.New_Role_1234' }],
    };
    // WHEN / THEN the old address goes with the stack too
    expect(stackAddresses(stack).sort()).toEqual(
      [
        'aws_iam_role.New_Role_1234',
        'aws_iam_role.Old_Role_ABCD',
        'aws_sqs_queue.Queue',
        'data.aws_iam_policy_document.Trust',
      ].sort(),
    );
  });

  describe('dev with a stack per service', () => {
    let split: SynthesizedEnvironment;
    let configDir: string;
    beforeAll(() => {
      configDir = mkdtempSync(path.join(os.tmpdir(), 'state-split-unit-'));
      mkdirSync(path.join(configDir, 'config'));
      const dev = JSON.parse(
        readFileSync(path.join(__dirname, '../..', 'config', 'dev.json'), 'utf8'),
      ) as Record<string, unknown>;
      writeFileSync(
        path.join(configDir, 'config', 'dev.json'),
        JSON.stringify({ ...dev, stackLayout: 'stack-per-service' }),
      );
      split = synthEnvironment('dev', path.join(configDir, 'config'));
    });
    afterAll(() => {
      rmSync(path.dirname(split.outdir), { recursive: true, force: true });
      rmSync(configDir, { recursive: true, force: true });
    });

    it.each(['fargate-dev-svc-app', 'fargate-dev-svc-api'])(
      '%s takes the addresses its FargateService resources had before the split',
      (name) => {
        const json = split.stacks[name] as Parameters<typeof stackAddresses>[0];
        const addresses = stackAddresses(json);
        const moved = json.moved ?? [];
        // Every moved block's old address, beside the resources now there.
        expect(moved.length).toBeGreaterThanOrEqual(2 * 10);
        expect(addresses).toEqual(expect.arrayContaining(moved.map((move) => move.from)));
        expect(moved.map((move) => move.from)).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^aws_iam_role\.Services_[a-z]+_us-east-1_Service_TaskRole_/),
          ]),
        );
        // And no address twice: an old address is never also a resource of the stack.
        expect(new Set(addresses).size).toBe(addresses.length);
        // The foundation's stack keeps none of them.
        const foundation = stackAddresses(
          split.stacks['fargate-dev'] as Parameters<typeof stackAddresses>[0],
        );
        expect(foundation.filter((address) => addresses.includes(address))).toEqual([]);
      },
    );
  });
});
