import { amzDate, credentialsFromEnv, signRequest } from '../tools/aws/sigv4';

// AWS's Signature Version 4 test suite (aws-sig-v4-test-suite): its credentials, scope and time.
const suite = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  now: new Date('2015-08-30T12:36:00Z'),
};

describe('signRequest', () => {
  it('reproduces the suite’s get-vanilla vector: canonical request, string to sign and signature', () => {
    // GIVEN GET / to example.amazonaws.com
    // WHEN it is signed
    const signed = signRequest({ method: 'GET', url: 'https://example.amazonaws.com/' }, suite);
    // THEN every intermediate result is the published one
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/',
        '',
        'host:example.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'host;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe(
      [
        'AWS4-HMAC-SHA256',
        '20150830T123600Z',
        '20150830/us-east-1/service/aws4_request',
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
      ].join('\n'),
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('reproduces the suite’s post-x-www-form-urlencoded vector: a signed body and content type', () => {
    const signed = signRequest(
      {
        method: 'POST',
        url: 'https://example.amazonaws.com/',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'Param1=value1',
      },
      suite,
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    );
  });

  it('sorts query parameters into canonical order', () => {
    const signed = signRequest(
      { method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1' },
      suite,
    );
    expect(signed.canonicalRequest.split('\n')[2]).toBe('Param1=value1&Param2=value2');
  });

  it('sends and signs the session token of temporary credentials', () => {
    const signed = signRequest(
      { method: 'GET', url: 'https://example.amazonaws.com/' },
      { ...suite, credentials: { ...suite.credentials, sessionToken: 'token-1' } },
    );
    expect(signed.headers['x-amz-security-token']).toBe('token-1');
    expect(signed.headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });

  it('formats the signing time as AWS’s basic ISO 8601', () => {
    expect(amzDate(new Date('2026-12-01T09:05:07.123Z'))).toBe('20261201T090507Z');
  });
});

describe('credentialsFromEnv', () => {
  it('reads the standard variables, token optional', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({
      accessKeyId: 'a',
      secretAccessKey: 's',
      sessionToken: undefined,
    });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a' })).toBeUndefined();
  });
});
