/** The first-writer protocol the test run's caches share (test-support/run-cache.ts). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FirstWriter } from '../test-support/run-cache';

describe('FirstWriter', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'first-writer-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lets exactly one caller claim an entry, creating its parent folders', () => {
    // GIVEN an entry whose parent does not exist yet
    const dir = path.join(root, 'cache', 'key');
    // WHEN two callers claim it
    const first = new FirstWriter(dir, 1000).claim();
    const second = new FirstWriter(dir, 1000).claim();
    // THEN the first owns it and the folder exists
    expect([first, second]).toEqual([true, false]);
    expect(existsSync(dir)).toBe(true);
  });

  it("gives a waiter the owner's success, blocking or on the event loop", async () => {
    // GIVEN an owner that finished its entry
    const dir = path.join(root, 'key');
    const owner = new FirstWriter(dir, 1000);
    owner.claim();
    owner.done();
    // THEN a waiter learns it either way
    expect(new FirstWriter(dir, 1000).waitSync()).toEqual({ state: 'done' });
    await expect(new FirstWriter(dir, 1000).wait()).resolves.toEqual({ state: 'done' });
  });

  it("gives a waiter the owner's error message", async () => {
    // GIVEN an owner whose work threw
    const dir = path.join(root, 'key');
    const owner = new FirstWriter(dir, 1000);
    owner.claim();
    owner.failed(new Error('terraform plan exited with 1'));
    // THEN a waiter gets the message
    const failed = { state: 'failed', message: 'terraform plan exited with 1' };
    expect(new FirstWriter(dir, 1000).waitSync()).toEqual(failed);
    await expect(new FirstWriter(dir, 1000).wait()).resolves.toEqual(failed);
  });

  it('waits on the event loop while the owner works in the same process', async () => {
    // GIVEN an owner that finishes 150 ms later, on a timer of this process
    const dir = path.join(root, 'key');
    const owner = new FirstWriter(dir, 5000);
    owner.claim();
    setTimeout(() => owner.done(), 150);
    // WHEN another caller of this process waits for it
    const started = Date.now();
    const outcome = await new FirstWriter(dir, 5000).wait();
    // THEN it sees the owner's mark once it is written
    expect(outcome).toEqual({ state: 'done' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('times out when the owner leaves no mark', async () => {
    // GIVEN an owner that never finishes
    const dir = path.join(root, 'key');
    new FirstWriter(dir, 100).claim();
    // THEN a waiter gives up after its wait
    expect(new FirstWriter(dir, 100).waitSync()).toEqual({ state: 'timedOut' });
    await expect(new FirstWriter(dir, 100).wait()).resolves.toEqual({ state: 'timedOut' });
  });
});
