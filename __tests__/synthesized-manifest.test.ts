import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  SynthesizedManifestError,
  manifestFile,
  readSynthesizedManifest,
} from '../stacks/synthesized-manifest';
import { FOUNDATION, SERVICE, synthTwoStackApp } from '../test-support/two-stack-app';

describe('readSynthesizedManifest', () => {
  const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'manifest-'));

  it('names the file and says to synthesize when there is no manifest', () => {
    // GIVEN an output folder nothing was synthesized into
    const outdir = scratch();
    // WHEN / THEN
    expect(() => readSynthesizedManifest(outdir)).toThrow(
      new SynthesizedManifestError(`${path.join(outdir, 'manifest.json')}: no such file; synthesize first`),
    );
  });

  it('names the file when the manifest is not valid JSON', () => {
    // GIVEN a manifest cut short
    const outdir = scratch();
    writeFileSync(manifestFile(outdir), '{"stacks": {');
    // WHEN / THEN
    expect(() => readSynthesizedManifest(outdir)).toThrow(SynthesizedManifestError);
    expect(() => readSynthesizedManifest(outdir)).toThrow(
      new RegExp(`^${path.join(outdir, 'manifest.json')}: not valid JSON \\(.+\\); synthesize again$`),
    );
  });

  it('names the file when the JSON lists no stacks', () => {
    // GIVEN a JSON file that is not a cdktf manifest
    const outdir = scratch();
    writeFileSync(manifestFile(outdir), '{}');
    // WHEN / THEN
    expect(() => readSynthesizedManifest(outdir)).toThrow(
      new SynthesizedManifestError(
        `${path.join(outdir, 'manifest.json')}: no "stacks" object; not a cdktf manifest, synthesize again`,
      ),
    );
  });

  it('reads each stack of a synthesized app: its folder, its file and the stacks it reads', () => {
    // GIVEN an app whose service stack reads the foundation
    const { outdir } = synthTwoStackApp();
    // WHEN
    const manifest = readSynthesizedManifest(outdir);
    // THEN
    expect(Object.keys(manifest.stacks).sort()).toEqual([FOUNDATION, SERVICE]);
    expect(manifest.stacks[SERVICE]).toMatchObject({
      name: SERVICE,
      workingDirectory: `stacks/${SERVICE}`,
      synthesizedStackPath: `stacks/${SERVICE}/cdk.tf.json`,
      dependencies: [FOUNDATION],
    });
    expect(manifest.stacks[FOUNDATION].dependencies).toEqual([]);
    for (const stack of Object.values(manifest.stacks)) {
      expect(existsSync(path.join(outdir, stack.synthesizedStackPath))).toBe(true);
    }
  });
});

describe('manifestFile', () => {
  it('is manifest.json at the top of the output folder', () => {
    expect(manifestFile(path.join('out', 'cdktf.out'))).toBe(path.join('out', 'cdktf.out', 'manifest.json'));
  });
});
