/** The project's layout and its README agree with the code. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { SEED_BACKUP_RULES } from '../settings/backup-rules';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|mjs|js|sh)$/.test(entry.name) ? [relative] : [];
  });
}

describe('the layout', () => {
  it('keeps test-support for the tests: no app, tool or script imports it', () => {
    // GIVEN every source file outside the tests
    const files = [
      'main.ts',
      ...['stacks', 'constructs', 'settings', 'policies', 'aspects', 'tools', 'scripts', 'bench'].flatMap(
        sourceFiles,
      ),
    ];
    // THEN none of them reaches into test-support
    const importers = files.filter((file) =>
      /test-support/.test(readFileSync(path.join(root, file), 'utf8')),
    );
    expect(importers).toEqual([]);
  });
});

describe('the test layers', () => {
  // What builds a whole environment: the app, the platform stack, a region's platform.
  const ENVIRONMENT_BUILDERS = [
    'stacks/app.ts',
    'stacks/platform-stack.ts',
    'constructs/regional-platform.ts',
  ];
  // Files that run Terraform, the emulator or the app as a process: neither layer below.
  const PROCESS_LAYERS = /^(terraform|hcl-export|atlantis|emulator|cli)/;

  /** The project's modules a file loads, through every relative import, itself included. */
  function loads(file: string): Set<string> {
    const seen = new Set<string>();
    const pending = [file];
    while (pending.length) {
      const next = pending.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      const text = readFileSync(path.join(root, next), 'utf8');
      // import … from, import '…' (for its effects), require(…), import(…); either quote.
      const specifiers = text.matchAll(
        /(?:\bfrom|^import|\brequire\(|\bimport\()\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
      );
      for (const [, specifier] of specifiers) {
        const target = path.join(path.dirname(next), specifier);
        const found = [`${target}.ts`, path.join(target, 'index.ts')].find((f) =>
          existsSync(path.join(root, f)),
        );
        if (found) pending.push(found);
      }
    }
    return seen;
  }
  const builders = (file: string) => {
    const loaded = loads(file);
    return ENVIRONMENT_BUILDERS.filter((builder) => loaded.has(builder));
  };
  /** The test files among `files` that import child_process themselves. */
  const startingProcesses = (files: string[]) =>
    files.filter((file) => /['"](node:)?child_process['"]/.test(readFileSync(path.join(root, file), 'utf8')));
  const testFiles = (dir: string) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => path.join(dir, name));

  it('keeps the unit layer in-process and small: no unit test file loads the app, the platform stack or a region, or starts a process', () => {
    // GIVEN the unit layer: the in-process test files outside __tests__/environments/
    const unit = testFiles('__tests__').filter((file) => !PROCESS_LAYERS.test(path.basename(file)));
    expect(unit.length).toBeGreaterThan(40);
    // THEN none of them reaches a builder of a whole environment, through any import
    expect(unit.flatMap((file) => builders(file).map((builder) => `${file} loads ${builder}`))).toEqual([]);
    // AND none starts a process: a script run as one is tested in a cli-* file
    expect(startingProcesses(unit)).toEqual([]);
  });

  it('keeps in __tests__/environments/ only files that build an environment, in-process', () => {
    const environments = testFiles('__tests__/environments');
    expect(environments.length).toBeGreaterThan(10);
    expect(environments.filter((file) => builders(file).length === 0)).toEqual([]);
    expect(startingProcesses(environments)).toEqual([]);
  });

  it('runs each layer from package.json: unit, environments, and everything in npm test', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['test:unit']).toContain(
      "--testPathIgnorePatterns '/__tests__/(terraform|hcl-export|atlantis|emulator|cli|environments/)'",
    );
    expect(scripts['test:environments']).toContain('--testPathPattern /__tests__/environments/');
    expect(scripts.test).toBe('CHECKPOINT_DISABLE=1 jest');
  });
});

describe('the construct files', () => {
  const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

  it.each(['constructs', 'aspects'])('in %s/ are named after the class each holds', (dir) => {
    // GIVEN every file of the folder that exports a class
    const files = sourceFiles(dir).flatMap((file) => {
      const classes = [
        ...readFileSync(path.join(root, file), 'utf8').matchAll(/^export (?:abstract )?class (\w+)/gm),
      ];
      return classes.length ? [{ file, classes: classes.map((match) => match[1]) }] : [];
    });
    expect(files.length).toBeGreaterThan(0);
    // THEN each holds one class and its name is the class's, in kebab case
    const misnamed = files.filter(
      ({ file, classes }) => classes.length !== 1 || `${dir}/${kebab(classes[0])}.ts` !== file,
    );
    expect(misnamed).toEqual([]);
  });
});

describe('the README', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

  it('names only source files that exist', () => {
    const named = [
      ...new Set(
        [
          ...readme.matchAll(
            /`((?:constructs|stacks|aspects|settings|policies|tools|test-support|__tests__)\/[\w./-]+\.ts)`/g,
          ),
        ].map((m) => m[1]),
      ),
    ];
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((file) => !existsSync(path.join(root, file)))).toEqual([]);
  });

  it('states the number of policy rules there are in policies/rules', () => {
    const rules = readdirSync(path.join(root, 'policies', 'rules')).filter(
      (f) => !f.startsWith('_') && f.endsWith('.ts'),
    );
    expect(readme).toMatch(new RegExp(`\\(\`policies/policy-pack\\.ts\`\\): ${rules.length}\\s+rules,`));
  });

  it('shows the default backup schedules as the settings have them', () => {
    for (const rule of SEED_BACKUP_RULES)
      expect(readme).toContain(`\`${rule.name}\` (\`${rule.scheduleExpression}\``);
  });
});
