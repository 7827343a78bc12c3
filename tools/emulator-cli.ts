/**
 * `npm run emulator -- <command>`: the user's own deploy path, `cdktf deploy` and `cdktf destroy`
 * through the project's npm scripts, against a local AWS emulator (moto) instead of an account.
 *
 *   start              start the emulator in the background, in the account of PLATFORM_ENV's settings
 *   deploy <stack>     synthesize into .work/emulator/deploy/<stack>/, then `npm run deploy` that stack there
 *   destroy <stack>    `npm run destroy` that stack there, from what its last deploy synthesized
 *   teardown <stack>   empty what Terraform leaves behind (`npm run teardown`'s work, less what the
 *                      emulator cannot serve), then destroy as above
 *   stop               stop the emulator
 *   status             say whether it runs, and where
 *
 * The synthesized configuration for the emulator is a scratch copy under .work/emulator/, one
 * folder per deployed stack (so deploying another stack never rewrites the one a later destroy of
 * this stack needs): an override file there points every provider at the emulator and keeps the
 * state in .work/emulator/state/, and what the emulator cannot serve (tools/emulator/gaps.ts) is
 * left out. A redeploy labels each change that is one of the emulator's known wrong answers.
 * The project's own cdktf.out and terraform.tfstate.d are never touched.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { run } from '../stacks/app';
import { loadEnvironmentSettings } from '../settings/load';
import { leaveOut, EMULATOR_OVERRIDE_FILE } from './emulator/apply-cycle';
import { UNSUPPORTED_CALLS } from './emulator/gaps';
import { diffLabeller } from './emulator/label-diffs';
import { motoAnswers, startMoto, stopMotoProcess } from './emulator/moto';
import {
  emulatorEnv,
  emulatorOverride,
  emulatorRemoteStateOverride,
  unmappedTypes,
} from './emulator/override';
import { prepareTerraform, terraformEnv } from './terraform/offline';
import { StackJson, emptyLeftovers, leftoversOf } from './teardown';
import { runCommand } from './command';
import { manifestFile, readSynthesizedManifest } from '../stacks/synthesized-manifest';
import { DEPLOY_TARGET_VARIABLE } from '../settings/placeholders';

interface Server {
  readonly pid: number;
  readonly endpoint: string;
  readonly accountId: string;
}

const USAGE =
  'usage: npm run emulator -- start | deploy <stack> | destroy <stack> | teardown <stack> | stop | status [--work-dir <dir>]';
/** The account moto uses when the settings name none. */
const DEFAULT_ACCOUNT = '123456789012';

function argument(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  if (index < 0) return undefined;
  const value = args[index + 1];
  args.splice(index, 2);
  return value;
}

async function runningServer(file: string): Promise<Server | undefined> {
  if (!existsSync(file)) return undefined;
  const server = JSON.parse(readFileSync(file, 'utf8')) as Server;
  return (await motoAnswers(server.endpoint)) ? server : undefined;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const root = process.cwd();
  const workDir = path.resolve(root, argument(args, '--work-dir') ?? path.join('.work', 'emulator'));
  const serverFile = path.join(workDir, 'server.json');
  const [command, stack, ...rest] = args;
  if (rest.length || !command) {
    console.error(USAGE);
    return 2;
  }

  if (command === 'status') {
    const server = await runningServer(serverFile);
    console.log(
      server
        ? `emulator running at ${server.endpoint} (account ${server.accountId}, pid ${server.pid})`
        : 'emulator not running',
    );
    return 0;
  }
  if (command === 'stop') {
    const server = existsSync(serverFile)
      ? (JSON.parse(readFileSync(serverFile, 'utf8')) as Server)
      : undefined;
    const stopped = server ? await stopMotoProcess(server.pid) : false;
    rmSync(serverFile, { force: true });
    console.log(stopped ? `emulator stopped (pid ${server?.pid})` : 'emulator was not running');
    return 0;
  }

  const settings = loadEnvironmentSettings(process.env, root);
  const accountId = settings.accountId ?? DEFAULT_ACCOUNT;
  const ensureServer = async (): Promise<Server> => {
    const existing = await runningServer(serverFile);
    if (existing) {
      if (existing.accountId !== accountId) {
        throw new Error(
          `the running emulator serves account ${existing.accountId}, these settings need ${accountId}: npm run emulator -- stop, then try again`,
        );
      }
      return existing;
    }
    mkdirSync(workDir, { recursive: true });
    const moto = await startMoto({ accountId, detach: true, logFile: path.join(workDir, 'moto.log') });
    const server = { pid: moto.pid, endpoint: moto.endpoint, accountId };
    writeFileSync(serverFile, JSON.stringify(server, null, 2));
    console.log(
      `emulator started at ${server.endpoint} (account ${accountId}, pid ${server.pid}); stop it with: npm run emulator -- stop`,
    );
    return server;
  };

  if (command === 'start') {
    await ensureServer();
    return 0;
  }
  if (command !== 'deploy' && command !== 'destroy' && command !== 'teardown') {
    console.error(USAGE);
    return 2;
  }
  if (!stack) {
    console.error(`error: name the stack to ${command}\n${USAGE}`);
    return 2;
  }

  // The emulator keeps everything in memory: a destroy needs the server the stack was deployed to.
  const server = command === 'deploy' ? await ensureServer() : await runningServer(serverFile);
  if (!server) {
    console.error(
      `error: no emulator is running, and the resources of ${stack} lived only in the one that ran before; nothing to ${command} (remove ${path.join(workDir, 'state')} to start afresh)`,
    );
    return 1;
  }
  // Each stack's own synthesis: a deploy of another stack leaves this one's folder (and the
  // emulator override a destroy needs) as this stack's last deploy wrote it.
  const outdir = path.join(workDir, 'deploy', stack);
  if (command === 'deploy') {
    const prepared = synthesizeFor(stack, root, workDir, outdir, server);
    if (prepared !== 0) return prepared;
  } else if (!existsSync(manifestFile(outdir))) {
    console.error(
      `error: nothing was deployed to the emulator from ${outdir}; run npm run emulator -- deploy ${stack} first`,
    );
    return 1;
  }
  if (command === 'teardown') {
    const manifest = readSynthesizedManifest(outdir);
    const leftovers = leftoversOf(
      JSON.parse(
        readFileSync(path.join(outdir, manifest.stacks[stack].synthesizedStackPath), 'utf8'),
      ) as StackJson,
    );
    await emptyLeftovers(leftovers, {
      credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
      env: emulatorEnv(server.endpoint),
      unsupported: UNSUPPORTED_CALLS,
      log: (line) => console.log(line),
    });
  }
  return cdktf(command === 'deploy' ? 'deploy' : 'destroy', stack, root, outdir);
}

