import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { ECS_TASKS_SERVICE, assumeRolePolicy } from './assume-role-policy';

/** AWS's managed policy of an ECS task execution role: pull from ECR, write to CloudWatch Logs. */
export const ECS_TASK_EXECUTION_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

/** A secret the container receives as a variable, read by ECS with the execution role at task start. */
export interface FargateServiceSecret {
  /** The variable's name in the container. */
  readonly name: string;
  /** ECS `valueFrom`: the ARN, with `:json-key:version-stage:version-id` for part of a Secrets Manager secret. */
  readonly valueFrom: string;
  /** The secret's or parameter's ARN, exactly what the execution role may read (no wildcard). */
  readonly resourceArn: string;
  /** `secretsmanager` or `ssm`. */
  readonly source: 'secretsmanager' | 'ssm';
  /**
   * The customer-managed key encrypting it; the execution role may decrypt with exactly this key.
   * @default - AWS's managed key, used through the service's own grant
   */
  readonly kmsKeyArn?: string;
}

export interface TaskRolesProps {
  /** The provider of the tasks' region. */
  readonly provider: AwsProvider;
  /** The tasks' region; the task role trusts only this region's ECS when accountId is given. */
  readonly region: string;
  /** Prefix of the roles' names (`<namePrefix>-exec-…`, `<namePrefix>-task-…`, at most 38 characters). */
  readonly namePrefix: string;
  /**
   * Account ID; scopes both trust policies with `aws:SourceAccount` (the task role's also with `aws:SourceArn`).
   * @default - trust not scoped by account
   */
  readonly accountId?: string;
  /**
   * Secrets the tasks receive; the execution role may read exactly these ARNs and decrypt with exactly their keys.
   * @default - none: no secrets policy
   */
  readonly secrets?: readonly FargateServiceSecret[];
  /** What the application may do: the task role's policy (e.g. its data bucket prefix and file system). */
  readonly taskPolicyStatements: readonly DataAwsIamPolicyDocumentStatement[];
  /**
   * With ECS Exec: where its sessions are logged and the key of their data channel; the task role may
   * open the SSM channels, write exactly to that log group and decrypt with exactly that key.
   * @default - no ECS Exec permissions
   */
  readonly execSessions?: { readonly logGroupArn: string; readonly kmsKeyArn: string };
}

/**
 * The task's two roles (as aws-cdk's TaskDefinition creates them): the execution role ECS uses to
 * pull the image, write logs and read the secrets, and the task role the application runs with.
 */
export class TaskRoles extends Construct {
  public readonly executionRole: IamRole;
  /** AmazonECSTaskExecutionRolePolicy on the execution role. */
  public readonly executionRolePolicy: IamRolePolicyAttachment;
  /** The execution role's policy reading the secrets, with secrets only. */
  public readonly secretsPolicy?: IamRolePolicy;
  public readonly taskRole: IamRole;
  /** The task role's policy. */
  public readonly taskPolicy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const { provider, namePrefix } = props;
    const secrets = props.secrets ?? [];

    // Both roles trust ECS tasks of this account; the task role also only from this region's ECS
    // (AWS documents aws:SourceArn for task roles, not for execution roles).
    const trustPolicy = (trustId: string, sourceArn: boolean) =>
      assumeRolePolicy(this, trustId, {
        provider,
        service: ECS_TASKS_SERVICE,
        sourceAccount: props.accountId,
        sourceArn:
          props.accountId && sourceArn ? `arn:aws:ecs:${props.region}:${props.accountId}:*` : undefined,
      });

    this.executionRole = new IamRole(this, 'ExecutionRole', {
      provider,
      namePrefix: `${namePrefix}-exec-`.slice(0, 38),
      description: `Pulls the image and writes logs for ${namePrefix} tasks`,
      assumeRolePolicy: trustPolicy('ExecutionTrust', false).json,
    });
    this.executionRolePolicy = new IamRolePolicyAttachment(this, 'ExecutionRolePolicy', {
      provider,
      role: this.executionRole.name,
      policyArn: ECS_TASK_EXECUTION_POLICY_ARN,
    });

    // Exactly the secrets' ARNs and their keys: no wildcard, nothing the task does not receive.
    const arnsOf = (source: string) => secrets.filter((x) => x.source === source).map((x) => x.resourceArn);
    const keys = [...new Set(secrets.flatMap((x) => (x.kmsKeyArn ? [x.kmsKeyArn] : [])))];
    if (secrets.length > 0) {
      const secretsDocument = new DataAwsIamPolicyDocument(this, 'ExecutionSecrets', {
        provider,
        statement: [
          ...(arnsOf('secretsmanager').length
            ? [
                {
                  sid: 'ReadSecrets',
                  effect: 'Allow',
                  actions: ['secretsmanager:GetSecretValue'],
                  resources: arnsOf('secretsmanager'),
                },
              ]
            : []),
          ...(arnsOf('ssm').length
            ? [
                {
                  sid: 'ReadParameters',
                  effect: 'Allow',
                  actions: ['ssm:GetParameters'],
                  resources: arnsOf('ssm'),
                },
              ]
            : []),
          ...(keys.length
            ? [{ sid: 'DecryptSecrets', effect: 'Allow', actions: ['kms:Decrypt'], resources: keys }]
            : []),
        ],
      });
      this.secretsPolicy = new IamRolePolicy(this, 'ExecutionSecretsPolicy', {
        provider,
        role: this.executionRole.id,
        name: 'secrets',
        policy: secretsDocument.json,
      });
    }

    this.taskRole = new IamRole(this, 'TaskRole', {
      provider,
      namePrefix: `${namePrefix}-task-`.slice(0, 38),
      description: `Application permissions of ${namePrefix} tasks`,
      assumeRolePolicy: trustPolicy('TaskTrust', true).json,
    });
    const exec = props.execSessions;
    const taskPermissions = new DataAwsIamPolicyDocument(this, 'TaskPermissions', {
      provider,
      statement: [
        ...props.taskPolicyStatements,
        ...(exec
          ? [
              {
                sid: 'EcsExecChannels',
                effect: 'Allow',
                actions: [
                  'ssmmessages:CreateControlChannel',
                  'ssmmessages:CreateDataChannel',
                  'ssmmessages:OpenControlChannel',
                  'ssmmessages:OpenDataChannel',
                ],
                // Session channels have no resource ARN; AWS documents "*" for these actions.
                resources: ['*'],
              },
              {
                sid: 'EcsExecFindLogGroup',
                effect: 'Allow',
                // The agent checks the log group's encryption first; DescribeLogGroups takes no resource ARN.
                actions: ['logs:DescribeLogGroups'],
                resources: ['*'],
              },
              {
                sid: 'EcsExecSessionLogs',
                effect: 'Allow',
                actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
                resources: [`${exec.logGroupArn}:*`],
              },
              {
                sid: 'EcsExecSessionKey',
                effect: 'Allow',
                actions: ['kms:Decrypt'],
                resources: [exec.kmsKeyArn],
              },
            ]
          : []),
      ],
    });
    this.taskPolicy = new IamRolePolicy(this, 'TaskPolicy', {
      provider,
      role: this.taskRole.id,
      name: 'application',
      policy: taskPermissions.json,
    });
  }
}
