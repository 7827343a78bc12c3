import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../stacks/app';
import { recordSynth, synthInputsHash, synthIsCurrent } from '../../tools/synth-cache';

const root = path.resolve(__dirname, '../..');

describe('the synthesis cache', () => {
  let project: string;
  let config: string;
  const env = { PLATFORM_ENV: 'dev' };
  beforeEach(() => {
    // GIVEN a copy of the project's sources and settings
    project = mkdtempSync(path.join(os.tmpdir(), 'synth-cache-'));
    for (const entry of [
      'main.ts',
      'package-lock.json',
      'cdktf.json',
      'stacks',
      'constructs',
      'settings',
      'policies',
      'aspects',
      'config',
    ]) {
      cpSync(path.join(root, entry), path.join(project, entry), { recursive: true });
    }
    config = path.join(project, 'config');
  });

  it('gives the same hash for the same inputs', () => {
    expect(synthInputsHash(project, config, env)).toBe(synthInputsHash(project, config, env));
  });

  it.each([
    ['a settings file', () => writeFileSync(path.join(config, 'dev.json'), '{}')],
    [
      'another settings file (the app reads them all)',
      () => writeFileSync(path.join(config, 'qa.json'), '{}'),
    ],
    ['a source file', () => writeFileSync(path.join(project, 'stacks', 'app.ts'), '// changed')],
    ['a new source file', () => writeFileSync(path.join(project, 'settings', 'new.ts'), 'export {};')],
    [
      "a construct (a service's resources)",
      () => writeFileSync(path.join(project, 'constructs', 'platform-service.ts'), '// changed'),
    ],
    [
      'a policy rule',
      () => writeFileSync(path.join(project, 'policies', 'rules', 'new-rule.ts'), 'export {};'),
    ],
    ['the lock file', () => writeFileSync(path.join(project, 'package-lock.json'), '{}')],
  ])('changes when %s changes', (_what, change) => {
    const before = synthInputsHash(project, config, env);
    change();
    expect(synthInputsHash(project, config, env)).not.toBe(before);
  });

  it.each(['PLATFORM_ENV', 'PLATFORM_CONFIG_DIR', 'CDKTF_OUTDIR'])('changes with %s', (variable) => {
    const before = synthInputsHash(project, config, env);
    expect(synthInputsHash(project, config, { ...env, [variable]: 'other' })).not.toBe(before);
  });

  it('changes with the settings folder', () => {
    const other = path.join(project, 'other-config');
    mkdirSync(other);
    expect(synthInputsHash(project, other, env)).not.toBe(synthInputsHash(project, config, env));
  });

  it('counts an output as current only with its manifest and the same inputs recorded', () => {
    const outdir = path.join(project, 'cdktf.out');
    mkdirSync(outdir);
    const hash = synthInputsHash(project, config, env);
    recordSynth(outdir, hash);
    expect(synthIsCurrent(outdir, hash)).toBe(false); // no manifest: a synthesis that did not finish
    writeFileSync(path.join(outdir, 'manifest.json'), '{}');
    expect(synthIsCurrent(outdir, hash)).toBe(true);
    expect(synthIsCurrent(outdir, 'another hash')).toBe(false);
    rmSync(path.join(outdir, '.synth-inputs.sha256'));
    expect(synthIsCurrent(outdir, hash)).toBe(false);
  });

  it('is invalidated by any other synthesis into the folder (npm run synth, cdktf synth)', () => {
    // GIVEN a recorded synthesis of dev
    const outdir = path.join(project, 'cdktf.out');
    const hash = synthInputsHash(project, config, env);
    expect(run({ env, projectRoot: root, outdir, stderr: () => undefined })).toBe(0);
    recordSynth(outdir, hash);
    expect(synthIsCurrent(outdir, hash)).toBe(true);
    // WHEN the app synthesizes prod into the same folder THEN the record is gone
    expect(run({ env: { PLATFORM_ENV: 'prod' }, projectRoot: root, outdir, stderr: () => undefined })).toBe(
      0,
    );
    expect(synthIsCurrent(outdir, hash)).toBe(false);
  });
});
