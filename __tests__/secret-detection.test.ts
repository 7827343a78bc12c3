/**
 * Secrets in plain container variables, caught by name and by value, with a table of ordinary
 * names and values proven to pass. The settings validation and the policy pack's ECS.8 rule use the
 * same two functions: what one lets through, the other passes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import {
  credentialInValue,
  ecsNoPlaintextSecrets,
  looksSecret,
} from '../policies/rules/ecs-no-plaintext-secrets';
import { SettingsError, parseSettings } from '../settings/load';
import { ruleResults } from '../test-support/policy';

const root = path.resolve(__dirname, '..');
const DEV = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as Record<
  string,
  unknown
>;

const SECRET_NAMES = [
  'DB_PASSWORD',
  'dbPassword',
  'PGPASSWORD',
  'MYSQL_PWD',
  'MYSQL_PASSWORD',
  'REDIS_PASSWD',
  'SSH_PASSPHRASE',
  'API_KEY',
  'X_API_KEY',
  'apiKey',
  'STRIPE_APIKEY',
  'GITHUB_TOKEN',
  'authToken',
  'AUTHTOKEN',
  'CLIENT_SECRET',
  'CLIENTSECRET',
  'JWT_SIGNING_KEY',
  'ENCRYPTION_KEY',
  'PRIVATE_KEY',
  'SECRET_KEY_BASE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'GOOGLE_CREDENTIALS',
  'DB_CREDS',
  'BASIC_AUTH',
  'NPM_AUTH',
  'ECS_ENGINE_AUTH_DATA',
  'WEBHOOK_SECRET',
  'LICENSE_KEY',
];

const ORDINARY_NAMES = [
  'PATH',
  'HOME',
  'PWD',
  'OLDPWD',
  'PORT',
  'NODE_ENV',
  'LOG_LEVEL',
  'S3_BUCKET_NAME',
  'AWS_DEFAULT_REGION',
  'TOKENIZER_MODE',
  'TOKEN_TTL_SECONDS',
  'PASSWORD_MIN_LENGTH',
  'PASSWORD_RESET_URL',
  'DB_PASSWORD_SECRET_ARN',
  'SECRET_ARN',
  'KMS_KEY_ID',
  'KMS_KEY_ARN',
  'PUBLIC_KEY',
  'PRIMARY_KEY',
  'PARTITION_KEY',
  'CACHE_KEY_PREFIX',
  'API_KEY_HEADER',
  'API_URL',
  'MONKEY',
  'HOTKEY',
  'KEYCLOAK_URL',
  'OAUTH_CLIENT_ID',
  'ENABLE_AUTH',
  'AUTH_ENABLED',
  'AUTHOR',
  'JWKS_URL',
  'DATABASE_URL',
];

const CREDENTIAL_VALUES: Array<[string, string]> = [
  ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key ID'],
  ['key=ASIAIOSFODNN7EXAMPLE', 'an AWS access key ID'],
  ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
  ['-----BEGIN RSA PRIVATE KEY-----MIIEow...', 'a private key'],
  ['-----BEGIN OPENSSH PRIVATE KEY-----', 'a private key'],
  ['-----BEGIN PGP PRIVATE KEY BLOCK-----', 'a private key'],
  [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'a JSON Web Token',
  ],
  ['postgres://app:s3cr3t@db.internal:5432/app', 'a URL with a user name and password'],
  ['https://user:pass@registry.example.com/', 'a URL with a user name and password'],
  ['amqp://guest:guest@rabbit:5672', 'a URL with a user name and password'],
  ['Server=db;Database=app;User Id=app;Password=hunter2;', 'a connection string with a password'],
  ['Basic dXNlcjpwYXNzd29yZA==', 'an HTTP Authorization header value'],
  ['Bearer abcdef0123456789abcdef', 'an HTTP Authorization header value'],
  ['ghp_' + 'a'.repeat(36), 'a GitHub token'],
  ['github_pat_' + 'A1'.repeat(15), 'a GitHub token'],
  ['glpat-' + 'x'.repeat(20), 'a GitLab token'],
  ['xoxb-1234567890-abcdefghij', 'a Slack token'],
  ['https://hooks.slack.com/services/T000/B000/XXXXXXXX', 'a Slack webhook URL'],
  ['sk_live_' + '4'.repeat(24), 'a Stripe secret key'],
  ['AIza' + 'S'.repeat(35), 'a Google API key'],
  ['npm_' + 'n'.repeat(36), 'an npm token'],
  ['sk-proj-' + 'p'.repeat(40), 'an API secret key (sk-...)'],
];

const ORDINARY_VALUES = [
  '',
  'info',
  'true',
  '8080',
  'us-east-1',
  'fargate-dev-data-us-east-1-111111111111',
  'https://api.example.com/v1?limit=10',
  'https://user@git.example.com/repo.git',
  'postgres://db.internal:5432/app',
  'ops@example.com',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
  'sha256:' + 'a'.repeat(64),
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  '123e4567-e89b-12d3-a456-426614174000',
  '/var/lib/app',
  '{"feature":"on"}',
  'eyJmZWF0dXJlIjoib24ifQ',
  '-----BEGIN CERTIFICATE-----',
  '-----BEGIN PUBLIC KEY-----',
  'public.ecr.aws/nginx/nginx:1.27',
  'Bearer',
  'sk-short',
  'AKIA',
  'Password reset links expire after 1 hour',
];

describe('secret names', () => {
  it.each(SECRET_NAMES)('%s is a secret', (name) => expect(looksSecret(name)).toBe(true));
  it.each(ORDINARY_NAMES)('%s is an ordinary name', (name) => expect(looksSecret(name)).toBe(false));
});

describe('values that carry a credential', () => {
  it.each(CREDENTIAL_VALUES)('%s carries %s', (value, what) => expect(credentialInValue(value)).toBe(what));
  it.each(ORDINARY_VALUES)('%j carries none', (value) => expect(credentialInValue(value)).toBeUndefined());
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;

/** The dev settings with `environment` as the plain variables of its service `app`. */
const withEnvironment = (environment: Array<{ name: string; value: string }>): Loose => {
  const settings = structuredClone(DEV) as Loose;
  settings.services.app.task.environment = environment;
  return settings;
};

