/**
 * HCL export command: writes each synthesized stack as plain Terraform (`.tf` files) that a team can keep
 * without cdktf. The conversion is driven by the providers' own schemas (`terraform providers
 * schema -json`, cached per provider version under `.work/hcl-export/schemas/`), so nested blocks
 * are written as blocks and map/object arguments as attributes, and it keeps the semantics of
 * Terraform's JSON syntax exactly:
 *
 * - strings that Terraform evaluates as templates stay templates; one that is exactly one `${…}`
 *   interpolation becomes the bare expression (`vpc_id = aws_vpc.main.id`); `$${`/`%%{` escapes,
 *   `%{…}` directives and interpolations are copied verbatim (JSON strings are templates too, so
 *   a `%{` there is already a directive), literal text gets HCL escaping; text after a lone
 *   carriage return is escaped as literal, because Terraform's JSON scanner reads it so;
 * - strings that Terraform reads literally (backend settings, descriptions, variable defaults)
 *   get `${` and `%{` escaped, so they stay literal;
 * - references (`provider`, `depends_on`, `lifecycle.ignore_changes`, `moved`, ...) are bare.
 *
 * CLI: `node dist/export-hcl.js [--out DIR] [stack...]` synthesizes the environment chosen by
 * PLATFORM_ENV into cdktf.out (like the offline plan), then writes `<out>/<stack>/*.tf` for every
 * stack, or the named ones, and formats them with `terraform fmt`.
 */
import * as path from 'node:path';
import { prepareTerraform } from '../terraform/offline';
import { exportStacks } from './export';
import { runCommand } from '../command';

const USAGE = 'usage: node dist/export-hcl.js [--out DIR] [stack...]';

function parseArgs(args: string[]): { out: string; stacks: string[] } | string {
  let out = 'hcl.out';
  const stacks: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--out' || arg === '-o') {
      if (!args[i + 1]) return `${arg} needs a folder`;
      out = args[(i += 1)];
    } else if (arg.startsWith('--out=')) {
      out = arg.slice('--out='.length);
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else {
      stacks.push(arg);
    }
  }
  return { out, stacks };
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `${USAGE}\n\nSynthesizes the environment chosen by PLATFORM_ENV, then writes each stack (or the named ones)\nas plain Terraform to DIR/<stack>/ (default hcl.out/).`,
    );
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`error: ${args}\n${USAGE}`);
    return 2;
  }
  const root = process.cwd();
  const synthDir = path.join(root, 'cdktf.out');
  process.env.CHECKPOINT_DISABLE = '1';
  // Loaded here, not at the top: the converter itself needs no app (the tests import it alone).
  const { run } = await import('../../stacks/app');
  const code = run({
    env: process.env,
    projectRoot: root,
    outdir: synthDir,
    stderr: (l) => console.error(l),
  });
  if (code !== 0) return code;

  const started = Date.now();
  const { cliConfigFile } = prepareTerraform(root);
  const exported = exportStacks({
    projectRoot: root,
    cliConfigFile,
    synthDir,
    out: path.resolve(root, args.out),
    stacks: args.stacks,
  });
  for (const stack of exported) {
    console.log(
      `${stack.stack}: ${path.relative(root, stack.dir) || '.'}/ (${stack.files.join(', ')}): ` +
        `${stack.resources} resources, ${stack.dataSources} data sources, ${stack.outputs} outputs`,
    );
  }
  console.log(
    `Exported ${exported.length} stacks as HCL in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

// Runs only as the CLI bundle itself (dist/export-hcl.js), never when imported or bundled elsewhere.
if (require.main === module && /export-hcl\.[jt]s$/.test(process.argv[1] ?? '')) {
  runCommand(main);
}
