/**
 * The emulator launcher: a server on a free loopback port, in the settings' account, that never
 * outlives the process that started it, even when that process is killed.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { motoAnswers, startMoto } from '../tools/emulator/moto';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startMoto', () => {
  it('serves the given account on 127.0.0.1, and stops (twice is fine)', async () => {
    // GIVEN a started emulator
    const moto = await startMoto({ accountId: '444444444444' });
    try {
      // THEN it listens on loopback and answers STS with that account
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await fetch(moto.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization:
            'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      expect(await answer.text()).toContain('<Account>444444444444</Account>');
    } finally {
      await moto.stop();
      await moto.stop();
    }
    // AND it is gone
    expect(await motoAnswers(moto.endpoint)).toBe(false);
  });

  it('refuses an account that is not 12 digits', async () => {
    await expect(startMoto({ accountId: '1234' })).rejects.toThrow(
      'emulator: accountId must be 12 digits, got "1234"',
    );
  });

  it('ends the server when the process that started it is killed outright', async () => {
    // GIVEN a process that starts an emulator, reports its endpoint, then waits
    const dir = mkdtempSync(path.join(os.tmpdir(), 'moto-orphan-'));
    try {
      const script = path.join(dir, 'start.js');
      buildSync({
        stdin: {
          contents: `import { startMoto } from ${JSON.stringify(path.resolve(__dirname, '../tools/emulator/moto'))};
            startMoto({ accountId: '555555555555' }).then((m) => { console.log(m.endpoint); setInterval(() => {}, 1000); });`,
          resolveDir: dir,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        outfile: script,
        logLevel: 'silent',
      });
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const endpoint = await new Promise<string>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
      );
      expect(await motoAnswers(endpoint)).toBe(true);
      // WHEN it is killed with SIGKILL (no exit handler runs)
      child.kill('SIGKILL');
      // THEN the server is gone within a few seconds
      let answering = true;
      for (let waited = 0; waited < 15_000 && answering; waited += 500) {
        await sleep(500);
        answering = await motoAnswers(endpoint);
      }
      expect(answering).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
