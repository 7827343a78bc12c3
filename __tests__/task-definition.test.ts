import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TaskDefinition, TaskDefinitionProps } from '../constructs/task-definition';
import { SynthesizedJson, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- container definitions are free-form JSON */

function synthTask(overrides: Partial<TaskDefinitionProps> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const role = (id: string) => new IamRole(scope, id, { provider, assumeRolePolicy: '{}' });
    new TaskDefinition(scope, 'Task', {
      provider,
      region: 'eu-west-1',
      namePrefix: 'fargate-test-api',
      executionRole: role('Execution'),
      taskRole: role('Application'),
      cpu: 512,
      memoryMiB: 1024,
      fileSystem: { fileSystemId: 'fs-1', accessPointId: 'fsap-1' },
      writablePaths: ['/tmp', '/var/cache'],
      app: {
        image: 'registry.example.com/api:1.0.0',
        user: '1000:1000',
        readonlyRootFilesystem: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'AWS_REGION', value: 'eu-west-1' }],
        secrets: [],
      },
      sizeSettingNames: {
        environment: 'environment',
        secrets: 'secrets',
        command: 'command',
        healthCheck: 'healthCheckCommand',
        sidecars: 'sidecars',
      },
      variableCount: 0,
      ...overrides,
    });
  });
}

const appContainer = (json: SynthesizedJson): Record<string, any> =>
  JSON.parse(
    String(resourceAt(json, 'aws_ecs_task_definition', 'Task/TaskDefinition').container_definitions),
  )[0];

describe('TaskDefinition', () => {
  it('defines the Fargate task <prefix>-task of the given size on the given roles', () => {
    const json = synthTask();
    expect(resourceAt(json, 'aws_ecs_task_definition', 'Task/TaskDefinition')).toMatchObject({
      family: 'fargate-test-api-task',
      cpu: '512',
      memory: '1024',
      network_mode: 'awsvpc',
      requires_compatibilities: ['FARGATE'],
      runtime_platform: { operating_system_family: 'LINUX', cpu_architecture: 'X86_64' },
      execution_role_arn: ref(json, 'aws_iam_role', 'Execution', 'arn'),
      task_role_arn: ref(json, 'aws_iam_role', 'Application', 'arn'),
    });
  });

  it('keeps its own log group /ecs/<prefix>, 90 days by default, and the application logs there', () => {
    const json = synthTask();
    expect(resourceAt(json, 'aws_cloudwatch_log_group', 'Task/LogGroup')).toMatchObject({
      name: '/ecs/fargate-test-api',
      retention_in_days: 90,
    });
    expect(appContainer(json).logConfiguration.options['awslogs-group']).toBe(
      ref(json, 'aws_cloudwatch_log_group', 'Task/LogGroup', 'name'),
    );
    const keyed = synthTask({ logRetentionDays: 30, logKmsKeyArn: 'arn:kms:logs' });
    expect(resourceAt(keyed, 'aws_cloudwatch_log_group', 'Task/LogGroup')).toMatchObject({
      retention_in_days: 30,
      kms_key_id: 'arn:kms:logs',
    });
  });

  it('mounts the file system at /mnt/efs and a scratch volume per writable path in the container app', () => {
    const json = synthTask();
    const volumes = resourceAt(json, 'aws_ecs_task_definition', 'Task/TaskDefinition').volume as Array<
      Record<string, unknown>
    >;
    expect(volumes).toEqual([
      {
        name: 'efs-storage',
        efs_volume_configuration: {
          file_system_id: 'fs-1',
          transit_encryption: 'ENABLED',
          authorization_config: { access_point_id: 'fsap-1', iam: 'ENABLED' },
        },
      },
      { name: 'scratch-1' },
      { name: 'scratch-2' },
    ]);
    expect(appContainer(json).name).toBe('app');
    expect(appContainer(json).mountPoints).toEqual([
      { sourceVolume: 'efs-storage', containerPath: '/mnt/efs', readOnly: false },
      { sourceVolume: 'scratch-1', containerPath: '/tmp', readOnly: false },
      { sourceVolume: 'scratch-2', containerPath: '/var/cache', readOnly: false },
    ]);
  });

  it('sets the architecture and ephemeral storage only when asked', () => {
    const json = synthTask({ cpuArchitecture: 'ARM64', ephemeralStorageGiB: 50 });
    expect(resourceAt(json, 'aws_ecs_task_definition', 'Task/TaskDefinition')).toMatchObject({
      runtime_platform: { cpu_architecture: 'ARM64' },
      ephemeral_storage: { size_in_gib: 50 },
    });
    expect(
      resourceAt(synthTask(), 'aws_ecs_task_definition', 'Task/TaskDefinition').ephemeral_storage,
    ).toBeUndefined();
    expect(resources(json, 'aws_ecs_task_definition')).toHaveLength(1);
  });
});
