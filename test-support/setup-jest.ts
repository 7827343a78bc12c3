import childProcess from 'node:child_process';
import { Testing } from 'cdktf';

// Registers cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...).
Testing.setupJest();
process.env.CHECKPOINT_DISABLE = '1';

// cdktf records where every token was created: each one captures a full stack trace on a plain
// object ({ stack: '' }, never an Error) and reads it at once. Jest's source-map-support maps each of
// those frames through the transpiled files' source maps, which made that the costliest part of a
// synthesis. Those records only decorate cdktf's own messages about a token it cannot resolve, so
// they get V8's plain frames; a real Error (a failing assertion, a thrown error) keeps the mapped
// stack Jest reports.
const mappedStackTrace = Error.prepareStackTrace;
if (mappedStackTrace) {
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    // (an Error's brand, which errors of Node's own realm carry too, unlike `instanceof Error` here)
    Object.prototype.toString.call(error) === '[object Error]'
      ? mappedStackTrace(error, frames)
      : `${String(error)}${frames.map((frame) => `\n    at ${frame.toString()}`).join('')}`;
}

// A synthesis of a stack with a Terraform Cloud backend, or with a resource moved by cdktf's own
// `moveFromId` (the platform writes its moves with stacks/moved-block.ts, which does not), runs
// cdktf's validation that Terraform is 1.5 or later, which runs `terraform version` through a shell:
// a few hundred milliseconds per synthesis, for an answer that cannot change during a test run. This
// worker asks Terraform once and gives later syntheses the same output; the validation still reads
// and checks it. Nothing else that runs a command is touched.
const CACHED_VERSION = Symbol.for('fargate-multi-region.terraform-version-output');
type ExecSync = typeof childProcess.execSync & { [CACHED_VERSION]?: Buffer };
const realExecSync = childProcess.execSync as ExecSync;
if (!(CACHED_VERSION in realExecSync)) {
  const versionCommand = `${process.env.TERRAFORM_BINARY_NAME || 'terraform'} version`;
  const memoized = ((command: string, options?: childProcess.ExecSyncOptions) => {
    const plain = options && Object.keys(options).length === 1 && options.stdio === 'pipe';
    if (command !== versionCommand || !plain) return realExecSync(command, options);
    memoized[CACHED_VERSION] ??= realExecSync(command, options) as Buffer;
    return Buffer.from(memoized[CACHED_VERSION]);
  }) as ExecSync;
  memoized[CACHED_VERSION] = undefined;
  childProcess.execSync = memoized;
}
