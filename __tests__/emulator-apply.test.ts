/**
 * Deploys for real, offline: the dev platform stack (two services), the seed's 8.8 example
 * (`fargate-stage-simple`, which only the stage variant asks for) and the three-region stage
 * variant (TLS, a domain, full-mesh replication, two services) are applied against a local AWS emulator
 * (moto), planned again (no changes beyond the emulator's known wrong answers), probed for what
 * the emulator lacks, and destroyed to an empty state. One emulator per stack, started and stopped
 * here. tools/emulator/gaps.ts lists what the emulator cannot serve.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CycleResult, applyCycle, applyCycleTolerant, summarizeCycle } from '../tools/emulator/apply-cycle';
import { UNSUPPORTED, UNSUPPORTED_SETTINGS } from '../tools/emulator/gaps';
import { awsProviderRequirement } from '../tools/terraform/offline';
import { Moto, startMoto } from '../tools/emulator/moto';
import { CLI_CONFIG_FILE, SynthesizedEnvironment, synthEnvironment } from '../test-support/environment';
import { STAGE_ON_EMULATOR } from '../test-support/stage';

const projectRoot = path.resolve(__dirname, '..');
const workRoot = path.join(projectRoot, '.work', 'emulator-apply');
const results: Record<string, CycleResult> = {};
const settingProbes: Record<string, CycleResult> = {};
const started: Moto[] = [];

jest.setTimeout(40 * 60 * 1000);

async function cycle(stack: string, environment: SynthesizedEnvironment, accountId: string): Promise<void> {
  results[stack] = await applyCycleTolerant({
    stack,
    stackDir: environment.stackDirs[stack],
    workDir: path.join(workRoot, stack),
    cliConfigFile: CLI_CONFIG_FILE,
    startEmulator: async (attempt) => {
      const log = path.join(workRoot, `${stack}${attempt > 1 ? `.attempt-${attempt}` : ''}.moto.log`);
      const moto = await startMoto({ accountId, logFile: log });
      started.push(moto);
      return moto;
    },
  });
}

beforeAll(async () => {
  mkdirSync(workRoot, { recursive: true });
  const dev = synthEnvironment('dev');
  const stageDir = mkdtempSync(path.join(os.tmpdir(), 'config-stage-'));
  let stage: SynthesizedEnvironment;
  try {
    writeFileSync(path.join(stageDir, 'stage.json'), JSON.stringify(STAGE_ON_EMULATOR));
    stage = synthEnvironment('stage', stageDir);
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
  }
  // Two stacks at a time: each emulator is one Python process, and the machine has two cores.
  await Promise.all([
    cycle('fargate-dev', dev, '111111111111'),
    cycle('fargate-stage-simple', stage, STAGE_ON_EMULATOR.accountId),
  ]);
  await cycle('fargate-stage', stage, STAGE_ON_EMULATOR.accountId);
  // Each setting the environments are applied without: its minimal configuration, on its own.
  for (const [index, gap] of UNSUPPORTED_SETTINGS.entries()) {
    const stackDir = path.join(workRoot, `setting-${index}`, 'stack');
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(
      path.join(stackDir, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { aws: awsProviderRequirement() } },
        provider: { aws: [{ region: 'us-east-1' }] },
        ...gap.probe,
      }),
    );
    const moto = await startMoto({ accountId: '111111111111' });
    started.push(moto);
    try {
      settingProbes[gap.setting] = await applyCycle({
        stack: `probe of ${gap.setting}`,
        stackDir,
        workDir: path.join(workRoot, `setting-${index}`, 'work'),
        cliConfigFile: CLI_CONFIG_FILE,
        moto,
        unsupported: [],
      });
    } finally {
      await moto.stop();
    }
  }
  const lines = Object.values(results).map(summarizeCycle);
  // Appended: the migration and drill tests add their lines to the same summary.
  appendFileSync(path.join(workRoot, 'summary.txt'), `${lines.join('\n')}\n`);
  for (const output of [dev.outdir, stage.outdir])
    rmSync(path.dirname(output), { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.all(started.map((moto) => moto.stop()));
  // The scratch copies, states and logs stay only when something failed, for reading; the
  // summary stays in any case (.ci/run prints it).
  if (Object.values(results).every((result) => result.failures.length === 0)) {
    for (const stack of Object.keys(results)) {
      rmSync(path.join(workRoot, stack), { recursive: true, force: true });
      rmSync(path.join(workRoot, `${stack}.attempt-2`), { recursive: true, force: true });
      rmSync(path.join(workRoot, `${stack}.moto.log`), { force: true });
      rmSync(path.join(workRoot, `${stack}.attempt-2.moto.log`), { force: true });
    }
    UNSUPPORTED_SETTINGS.forEach((_, index) =>
      rmSync(path.join(workRoot, `setting-${index}`), { recursive: true, force: true }),
    );
  }
});

describe.each(['fargate-dev', 'fargate-stage-simple', 'fargate-stage'])(
  '%s against the emulator',
  (stack) => {
    it('applies, converges, and destroys to an empty state', () => {
      const result = results[stack];
      expect(result.failures).toEqual([]);
      expect(result.applied).toBe(
        result.planned -
          result.leftOut.filter((e) => !e.address.startsWith('data.') && !e.address.startsWith('output.'))
            .length,
      );
      expect(result.applied).toBeGreaterThan(0);
      // (an object the emulator had already removed, answered "not found" and refreshed away by a
      // second destroy, counts as gone, not destroyed: apply-cycle.test.ts)
      expect(result.destroyed + (result.goneBeforeDestroy ?? 0)).toBe(result.applied);
      expect(result.remaining).toEqual([]);
    });

    it('leaves out only resources the emulator cannot serve, and what references them', () => {
      const result = results[stack];
      for (const entry of result.leftOut) {
        const gap = UNSUPPORTED.find((g) => entry.address.startsWith(`${g.resourceType}.`));
        if (gap) expect(entry.because).toContain(gap.operation);
        else expect(entry.because).toMatch(/^references /);
      }
    });

    it('finds every listed gap still there', () => {
      const result = results[stack];
      expect(result.probes.filter((probe) => !probe.stillFails)).toEqual([]);
      const gapResources = result.leftOut.filter((e) => !e.because.startsWith('references '));
      expect(result.probes.map((p) => p.address).sort()).toEqual(gapResources.map((e) => e.address).sort());
    });
  },
);

describe.each(UNSUPPORTED_SETTINGS.map((gap) => [gap.setting, gap] as const))(
  'the setting %s, which the environments are applied without',
  (setting, gap) => {
    it(`still fails on the emulator with ${gap.operation}, and leaves nothing behind`, () => {
      const probe = settingProbes[setting];
      // When this fails, the emulator serves the setting now: remove its entry from
      // tools/emulator/gaps.ts and apply the stage variant with it.
      expect(
        probe.failures.some((failure) => failure.startsWith('apply:') && failure.includes(gap.operation)),
      ).toBe(true);
      expect(probe.remaining).toEqual([]);
    });
  },
);

describe('the emulator’s reach', () => {
  it('applies the simple stack completely, with nothing left out', () => {
    expect(results['fargate-stage-simple'].leftOut).toEqual([]);
    expect(results['fargate-stage-simple'].applied).toBe(results['fargate-stage-simple'].planned);
  });

  it('applies the stateful core of the platform: file systems, buckets, vaults, keys, repository', () => {
    for (const stack of ['fargate-dev', 'fargate-stage']) {
      const leftOut = results[stack].leftOut.map((entry) => entry.address.split('.')[0]);
      for (const type of [
        'aws_efs_file_system',
        'aws_s3_bucket',
        'aws_backup_vault',
        'aws_kms_key',
        'aws_ecr_repository',
        'aws_ecs_service',
        'aws_lb',
      ]) {
        expect(leftOut).not.toContain(type);
      }
    }
  });
});
