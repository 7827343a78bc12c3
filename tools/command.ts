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
