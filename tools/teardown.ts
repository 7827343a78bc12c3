/**
 * `npm run teardown -- <stack>`: takes a non-production environment's platform stack down so that
 * nothing is left behind. Terraform alone cannot: the data buckets keep object versions, the
 * backup vaults recovery points and the ECR repository images (nothing here force-deletes them),
 * and the replica repositories that ECR replication creates in the other regions are not
 * Terraform's at all. This empties each of them, deletes the replica repositories, then runs
 * `npm run destroy` (cdktf destroy) on the stack, after the stacks that read from it (with a stack
 * per service, the services' stacks read the foundation's).
 *
 *   --dry-run       list what would be deleted, delete nothing
 *   --keep-stack    empty and delete what Terraform cannot, but do not run the destroy
 *
 * Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (with a
 * profile or SSO: `eval "$(aws configure export-credentials --format env)"`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { loadEnvironmentSettings } from '../settings/load';
import { run } from '../stacks/app';
import { AwsError, awsRequest } from './aws/request';
import { AwsCredentials, credentialsFromEnv } from './aws/sigv4';
import { UNSUPPORTED_CALLS } from './emulator/gaps';
import { runCommand } from './command';
import { readSynthesizedManifest } from '../stacks/synthesized-manifest';

/** What Terraform leaves behind in one stack, by region, read from its synthesized configuration. */
export interface Leftovers {
  readonly buckets: Array<{ name: string; region: string }>;
  readonly vaults: Array<{ name: string; region: string }>;
  /** The environment's repository (its images), in the primary region. */
  readonly repositories: Array<{ name: string; region: string }>;
  /** Replicas ECR created in the other regions; not in Terraform's state. */
  readonly replicaRepositories: Array<{ name: string; region: string }>;
}

type Block = Record<string, unknown> & { provider?: string };
export interface StackJson {
  provider?: { aws?: Array<{ alias?: string; region?: string }> };
  resource?: Record<string, Record<string, Block>>;
}

/** Reads the names and regions of everything the teardown must empty from a synthesized stack. */
export function leftoversOf(stack: StackJson): Leftovers {
  const regions = new Map((stack.provider?.aws ?? []).map((p) => [`aws.${p.alias}`, p.region as string]));
  const regionOf = (block: Block) => {
    const region = regions.get(String(block.provider).replace(/^\$\{|\}$/g, ''));
    if (!region) throw new Error(`teardown: no region for provider ${String(block.provider)}`);
    return region;
  };
  const literal = (value: unknown, what: string) => {
    if (typeof value !== 'string' || value.includes('${')) {
      throw new Error(
        `teardown: the ${what} name ${JSON.stringify(value)} is not known before apply; set accountId in the settings`,
      );
    }
    return value;
  };
  const all = (type: string) => Object.values(stack.resource?.[type] ?? {});
  const repositories = all('aws_ecr_repository').map((block) => ({
    name: literal(block.name, 'repository'),
    region: regionOf(block),
  }));
  const replicaRegions = all('aws_ecr_replication_configuration').flatMap((block) => {
    const rules = (
      block.replication_configuration as { rule?: Array<{ destination?: Array<{ region: string }> }> }
    )?.rule;
    return (rules ?? []).flatMap((rule) => (rule.destination ?? []).map((destination) => destination.region));
  });
  return {
    buckets: all('aws_s3_bucket').map((block) => ({
      name: literal(block.bucket, 'bucket'),
      region: regionOf(block),
    })),
    vaults: all('aws_backup_vault').map((block) => ({
      name: literal(block.name, 'vault'),
      region: regionOf(block),
    })),
    repositories,
    replicaRepositories: repositories.flatMap((repository) =>
      [...new Set(replicaRegions)].map((region) => ({ name: repository.name, region })),
    ),
  };
}

export interface TeardownOptions {
  readonly credentials: AwsCredentials;
  readonly dryRun?: boolean;
  readonly log?: (line: string) => void;
  /** Environment with endpoint overrides. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Calls the endpoint is known not to serve (an emulator's gaps, tools/emulator/gaps.ts): when one
   * answers as unserved, that step is reported as skipped, naming the operation, and the rest goes on.
   * @default - none: every failed call stops the teardown
   */
  readonly unsupported?: ReadonlyArray<{ service: string; operation: string; reason: string }>;
}

/** Statuses an endpoint answers a call it does not implement with (moto: 404 for an unknown route, 500/501). */
const UNSERVED_STATUSES = new Set([404, 405, 500, 501]);

