// Entry point of the cdktf app: load the environment's settings, build its stacks, synthesize.
import { run } from './stacks/app';

process.exitCode = run({
  env: process.env,
  projectRoot: process.cwd(),
  stderr: (line) => process.stderr.write(`${line}\n`),
  // Informational lines on stdout: the cdktf CLI labels every stderr line [ERROR].
  stdout: (line) => process.stdout.write(`${line}\n`),
});
