import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');

describe('npm run terraform:config', () => {
  it('writes the CLI configuration with the provider mirror and prints the export line for cdktf diff/deploy', () => {
    // GIVEN the built tools WHEN the command runs
    expect(spawnSync('node', ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const result = spawnSync('node', ['dist/terraform-config.js'], { cwd: root, encoding: 'utf8' });
    // THEN stdout is exactly one line a shell can eval, naming the file it wrote
    expect(result.status).toBe(0);
    const match = /^export TF_CLI_CONFIG_FILE="([^"]+)"\n$/.exec(result.stdout);
    expect(match).not.toBeNull();
    const file = match?.[1] as string;
    expect(file).toBe(path.join(root, '.work', 'terraform', 'terraformrc'));
    // AND the file installs the AWS provider from the mirror (or caches registry downloads)
    const text = readFileSync(file, 'utf8');
    if (result.stderr.includes('local mirror')) {
      expect(text).toMatch(
        /provider_installation \{\n {2}filesystem_mirror \{\n {4}path {4}= "[^"]+"\n {4}include = \["registry\.terraform\.io\/hashicorp\/aws"\]/,
      );
    } else {
      expect(text).toMatch(/^plugin_cache_dir = "/);
    }
  });
});
