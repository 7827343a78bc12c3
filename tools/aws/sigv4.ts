/**
 * AWS Signature Version 4 for one HTTP request (header signing), as AWS documents it in "Create a
 * signed AWS API request": a canonical request, a string to sign over its hash, a signing key
 * derived from the secret through the date, region and service, and the Authorization header.
 * Small on purpose: the release helper needs a few ECR calls and the project has no AWS SDK.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials' token; sent (and signed) as `X-Amz-Security-Token`. */
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  /** Headers to send and sign (names in any case); `host` and `x-amz-date` are added. */
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface SigningScope {
  readonly credentials: AwsCredentials;
  readonly region: string;
  /** The signing name of the service, e.g. `ecr`. */
  readonly service: string;
  /** The signing time. @default - now */
  readonly now?: Date;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ is %XX. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(url: URL): string {
  return [...url.searchParams]
    .map(([key, value]) => [uriEncode(key), uriEncode(value)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** `20150830T123600Z` */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface SignedRequest {
  /** Every header to send, Authorization included. */
  readonly headers: Record<string, string>;
  /** The intermediate results, for tests against AWS's published vectors. */
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
}

/** Signs `request` for `scope`; the returned headers go on the request as they are. */
export function signRequest(request: SignableRequest, scope: SigningScope): SignedRequest {
  const url = new URL(request.url);
  const timestamp = amzDate(scope.now ?? new Date());
  const day = timestamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  headers['x-amz-date'] = timestamp;
  if (scope.credentials.sessionToken) headers['x-amz-security-token'] = scope.credentials.sessionToken;

  const names = Object.keys(headers).sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${headers[name].trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  // URL.pathname is encoded once; encoding its segments again is AWS's rule for every service but S3.
  const path = url.pathname.split('/').map(uriEncode).join('/');
  const canonicalRequest = [
    request.method.toUpperCase(),
    path || '/',
    canonicalQuery(url),
    canonicalHeaders,
    signedHeaders,
    sha256(request.body ?? ''),
  ].join('\n');

  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', timestamp, credentialScope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${scope.credentials.secretAccessKey}`, day), scope.region), scope.service),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${scope.credentials.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}

/**
 * Credentials from the standard environment variables (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), or undefined when they are not set.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}
