// Transpile-only build: bundles the app and the tools into dist/ with esbuild in well under a second.
// Type-checking is its own script (`npm run typecheck`), run in CI, never on the synth path.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entryPoints = {
  main: 'main.ts',
  'offline-plan': 'tools/offline-plan.ts',
  'export-hcl': 'tools/hcl/command.ts',
  emulator: 'tools/emulator-cli.ts',
  teardown: 'tools/teardown.ts',
  'terraform-config': 'tools/terraform-config.ts',
  'release-check': 'tools/release-check.ts',
  'deploy-check': 'tools/deploy-check.ts',
  traffic: 'tools/traffic.ts',
  'state-split': 'tools/state-split.ts',
};
const SOURCE_DIRS = ['stacks', 'constructs', 'settings', 'policies', 'aspects', 'tools'];

function newestSource() {
  let newest = Math.max(
    statSync(path.join(root, 'main.ts')).mtimeMs,
    statSync(path.join(root, 'package-lock.json')).mtimeMs,
  );
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

/** Bundles into dist/ unless every bundle is newer than every source file (unless `force`). */
export async function buildApp({ force = false } = {}) {
  const outputs = Object.keys(entryPoints).map((name) => path.join(root, 'dist', `${name}.js`));
  if (!force && outputs.every(existsSync)) {
    const oldest = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
    if (oldest > newestSource()) return false;
  }
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  // Each file replaced whole (written beside it, then renamed): a build running beside this one, or
  // a process starting dist/main.js meanwhile, never reads a half-written bundle.
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildApp({ force: process.argv.includes('--force') });
}
