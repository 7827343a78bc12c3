// Synthesize in one Node process: transpile what changed (esbuild), then run the app right here, so
// a synth costs the compiled app plus a few milliseconds. cdktf.json runs this as the app.
import { createRequire } from 'node:module';
import { buildApp } from './build.mjs';

process.env.CHECKPOINT_DISABLE = '1';
await buildApp();
createRequire(import.meta.url)('../dist/main.js');
