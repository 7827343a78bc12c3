import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/** Words that, ending a variable's name, make its value a secret. */
const SECRET_WORDS = new Set([
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASSPHRASE',
  'TOKEN',
  'TOKENS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
]);
/**
 * Endings glued to a prefix in one word that still name a secret: `PGPASSWORD` (libpq),
 * `MYSQLPASSWORD`, `AUTHTOKEN`, `CLIENTSECRET`.
 */
const GLUED_ENDINGS = ['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY'];
/** `<word>_KEY` endings that name a secret key. */
const SECRET_KEY_QUALIFIERS = new Set([
  'API',
  'PRIVATE',
  'ACCESS',
  'SECRET',
  'SIGNING',
  'ENCRYPTION',
  'MASTER',
  'LICENSE',
  'SESSION',
  'HMAC',
  'SSH',
  'CLIENT',
  'AUTH',
  'WEBHOOK',
  'SERVICE',
]);
/** What makes `<word>_AUTH` a credential (`BASIC_AUTH`, `NPM_AUTH`), unlike `ENABLE_AUTH`. */
const AUTH_QUALIFIERS = new Set([
  'BASIC',
  'HTTP',
  'HTTPS',
  'PROXY',
  'NPM',
  'REGISTRY',
  'SMTP',
  'DOCKER',
  'GIT',
]);
/**
 * Whole names that are secrets though no rule above says so: the names Security Hub ECS.8 itself
 * looks for beyond the AWS keys (`ECS_ENGINE_AUTH_DATA`), and well-known ones that end in another word.
 */
const SECRET_NAMES = new Set([
  'ECS_ENGINE_AUTH_DATA',
  'SECRET_KEY_BASE',
  'NPM_CONFIG_AUTH',
  'DOCKER_AUTH_CONFIG',
]);

/** `DB_PASSWORD`, `dbPassword`, `db-password` → `['DB', 'PASSWORD']`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * Whether a variable's name says its value is a secret: the name ENDS with a secret word
 * (`DB_PASSWORD`, `GITHUB_TOKEN`, `apiKey`, `API_KEY`, `PRIVATE_KEY`, `AWS_SECRET_ACCESS_KEY`, also
 * `AWS_ACCESS_KEY_ID`), or a word glued to one (`PGPASSWORD`), or a qualified `PWD` or credential `AUTH`
 * (`MYSQL_PWD`, `BASIC_AUTH`, not `ENABLE_AUTH`), or is a known secret name (`SECRET_KEY_BASE`). Where the word only
 * qualifies what follows, the variable is about a secret, not the secret (`SECRET_ARN`,
 * `PASSWORD_FILE`, `TOKEN_TTL`, `PASSWORD_MIN_LENGTH`); words are whole, so `TOKENIZER_MODE`,
 * `S3_BUCKET`, `AWS_REGION`, `PWD`, `PUBLIC_KEY` and `KMS_KEY_ID` are not secrets. The value
 * checks (`credentialInValue`) catch what a name hides.
 */
export function looksSecret(name: string): boolean {
  const w = words(name);
  const [last, previous] = [w[w.length - 1], w[w.length - 2]];
  if (last === undefined) return false;
  if (last === 'ID' && previous === 'KEY' && w[w.length - 3] === 'ACCESS') return true;
  return (
    SECRET_NAMES.has(w.join('_')) ||
    SECRET_WORDS.has(last) ||
    GLUED_ENDINGS.some((ending) => last.length > ending.length && last.endsWith(ending)) ||
    // `MYSQL_PWD`, `DB_PWD`; `PWD` alone is the working folder
    (last === 'PWD' && previous !== undefined) ||
    (last === 'AUTH' && AUTH_QUALIFIERS.has(previous)) ||
    ((last === 'KEY' || last === 'KEYS') && SECRET_KEY_QUALIFIERS.has(previous))
  );
}

/** Values that carry a credential themselves, whatever the variable is called; each with what it is. */
const CREDENTIAL_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, 'an AWS access key ID'],
  // 40 base64 characters mixing upper, lower and digits (a hex SHA-1 has no upper case)
  [/^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9/+]{40}$/, 'an AWS secret access key'],
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, 'a URL with a user name and password'],
  [/(?:^|;)\s*(?:password|pwd)\s*=\s*[^;\s]/i, 'a connection string with a password'],
  [/^(?:Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{12,}$/, 'an HTTP Authorization header value'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/, 'a Slack webhook URL'],
  [/\b(?:sk|rk)_live_[A-Za-z0-9]{16,}/, 'a Stripe secret key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}/, 'an API secret key (sk-...)'],
];

/** What credential a value carries (`an AWS access key ID`, `a private key`…), or undefined. */
export function credentialInValue(value: string): string | undefined {
  return CREDENTIAL_VALUES.find(([pattern]) => pattern.test(value))?.[1];
}

/**
 * No container passes a secret in plain `environment` (use `secrets` with Secrets Manager or SSM):
 * an entry is a secret when its name looks like one and its value is not empty, or when its value
 * carries a credential whatever the name (`credentialInValue`). The settings validation uses the
 * same two functions, so what it lets through is what this rule passes. Unreadable container
 * definitions fail (see `containerDefinitions`).
 */
export const ecsNoPlaintextSecrets: RuleCheck = {
  appliesTo: ['aws_ecs_task_definition'],
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    if (!containers) return 'non-compliant';
    const exposed = containers.some((c) =>
      ((Array.isArray(c.environment) ? c.environment : []) as { name?: unknown; value?: unknown }[]).some(
        (entry) => {
          const value = entry?.value === undefined || entry.value === null ? '' : String(entry.value);
          return (
            (typeof entry?.name === 'string' && looksSecret(entry.name) && value !== '') ||
            credentialInValue(value) !== undefined
          );
        },
      ),
    );
    return exposed ? 'non-compliant' : 'compliant';
  },
};
