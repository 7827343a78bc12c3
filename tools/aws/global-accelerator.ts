/**
 * A minimal AWS Global Accelerator client: its JSON 1.1 operations, signed with SigV4 for
 * us-west-2 (the only region that serves Global Accelerator's API), against
 * `https://globalaccelerator.us-west-2.amazonaws.com` or the endpoint the AWS SDKs' variables name
 * (`AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR`, then `AWS_ENDPOINT_URL`). Every call is bounded: it ends
 * when its `timeoutMs` runs out, with a `GlobalAcceleratorUnreachable` error saying so.
 */
import { AwsError, awsRequest, endpointOf } from './request';
import { AwsCredentials } from './sigv4';

/** The region of Global Accelerator's control plane. */
export const GLOBAL_ACCELERATOR_API_REGION = 'us-west-2';
/** The target prefix of its operations (its API version). */
const TARGET_PREFIX = 'GlobalAccelerator_V20180706';

export interface GlobalAcceleratorClientOptions {
  readonly credentials: AwsCredentials;
  /** Environment with the endpoint overrides. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The endpoint every call goes to. */
export function globalAcceleratorEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return endpointOf('globalaccelerator', GLOBAL_ACCELERATOR_API_REGION, env);
}

/** The endpoint did not answer in time, or could not be reached at all. */
export class GlobalAcceleratorUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlobalAcceleratorUnreachable';
  }
}

/** Calls one operation, e.g. `call(options, 'ListListeners', { AcceleratorArn }, 10_000)`. */
export async function globalAcceleratorCall<T>(
  options: GlobalAcceleratorClientOptions,
  operation: string,
  payload: Record<string, unknown>,
  timeoutMs: number,
): Promise<T> {
  const endpoint = globalAcceleratorEndpoint(options.env);
  let text: string;
  try {
    text = await awsRequest({
      service: 'globalaccelerator',
      region: GLOBAL_ACCELERATOR_API_REGION,
      credentials: options.credentials,
      operation,
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${TARGET_PREFIX}.${operation}`,
      },
      body: JSON.stringify(payload),
      env: options.env,
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
  } catch (error) {
    if (error instanceof AwsError) throw error;
    const err = error as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      throw new GlobalAcceleratorUnreachable(
        `Global Accelerator's API at ${endpoint} did not answer ${operation} within ${Number((timeoutMs / 1000).toFixed(1))} s`,
      );
    }
    throw new GlobalAcceleratorUnreachable(
      `cannot reach Global Accelerator's API at ${endpoint} (${operation}): ${err.cause?.code ?? err.cause?.message ?? err.message}`,
    );
  }
  try {
    return (text ? JSON.parse(text) : {}) as T;
  } catch {
    throw new GlobalAcceleratorUnreachable(
      `Global Accelerator's API at ${endpoint} answered ${operation} with something other than JSON: ${text.slice(0, 200)}`,
    );
  }
}
