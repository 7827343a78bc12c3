import childProcess from 'node:child_process';
import { skipTokenCreationTraces } from '../stacks/token-creation-traces';

// cdktf's matchers (Testing.setupJest) are not registered: no test uses them, and registering them
// would load cdktf into every test file, the third of them that never synthesizes included.
process.env.CHECKPOINT_DISABLE = '1';

// cdktf's records of where each token was created are left out, as the app leaves them out
// (stacks/token-creation-traces.ts); a real Error keeps the stack Jest maps through the source maps.
skipTokenCreationTraces();

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
