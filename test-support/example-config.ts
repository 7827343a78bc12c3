/** A copy of an environment's settings that also asks for the seed's 8.8 example stack. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const projectRoot = path.resolve(__dirname, '..');

/**
 * Writes `config/<environment>.json` with `examples.simpleFargate` on into a new folder under
 * TMPDIR and returns the folder (for PLATFORM_CONFIG_DIR); the caller removes it.
 */
export function configWithExample(environment: string): string {
  const settings = JSON.parse(
    readFileSync(path.join(projectRoot, 'config', `${environment}.json`), 'utf8'),
  ) as Record<string, unknown>;
  const dir = mkdtempSync(path.join(os.tmpdir(), `config-${environment}-example-`));
  writeFileSync(
    path.join(dir, `${environment}.json`),
    JSON.stringify({ ...settings, examples: { simpleFargate: true } }),
  );
  return dir;
}