/** The dev settings with one plain variable. */
const withVariable = (name: string, value: string) => withEnvironment([{ name, value }]);

function refusal(settings: unknown): string {
  try {
    parseSettings(settings, 'dev.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('the settings', () => {
  it('refuse a plain variable named like a secret (PGPASSWORD)', () => {
    expect(refusal(withVariable('PGPASSWORD', 'x'))).toContain(
      '  services.app.task.environment[0].name: got "PGPASSWORD"; looks like a secret',
    );
  });

  it('refuse a value carrying a credential under an ordinary name, without echoing it', () => {
    const message = refusal(withVariable('DATABASE_URL', 'postgres://app:s3cr3t@db.internal:5432/app'));
    expect(message).toContain(
      '  services.app.task.environment[0].value: got "post... (42 characters, the rest not shown)"; carries a URL with a user name and password; ',
    );
    expect(message).toContain('task.secrets (Secrets Manager or SSM Parameter Store)');
    expect(message).not.toContain('s3cr3t');
  });

  it('refuse a credential in a region’s variables too, and in any service’s', () => {
    // GIVEN the second region's override of the service api
    const settings = structuredClone(DEV) as Loose;
    settings.services.api.regions = {
      'eu-west-1': { environment: [{ name: 'KEY', value: 'AKIAIOSFODNN7EXAMPLE' }] },
    };
    // THEN refused under that service and region, without echoing the key
    const message = refusal(settings);
    expect(message).toContain(
      '  services.api.regions.eu-west-1.environment[0].value: got "AKIA... (20 characters, the rest not shown)"; carries an AWS access key ID',
    );
    expect(message).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('accept every ordinary name with every ordinary value, and the policy rule passes them', () => {
    const environment = ORDINARY_NAMES.filter((name) => !['S3_BUCKET', 'AWS_REGION'].includes(name)).map(
      (name, index) => ({ name, value: ORDINARY_VALUES[index % ORDINARY_VALUES.length] }),
    );
    const settings = parseSettings(withEnvironment(environment), 'dev.json');
    expect(settings.services.app.task.environment).toEqual(environment);
    const results = ruleResults(ecsNoPlaintextSecrets, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Ordinary', {
        provider,
        family: 'ordinary',
        containerDefinitions: JSON.stringify([{ name: 'app', image: 'nginx:1.27', environment }]),
      });
    });
    expect(results).toEqual({ Ordinary: 'compliant' });
  });

  it.each([
    ...SECRET_NAMES.map((name) => [name, 'x']),
    ...CREDENTIAL_VALUES.map(([value]) => ['VALUE', value]),
  ])('and the policy rule agree on %s=%s: both refuse it', (name, value) => {
    // refused for the variable itself (its name or its value), not for anything else in the file
    const message = refusal(withVariable(name, value));
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}services\.app\.task\.environment\[0\]\.(name|value): got /),
    ]);
    const results = ruleResults(ecsNoPlaintextSecrets, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Plain', {
        provider,
        family: 'plain',
        containerDefinitions: JSON.stringify([
          { name: 'app', image: 'nginx:1.27', environment: [{ name, value }] },
        ]),
      });
    });
    expect(results).toEqual({ Plain: 'non-compliant' });
  });
});
