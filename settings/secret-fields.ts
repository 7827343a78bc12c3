/**
 * The fields of a secret a container receives, and the names and keys they use: one definition for
 * the application's `task.secrets` (settings/schema.ts) and a sidecar's `secrets`
 * (settings/containers.ts), so a rule about a secret is written once.
 */
import { z } from 'zod';
import { KMS_KEY_ARN, VARIABLE_NAME, secretSource } from './secrets';

/** An environment variable's name. */
export const variableName = z.string().regex(VARIABLE_NAME, {
  error: 'expected an environment variable name: letters, digits and _, not starting with a digit',
});

/** A customer-managed KMS key's ARN. */
export const kmsKeyArn = z.string().regex(KMS_KEY_ARN, {
  error:
    'expected a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
});

/** Where ECS reads a secret: a Secrets Manager ARN, an SSM parameter ARN or name. */
export const secretValueFrom = z.string().refine((value) => secretSource(value) !== undefined, {
  error:
    'expected a Secrets Manager secret ARN with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf), an SSM parameter ARN or an SSM parameter name such as /app/db-password; a Secrets Manager name alone is not enough: its ARN suffix is only known to AWS and ECS needs the full ARN',
});

/** One secret a container receives as a variable, read by ECS at task start with the execution role. */
export const secretFields = {
  /** The variable the container sees. */
  name: variableName,
  /** Secrets Manager secret ARN (replicas: the same ARN in each region), or SSM parameter ARN or name. */
  valueFrom: secretValueFrom,
  /** Secrets Manager only: one key of a JSON secret. */
  jsonKey: z
    .string()
    .regex(/^[^:]{1,256}$/, { error: 'expected a JSON key without ":"' })
    .optional(),
  /** Secrets Manager only: a version stage such as AWSCURRENT or AWSPREVIOUS. */
  versionStage: z
    .string()
    .regex(/^[^:]{1,256}$/, { error: 'expected a version stage without ":"' })
    .optional(),
  /** Secrets Manager only: a version ID (32 hex digits with hyphens). */
  versionId: z
    .string()
    .regex(/^[0-9a-f-]{32,64}$/, { error: 'expected a Secrets Manager version ID' })
    .optional(),
  /** Customer-managed key encrypting the secret; omitted: AWS's managed key, which needs no kms:Decrypt grant. */
  kmsKeyArn: kmsKeyArn.optional(),
};
