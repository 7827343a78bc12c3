import { RuleCheck } from '../stack-view';
import { containerDefinitions } from './_ecs-helpers';

/** Words that, ending a variable's name, make its value a secret. */
const SECRET_WORDS = new Set([
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'TOKEN',
  'TOKENS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
]);
/** `<word>_KEY` endings that name a secret key. */
const SECRET_KEY_QUALIFIERS = new Set(['API', 'PRIVATE', 'ACCESS', 'SECRET']);
/** The names Security Hub ECS.8 itself looks for (the other two, AWS_*_KEY*, match the words). */
const ECS8_NAMES = new Set(['ECS_ENGINE_AUTH_DATA']);

/** An AWS access key ID (long-term AKIA, temporary ASIA). */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/;
/** An AWS secret access key: 40 base64 characters mixing upper, lower and digits (a hex SHA-1 has no upper). */
const SECRET_ACCESS_KEY = /^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9/+]{40}$/;

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
 * `AWS_ACCESS_KEY_ID`). Where the word only qualifies what follows, the variable is about a secret,
 * not the secret (`SECRET_ARN`, `PASSWORD_FILE`, `TOKEN_TTL`, `PASSWORD_MIN_LENGTH`); words are
 * whole, so `TOKENIZER_MODE`, `S3_BUCKET` and `AWS_REGION` are not secrets. Misses names with a
 * suffix after the word, such as `SECRET_KEY_BASE`; the value checks below still apply to them.
 */
export function looksSecret(name: string): boolean {
  const w = words(name);
  const [last, previous] = [w[w.length - 1], w[w.length - 2]];
  if (last === 'ID' && previous === 'KEY' && w[w.length - 3] === 'ACCESS') return true;
  return (
    ECS8_NAMES.has(w.join('_')) ||
    SECRET_WORDS.has(last) ||
    ((last === 'KEY' || last === 'KEYS') && SECRET_KEY_QUALIFIERS.has(previous))
  );
}

/**
 * No container passes a secret in plain `environment` (use `secrets` with Secrets Manager or SSM):
 * an entry is a secret when its name looks like one and its value is not empty, or when its value
 * looks like an AWS access key ID or secret access key whatever the name. Unreadable container
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
            ACCESS_KEY_ID.test(value) ||
            SECRET_ACCESS_KEY.test(value)
          );
        },
      ),
    );
    return exposed ? 'non-compliant' : 'compliant';
  },
};
