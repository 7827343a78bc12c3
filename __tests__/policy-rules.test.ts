/**
 * Every policy rule's cases: a compliant and a non-compliant construct (and the not-applicable
 * ones), one file per rule under __tests__/policies/<rule-id>.cases.ts. They are loaded into this
 * one Jest test file so the 40 rules share one module registry instead of paying Jest's start-up
 * cost 40 times.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const dir = path.join(__dirname, 'policies');
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.cases.ts'))
  .sort()) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the file's describe blocks
  require(path.join(dir, file));
}
