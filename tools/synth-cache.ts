/**
 * Skips a synthesis whose inputs did not change: the app's sources, the settings files, the lock
 * file and the environment variables that choose them are hashed, and the hash is kept beside the
 * output. Checked before the app's modules load, so an unchanged synth costs milliseconds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { manifestFile } from '../stacks/synthesized-manifest';

/** Folders of the app's own sources (the tools are not part of the synthesized output). */
export const SOURCE_DIRS = ['stacks', 'constructs', 'settings', 'policies', 'aspects'];
/** Environment variables that choose what is synthesized. */
export const SYNTH_VARIABLES = ['PLATFORM_ENV', 'PLATFORM_CONFIG_DIR', 'CDKTF_OUTDIR'];
/** Where the hash of the last synthesis's inputs is kept, inside the output folder. */
export const SYNTH_HASH_FILE = '.synth-inputs.sha256';

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full, suffix);
      return entry.name.endsWith(suffix) ? [full] : [];
    })
    .sort();
}

/**
 * SHA-256 over every input of a synthesis: the app's sources under `projectRoot`, every settings
 * file in `configDir`, and the environment variables that choose them.
 */
export function synthInputsHash(projectRoot: string, configDir: string, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256');
  for (const name of SYNTH_VARIABLES) hash.update(`${name}=${env[name] ?? ''}\n`);
  hash.update(`config=${path.resolve(configDir)}\n`);
  const files = [
    path.join(projectRoot, 'main.ts'),
    path.join(projectRoot, 'package-lock.json'),
    path.join(projectRoot, 'cdktf.json'),
    ...SOURCE_DIRS.flatMap((dir) => filesUnder(path.join(projectRoot, dir), '.ts')),
    // every settings file: the app reads the others too (the shared-account check)
    ...filesUnder(configDir, '.json'),
  ];
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(existsSync(file) && statSync(file).isFile() ? readFileSync(file) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** True when `outdir` holds a complete synthesis of exactly these inputs. */
export function synthIsCurrent(outdir: string, inputsHash: string): boolean {
  const file = path.join(outdir, SYNTH_HASH_FILE);
  return (
    existsSync(manifestFile(outdir)) && existsSync(file) && readFileSync(file, 'utf8').trim() === inputsHash
  );
}

/** Records that `outdir` holds the synthesis of these inputs. */
export function recordSynth(outdir: string, inputsHash: string): void {
  writeFileSync(path.join(outdir, SYNTH_HASH_FILE), `${inputsHash}\n`);
}
