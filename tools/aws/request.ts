/**
 * One signed AWS API request over HTTPS (or the emulator's HTTP), for the few calls the project's
 * tools make without an AWS SDK. The endpoint is AWS's, unless the SDKs' override variables name
 * another: `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_S3`), then `AWS_ENDPOINT_URL`.
 */
import { createHash } from 'node:crypto';
import { AwsCredentials, signRequest } from './sigv4';

/** Services the tools call: their signing name, endpoint host and override variable. */
const SERVICES = {
  s3: { signingName: 's3', host: (region: string) => `s3.${region}.amazonaws.com`, variable: 'S3' },
  backup: {
    signingName: 'backup',
    host: (region: string) => `backup.${region}.amazonaws.com`,
    variable: 'BACKUP',
  },
  ecr: { signingName: 'ecr', host: (region: string) => `api.ecr.${region}.amazonaws.com`, variable: 'ECR' },
  // Global Accelerator's API is served from us-west-2 only (the SDKs' service ID is "Global Accelerator").
  globalaccelerator: {
    signingName: 'globalaccelerator',
    host: (region: string) => `globalaccelerator.${region}.amazonaws.com`,
    variable: 'GLOBAL_ACCELERATOR',
  },
} as const;

export type AwsService = keyof typeof SERVICES;

/** An error answer of an AWS API. */
export class AwsError extends Error {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${service} ${operation}: HTTP ${status} ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'AwsError';
  }
}

export interface AwsRequestOptions {
  readonly service: AwsService;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** For messages: the API operation, e.g. `ListObjectVersions`. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with any query string, e.g. `/bucket?versions`; segments already URI-encoded. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Environment with the endpoint overrides. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Aborts the request (connecting, sending and reading the answer) when it fires, e.g.
   * `AbortSignal.timeout(10_000)`; the promise then rejects with the signal's reason.
   * @default - no bound: the request waits as long as the endpoint does
   */
  readonly signal?: AbortSignal;
}

/** The endpoint of `service` in `region`: an override variable, else AWS's own. */
export function endpointOf(
  service: AwsService,
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const own = SERVICES[service];
  return (
    env[`AWS_ENDPOINT_URL_${own.variable}`] ||
    env.AWS_ENDPOINT_URL ||
    `https://${own.host(region)}`
  ).replace(/\/$/, '');
}

/** Sends one signed request; resolves with the answer's text, rejects with `AwsError`. */
export async function awsRequest(options: AwsRequestOptions): Promise<string> {
  const url = `${endpointOf(options.service, options.region, options.env)}${options.path}`;
  const body = options.body ?? '';
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  // S3 signs the payload hash as a header of its own.
  if (options.service === 's3')
    headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  const signed = signRequest(
    { method: options.method, url, headers, body },
    {
      credentials: options.credentials,
      region: options.region,
      service: SERVICES[options.service].signingName,
    },
  );
  const sendHeaders = { ...signed.headers };
  delete sendHeaders.host; // fetch sets it from the URL
  const response = await fetch(url, {
    method: options.method,
    headers: sendHeaders,
    body: options.method === 'GET' || options.method === 'DELETE' ? undefined : body,
    signal: options.signal,
  });
  const text = await response.text();
  if (!response.ok) {
    const code =
      /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ??
      /"__type"\s*:\s*"([^"]+)"/.exec(text)?.[1] ??
      /"code"\s*:\s*"([^"]+)"/i.exec(text)?.[1] ??
      'Error';
    const message =
      /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? /"message"\s*:\s*"([^"]*)"/i.exec(text)?.[1] ?? '';
    throw new AwsError(
      options.service,
      options.operation,
      response.status,
      code.split('#').pop() as string,
      message,
    );
  }
  return text;
}
