// Transpile-only build: bundles the app and the tools into dist/ with esbuild in well under a second.
// Type-checking is its own script (`npm run typecheck`), run in CI, never on the synth path.
import { build } from 'esbuild';

await build({
  entryPoints: {
    main: 'main.ts',
    'offline-plan': 'tools/offline-plan.ts',
    'export-hcl': 'tools/export-hcl.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
