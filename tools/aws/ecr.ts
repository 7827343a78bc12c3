/**
 * A minimal Amazon ECR client: any ECR API operation over its JSON 1.1 protocol, signed with SigV4,
 * against `https://api.ecr.<region>.amazonaws.com` or the endpoint the AWS SDKs' variables name
 * (`AWS_ENDPOINT_URL_ECR`, then `AWS_ENDPOINT_URL`), which is how the tests reach an emulator.
 */
import { AwsCredentials, signRequest } from './sigv4';

/** The target prefix of ECR's operations (its API version). */
const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';

/** An error answer of the ECR API: `code` is its type, e.g. `ImageNotFoundException`. */
export class EcrError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${code}: ${message}`);
    this.name = 'EcrError';
  }
}

export interface EcrClientOptions {
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** Environment with the endpoint overrides. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The endpoint of ECR in `region`: the override variables first, else AWS's. */
export function ecrEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_ENDPOINT_URL_ECR || env.AWS_ENDPOINT_URL || `https://api.ecr.${region}.amazonaws.com`;
}

/** Calls one ECR operation, e.g. `ecrCall(options, 'DescribeImages', { repositoryName, imageIds })`. */
export async function ecrCall<T = Record<string, unknown>>(
  options: EcrClientOptions,
  operation: string,
  payload: Record<string, unknown>,
): Promise<T> {
  const url = ecrEndpoint(options.region, options.env);
  const body = JSON.stringify(payload);
  const { headers } = signRequest(
    {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${TARGET_PREFIX}.${operation}`,
      },
      body,
    },
    { credentials: options.credentials, region: options.region, service: 'ecr' },
  );
  delete headers.host; // fetch sets it from the URL
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  const answer = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (!response.ok) {
    const type = String(answer.__type ?? answer.code ?? `HTTP ${response.status}`);
    throw new EcrError(
      type.split('#').pop() as string,
      String(answer.message ?? answer.Message ?? text),
      response.status,
    );
  }
  return answer as T;
}
