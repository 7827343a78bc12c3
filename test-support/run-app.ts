/** The app's entry logic (`run()` of stacks/app.ts) on a settings file a test writes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../stacks/app';

const projectRoot = path.resolve(__dirname, '..');

/** What one run of the app did: its exit code, each line it printed, and where. */
export interface AppRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** The settings folder (PLATFORM_CONFIG_DIR), under the test file's TMPDIR. */
  readonly dir: string;
  /** The output folder the run was given, `<dir>/out`. */
  readonly outdir: string;
}

/**
 * Writes `settings` as `<environment>.json` into a new folder under TMPDIR (which the test
 * environment removes with the test file) and runs the app on it, in-process.
 */
export function runAppOn(environment: string, settings: unknown): AppRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${environment}-settings-`));
  writeFileSync(path.join(dir, `${environment}.json`), JSON.stringify(settings));
  const outdir = path.join(dir, 'out');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = run({
    env: { PLATFORM_ENV: environment, PLATFORM_CONFIG_DIR: dir },
    projectRoot,
    outdir,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout, stderr, dir, outdir };
}
