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
            /`((?:constructs|stacks|aspects|settings|policies|tools|test-support)\/[\w./-]+\.ts)`/g,
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
