import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { AppContainer, ContainerDefinitions, ContainerDefinitionsProps } from './container-definitions';

/** Name of the application container and of the task's EFS volume. */
export const CONTAINER_NAME = 'app';
export const EFS_VOLUME_NAME = 'efs-storage';
/** Where the EFS volume is mounted in the container (seed 8.3). */
export const EFS_CONTAINER_PATH = '/mnt/efs';

/**
 * The task's props. Those it hands to its containers unchanged (provider, region, the size message's
 * names, registry credentials, sidecars, the application's dependencies, log router, collector) are
 * documented once, on ContainerDefinitionsProps.
 */
export interface TaskDefinitionProps
  extends Pick<
    ContainerDefinitionsProps,
    | 'provider'
    | 'region'
    | 'sizeSettingNames'
    | 'variableCount'
    | 'repositoryCredentials'
    | 'sidecars'
    | 'appDependsOn'
    | 'logRouter'
    | 'collector'
  > {
  /** Prefix of names: the family is `<namePrefix>-task`, the log group `/ecs/<namePrefix>`. */
  readonly namePrefix: string;
  /** The role ECS starts the task with (image, logs, secrets); the containers add their reads. */
  readonly executionRole: IamRole;
  /** The role the application runs with; the log router and collector add their writes. */
  readonly taskRole: IamRole;
  /** Task CPU units, a Fargate size with memoryMiB. */
  readonly cpu: number;
  /** Task memory in MiB, a Fargate size with cpu. */
  readonly memoryMiB: number;
  /**
   * `X86_64` or `ARM64`.
   * @default 'X86_64'
   */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /**
   * Task ephemeral storage in GiB, 21 to 200.
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * Retention of the task's log group (and of the collector's metrics log group), in days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * KMS key that encrypts the task's log group (and the collector's metrics log group).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /** The file system mounted read-write at /mnt/efs through its access point, with IAM authorization and TLS. */
  readonly fileSystem: { readonly fileSystemId: string; readonly accessPointId: string };
  /** Absolute paths of the application backed by writable task storage, one scratch volume each. */
  readonly writablePaths: readonly string[];
  /** The application container but its name and mount points (the EFS volume and the scratch volumes). */
  readonly app: Omit<AppContainer, 'name' | 'mountPoints'>;
}

/**
 * The task (as aws-cdk's FargateTaskDefinition): its log group, its containers
 * (constructs/container-definitions.ts) and the Fargate task definition with the EFS volume and
 * the scratch volumes, on the roles it is given.
 */
export class TaskDefinition extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  /** The container definitions: the application's, sidecars, log router, collector. */
  public readonly containers: ContainerDefinitions;
  public readonly taskDefinition: EcsTaskDefinition;

  constructor(scope: Construct, id: string, props: TaskDefinitionProps) {
    super(scope, id);
    const { provider, namePrefix } = props;
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      provider,
      name: `/ecs/${namePrefix}`,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.logKmsKeyArn,
    });
    const scratchVolumes = props.writablePaths.map((containerPath, index) => ({
      name: `scratch-${index + 1}`,
      containerPath,
    }));
    this.containers = new ContainerDefinitions(this, 'Containers', {
      provider,
      region: props.region,
      namePrefix,
      app: {
        ...props.app,
        name: CONTAINER_NAME,
        mountPoints: [
          { sourceVolume: EFS_VOLUME_NAME, containerPath: EFS_CONTAINER_PATH, readOnly: false },
          ...scratchVolumes.map((v) => ({
            sourceVolume: v.name,
            containerPath: v.containerPath,
            readOnly: false,
          })),
        ],
      },
      logGroup: this.logGroup,
      logRetentionDays: props.logRetentionDays,
      logKmsKeyArn: props.logKmsKeyArn,
      executionRole: props.executionRole,
      taskRole: props.taskRole,
      taskCpu: props.cpu,
      taskMemoryMiB: props.memoryMiB,
      // The request's other fields (family, sizes, role ARNs, volumes): a generous 2 KiB plus 64
      // bytes per volume of the application.
      otherRequestBytes: 2048 + 64 * (scratchVolumes.length + 1),
      sizeSettingNames: props.sizeSettingNames,
      variableCount: props.variableCount,
      repositoryCredentials: props.repositoryCredentials,
      sidecars: props.sidecars,
      appDependsOn: props.appDependsOn,
      logRouter: props.logRouter,
      collector: props.collector,
    });

    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      provider,
      family: `${namePrefix}-task`,
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.cpuArchitecture ?? 'X86_64' },
      ephemeralStorage: props.ephemeralStorageGiB ? { sizeInGib: props.ephemeralStorageGiB } : undefined,
      executionRoleArn: props.executionRole.arn,
      taskRoleArn: props.taskRole.arn,
      volume: [
        {
          name: EFS_VOLUME_NAME,
          efsVolumeConfiguration: {
            fileSystemId: props.fileSystem.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { accessPointId: props.fileSystem.accessPointId, iam: 'ENABLED' },
          },
        },
        ...scratchVolumes.map((v) => ({ name: v.name })),
        ...this.containers.volumes.map((v) => ({ name: v.name })),
      ],
      containerDefinitions: this.containers.json,
    });
  }
}