/**
 * A fresh synthesis of `stack` for the emulator in `outdir`: synthesized in a scratch folder, the
 * stack checked, what the emulator cannot serve left out and its override added, then moved in
 * place of the stack's previous one. Returns an exit code.
 */
function synthesizeFor(stack: string, root: string, workDir: string, outdir: string, server: Server): number {
  const scratch = `${outdir}.new`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(path.dirname(scratch), { recursive: true });
  try {
    const code = run({
      env: process.env,
      projectRoot: root,
      outdir: scratch,
      stderr: (line) => console.error(line),
    });
    if (code !== 0) return code;
    const manifest = readSynthesizedManifest(scratch);
    if (!(stack in manifest.stacks)) {
      console.error(`error: unknown stack ${stack}; stacks: ${Object.keys(manifest.stacks).join(', ')}`);
      return 1;
    }
    const stackDir = path.join(scratch, manifest.stacks[stack].workingDirectory);
    const stackFile = path.join(stackDir, 'cdk.tf.json');
    const synthesized = JSON.parse(readFileSync(stackFile, 'utf8')) as Parameters<typeof leaveOut>[0];
    const unmapped = unmappedTypes(synthesized);
    if (unmapped.length) {
      console.error(`error: no emulator endpoint for ${unmapped.join(', ')} (tools/emulator/override.ts)`);
      return 1;
    }
    const { stack: served, leftOut } = leaveOut(synthesized);
    writeFileSync(stackFile, JSON.stringify(served, null, 2));
    const statePath = path.join(workDir, 'state', `${stack}.tfstate`);
    mkdirSync(path.dirname(statePath), { recursive: true });
    // A stack that reads another (a stack per service reads the foundation) reads its emulator state.
    const producers = Object.keys(
      (synthesized as { data?: { terraform_remote_state?: object } }).data?.terraform_remote_state ?? {},
    ).map((name) => name.replace(/^cross-stack-reference-input-/, ''));
    const override = emulatorOverride(synthesized, server.endpoint, statePath) as { data?: object };
    const remote = emulatorRemoteStateOverride(
      synthesized,
      Object.fromEntries(producers.map((name) => [name, path.join(workDir, 'state', `${name}.tfstate`)])),
      stack,
    );
    if (remote.data) override.data = { ...override.data, ...remote.data };
    writeFileSync(path.join(stackDir, EMULATOR_OVERRIDE_FILE), JSON.stringify(override, null, 2));
    if (leftOut.length) {
      console.log(`left out ${leftOut.length} blocks the emulator cannot serve (tools/emulator/gaps.ts):`);
      for (const entry of leftOut) console.log(`  ${entry.address}: ${entry.because}`);
    }
    rmSync(outdir, { recursive: true, force: true });
    renameSync(scratch, outdir);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The project's own npm script, so this is the path a user takes against AWS, less the synth
 * (done above) and the provider lock (`terraform providers lock` downloads every platform's
 * provider from the registry, which an offline machine cannot reach). Its output passes through
 * the labeller of the emulator's known wrong answers.
 */
async function cdktf(
  command: 'deploy' | 'destroy',
  stack: string,
  root: string,
  outdir: string,
): Promise<number> {
  const { cliConfigFile } = prepareTerraform(root);
  const cdktfArgs = [
    stack,
    '--skip-synth',
    '--skip-provider-lock',
    '--output',
    outdir,
    '--auto-approve',
    '--no-color',
  ];
  console.log(`$ npm run ${command} -- ${cdktfArgs.join(' ')}   (cdktf ${command} ${cdktfArgs.join(' ')})`);
  const child = spawn('npm', ['run', command, '--', ...cdktfArgs], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
    // The emulator's account is the settings' own, placeholder or not: the placeholder check is for AWS.
    env: { ...terraformEnv(cliConfigFile), CI: '1', [DEPLOY_TARGET_VARIABLE]: 'emulator' },
  });
  const labeller = diffLabeller(stack);
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    for (const out of labeller.line(line)) process.stdout.write(`${out}\n`);
  });
  const [status] = await Promise.all([
    new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1))),
    new Promise((resolve) => lines.on('close', resolve)),
  ]);
  return status;
}

runCommand(main);
