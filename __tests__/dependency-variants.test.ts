/**
 * The second dependency set (variants/cdktn/, CDK Terrain): the same project as package.json but for
 * the library, the CLI and what they need. The scripts that let the project run on either, run as
 * processes, are in cli-dependency-scripts.test.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

describe('the cdktn dependency set (variants/cdktn/)', () => {
  const main = readJson('package.json');
  const variant = readJson('variants/cdktn/package.json');
  const variantLock = readJson('variants/cdktn/package-lock.json');

  it('installs CDK Terrain under the names cdktf and cdktf-cli, with the constructs it needs', () => {
    expect(variant.dependencies).toMatchObject({
      cdktf: 'npm:cdktn@0.24.0',
      'cdktf-cli': 'npm:cdktn-cli@0.24.0',
      constructs: '10.6.0',
    });
    // @cdktf/provider-aws asks for cdktf ^0.21 as a peer: the override hands it the aliased fork
    expect(variant.overrides).toEqual({ '@cdktf/provider-aws': { cdktf: '$cdktf' } });
    expect(variantLock.packages['node_modules/cdktf']).toMatchObject({ name: 'cdktn', version: '0.24.0' });
    expect(variantLock.packages['node_modules/cdktf-cli']).toMatchObject({
      name: 'cdktn-cli',
      version: '0.24.0',
    });
    // one copy of the library: no nested cdktf under the provider package
    expect(Object.keys(variantLock.packages).filter((p) => /node_modules\/cdktf$/.test(p))).toEqual([
      'node_modules/cdktf',
    ]);
  });

  it('differs from package.json only in the library, the CLI, constructs, the override, engines and description', () => {
    const allowed = ['cdktf', 'cdktf-cli', 'constructs'];
    const rest = (pkg: Record<string, unknown>) => ({
      ...Object.fromEntries(
        Object.entries(pkg).filter(([key]) => !['overrides', 'engines', 'description'].includes(key)),
      ),
      dependencies: Object.fromEntries(
        Object.entries(pkg.dependencies as object).filter(([name]) => !allowed.includes(name)),
      ),
    });
    expect(rest(variant)).toEqual(rest(main));
  });

  it('allows only the Node.js releases cdktn-cli runs on, as its lock file records (>= 22.19)', () => {
    const needs = String(variantLock.packages['node_modules/cdktf-cli'].engines.node);
    expect(needs).toBe('>=22.19.0');
    for (const range of String(variant.engines.node).split('||')) {
      const [major, minor] = (/\^(\d+)\.(\d+)\.\d+/.exec(range) ?? []).slice(1).map(Number);
      expect(major > 22 || (major === 22 && minor >= 19)).toBe(true);
    }
  });

  it('has a lock file made from its package.json', () => {
    const lockRoot = variantLock.packages[''];
    expect(lockRoot.dependencies).toEqual(variant.dependencies);
    expect(lockRoot.devDependencies).toEqual(variant.devDependencies);
    expect(lockRoot.engines).toEqual(variant.engines);
  });
});