/**
 * Runs one emptying step; when it fails on a call `options.unsupported` lists, logs what was
 * skipped and why instead of throwing.
 */
async function unlessUnsupported(
  what: string,
  step: () => Promise<string>,
  options: TeardownOptions,
  log: (line: string) => void,
): Promise<void> {
  try {
    log(await step());
  } catch (error) {
    const gap =
      error instanceof AwsError && UNSERVED_STATUSES.has(error.status)
        ? options.unsupported?.find((g) => g.service === error.service && g.operation === error.operation)
        : undefined;
    if (!gap) throw error;
    log(
      `${what}: skipped: the endpoint does not serve ${gap.service} ${gap.operation} (listed in tools/emulator/gaps.ts: ${gap.reason})`,
    );
  }
}

const notFound = (error: unknown, ...codes: string[]) =>
  error instanceof AwsError && (codes.includes(error.code) || error.status === 404);

function xmlValues(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Deletes every object version and delete marker of a bucket; returns how many. */
export async function emptyBucket(
  bucket: { name: string; region: string },
  options: TeardownOptions,
): Promise<number> {
  const call = (
    operation: string,
    method: 'GET' | 'POST',
    query: string,
    body?: string,
    headers?: Record<string, string>,
  ) =>
    awsRequest({
      service: 's3',
      region: bucket.region,
      credentials: options.credentials,
      operation,
      method,
      path: `/${bucket.name}?${query}`,
      body,
      headers,
      env: options.env,
    });
  let deleted = 0;
  for (;;) {
    let listing: string;
    try {
      listing = await call('ListObjectVersions', 'GET', 'versions=&max-keys=1000');
    } catch (error) {
      if (notFound(error, 'NoSuchBucket')) return deleted;
      throw error;
    }
    const entries = [...listing.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)].map((match) => ({
      key: xmlValues(match[2], 'Key')[0],
      versionId: xmlValues(match[2], 'VersionId')[0],
    }));
    if (!entries.length) return deleted;
    if (options.dryRun) return entries.length;
    const body =
      '<Delete><Quiet>true</Quiet>' +
      entries
        .map(
          (entry) =>
            `<Object><Key>${xmlEscape(entry.key)}</Key><VersionId>${xmlEscape(entry.versionId)}</VersionId></Object>`,
        )
        .join('') +
      '</Delete>';
    const md5 = createHash('md5').update(body).digest('base64');
    const answer = await call('DeleteObjects', 'POST', 'delete=', body, {
      'content-md5': md5,
      'content-type': 'application/xml',
    });
    const errors = xmlValues(answer, 'Code');
    if (errors.length)
      throw new Error(`teardown: s3 DeleteObjects in ${bucket.name}: ${[...new Set(errors)].join(', ')}`);
    deleted += entries.length;
  }
}

/** Deletes every recovery point of a backup vault; returns how many. */
export async function emptyVault(
  vault: { name: string; region: string },
  options: TeardownOptions,
): Promise<number> {
  const call = (operation: string, method: 'GET' | 'DELETE', pathName: string) =>
    awsRequest({
      service: 'backup',
      region: vault.region,
      credentials: options.credentials,
      operation,
      method,
      path: pathName,
      env: options.env,
    });
  let deleted = 0;
  let token: string | undefined;
  const arns: string[] = [];
  do {
    let page: { RecoveryPoints?: Array<{ RecoveryPointArn: string }>; NextToken?: string };
    try {
      page = JSON.parse(
        await call(
          'ListRecoveryPointsByBackupVault',
          'GET',
          `/backup-vaults/${encodeURIComponent(vault.name)}/recovery-points/${token ? `?nextToken=${encodeURIComponent(token)}` : ''}`,
        ),
      );
    } catch (error) {
      if (error instanceof AwsError && error.code === 'ResourceNotFoundException') return 0;
      throw error;
    }
    arns.push(...(page.RecoveryPoints ?? []).map((point) => point.RecoveryPointArn));
    token = page.NextToken;
  } while (token);
  if (options.dryRun) return arns.length;
  for (const arn of arns) {
    await call(
      'DeleteRecoveryPoint',
      'DELETE',
      `/backup-vaults/${encodeURIComponent(vault.name)}/recovery-points/${encodeURIComponent(arn)}`,
    );
    deleted += 1;
  }
  return deleted;
}

const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921';

