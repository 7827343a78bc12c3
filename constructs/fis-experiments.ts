import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { FisExperimentTemplate } from '@cdktf/provider-aws/lib/fis-experiment-template';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ValidationError } from './validation-error';
import { assumeRolePolicy } from './assume-role-policy';

/** The tag FIS puts on the network ACL it swaps in, and that its permissions require. */
const FIS_MANAGED_TAG = 'aws:RequestTag/managedByFIS';

export interface FisExperimentsProps {
  /** The provider of the drilled region: the experiments, their role policy and log group live there. */
  readonly provider: AwsProvider;
  /** The region the experiments act on, e.g. `eu-west-1`; scopes every ARN of the role's policy. */
  readonly region: string;
  /** The account ID; scopes the ARNs and the role's trust (`aws:SourceAccount`, `aws:SourceArn`). */
  readonly accountId: string;
  /** Prefix of every name, e.g. `fargate-prod`. */
  readonly namePrefix: string;
  /** The region's ECS cluster, by name (the stop-task target and the task ARNs) and ARN. */
  readonly clusterName: string;
  readonly clusterArn: string;
  /** ARN of the region's VPC, where the black-hole drill swaps the subnets' network ACL. */
  readonly vpcArn: string;
  /** ARNs of the subnets the black-hole drill cuts off: the tasks' private subnets. */
  readonly subnetArns: string[];
  /**
   * CloudWatch alarms (in this region) that stop a running experiment when they fire: alarms that
   * mean clients are still hurt, which should not happen once traffic has failed over.
   */
  readonly stopConditionAlarmArns: string[];
  /**
   * How long the black-hole drill keeps the subnets cut off, minutes (1 to 720).
   * @default 10
   */
  readonly blackholeMinutes?: number;
  /**
   * Retention of the experiments' log group, days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * KMS key that encrypts the experiments' log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
}

/**
 * Failover drills of one region as AWS FIS experiment templates: one stops every task of the
 * region's cluster (every service), one black-holes the region's private subnets (FIS swaps in a deny-all network
 * ACL for the duration, then restores the original). Both stop when a stop-condition alarm fires
 * and log to an encrypted log group. Their role can act only on this region's cluster, VPC and
 * subnets. Creating a template runs nothing: an engineer starts it with `aws fis start-experiment`.
 */
export class FisExperiments extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly role: IamRole;
  /** Stops every running task of the service; ECS then starts new ones. */
  public readonly stopTasks: FisExperimentTemplate;
  /** Cuts the private subnets off (all traffic, both directions) for `blackholeMinutes`. */
  public readonly blackhole: FisExperimentTemplate;

