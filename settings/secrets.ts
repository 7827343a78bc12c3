/**
 * Container secrets: where each lives in each region. A Secrets Manager secret replicated to other
 * regions keeps its ARN except for the region (`arn:aws:secretsmanager:<region>:<account>:secret:
 * <name>-<6 characters>`), so one ARN in the settings names the secret everywhere; an SSM parameter
 * is regional and is read under the same name in every region. Pure functions, shared by the
 * settings validation and the composition, so what is validated is what is built.
 */

/** A Secrets Manager secret's full ARN: the name ends with a hyphen and the 6 characters AWS appends. */
export const SECRETS_MANAGER_ARN =
  /^arn:aws:secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})$/;
/** An SSM parameter's ARN. */
export const SSM_PARAMETER_ARN =
  /^arn:aws:ssm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):parameter\/([A-Za-z0-9/_.-]{1,1011})$/;
/** An SSM parameter name: `name`, or `/path/name` (a hierarchy starts with a slash). */
export const SSM_PARAMETER_NAME = /^(?:[A-Za-z0-9_.-]+|(?:\/[A-Za-z0-9_.-]+)+)$/;
/** A KMS key ARN; `mrk-` keys are multi-Region keys, the same key ID in every region. */
export const KMS_KEY_ARN =
  /^arn:aws:kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key\/((?:mrk-)?[0-9a-f-]{32,36})$/;
/** A container environment variable name (ECS passes it to the container unchanged). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

/** One `task.secrets[]` entry as written in the settings. */
export interface SecretSetting {
  readonly name: string;
  readonly valueFrom: string;
  readonly jsonKey?: string;
  readonly versionStage?: string;
  readonly versionId?: string;
  readonly kmsKeyArn?: string;
}

/** A per-region override of a secret: another ARN or key in that region. */
export interface SecretOverride {
  readonly name: string;
  readonly valueFrom?: string;
  readonly kmsKeyArn?: string;
}

/** A secret as one region's task definition and execution role need it. */
export interface ResolvedSecret {
  /** The variable the container sees. */
  readonly name: string;
  /** ECS's `valueFrom`: the ARN, with `:json-key:version-stage:version-id` for a Secrets Manager key. */
  readonly valueFrom: string;
  /** The secret's or parameter's ARN in this region: what the execution role may read. */
  readonly resourceArn: string;
  /** `secretsmanager` or `ssm`: which action the execution role needs. */
  readonly source: 'secretsmanager' | 'ssm';
  /** The customer-managed key the execution role may decrypt with; none for the AWS managed key. */
  readonly kmsKeyArn?: string;
}

export type SecretSource = 'secretsmanager' | 'ssm';

/** Which store `valueFrom` names, or undefined when it is neither form. */
export function secretSource(valueFrom: string): SecretSource | undefined {
  if (SECRETS_MANAGER_ARN.test(valueFrom)) return 'secretsmanager';
  if (
    SSM_PARAMETER_ARN.test(valueFrom) ||
    (!valueFrom.startsWith('arn:') && SSM_PARAMETER_NAME.test(valueFrom))
  )
    return 'ssm';
  return undefined;
}

/** The region an ARN names (`arn:aws:<service>:<region>:...`). */
export function arnRegion(arn: string): string | undefined {
  return /^arn:aws:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1];
}

/** The same ARN in another region. */
function inRegion(arn: string, region: string): string {
  return arn.replace(/^(arn:aws:[a-z0-9-]+:)[a-z0-9-]+:/, `$1${region}:`);
}

/**
 * Why a KMS key ARN cannot serve `region`, or undefined. A single-region key only exists in its own
 * region; a multi-Region key (`mrk-`) has a replica with the same ID in the others.
 */
export function keyRegionProblem(keyArn: string, region: string): string | undefined {
  const match = KMS_KEY_ARN.exec(keyArn);
  if (!match || match[1] === region || match[3].startsWith('mrk-')) return undefined;
  return `the key is in ${match[1]}, and a single-region key cannot decrypt in ${region}; give services.<name>.regions.${region}.secrets an override with ${region}'s key, or use a multi-Region key (mrk-...)`;
}

/** The secrets of one region: each resolved to that region's ARN, with overrides applied. */
export function resolveSecrets(
  secrets: readonly SecretSetting[],
  overrides: readonly SecretOverride[],
  region: string,
  accountId: string,
): ResolvedSecret[] {
  return secrets.map((secret) => {
    const override = overrides.find((o) => o.name === secret.name);
    const valueFrom = override?.valueFrom ?? secret.valueFrom;
    const source = secretSource(valueFrom) ?? 'ssm';
    const resourceArn = valueFrom.startsWith('arn:')
      ? inRegion(valueFrom, region)
      : `arn:aws:ssm:${region}:${accountId}:parameter/${valueFrom.replace(/^\//, '')}`;
    const key = override?.kmsKeyArn ?? secret.kmsKeyArn;
    const kmsKeyArn =
      key === undefined
        ? undefined
        : KMS_KEY_ARN.exec(key)?.[3].startsWith('mrk-')
          ? inRegion(key, region)
          : key;
    const suffix =
      source === 'secretsmanager' && (secret.jsonKey || secret.versionStage || secret.versionId)
        ? `:${secret.jsonKey ?? ''}:${secret.versionStage ?? ''}:${secret.versionId ?? ''}`
        : '';
    return { name: secret.name, valueFrom: `${resourceArn}${suffix}`, resourceArn, source, kmsKeyArn };
  });
}

/** Environment variables of one region: the environment-wide list with that region's values over it. */
export function resolveEnvironment(
  variables: ReadonlyArray<{ name: string; value: string }>,
  overrides: ReadonlyArray<{ name: string; value: string }>,
): Array<{ name: string; value: string }> {
  const merged = new Map(variables.map((v) => [v.name, v.value]));
  for (const o of overrides) merged.set(o.name, o.value);
  return [...merged].map(([name, value]) => ({ name, value }));
}