async function ecr<T>(
  region: string,
  operation: string,
  payload: object,
  options: TeardownOptions,
): Promise<T> {
  const text = await awsRequest({
    service: 'ecr',
    region,
    credentials: options.credentials,
    operation,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECR_TARGET}.${operation}` },
    body: JSON.stringify(payload),
    env: options.env,
  });
  return (text ? JSON.parse(text) : {}) as T;
}

/** Deletes every image of a repository (which stays, for Terraform to delete); returns how many. */
export async function emptyRepository(
  repository: { name: string; region: string },
  options: TeardownOptions,
): Promise<number> {
  const ids: Array<Record<string, string>> = [];
  let nextToken: string | undefined;
  do {
    let page: { imageIds?: Array<Record<string, string>>; nextToken?: string };
    try {
      page = await ecr(
        repository.region,
        'ListImages',
        { repositoryName: repository.name, nextToken },
        options,
      );
    } catch (error) {
      if (notFound(error, 'RepositoryNotFoundException')) return 0;
      throw error;
    }
    ids.push(...(page.imageIds ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const digests = [...new Set(ids.map((id) => id.imageDigest))].map((imageDigest) => ({ imageDigest }));
  if (options.dryRun) return digests.length;
  for (let start = 0; start < digests.length; start += 100) {
    await ecr(
      repository.region,
      'BatchDeleteImage',
      { repositoryName: repository.name, imageIds: digests.slice(start, start + 100) },
      options,
    );
  }
  return digests.length;
}

/** Deletes a replica repository with its images; false when there was none. */
export async function deleteReplicaRepository(
  repository: { name: string; region: string },
  options: TeardownOptions,
): Promise<boolean> {
  if (options.dryRun) {
    try {
      await ecr(repository.region, 'DescribeRepositories', { repositoryNames: [repository.name] }, options);
      return true;
    } catch (error) {
      if (notFound(error, 'RepositoryNotFoundException')) return false;
      throw error;
    }
  }
  try {
    await ecr(
      repository.region,
      'DeleteRepository',
      { repositoryName: repository.name, force: true },
      options,
    );
    return true;
  } catch (error) {
    if (notFound(error, 'RepositoryNotFoundException')) return false;
    throw error;
  }
}

/** Empties everything `leftovers` names and deletes the replica repositories. */
export async function emptyLeftovers(leftovers: Leftovers, options: TeardownOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const verb = options.dryRun ? 'would delete' : 'deleted';
  for (const bucket of leftovers.buckets) {
    const what = `s3://${bucket.name} (${bucket.region})`;
    await unlessUnsupported(
      what,
      async () => `${what}: ${verb} ${await emptyBucket(bucket, options)} object versions and delete markers`,
      options,
      log,
    );
  }
  for (const vault of leftovers.vaults) {
    const what = `backup vault ${vault.name} (${vault.region})`;
    await unlessUnsupported(
      what,
      async () => `${what}: ${verb} ${await emptyVault(vault, options)} recovery points`,
      options,
      log,
    );
  }
  for (const repository of leftovers.repositories) {
    const what = `ECR ${repository.name} (${repository.region})`;
    await unlessUnsupported(
      what,
      async () => `${what}: ${verb} ${await emptyRepository(repository, options)} images`,
      options,
      log,
    );
  }
  for (const replica of leftovers.replicaRepositories) {
    const what = `ECR replica ${replica.name} (${replica.region})`;
    await unlessUnsupported(
      what,
      async () =>
        `${what}: ${(await deleteReplicaRepository(replica, options)) ? `${verb} with its images` : 'none'}`,
      options,
      log,
    );
  }
}

