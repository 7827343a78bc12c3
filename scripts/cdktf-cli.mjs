// Runs the project's cdktf CLI, whichever is installed: `cdktf` (cdktf-cli, HashiCorp's, archived) or
// `cdktn` (cdktn-cli, CDK Terrain, the community fork, which installs only a `cdktn` command). The
// npm scripts diff/deploy/destroy/cdktf go through here, so they work with either dependency set
// (package.json, or variants/cdktn/package.json). Plain Node ESM, no build step.
//
//   node scripts/cdktf-cli.mjs <cli arguments…>   (npm run cdktf -- <cli arguments…>)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI to run in a project folder: the one that matches the installed `cdktf` library (the fork
 * is installed under the name `cdktf` through an npm alias, its package.json names it `cdktn`), else
 * whichever of the two commands node_modules/.bin holds. Throws, saying what to do, if neither.
 * @param {string} projectRoot
 * @returns {{ name: 'cdktf' | 'cdktn', bin: string }}
 */
export function resolveCdktfCli(projectRoot) {
  const binDir = path.join(projectRoot, 'node_modules', '.bin');
  const libraryManifest = path.join(projectRoot, 'node_modules', 'cdktf', 'package.json');
  const library = existsSync(libraryManifest)
    ? JSON.parse(readFileSync(libraryManifest, 'utf8')).name
    : undefined;
  /** @type {('cdktf' | 'cdktn')[]} */
  const order = library === 'cdktn' ? ['cdktn', 'cdktf'] : ['cdktf', 'cdktn'];
  for (const name of order) {
    const bin = path.join(binDir, name);
    if (existsSync(bin)) return { name, bin };
  }
  throw new Error(
    `no cdktf CLI in ${binDir}: neither cdktf (package cdktf-cli) nor cdktn (package cdktn-cli) is installed; run npm ci`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let cli;
  try {
    cli = resolveCdktfCli(root);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const child = spawn(cli.bin, process.argv.slice(2), { stdio: 'inherit' });
  // Ctrl-C reaches the CLI from the terminal (same process group), and a second SIGINT would make
  // Terraform stop at once instead of cleanly: ignore it here. SIGTERM and SIGHUP, which a parent
  // sends to this process alone, are passed on.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`error: could not run ${cli.bin}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
