import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatementCondition,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/** The service principal of ECS tasks: the execution and task roles trust it, Scheduler passes roles to it. */
export const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com';

export interface AssumeRolePolicyProps {
  /** The provider of the role's region (the document is rendered locally, no AWS call). */
  readonly provider: AwsProvider;
  /** The service principal that assumes the role, e.g. `backup.amazonaws.com` or ECS_TASKS_SERVICE. */
  readonly service: string;
  /**
   * Only on behalf of this account (`aws:SourceAccount`, StringEquals): the confused-deputy guard.
   * @default - on behalf of any account
   */
  readonly sourceAccount?: string;
  /**
   * Only on behalf of resources matching this ARN pattern (`aws:SourceArn`, ArnLike).
   * @default - on behalf of any resource
   */
  readonly sourceArn?: string;
}

/**
 * The trust policy of a role an AWS service assumes: one statement allowing `sts:AssumeRole` to the
 * service principal, narrowed by the source account and source ARN given. Its `json` is the role's
 * `assumeRolePolicy`.
 */
export function assumeRolePolicy(
  scope: Construct,
  id: string,
  props: AssumeRolePolicyProps,
): DataAwsIamPolicyDocument {
  const condition: DataAwsIamPolicyDocumentStatementCondition[] = [];
  if (props.sourceAccount) {
    condition.push({ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.sourceAccount] });
  }
  if (props.sourceArn) {
    condition.push({ test: 'ArnLike', variable: 'aws:SourceArn', values: [props.sourceArn] });
  }
  return new DataAwsIamPolicyDocument(scope, id, {
    provider: props.provider,
    statement: [
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: [props.service] }],
        condition: condition.length > 0 ? condition : undefined,
      },
    ],
  });
}
