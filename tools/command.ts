/**
 * How every command in tools/ ends: its exit code from `main`, or one `error: <message>` line
 * and exit code 1 for anything it throws (bad settings, a failed call), never a stack trace.
 */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
    },
  );
}

/** What a command taking its process from outside (testable without a child process) is given. */
export interface ProcessIo {
  readonly argv: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly projectRoot: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/**
 * Runs such a command on this process: its arguments, environment, working folder and console;
 * anything it throws ends as one `error: <message>` line and `thrownExitCode`.
 */
export function runWithProcess(command: (io: ProcessIo) => Promise<number>, thrownExitCode: number): void {
  command({
    argv: process.argv.slice(2),
    env: process.env,
    projectRoot: process.cwd(),
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`);
      process.exitCode = thrownExitCode;
    },
  );
}
