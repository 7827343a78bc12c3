import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's Node environment with a temporary folder of its own for each test file, inside the run's
 * (see scratch.ts), removed when the file ends: the outdirs cdktf's Testing.app() creates, the
 * settings files and synth folders the tests write, and whatever the processes they start write
 * to TMPDIR. It runs outside the test sandbox, where TMPDIR is the worker's real one, which
 * `os.tmpdir()` and child processes read.
 */
export default class ScratchEnvironment extends NodeEnvironment {
  private readonly previousTmpdir: string | undefined;
  private readonly fileTmpdir: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.previousTmpdir = process.env.TMPDIR;
    this.fileTmpdir = mkdtempSync(path.join(os.tmpdir(), `${path.basename(context.testPath, '.test.ts')}-`));
    process.env.TMPDIR = this.fileTmpdir;
    this.global.process.env.TMPDIR = this.fileTmpdir;
  }

  async teardown(): Promise<void> {
    if (this.previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.previousTmpdir;
    rmSync(this.fileTmpdir, { recursive: true, force: true });
    await super.teardown();
  }
}