  constructor(scope: Construct, id: string, props: FisExperimentsProps) {
    super(scope, id);
    validate(props);
    const { provider, region, accountId, namePrefix } = props;
    const blackholeMinutes = props.blackholeMinutes ?? 10;
    const ec2Arn = (resource: string) => `arn:aws:ec2:${region}:${accountId}:${resource}`;

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      provider,
      name: `/aws/fis/${namePrefix}`,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.logKmsKeyArn,
    });

    const trust = assumeRolePolicy(this, 'Trust', {
      provider,
      service: 'fis.amazonaws.com',
      sourceAccount: accountId,
      sourceArn: `arn:aws:fis:${region}:${accountId}:experiment/*`,
    });
    this.role = new IamRole(this, 'Role', {
      provider,
      namePrefix: `${namePrefix}-fis-`.slice(0, 38),
      description: `Runs the failover drills of ${namePrefix} in ${region}`,
      assumeRolePolicy: trust.json,
    });

    const permissions = new DataAwsIamPolicyDocument(this, 'Permissions', {
      provider,
      statement: [
        {
          sid: 'StopTheServiceTasks',
          effect: 'Allow',
          actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
          resources: [`arn:aws:ecs:${region}:${accountId}:task/${props.clusterName}/*`],
        },
        {
          sid: 'FindTheServiceTasks',
          effect: 'Allow',
          actions: ['ecs:DescribeServices'],
          resources: [`arn:aws:ecs:${region}:${accountId}:service/${props.clusterName}/*`],
        },
        {
          // ListTasks has no task resource; its ecs:cluster condition key scopes it to the cluster.
          sid: 'ListTheClusterTasks',
          effect: 'Allow',
          actions: ['ecs:ListTasks'],
          resources: ['*'],
          condition: [{ test: 'ArnEquals', variable: 'ecs:cluster', values: [props.clusterArn] }],
        },
        {
          sid: 'CreateTheDenyAllAcl',
          effect: 'Allow',
          actions: ['ec2:CreateNetworkAcl'],
          resources: [ec2Arn('network-acl/*')],
          condition: [{ test: 'StringEquals', variable: FIS_MANAGED_TAG, values: ['true'] }],
        },
        {
          sid: 'CreateTheDenyAllAclInThisVpc',
          effect: 'Allow',
          actions: ['ec2:CreateNetworkAcl'],
          resources: [props.vpcArn],
        },
        {
          sid: 'TagTheDenyAllAcl',
          effect: 'Allow',
          actions: ['ec2:CreateTags'],
          resources: [ec2Arn('network-acl/*')],
          condition: [
            { test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateNetworkAcl'] },
            { test: 'StringEquals', variable: FIS_MANAGED_TAG, values: ['true'] },
          ],
        },
        {
          sid: 'FillAndDeleteTheDenyAllAcl',
          effect: 'Allow',
          actions: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'],
          resources: [ec2Arn('network-acl/*'), props.vpcArn],
          condition: [{ test: 'StringEquals', variable: 'ec2:ResourceTag/managedByFIS', values: ['true'] }],
        },
        {
          // The ACL swapped in is created by the experiment and the original one comes back after
          // it, so the ACL side is any ACL of this region and account; the subnets are these only.
          sid: 'SwapTheSubnetsAcl',
          effect: 'Allow',
          actions: ['ec2:ReplaceNetworkAclAssociation'],
          resources: [...props.subnetArns, ec2Arn('network-acl/*')],
        },
        {
          // EC2's Describe actions take no resource-level permissions: AWS documents "*".
          sid: 'ReadTheNetwork',
          effect: 'Allow',
          actions: [
            'ec2:DescribeManagedPrefixLists',
            'ec2:DescribeNetworkAcls',
            'ec2:DescribeSubnets',
            'ec2:DescribeVpcs',
          ],
          resources: ['*'],
        },
        {
          // Log delivery to CloudWatch Logs (a vended log); AWS documents "*" for these actions.
          sid: 'DeliverTheExperimentLog',
          effect: 'Allow',
          actions: [
            'logs:CreateLogDelivery',
            'logs:DescribeLogGroups',
            'logs:DescribeResourcePolicies',
            'logs:PutResourcePolicy',
          ],
          resources: ['*'],
        },
      ],
    });
    const policy = new IamRolePolicy(this, 'Policy', {
      provider,
      role: this.role.id,
      name: 'failover-drills',
      policy: permissions.json,
    });

    const common = {
      provider,
      roleArn: this.role.arn,
      stopCondition: props.stopConditionAlarmArns.map((value) => ({ source: 'aws:cloudwatch:alarm', value })),
      logConfiguration: {
        logSchemaVersion: 2,
        cloudwatchLogsConfiguration: { logGroupArn: `${this.logGroup.arn}:*` },
      },
      // An experiment started before the policy exists would fail at its first action.
      dependsOn: [policy],
    };

    this.stopTasks = new FisExperimentTemplate(this, 'StopTasks', {
      ...common,
      description: `Failover drill: stop every task of the cluster ${props.clusterName} in ${region}`,
      target: [
        {
          name: 'ServiceTasks',
          resourceType: 'aws:ecs:task',
          selectionMode: 'ALL',
          parameters: { cluster: props.clusterName },
        },
      ],
      action: [
        {
          name: 'StopTasks',
          actionId: 'aws:ecs:stop-task',
          description: 'Stop every running task of every service in the cluster; ECS starts new ones',
          target: { key: 'Tasks', value: 'ServiceTasks' },
        },
      ],
      tags: { Name: `${namePrefix}-${region}-stop-tasks` },
    });

    this.blackhole = new FisExperimentTemplate(this, 'Blackhole', {
      ...common,
      description: `Failover drill: black-hole the private subnets of ${namePrefix} in ${region} for ${blackholeMinutes} min`,
      target: [
        {
          name: 'PrivateSubnets',
          resourceType: 'aws:ec2:subnet',
          selectionMode: 'ALL',
          resourceArns: props.subnetArns,
        },
      ],
      action: [
        {
          name: 'BlackholeSubnets',
          actionId: 'aws:network:disrupt-connectivity',
          description: 'Deny all traffic in and out of the private subnets, then restore their ACL',
          parameter: [
            { key: 'duration', value: `PT${blackholeMinutes}M` },
            { key: 'scope', value: 'all' },
          ],
          target: { key: 'Subnets', value: 'PrivateSubnets' },
        },
      ],
      tags: { Name: `${namePrefix}-${region}-blackhole` },
    });
  }
}

function validate(props: FisExperimentsProps): void {
  const fail = (prop: string, value: unknown, allowed: string): never => {
    throw new ValidationError('FisExperiments', prop, value, allowed);
  };
  const minutes = props.blackholeMinutes;
  if (
    minutes !== undefined &&
    !Token.isUnresolved(minutes) &&
    !(Number.isInteger(minutes) && minutes >= 1 && minutes <= 720)
  ) {
    fail(
      'blackholeMinutes',
      minutes,
      'use a whole number of minutes from 1 to 720 (FIS allows at most 12 hours)',
    );
  }
  if (props.subnetArns.length === 0) fail('subnetArns', props.subnetArns, 'list at least one subnet');
  if (props.stopConditionAlarmArns.length === 0) {
    fail(
      'stopConditionAlarmArns',
      props.stopConditionAlarmArns,
      'list at least one alarm: a drill without a stop condition cannot be stopped by the service’s health',
    );
  }
  if (props.stopConditionAlarmArns.length > 5) {
    fail(
      'stopConditionAlarmArns',
      props.stopConditionAlarmArns.length,
      'FIS takes at most 5 stop conditions',
    );
  }
}
