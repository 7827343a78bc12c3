/**
 * A local AWS emulator for applying the stacks without an AWS account: moto's server
 * (`pip install 'moto[server]'`), started on a free loopback port and stopped with its whole
 * process group. Only the tests and the emulator command use it; nothing of it reaches the
 * synthesized configuration.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

/** The moto version the exclusions and the known diffs were established with. */
export const MOTO_VERSION = '5.2.1';

export interface MotoOptions {
  /** Account every call runs in (moto ignores the access key for this). */
  readonly accountId: string;
  /**
   * File for the server's own log (requests and tracebacks), kept for reading a failure.
   * @default - discarded
   */
  readonly logFile?: string;
  /**
   * Seconds to wait for the server to answer.
   * @default 30
   */
  readonly startTimeoutSeconds?: number;
  /**
   * Leave the server running when this process exits (the emulator command's `start`); stop it
   * later with `stopMotoProcess(pid)`.
   * @default false - the server ends with this process at the latest
   */
  readonly detach?: boolean;
}

export interface Moto {
  /** `http://127.0.0.1:<port>`, for every service. */
  readonly endpoint: string;
  readonly port: number;
  readonly accountId: string;
  /** Process ID of the server, the leader of its process group. */
  readonly pid: number;
  /** Stops the server and every process it started; safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The installed moto server's version, or undefined when `moto_server` is not on the PATH. */
export function installedMotoVersion(): string | undefined {
  const probe = spawnSync('moto_server', ['--help'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  const version = spawnSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("moto"))'], {
    encoding: 'utf8',
  });
  return version.status === 0 ? version.stdout.trim() : 'unknown';
}

/** Whether STS answers GetCallerIdentity at `endpoint`: cheap, however much the emulator holds. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // moto routes by the credential scope's service; the signature itself is not checked.
        authorization:
          'AWS4-HMAC-SHA256 Credential=emulator/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `moto_server` on 127.0.0.1 and resolves once it answers. It runs in its own process
 * group, so `stop()` ends it with anything it spawned, and a test run that forgets to stop it
 * still ends it on exit.
 */
export async function startMoto(options: MotoOptions): Promise<Moto> {
  if (!/^\d{12}$/.test(options.accountId)) {
    throw new Error(`emulator: accountId must be 12 digits, got ${JSON.stringify(options.accountId)}`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let logFd: number | undefined;
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    logFd = openSync(options.logFile, 'w');
  }
  // Unless detached, a watchdog shell ends the server within a second of this process ending,
  // however it ends (a killed test worker runs no exit handler).
  const server = `moto_server -H 127.0.0.1 -p ${port}`;
  const watched = `${server} & server=$!; trap 'kill $server 2>/dev/null' TERM INT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill $server 2>/dev/null; wait $server`;
  const child = spawn('sh', ['-c', options.detach ? `exec ${server}` : watched], {
    detached: true,
    stdio: ['ignore', logFd ?? 'ignore', logFd ?? 'ignore'],
    env: {
      ...process.env,
      // moto calls botocore itself for some requests: give it credentials and no instance metadata
      // service, else it waits on 169.254.169.254, which never answers here.
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      MOTO_ACCOUNT_ID: options.accountId,
      // Attaching AWS-managed policies (AmazonECSTaskExecutionRolePolicy) needs them loaded.
      MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    },
  });
  if (logFd !== undefined) closeSync(logFd);
  const onExit = () => killGroup(child, 'SIGKILL');
  if (options.detach) child.unref();
  else process.once('exit', onExit);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', () => undefined);

  const deadline = Date.now() + (options.startTimeoutSeconds ?? 30) * 1000;
  while (!(await answers(endpoint))) {
    if (exited || Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      process.removeListener('exit', onExit);
      throw new Error(
        exited
          ? `emulator: moto_server exited at start (is moto[server] ${MOTO_VERSION} installed? pip install 'moto[server]==${MOTO_VERSION}')`
          : `emulator: moto_server did not answer on ${endpoint} within ${options.startTimeoutSeconds ?? 30} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    accountId: options.accountId,
    pid: child.pid as number,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', onExit);
        if (exited) return;
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exitedPromise;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** Stops a server started with `detach` by another process; true when one was running. */
export async function stopMotoProcess(pid: number): Promise<boolean> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return false;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return false;
  }
  for (let waited = 0; waited < 5000 && alive(); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (alive()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return true;
}

/** Whether an emulator answers at `endpoint`. */
export function motoAnswers(endpoint: string): Promise<boolean> {
  return answers(endpoint);
}
