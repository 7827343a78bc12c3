/**
 * Renders a synthesized Terraform expression the way Terraform will, with `terraform console`:
 * every resource reference is replaced by a marker string (`ref=<type>.<name>.<attribute>`, and
 * for ARNs `arn:aws:svc::000000000000:x/ref=…`), so the rendered value is concrete and the test can
 * see which resource each place came from.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { terraformEnv } from '../tools/terraform/offline';

const REFERENCE = /\b((?:data\.)?aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\b/g;

/** The marker a reference is rendered as. */
export function marker(type: string, name: string, attribute: string): string {
  const ref = `ref=${type}.${name}.${attribute}`;
  return attribute === 'arn' ? `arn:aws:svc::000000000000:x/${ref}` : ref;
}

/** Renders a Terraform JSON string value that is a single `${...}` expression; returns the string it yields. */
export function renderWithTerraform(value: string, cliConfigFile: string): string {
  if (!value.startsWith('${') || !value.endsWith('}'))
    throw new Error(`not a single expression: ${value.slice(0, 60)}`);
  const expression = value
    .slice(2, -1)
    .replace(REFERENCE, (_match, type: string, name: string, attribute: string) =>
      JSON.stringify(marker(type, name, attribute)),
    );
  const result = spawnSync('terraform', ['console'], {
    cwd: mkdtempSync(path.join(os.tmpdir(), 'console-')),
    env: terraformEnv(cliConfigFile),
    input: `base64encode(${expression})\n`,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`terraform console failed: ${result.stderr}`);
  return Buffer.from(JSON.parse(result.stdout.trim()) as string, 'base64').toString('utf8');
}
