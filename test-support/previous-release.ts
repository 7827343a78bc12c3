/**
 * A previous release of the platform, taken from git and synthesized the way that release did it:
 * its own tree (`git archive <commit>`) in a scratch folder, the project's node_modules linked into
 * it, and its own `scripts/synth.mjs` (an esbuild bundle of its main.ts, run in its folder, which
 * reads `config/<environment>.json` of that release).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './scratch';
import { readSynthesizedManifest } from '../stacks/synthesized-manifest';

export interface PreviousReleaseOptions {
  /** The release's commit (any revision git names). */
  readonly commit: string;
  /** The environment to synthesize, `config/<environment>.json` of that release. */
  readonly environment: string;
  /** An empty or absent folder, which receives the release's tree and its synthesized output. */
  readonly scratchDir: string;
  /**
   * The repository holding the commit.
   * @default - this project's repository
   */
  readonly repository?: string;
}

export interface PreviousRelease {
  /** The release's tree. */
  readonly sourceDir: string;
  /** Its cdktf output folder. */
  readonly outdir: string;
  /** Folder of each synthesized stack, by stack name. */
  readonly stackDirs: Record<string, string>;
  /** The release's settings file of the environment, as parsed JSON. */
  readonly settings: Record<string, unknown>;
}

function check(step: string, result: ReturnType<typeof spawnSync>): void {
  if (result.error) throw new Error(`previous release: ${step}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `previous release: ${step} exited with ${result.status}:\n${String(result.stderr)}\n${String(result.stdout)}`,
    );
  }
}

/** Extracts the release from git into `scratchDir/source` and synthesizes `environment` there. */
export function synthPreviousRelease(options: PreviousReleaseOptions): PreviousRelease {
  const repository = options.repository ?? PROJECT_ROOT;
  const sourceDir = path.join(options.scratchDir, 'source');
  const outdir = path.join(options.scratchDir, 'cdktf.out');
  const known = spawnSync('git', ['-C', repository, 'cat-file', '-e', `${options.commit}^{commit}`]);
  if (known.status !== 0) {
    throw new Error(
      `previous release: commit ${options.commit} is not in ${repository}: a shallow clone holds only its ` +
        'newest commit; fetch the history (git fetch --unshallow, or fetch-depth: 0 for actions/checkout)',
    );
  }
  mkdirSync(sourceDir, { recursive: true });
  check(
    `git archive ${options.commit}`,
    spawnSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        'git -C "$1" archive "$2" | tar -x -C "$3"',
        'bash',
        repository,
        options.commit,
        sourceDir,
      ],
      { encoding: 'utf8' },
    ),
  );
  // The release's own dependencies are this project's (the same package-lock.json pins them).
  symlinkSync(path.join(repository, 'node_modules'), path.join(sourceDir, 'node_modules'), 'dir');
  const pkg = JSON.parse(readFileSync(path.join(sourceDir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // `npm run synth` of that release, without npm: `node scripts/synth.mjs` in its folder.
  const [command, ...args] = pkg.scripts.synth.split(' ');
  check(
    `npm run synth (${pkg.scripts.synth})`,
    spawnSync(command, args, {
      cwd: sourceDir,
      encoding: 'utf8',
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        PLATFORM_ENV: options.environment,
        CDKTF_OUTDIR: outdir,
      },
    }),
  );
  const manifest = readSynthesizedManifest(outdir);
  const stackDirs = Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, stack]) => [name, path.join(outdir, stack.workingDirectory)]),
  );
  const settings = JSON.parse(
    readFileSync(path.join(sourceDir, 'config', `${options.environment}.json`), 'utf8'),
  ) as Record<string, unknown>;
  return { sourceDir, outdir, stackDirs, settings };
}