/** The endpoint override in the environment (an emulator's), or undefined for AWS itself. */
function endpointOverride(env: NodeJS.ProcessEnv): string | undefined {
  const variable = Object.keys(env)
    .sort()
    .find((key) => /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(key) && env[key]);
  return variable ? `${variable}=${env[variable]}` : undefined;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const workDirAt = args.indexOf('--work-dir');
  const workDir = workDirAt >= 0 ? args.splice(workDirAt, 2)[1] : undefined;
  const flags = new Set(args.filter((arg) => arg.startsWith('--')));
  const [stack, ...rest] = args.filter((arg) => !arg.startsWith('--'));
  const unknown = [...flags].filter((flag) => !['--dry-run', '--keep-stack'].includes(flag));
  if (!stack || rest.length || unknown.length || (workDirAt >= 0 && !workDir)) {
    console.error(
      'usage: npm run teardown -- <stack> [--dry-run] [--keep-stack] [--work-dir <emulator work dir>]',
    );
    return 2;
  }
  const root = process.cwd();
  const settings = loadEnvironmentSettings(process.env, root);
  if (settings.tier === 'production') {
    console.error(
      `error: ${settings.environment} has tier "production": its stateful resources are protected (prevent_destroy, vault lock) and teardown refuses it. Nothing was deleted.`,
    );
    return 1;
  }
  const credentials = credentialsFromEnv(process.env);
  if (!credentials) {
    console.error(
      'error: no AWS credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with a profile or SSO: eval "$(aws configure export-credentials --format env)"). Nothing was deleted.',
    );
    return 1;
  }
  mkdirSync(path.join(root, '.work'), { recursive: true });
  const scratch = mkdtempSync(path.join(root, '.work', 'teardown-'));
  let leftovers: Leftovers;
  // The stacks that read from this one (a stack per service reads the foundation): destroyed first.
  let dependents: string[] = [];
  try {
    const code = run({ env: process.env, projectRoot: root, outdir: scratch, stderr: () => undefined });
    if (code !== 0) return code;
    const manifest = readSynthesizedManifest(scratch);
    if (!(stack in manifest.stacks)) {
      console.error(`error: unknown stack ${stack}; stacks: ${Object.keys(manifest.stacks).join(', ')}`);
      return 1;
    }
    dependents = dependentsOf(stack, manifest.stacks);
    if (dependents.length) {
      console.log(`${stack} is read by ${dependents.join(', ')}: they are destroyed first`);
    }
    leftovers = leftoversOf(
      JSON.parse(
        readFileSync(path.join(scratch, manifest.stacks[stack].synthesizedStackPath), 'utf8'),
      ) as StackJson,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // An endpoint override means an emulator (tools/emulator/): the calls it is known to lack are
  // skipped and listed, and the stack's state is the emulator's, which its own destroy uses.
  const override = endpointOverride(process.env);
  if (override) {
    console.log(
      `endpoint override ${override}: an emulator; what it cannot serve (tools/emulator/gaps.ts) is skipped and listed`,
    );
  }
  await emptyLeftovers(leftovers, {
    credentials,
    dryRun: flags.has('--dry-run'),
    log: (line) => console.log(line),
    unsupported: override ? UNSUPPORTED_CALLS : undefined,
  });
  if (flags.has('--dry-run') || flags.has('--keep-stack')) return 0;
  if (override) {
    // The destroy runs on the emulator `npm run emulator` started: it must be the one just emptied.
    const serverFile = path.resolve(root, workDir ?? path.join('.work', 'emulator'), 'server.json');
    const server = existsSync(serverFile)
      ? (JSON.parse(readFileSync(serverFile, 'utf8')) as { endpoint?: string })
      : undefined;
    if (!server?.endpoint || !override.endsWith(`=${server.endpoint}`)) {
      console.error(
        `error: ${override} is not the emulator npm run emulator started (${server?.endpoint ? `it runs at ${server.endpoint}` : `no ${serverFile}`}), which holds the stack's state; destroy it where you deployed it, or run with --keep-stack`,
      );
      return 1;
    }
  }
  if (!override) {
    // cdktf destroys the stacks named in the reverse order of their dependencies.
    const destroy = spawnSync('npm', ['run', 'destroy', '--', ...dependents, stack, '--auto-approve'], {
      cwd: root,
      stdio: 'inherit',
    });
    return destroy.status ?? 1;
  }
  for (const each of [...dependents, stack]) {
    const destroy = spawnSync(
      'npm',
      ['run', '--silent', 'emulator', '--', 'destroy', each, ...(workDir ? ['--work-dir', workDir] : [])],
      { cwd: root, stdio: 'inherit' },
    );
    if (destroy.status !== 0) return destroy.status ?? 1;
  }
  return 0;
}

/**
 * The stacks that depend on `stack`, directly or not, in the order they can be destroyed: a stack
 * before anything it depends on.
 */
export function dependentsOf(stack: string, stacks: Record<string, { dependencies?: string[] }>): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    for (const [other, { dependencies }] of Object.entries(stacks)) {
      if (dependencies?.includes(name) && !order.includes(other)) {
        visit(other);
        if (!order.includes(other)) order.push(other);
      }
    }
  };
  visit(stack);
  return order;
}

if (require.main === module) {
  runCommand(main);
}
